"""What the service decided about one pushed change, before its revision is final."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from server.services.records import Snapshot, WriteBatch
from sync.protocol.messages import Change, ChangeResult, ChangeStatus, FieldConflict

DRAFT, FINALISED, APPROVED = "draft", "finalised", "approved"
STATUSES = (DRAFT, FINALISED, APPROVED)


@dataclass
class Outcome:
    """A change's decision, turned into a ChangeResult once revisions are final."""

    change_id: uuid.UUID
    status: ChangeStatus
    revision: int | None = None
    snapshot: Snapshot | None = None
    conflicts: list[FieldConflict] = field(default_factory=list)
    reason: str | None = None
    field: str | None = None
    written: uuid.UUID | None = None
    denied: uuid.UUID | None = None
    #: A new record taken as sent: answer with the server's stamps, not the whole record.
    stamps_only: bool = False

    def result(self, batch: WriteBatch) -> ChangeResult:
        revision = batch.real(self.revision) if self.revision is not None else None
        record = stamps = None
        if self.snapshot is not None and self.stamps_only:
            stamps = self.snapshot.stamps()
        elif self.snapshot is not None:
            record = self.snapshot.to_wire(batch.real(self.snapshot.revision))
        return ChangeResult(
            change_id=self.change_id,
            status=self.status,
            revision=revision,
            record=record,
            stamps=stamps,
            conflicts=self.conflicts,
            reason=self.reason,
            field=self.field,
        )


def rejected(change: Change, reason: str, field_name: str | None = None) -> Outcome:
    return Outcome(change.change_id, ChangeStatus.REJECTED, reason=reason, field=field_name)


def not_in_caseload(change: Change) -> Outcome:
    outcome = rejected(
        change,
        "No record with this id is in your caseload. If the case was reallocated, your "
        "change cannot be sent; tell the case's new worker.",
    )
    outcome.denied = change.record_id
    return outcome


def noun_of(record_type: str) -> str:
    return record_type.replace("_", " ")
