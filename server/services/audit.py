"""Writing and querying the audit log.

Entries are only ever inserted; no code path updates or deletes them. They name records by id
and never carry case text, so the log itself is not a second copy of anyone's case.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.models import AuditEvent, table_of, utcnow

#: Built once, its values bound at each execution: every sync request writes an entry.
_INSERT = insert(table_of(AuditEvent))


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    outcome: str = "ok",
    device_id: uuid.UUID | None = None,
    record_type: str | None = None,
    record_ids: Iterable[uuid.UUID | str] = (),
    detail: str = "",
    address: str | None = None,
) -> None:
    """Add one audit entry to ``session``'s transaction (so it commits with the act itself).

    A plain INSERT rather than an ORM object: it runs on every sync request, and nothing reads
    the entry back in the same transaction.
    """
    session.execute(
        _INSERT,
        {
            "at": utcnow(),
            "actor": actor,
            "device_id": device_id,
            "action": action,
            "outcome": outcome,
            "record_type": record_type,
            "record_ids": [str(record_id) for record_id in record_ids],
            "detail": detail[:500],
            "address": address,
        },
    )


def record_caller_event(
    session: Session,
    *,
    caller: Caller,
    action: str,
    outcome: str = "ok",
    record_type: str | None = None,
    record_ids: Iterable[uuid.UUID | str] = (),
    detail: str = "",
) -> None:
    record_event(
        session,
        actor=caller.username,
        device_id=caller.device_id,
        action=action,
        outcome=outcome,
        record_type=record_type,
        record_ids=record_ids,
        detail=detail,
        address=caller.address,
    )


def query_events(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    record_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    outcome: str | None = None,
    limit: int = 100,
) -> Sequence[AuditEvent]:
    """Newest first. Filtering by record id scans recent entries in Python: portable across
    SQLite and PostgreSQL JSON, and the CLI is for investigations, not hot paths."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action.like(action.replace("*", "%")))
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    if outcome:
        query = query.where(AuditEvent.outcome == outcome)
    if record_id is None:
        return session.scalars(query.limit(limit)).all()
    found: list[AuditEvent] = []
    for event in session.scalars(query.execution_options(yield_per=500)):
        if record_id in event.record_ids:
            found.append(event)
            if len(found) >= limit:
                break
    return found
