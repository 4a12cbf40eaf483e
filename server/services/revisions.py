"""Revision numbers: handing them out to write transactions, and how far a reader may go.

Every record version and scope event carries a revision, and a laptop's pull cursor is the
revision it has read up to. The one rule: a reader must never move its cursor past a revision
that is still to commit, or it would skip that change for good.

SQLite has one writer at a time, so there a single counter row (``revision_counter``) is bumped
by each transaction; everything up to the value a reader sees is committed.

On PostgreSQL the counter row did the same job with its row lock, held from the moment a push
took its revisions to its commit, so every push in every server process wrote and committed
one at a time: under load most of them stood in that queue, and a second process made it
longer, not shorter. Revisions now come from a sequence (``revision_seq``), which never waits,
so pushes commit side by side; in exchange, a revision may be handed out before a lower one
commits, and the reader works out how far it may safely go:

- Before taking its revisions a writer *claims* its lower bound: a shared transaction-level
  advisory lock whose key is the sequence's last value plus one (:func:`take`). The claim is
  held until the transaction ends and everything it numbers is at or above the claim.
- A reader, before its snapshot, reads the sequence's last value ``L`` and then the claims held
  (``pg_locks``). Its top is one below the lowest claim, or ``L`` if there is none
  (:func:`settle_top`). A writer whose claim it saw cannot hold anything at or below the top;
  one that claimed after the reader looked at the claims numbers after the reader read ``L``,
  so above it; and one that has ended (its locks are released only after its commit is
  visible) is in the snapshot the reader takes next, or rolled back.

A claim costs one statement, a reader two, and nobody waits for anybody. Claims are keyed by
the sequence's own oid, so the schemas that share a test database do not see each other's.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from server.models import RevisionCounter, table_of

_COUNTER = table_of(RevisionCounter)
_SPACE = 1 << 32
#: The key under ``session.info`` where :func:`settle_top` leaves the reader's top.
_TOP = "casebook_revision_top"

#: The claim: a shared advisory lock on (the sequence's oid, its last value + 1), each as the
#: int4 a key takes (the low 32 bits, wrapped to a signed int, which ``pg_locks`` shows back
#: as an unsigned oid).
_CLAIM = text(
    """
    SELECT pg_advisory_xact_lock_shared(
        (k.space - CASE WHEN k.space >= 2147483648 THEN 4294967296 ELSE 0 END)::int4,
        (k.low - CASE WHEN k.low >= 2147483648 THEN 4294967296 ELSE 0 END)::int4)
    FROM (
        SELECT 'revision_seq'::regclass::oid::bigint AS space,
               (coalesce(pg_sequence_last_value('revision_seq'::regclass), 0) + 1)
                   & 4294967295 AS low
    ) AS k
    """
)
_NEXT = text("SELECT nextval('revision_seq') FROM generate_series(1, :count)")
_LAST = "SELECT coalesce(pg_sequence_last_value('revision_seq'::regclass), 0)"
_CLAIMS = """
    SELECT objid::bigint FROM pg_locks
    WHERE locktype = 'advisory' AND objsubid = 2 AND classid = 'revision_seq'::regclass::oid
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def take(session: Session, count: int) -> Sequence[int]:
    """``count`` new revisions for ``session``'s transaction, in ascending order: the last
    thing a transaction does before it writes the rows that carry them, and then commits."""
    if not _postgresql(session):
        top = session.execute(
            update(_COUNTER)
            .where(_COUNTER.c.id == 1)
            .values(value=_COUNTER.c.value + count)
            .returning(_COUNTER.c.value)
        ).scalar_one()
        return range(top - count + 1, top + 1)
    session.execute(_CLAIM)
    numbers = sorted(session.execute(_NEXT, {"count": count}).scalars())
    if numbers == list(range(numbers[0], numbers[0] + count)):
        return range(numbers[0], numbers[0] + count)
    return numbers


def _below_claims(last: int, claims: list[int]) -> int:
    """One below the lowest claim, or ``last`` if none is lower. A claim's key is its low 32
    bits, so each is the largest number not above ``last + 1`` with those bits (a claim in
    flight is never 2**32 revisions behind the sequence)."""
    lowest = min(((last + 1) - ((last + 1 - key) % _SPACE) for key in claims), default=last + 1)
    return min(last, lowest - 1)


def settle_top(session: Session) -> None:
    """Work out how far ``session``'s reads may go before it takes its snapshot (PostgreSQL;
    SQLite's counter needs nothing first). Call before ``session`` reads anything."""
    if not _postgresql(session):
        return
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    assert raw is not None
    # Outside any transaction, so that the snapshot is taken only by the first read after it,
    # as SQLAlchemy's own ping does on this driver.
    raw.autocommit = True
    try:
        cursor = raw.cursor()
        try:
            last = int(cursor.execute(_LAST).fetchone()[0])
            claims = [int(row[0]) for row in cursor.execute(_CLAIMS).fetchall()]
        finally:
            cursor.close()
    finally:
        raw.autocommit = False
    session.info[_TOP] = _below_claims(last, claims)


def reader_top(session: Session, counter: int | None) -> int:
    """The highest revision ``session`` may read up to, every revision at or below it that will
    ever commit being visible to it: on SQLite the ``counter`` row's value as read in the
    session's snapshot, on PostgreSQL what :func:`settle_top` found."""
    if not _postgresql(session):
        return counter or 0
    settled = session.info.get(_TOP)
    if settled is None:
        raise RuntimeError("revisions.settle_top must run before the session's first read")
    return int(settled)


def latest(session: Session) -> int:
    """The last revision handed out (committed or not): what ``/health`` shows."""
    if not _postgresql(session):
        value = session.execute(select(_COUNTER.c.value).where(_COUNTER.c.id == 1)).scalar()
        return int(value or 0)
    return int(session.execute(text(_LAST)).scalar_one())
