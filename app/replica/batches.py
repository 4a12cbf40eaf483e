"""The outbox taken a batch at a time for a push, and the quick looks a sync starts with.

Plain Core statements, each built once (one read, and the mark is one row), rather than ORM
objects: a first sync pushes tens of thousands of entries, and this bookkeeping must not cost
more than the push itself; on a quiet sync, building (and for an ORM statement, setting up)
each query cost about twice what running it did.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

from sqlalchemy import Connection, LargeBinary, bindparam, exists, select, type_coerce
from sqlalchemy.orm import Session

from app.models import KeptRemoval, OutboxEntry
from app.models.packed import unpack_text
from app.models.sync_state import PENDING, REJECTED
from app.replica.sent_mark import mark_sent_through

_OUTBOX = OutboxEntry.__table__
#: Any pending entry after a seq: the look before each batch, and (after 0) at a sync's start.
PENDING_AFTER = (
    select(_OUTBOX.c.seq)
    .where(_OUTBOX.c.state == PENDING, _OUTBOX.c.seq > bindparam("after"))
    .limit(1)
)
_EARLIER = _OUTBOX.alias("earlier")
_BATCH_COLUMNS = (
    _OUTBOX.c.seq,
    _OUTBOX.c.id,
    _OUTBOX.c.record_type,
    _OUTBOX.c.record_id,
    _OUTBOX.c.operation,
    _OUTBOX.c.base_revision,
    # The deflated JSON as stored: its text measures the batch (``take``).
    type_coerce(_OUTBOX.c.fields, LargeBinary).label("packed"),
    _OUTBOX.c.made_under,
)
#: The next batch's entries.
_BATCH = (
    select(*_BATCH_COLUMNS)
    .where(_OUTBOX.c.state == PENDING, _OUTBOX.c.seq > bindparam("after"))
    .order_by(_OUTBOX.c.seq)
    .limit(bindparam("most"))
)
#: The same, while the outbox holds a refused change: a change after a refused one of the same
#: record waits for the worker's decision about that one (a sign-off never goes before the
#: draft it signs off).
_BATCH_HOLDING = (
    select(*_BATCH_COLUMNS)
    .where(
        _OUTBOX.c.state == PENDING,
        _OUTBOX.c.seq > bindparam("after"),
        ~exists().where(
            _EARLIER.c.record_id == _OUTBOX.c.record_id,
            _EARLIER.c.state == REJECTED,
            _EARLIER.c.seq < _OUTBOX.c.seq,
        ),
    )
    .order_by(_OUTBOX.c.seq)
    .limit(bindparam("most"))
)
_ANY_REFUSED = select(_OUTBOX.c.seq).where(_OUTBOX.c.state == REJECTED).limit(1)
_ANY_KEPT = select(KeptRemoval.__table__.c.record_id).limit(1)
_WAITING_REFUSALS = (
    select(_OUTBOX.c.seq)
    .where(_OUTBOX.c.state == REJECTED, _OUTBOX.c.waits_for.is_not(None))
    .limit(1)
)


class Queued(NamedTuple):
    """An outbox entry taken for a batch, its fields as the stored JSON text."""

    seq: int
    id: uuid.UUID
    record_type: str
    record_id: uuid.UUID
    operation: str
    base_revision: int | None
    text: str
    made_under: str | None


def pending_after(rows: Connection, after: int) -> bool:
    """Whether an entry after seq ``after`` waits to be sent (seqs start at 1: after 0, any)."""
    return rows.scalar(PENDING_AFTER, {"after": after}) is not None


def any_refused(rows: Connection) -> bool:
    return rows.scalar(_ANY_REFUSED) is not None


def any_kept_removal(rows: Connection) -> bool:
    """Whether a removal is kept back for the worker's unsettled work."""
    return rows.scalar(_ANY_KEPT) is not None


def any_waiting_refusal(rows: Connection) -> bool:
    """Whether a refused change waits for a record to reach the service."""
    return rows.scalar(_WAITING_REFUSALS) is not None


def take(session: Session, *, after: int, most: int, most_text: int, holding: bool) -> list[Queued]:
    """The next batch: pending entries after seq ``after``, at most ``most`` of them and no
    more than ``most_text`` characters of fields unless one entry alone is, marked as possibly
    sent (``app.replica.sent_mark``) in the caller's write transaction. Empty when there is
    nothing to send.

    ``holding``: the outbox holds a refused change, so changes behind one are held back
    (which costs a look-up per entry, so only then).
    """
    statement = _BATCH_HOLDING if holding else _BATCH
    rows = session.connection().execute(statement, {"after": after, "most": most}).all()
    taken: list[Queued] = []
    total = 0
    for row in rows:
        text = unpack_text(row.packed)
        # The stored JSON escapes every non-ASCII character, so its length in characters
        # is at least the length in bytes of the same fields on the wire.
        total += len(text)
        if taken and total > most_text:
            break
        taken.append(
            Queued(
                row.seq,
                row.id,
                row.record_type,
                row.record_id,
                row.operation,
                row.base_revision,
                text,
                row.made_under,
            )
        )
    if taken:
        # From here on these entries' meaning is fixed.
        mark_sent_through(session, taken[-1].seq)
    return taken
