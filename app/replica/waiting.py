"""Pulled versions kept until the record they refer to arrives (``sync_waiting``).

``sync.waiting`` decides which versions must wait; this is where they are kept, as the service
sent them (JSON), newest of each record, so an interrupted pull loses nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import WaitingVersion


def keep(
    session: Session, record_id: uuid.UUID, record_type: str, revision: int, version: dict[str, Any]
) -> None:
    """Keep this version unless a newer one of the same record is kept already."""
    kept = session.get(WaitingVersion, record_id)
    if kept is None:
        session.add(
            WaitingVersion(
                record_id=record_id, record_type=record_type, revision=revision, version=version
            )
        )
    elif kept.revision < revision:
        kept.revision = revision
        kept.version = version


def kept_versions(session: Session) -> list[dict[str, Any]]:
    """Every version waiting, as it was kept."""
    return [row.version for row in session.scalars(select(WaitingVersion))]


def forget(session: Session, record_ids: Iterable[uuid.UUID] | None = None) -> None:
    """Drop these waiting versions, or all of them."""
    statement = delete(WaitingVersion)
    if record_ids is not None:
        statement = statement.where(WaitingVersion.record_id.in_(list(record_ids)))
    session.execute(statement)
