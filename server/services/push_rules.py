"""The service's rules for a pushed change beyond its fields' own validation: what a change
may not do however it merges (change a signed-off record, claim a newer base than the service
has), what its references must point at, an attachment's size, and who may sign off or
approve. Each answers with the refusal, or None."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.core.config import Settings
from server.models import Record
from server.services import scope
from server.services.files import SHA256
from server.services.merge import FieldError
from server.services.push_outcome import APPROVED, FINALISED, STATUSES, Outcome, noun_of, rejected
from server.services.records import RecordState
from sync.protocol.messages import Change
from sync.protocol.records import FINALISABLE, RECORD_FIELDS


def check_base(change: Change, record: RecordState) -> Outcome | None:
    base = change.base_revision
    if base is not None and record.revision > 0 and base > record.revision:
        return rejected(
            change,
            "This laptop's copy claims a newer version than the server has. Re-sync the "
            "laptop fully; your unsent changes are kept.",
        )
    return None


def signed_off(change: Change, record: RecordState) -> Outcome:
    who = record.fields.get("finalised_by") or record.updated_by
    when = str(record.fields.get("finalised_at") or "")[:10]
    noun = noun_of(record.record_type)
    return rejected(
        change,
        f"This {noun} was signed off by {who}{' on ' + when if when else ''} and can no "
        f"longer be changed. Write an addendum to the {noun} instead.",
        next(iter(change.fields), None),
    )


def reference_rules(
    session: Session,
    records: dict[uuid.UUID, RecordState],
    record_type: str,
    fields: dict[str, Any],
    subject: tuple[str, uuid.UUID],
) -> FieldError | None:
    """An addendum adds to a record the service holds, of the kind it names, about the
    same child or household; otherwise a laptop could leave one pointing at nothing. A
    target the service does not hold yet (its own change was refused, or is still to
    come) is refused with ``target_id`` as the field: the laptop sends the addendum again
    once the target has been accepted (``sync.refused``)."""
    if record_type != "addendum":
        return None
    target_id = uuid.UUID(str(fields["target_id"]))
    target: RecordState | Any = records.get(target_id)
    if target is None:
        # Read, not locked: a lock out of the batch's id order could deadlock two pushes.
        target = session.execute(
            select(
                Record.record_type, Record.deleted, Record.subject_type, Record.subject_id
            ).where(Record.record_id == target_id)
        ).first()
    noun = noun_of(str(fields.get("target_type", "record")))
    if target is None or target.deleted:
        return FieldError(
            f"The {noun} this addendum adds to is not on the service yet. The addendum is "
            f"kept on this laptop and sent again once the {noun} has been accepted.",
            "target_id",
        )
    if (
        target.record_type != fields.get("target_type")
        or (
            target.subject_type,
            target.subject_id,
        )
        != subject
    ):
        return FieldError(
            "This addendum names a record of another kind or about another child or household.",
            "target_id",
        )
    return None


def attachment_rules(
    settings: Settings, record_type: str, fields: dict[str, Any]
) -> FieldError | None:
    """An attachment names its file by SHA-256 and may not exceed the server's size limit."""
    if record_type != "attachment":
        return None
    if "sha256" in fields and not SHA256.match(fields["sha256"]):
        return FieldError("sha256 must be 64 lower-case hexadecimal digits.", "sha256")
    size = fields.get("size")
    limit = settings.max_attachment_bytes
    if size is not None and not 0 <= size <= limit:
        return FieldError(
            f"Attachments can be at most {limit // (1024 * 1024)} MB; this one is "
            f"{size / (1024 * 1024):.1f} MB.",
            "size",
        )
    return None


def finalisable_rules(
    session: Session,
    caller: Caller,
    now: str,
    record_type: str,
    current: dict[str, Any] | None,
    changes: dict[str, Any],
    subject: tuple[str, uuid.UUID],
) -> FieldError | None:
    """Status transitions; fills in who signed off or approved (never taken from a laptop)."""
    if record_type not in FINALISABLE or "status" not in changes:
        return None
    new = changes["status"]
    old = current.get("status") if current else None
    if new not in STATUSES:
        return FieldError(f"Status must be one of {', '.join(STATUSES)}.", "status")
    if new == APPROVED and old != APPROVED:
        if old != FINALISED:
            return FieldError("A record must be finalised before it can be approved.", "status")
        team = scope.subject_team(session, subject_type=subject[0], subject_id=subject[1])
        if not caller.is_manager or team is None or team != caller.team_id:
            return FieldError(
                "Only a manager of the team holding this case can approve it.", "status"
            )
        if "approved_by" in RECORD_FIELDS[record_type]:
            changes["approved_by"] = caller.username
            changes["approved_at"] = now
    if new == FINALISED and old != FINALISED:
        changes["finalised_by"] = caller.username
        if not changes.get("finalised_at"):
            changes["finalised_at"] = now
    return None
