"""Writing to the local audit trail for events that are not record saves (unlock, export, view).

Saves are audited by the store's flush hook; this is for the rest. Details must never hold case
text: name the record, not what it says.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.models import AuditEvent


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    record_type: str | None = None,
    record_id: uuid.UUID | None = None,
    detail: str = "",
) -> None:
    session.add(
        AuditEvent(
            actor=actor, action=action, record_type=record_type, record_id=record_id, detail=detail
        )
    )
