"""Which outbox entries may have reached the service: every entry up to one seq, the mark.

A push takes pending entries strictly in seq order and records, before a batch leaves the
laptop, that everything up to its last seq may have arrived. From then on those entries' meaning
is fixed: a later edit to the same record is queued as an entry of its own, not folded into one
the service may already hold, and a merge never rebases them (the service dedupes them by id or
answers with a conflict of its own).

One number says this because what may have been sent is always a prefix of the outbox. Marking
each entry instead meant rewriting every queued change (a whole record's text, for a new one)
just before sending it: about a fifth of the laptop's work in a push. Seqs are never reused (the
table is ``AUTOINCREMENT``), so an entry queued after the mark is always above it.

The mark lives in ``profile_state``, so it is encrypted and commits or rolls back with the
transaction that moved it.
"""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from app.models import OutboxEntry, ProfileState
from app.replica import state

SENT_THROUGH_KEY = state.SENT_THROUGH.name


def sent_through(session: Session) -> int:
    """The highest seq that may have left the laptop (0 if nothing has)."""
    return state.get(session, state.SENT_THROUGH) or 0


#: The mark set to a seq unless it is there or beyond already: one statement, built once. A
#: sync moves it before every batch it sends, and a read, then write, through the ORM was a
#: visible share of a small sync (``bench.small_sync``; bench/README.md).
_RAISE_MARK = (
    insert(ProfileState)
    .values(key=SENT_THROUGH_KEY, value=bindparam("seq", type_=String))
    .on_conflict_do_update(
        index_elements=["key"],
        set_={"value": literal_column("excluded.value")},
        where=cast(ProfileState.value, Integer) < cast(literal_column("excluded.value"), Integer),
    )
)


def mark_sent_through(session: Session, seq: int) -> None:
    """Everything up to ``seq`` may now reach the service. The mark only ever rises."""
    session.connection().execute(_RAISE_MARK, {"seq": str(seq)})


def never_sent() -> ColumnElement[bool]:
    """SQL for "this entry has not left the laptop" (its seq is above the mark)."""
    mark = (
        select(cast(ProfileState.value, Integer))
        .where(ProfileState.key == SENT_THROUGH_KEY)
        .scalar_subquery()
    )
    return OutboxEntry.seq > func.coalesce(mark, 0)


def is_unsent(entry: OutboxEntry, through: int) -> bool:
    """Whether ``entry`` has not left the laptop, given the mark (``sent_through``). An entry
    not yet flushed has no seq and is certainly unsent."""
    return entry.seq is None or entry.seq > through
