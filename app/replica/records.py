"""The reads of the record tables that a sync's decisions need, each named.

``sync/`` decides what a pulled version or a removal means for the laptop's records; what it
asks of them on the way (which records it holds, at what revision, which records hang off a
child or household, which conflicts the worker has been shown) is read here, so ``sync/``
holds no SQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import RECORD_TYPES, Assessment, FieldConflictRecord, Record
from app.store.lookup import rows_with_ids


def held_revisions(
    session: Session, record_type: str, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int | None]:
    """The server revision of each of these records the laptop holds (None: never synced)."""
    cls = RECORD_TYPES[record_type]
    return dict(rows_with_ids(session, select(cls.id, cls.server_revision), cls.id, ids))


def held_ids(session: Session, record_type: str, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Which of these records the laptop holds."""
    cls = RECORD_TYPES[record_type]
    return [row.id for row in rows_with_ids(session, select(cls.id), cls.id, ids)]


def linked_records(session: Session, link: str, subject_id: Any) -> list[Record]:
    """The records whose ``link`` column (``child_id``, ``household_id``...) names this
    subject. A record about a child (a placement, a visit) stays with the child: a household's
    records are those not also about a child."""
    found: list[Record] = []
    for cls in RECORD_TYPES.values():
        column = getattr(cls, link, None)
        if column is None:
            continue
        query = select(cls).where(column == subject_id)
        child_link = getattr(cls, "child_id", None)
        if link == "household_id" and child_link is not None:
            query = query.where(child_link.is_(None))
        found += session.scalars(query).all()
    return found


def is_linked(session: Session, link: str, subject_id: Any) -> bool:
    """Whether any record's ``link`` column names this subject (a child's visits)."""
    return any(
        session.scalar(select(cls.id).where(getattr(cls, link) == subject_id).limit(1)) is not None
        for cls in RECORD_TYPES.values()
        if hasattr(cls, link)
    )


def field_conflicts(
    session: Session, record_type: str, record_id: uuid.UUID
) -> Sequence[FieldConflictRecord]:
    """The field conflicts the laptop has recorded on this record."""
    return session.scalars(
        select(FieldConflictRecord).where(
            FieldConflictRecord.record_type == record_type,
            FieldConflictRecord.record_id == record_id,
        )
    ).all()


def form_versions_used(session: Session) -> list[tuple[str, int]]:
    """Each form (template id and version) that an assessment on this laptop was made with."""
    used = session.execute(
        select(Assessment.template_id, Assessment.template_version).distinct()
    ).all()
    return [(template_id, version) for template_id, version in used]
