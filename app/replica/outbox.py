"""The laptop's sync bookkeeping that more than one part of the app reads or writes: the pull
cursor a new change is queued under, the refused changes a person has to decide about, and the
removals kept back for them.

Kept together (rather than as queries scattered through the store, the sync engine and the
screens) so that what "waiting", "refused" and "kept" mean is written down once.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import FieldConflictRecord, KeptRemoval, OutboxEntry
from app.models.sync_state import PENDING, REJECTED
from app.replica import state


def pull_cursor(session: Session) -> str | None:
    """How far this laptop has heard from the service (None before its first pull)."""
    return state.get(session, state.PULL_CURSOR) or None


def queue(
    session: Session,
    *,
    record_type: str,
    record_id: uuid.UUID,
    operation: str,
    base_revision: int | None,
    fields: dict[str, Any],
    made_under: str | None = None,
) -> OutboxEntry:
    """Queue a change for the service, stamped with the cursor it was made under (the
    laptop's current one unless the change carries on from earlier ones: a merge re-queues
    what the worker wrote before, under the cursor it was first written under)."""
    entry = OutboxEntry(
        record_type=record_type,
        record_id=record_id,
        operation=operation,
        base_revision=base_revision,
        fields=fields,
        made_under=made_under if made_under is not None else pull_cursor(session),
    )
    session.add(entry)
    return entry


def entry(session: Session, entry_id: uuid.UUID) -> OutboxEntry | None:
    """The outbox entry with this change id (None once it has been settled)."""
    return session.scalar(select(OutboxEntry).where(OutboxEntry.id == entry_id))


def later_pending(session: Session, entry: OutboxEntry) -> list[OutboxEntry]:
    """Pending changes of ``entry``'s record queued after it (held back behind it, if it was
    refused), oldest first."""
    return [
        later
        for later in session.scalars(
            select(OutboxEntry)
            .where(OutboxEntry.record_id == entry.record_id, OutboxEntry.seq > entry.seq)
            .order_by(OutboxEntry.seq)
        )
        if later.state == PENDING and later.record_type == entry.record_type
    ]


def waiting_refusals(session: Session) -> list[OutboxEntry]:
    """Refused changes waiting for a record to reach the service (``waits_for``), oldest
    first."""
    return list(
        session.scalars(
            select(OutboxEntry)
            .where(OutboxEntry.state == REJECTED, OutboxEntry.waits_for.is_not(None))
            .order_by(OutboxEntry.seq)
        ).all()
    )


def pending_of(session: Session, record_type: str, record_id: Any) -> list[OutboxEntry]:
    """The pending entries of one record.

    Looked up by record id alone, then filtered: with ``state`` in the SQL too, SQLite may
    walk the state index over every pending entry (see ``app.replica.settle.pending_entries``).
    """
    return [
        entry
        for entry in session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == record_id))
        if entry.record_type == record_type and entry.state == PENDING
    ]


def refuse(entry: OutboxEntry, reason: str, waits_for: uuid.UUID | None) -> None:
    """The service refused this change: it is set aside with the reason until a person
    decides (or, ``waits_for``, until the record it refers to reaches the service)."""
    entry.state = REJECTED
    entry.rejection_reason = reason
    if waits_for is not None:
        entry.waits_for = waits_for


def drop(session: Session, entry: OutboxEntry) -> None:
    """Take a settled or decided entry out of the outbox."""
    session.delete(entry)


def unsettled(session: Session, record_type: str, record_id: Any) -> bool:
    """Whether the worker has anything on this record that has neither reached the service
    nor been decided by a person: an unsent or refused change, or a conflict not resolved.
    Such a record never leaves the laptop."""
    entry = session.scalar(
        select(OutboxEntry.seq)
        .where(
            OutboxEntry.record_id == record_id,
            OutboxEntry.record_type == record_type,
            OutboxEntry.state.in_((PENDING, REJECTED)),
        )
        .limit(1)
    )
    if entry is not None:
        return True
    conflict = session.scalar(
        select(FieldConflictRecord.id)
        .where(
            FieldConflictRecord.record_id == record_id,
            FieldConflictRecord.record_type == record_type,
            FieldConflictRecord.resolved_at.is_(None),
        )
        .limit(1)
    )
    return conflict is not None


def keep_removal(session: Session, record_type: str, record_id: uuid.UUID, reason: str) -> None:
    """Remember a removal the laptop could not carry out yet (``unsettled`` work)."""
    if session.get(KeptRemoval, record_id) is None:
        session.add(KeptRemoval(record_id=record_id, record_type=record_type, reason=reason))


def kept_removal(session: Session, record_id: uuid.UUID) -> KeptRemoval | None:
    return session.get(KeptRemoval, record_id)


def drop_kept_removal(session: Session, kept: KeptRemoval) -> None:
    """A kept removal was carried out, or no longer holds."""
    session.delete(kept)


def kept_removals(session: Session) -> list[KeptRemoval]:
    return list(session.scalars(select(KeptRemoval).order_by(KeptRemoval.kept_at)))


def refused_count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == REJECTED)
        )
        or 0
    )


def unsettled_count(session: Session) -> int:
    """Changes not yet taken by the service nor decided by a person, and open conflicts."""
    entries = session.scalar(
        select(func.count())
        .select_from(OutboxEntry)
        .where(OutboxEntry.state.in_((PENDING, REJECTED)))
    )
    conflicts = session.scalar(
        select(func.count())
        .select_from(FieldConflictRecord)
        .where(FieldConflictRecord.resolved_at.is_(None))
    )
    return int(entries or 0) + int(conflicts or 0)


def counts_by_state(session: Session) -> tuple[int, int]:
    """How many changes are waiting to be sent, and how many the service refused."""
    grouped = select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)
    counts = {entry_state: n for entry_state, n in session.execute(grouped)}
    return int(counts.get(PENDING, 0)), int(counts.get(REJECTED, 0))


def unsettled_entries(session: Session) -> list[OutboxEntry]:
    """Every change waiting to be sent or refused, oldest first."""
    return list(
        session.scalars(
            select(OutboxEntry)
            .where(OutboxEntry.state.in_((PENDING, REJECTED)))
            .order_by(OutboxEntry.seq)
        )
    )


def refused_entries(session: Session) -> list[OutboxEntry]:
    """Every change the service refused, oldest first."""
    return list(
        session.scalars(
            select(OutboxEntry).where(OutboxEntry.state == REJECTED).order_by(OutboxEntry.seq)
        )
    )
