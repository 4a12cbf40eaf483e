"""The permanency domain, one module per area; import models from here."""

from __future__ import annotations

from sqlalchemy import Table

from app.models.attachments import Attachment, AttachmentContent
from app.models.audit import AuditEvent
from app.models.base import APPROVED, DRAFT, FINALISED, Base, Finalisable, Record
from app.models.carers import Carer, CarerHousehold, TrainingRecord
from app.models.children import CarePlan, Child, LegalStatus, Placement
from app.models.due_cache import DeadlineStale, DueItemRow, DueSubject
from app.models.forms import FetchedTemplate
from app.models.recording import Action, Addendum, Assessment, CaseNote, Review, Visit
from app.models.sync_state import (
    AttachmentUpload,
    FieldConflictRecord,
    KeptRemoval,
    OutboxEntry,
    ProfileState,
    ResyncSeen,
    SyncBase,
    WaitingVersion,
)
from app.models.trigger_pause import TriggerPause

#: Every synchronised record type by its wire name.
RECORD_TYPES: dict[str, type[Record]] = {
    cls.record_type: cls
    for cls in (
        Child,
        LegalStatus,
        CarePlan,
        Placement,
        CarerHousehold,
        Carer,
        TrainingRecord,
        Visit,
        Assessment,
        Review,
        Action,
        CaseNote,
        Addendum,
        Attachment,
    )
}


def record_table(record_type: str) -> Table:
    """The table of a synchronised record type, for Core statements."""
    # ``__table__`` is set on each concrete model by the declarative base; ``Record``, the
    # type RECORD_TYPES holds, is the abstract mixin and does not declare it.
    table = RECORD_TYPES[record_type].__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


__all__ = [
    "APPROVED",
    "DRAFT",
    "FINALISED",
    "RECORD_TYPES",
    "ResyncSeen",
    "Action",
    "AttachmentUpload",
    "Addendum",
    "Assessment",
    "Attachment",
    "AttachmentContent",
    "AuditEvent",
    "Base",
    "CarePlan",
    "CaseNote",
    "Carer",
    "CarerHousehold",
    "Child",
    "DeadlineStale",
    "DueItemRow",
    "DueSubject",
    "FetchedTemplate",
    "FieldConflictRecord",
    "Finalisable",
    "KeptRemoval",
    "LegalStatus",
    "OutboxEntry",
    "Placement",
    "ProfileState",
    "Record",
    "Review",
    "SyncBase",
    "TrainingRecord",
    "TriggerPause",
    "Visit",
    "WaitingVersion",
    "record_table",
]
