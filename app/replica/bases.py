"""The merge bases (``sync_base``): the service's version of a record as this laptop last saw
it, kept while the record has unsent edits, the common ancestor a three-way merge compares
both sides against."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.models import SyncBase


def base_of(session: Session, record_type: str, record_id: uuid.UUID) -> SyncBase | None:
    return session.get(SyncBase, (record_type, record_id))


def drop(session: Session, base: SyncBase) -> None:
    """Forget a base (the record is the service's version again, or gone)."""
    session.delete(base)


def keep(
    session: Session, record_type: str, record_id: Any, revision: int, fields: dict[str, Any]
) -> None:
    """Keep the service's version at ``revision`` as the record's base, unless a newer one is
    kept already."""
    row = session.get(SyncBase, (record_type, record_id))
    if row is None:
        session.add(
            SyncBase(record_type=record_type, record_id=record_id, revision=revision, fields=fields)
        )
    elif revision >= row.revision:
        row.revision, row.fields = revision, fields


def forget(session: Session, record_type: str, record_id: Any) -> None:
    """No unsent edits remain: the record itself is the service's version, so no base is kept
    (``app.store.write_hooks`` takes one again at the next local edit)."""
    row = session.get(SyncBase, (record_type, record_id))
    if row is not None:
        session.delete(row)
