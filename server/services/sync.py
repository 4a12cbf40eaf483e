"""Push and pull: applying a laptop's changes and feeding it everything it may hold.

Push runs a whole batch in one write transaction (retried from scratch on a transient conflict,
which is safe because every change's result is looked up first). Each change is decided on its
own: a rejected or conflicting change records its result and the rest of the batch goes on.

Pull walks a feed ordered by ``(key, record_id)`` where ``key`` is a record's revision, or the
revision of the scope event that brought its subject to the caller if that is later (so a newly
allocated case arrives whole, old revisions included). Removals for records that left the scope
are keyed by the scope event that took them away.
"""

from __future__ import annotations

import functools
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable, Subquery

from server.core.caller import Caller
from server.core.config import Settings
from server.core.errors import ServiceError, not_found
from server.core.security import open_document, sign_document
from server.db import execute_many
from server.models import (
    Allocation,
    ChangeReceipt,
    Record,
    RecordVersion,
    RevisionCounter,
    ScopeEvent,
    ServerState,
    table_of,
)
from server.services import audit, late_work, merge, revisions, scope
from server.services.files import SHA256
from server.services.id_lists import IdListStatement, in_ids, listed
from server.services.merge import SCOPE_DERIVED, SUBJECT_TYPES, FieldError
from server.services.pull_page import FeedRecord, PullPage
from server.services.records import (
    RecordState,
    Snapshot,
    WriteBatch,
    load_meta,
    lock_records,
)
from sync.protocol.messages import (
    Change,
    ChangeResult,
    ChangeStatus,
    FieldConflict,
    PushResponse,
    Removal,
)
from sync.protocol.records import FINALISABLE, RECORD_FIELDS

logger = logging.getLogger(__name__)

DRAFT, FINALISED, APPROVED = "draft", "finalised", "approved"
STATUSES = (DRAFT, FINALISED, APPROVED)


# ---- Push


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


def _rejected(change: Change, reason: str, field_name: str | None = None) -> Outcome:
    return Outcome(change.change_id, ChangeStatus.REJECTED, reason=reason, field=field_name)


def _not_in_caseload(change: Change) -> Outcome:
    outcome = _rejected(
        change,
        "No record with this id is in your caseload. If the case was reallocated, your "
        "change cannot be sent; tell the case's new worker.",
    )
    outcome.denied = change.record_id
    return outcome


def _noun(record_type: str) -> str:
    return record_type.replace("_", " ")


@dataclass
class _Push:
    session: Session
    caller: Caller
    settings: Settings
    batch: WriteBatch
    #: Every record the batch touches, read and locked up front in one query; records the batch
    #: creates are added as it goes, so a later change to the same record sees them.
    records: dict[uuid.UUID, RecordState] = field(default_factory=dict)
    _scope_cache: dict[tuple[str, uuid.UUID], bool] = field(default_factory=dict)
    #: Children and households the batch creates, looked up together: all of them, and those
    #: someone already holds (whose ids are therefore refused).
    _checked: set[tuple[str, uuid.UUID]] = field(default_factory=set)
    _taken: set[tuple[str, uuid.UUID]] = field(default_factory=set)
    #: Allocations of the subjects the batch creates, inserted together by ``finish``.
    _allocations: list[dict[str, Any]] = field(default_factory=list)
    #: The signing key and the push's cursor, to read the cursor a change was made under.
    secret: str | None = None
    push_cursor: str | None = None
    #: Work accepted for subjects that have moved on since (``server.services.late_work``).
    _late_notes: late_work.LateNotes = field(default_factory=late_work.LateNotes)
    _late_written: list[tuple[uuid.UUID, str | None]] = field(default_factory=list)

    @property
    def device(self) -> str | None:
        return str(self.caller.device_id) if self.caller.device_id else None

    def in_scope(self, subject: tuple[str, uuid.UUID]) -> bool:
        if subject not in self._scope_cache:
            self._scope_cache[subject] = scope.subject_in_scope(
                self.session, caller=self.caller, subject_type=subject[0], subject_id=subject[1]
            )
        return self._scope_cache[subject]

    def prefetch_scope(self, changes: list[Change]) -> None:
        """Answer "is this subject in the caller's caseload?" for a whole batch in one query
        per subject type, instead of one query per child the batch mentions."""
        wanted: dict[str, set[uuid.UUID]] = {}
        creating: set[tuple[str, uuid.UUID]] = set()
        for change in changes:
            record = self.records.get(change.record_id)
            subject: tuple[str, uuid.UUID] | None
            if record is not None:
                subject = (record.subject_type, record.subject_id)
            elif change.record_type in SUBJECT_TYPES:
                subject = (change.record_type, change.record_id)
                creating.add(subject)
            else:
                try:
                    subject = merge.subject_of(change.record_type, change.record_id, change.fields)
                except ValueError:
                    subject = None  # a malformed id: ``apply`` rejects it with its field
            if subject is not None and subject not in self._scope_cache:
                wanted.setdefault(subject[0], set()).add(subject[1])
        for subject_type, ids in wanted.items():
            held = scope.subjects_in_scope(
                self.session, caller=self.caller, subject_type=subject_type, subject_ids=ids
            )
            for subject_id in ids:
                self._scope_cache[(subject_type, subject_id)] = subject_id in held
        for subject_type in {kind for kind, _ in creating}:
            ids = {subject_id for kind, subject_id in creating if kind == subject_type}
            found = self.session.scalars(
                select(Allocation.subject_id).where(
                    Allocation.subject_type == subject_type,
                    in_ids(self.session, Allocation.subject_id, ids),
                )
            )
            self._taken.update((subject_type, subject_id) for subject_id in found)
        self._checked |= creating

    def finish(self) -> None:
        """Write what was collected for the whole batch (the new subjects' allocations, and a
        note flagging late work to each case's new worker)."""
        if self._allocations:
            self.session.execute(insert(table_of(Allocation)), self._allocations)
            self._allocations.clear()
        today = self.batch.now.date()
        for subject in list(self._late_notes.items):
            fields, _error = merge.validate_fields(
                "case_note", self._late_notes.note_fields(subject, today), creating=True
            )
            fields["finalised_by"] = late_work.SERVICE_AUTHOR
            fields["finalised_at"] = self.batch.now_text
            note = self.batch.new_record(
                record_type="case_note",
                record_id=uuid.uuid4(),
                subject=subject,
                author=late_work.SERVICE_AUTHOR,
            )
            self.batch.write(
                record=note, changes=fields, author=late_work.SERVICE_AUTHOR, device_id=None
            )
        if self._late_written:
            for holder in {moved_to for _id, moved_to in self._late_written}:
                audit.record_caller_event(
                    self.session,
                    caller=self.caller,
                    action="record.write.late",
                    record_ids=[rid for rid, moved_to in self._late_written if moved_to == holder],
                    detail=f"recorded before the case moved to={holder or '-'}",
                )
        self._late_notes = late_work.LateNotes()
        self._late_written.clear()

    def _judge_late(
        self, change: Change, subject: tuple[str, uuid.UUID]
    ) -> late_work.Late | late_work.Refusal:
        """Whether the caller held ``subject`` when ``change`` was made (it has left them)."""
        text = change.made_under or self.push_cursor
        key: int | None = None
        if text and self.secret:
            try:
                cursor = decode_cursor(self.secret, text)
            except ServiceError:
                cursor = None
            if cursor is not None:
                # A cursor part-way through a revision may not have seen all of it.
                key = cursor.key - 1 if cursor.after is not None else cursor.key
        return late_work.judge(self.session, caller=self.caller, subject=subject, cursor_key=key)

    def _refused_late(
        self, change: Change, verdict: late_work.Refusal, denied: uuid.UUID, field_name: str | None
    ) -> Outcome:
        outcome = _rejected(change, verdict.reason, field_name)
        outcome.denied = denied
        return outcome

    def _note_late(
        self,
        outcome: Outcome,
        late: late_work.Late,
        subject: tuple[str, uuid.UUID],
        record_type: str,
        fields: dict[str, Any],
    ) -> Outcome:
        if outcome.written is not None:
            self._late_notes.add(subject, late, late_work.describe(record_type, fields))
            self._late_written.append((outcome.written, late.moved_to))
        return outcome

    def apply(self, change: Change) -> Outcome:
        if change.record_type not in RECORD_FIELDS:
            known = ", ".join(sorted(RECORD_FIELDS))
            return _rejected(
                change,
                f"Unknown record type {change.record_type!r} (known: {known}).",
                "record_type",
            )
        record = self.records.get(change.record_id)
        if record is None:
            return self._create(change)
        if record.record_type != change.record_type:
            return _not_in_caseload(change)
        subject = (record.subject_type, record.subject_id)
        late: late_work.Late | None = None
        if not self.in_scope(subject):
            verdict = self._judge_late(change, subject)
            if isinstance(verdict, late_work.Refusal):
                return self._refused_late(change, verdict, change.record_id, None)
            late = verdict
        if change.operation == "delete":
            outcome = self._delete(change, record)
        else:
            outcome = self._update(change, record)
        if late is not None:
            self._note_late(outcome, late, subject, record.record_type, record.fields)
        return outcome

    # -- new records

    def _create(self, change: Change) -> Outcome:
        if change.operation == "delete":
            # Deleting what the server never had: nothing to do, and nothing to tell anyone.
            return Outcome(change.change_id, ChangeStatus.APPLIED)
        if change.base_revision is not None:
            return _rejected(
                change,
                "This record is no longer on the server (it may have been removed long ago). "
                "Copy anything you need from it, then re-sync this laptop.",
            )
        fields, error = merge.validate_fields(change.record_type, change.fields, creating=True)
        error = error or self._attachment_rules(change.record_type, fields)
        if error is not None:
            return _rejected(change, error.reason, error.field)
        subject = merge.subject_of(change.record_type, change.record_id, fields)
        late: late_work.Late | None = None
        if subject is None:
            return _rejected(
                change,
                f"A {_noun(change.record_type)} must belong to a child or a carer household: "
                "set child_id or household_id.",
                "child_id",
            )
        if change.record_type in SUBJECT_TYPES:
            if self._allocated(subject):
                return _not_in_caseload(change)
            self._allocate_new_subject(subject)
            fields[SCOPE_DERIVED[change.record_type]] = self.caller.username
        elif not self.in_scope(subject):
            field_name = "child_id" if subject[0] == "child" else "household_id"
            verdict = self._judge_late(change, subject)
            if isinstance(verdict, late_work.Refusal):
                return self._refused_late(change, verdict, subject[1], field_name)
            late = verdict
        error = self._finalisable_rules(change.record_type, None, fields, subject)
        error = error or self._reference_rules(change.record_type, fields, subject)
        if error is not None:
            return _rejected(change, error.reason, error.field)
        record = self.batch.new_record(
            record_type=change.record_type,
            record_id=change.record_id,
            subject=subject,
            author=self.caller.username,
        )
        revision = self.batch.write(
            record=record,
            changes=fields,
            author=self.caller.username,
            device_id=self.caller.device_id,
        )
        self.records[record.record_id] = record
        outcome = Outcome(
            change.change_id,
            ChangeStatus.APPLIED,
            revision=revision,
            snapshot=Snapshot.of(record),
            written=record.record_id,
            stamps_only=True,
        )
        if late is not None:
            self._note_late(outcome, late, subject, change.record_type, record.fields)
        return outcome

    def _allocated(self, subject: tuple[str, uuid.UUID]) -> bool:
        """Whether anyone holds this subject already (a new child's id must be new)."""
        if self._scope_cache.get(subject) or subject in self._taken:
            return True
        if subject in self._checked:
            return False
        found = self.session.execute(
            select(Allocation.subject_type).where(
                Allocation.subject_type == subject[0], Allocation.subject_id == subject[1]
            )
        ).first()
        return found is not None

    def _allocate_new_subject(self, subject: tuple[str, uuid.UUID]) -> None:
        """A child or household a worker creates is allocated to them."""
        self._scope_cache[subject] = True
        self._allocations.append(
            {
                "subject_type": subject[0],
                "subject_id": subject[1],
                "worker_id": self.caller.user_id,
                "allocated_at": self.batch.now,
                "allocated_by": self.caller.username,
            }
        )
        self.batch.scope_event(
            subject_type=subject[0],
            subject_id=subject[1],
            from_worker_id=None,
            to_worker_id=self.caller.user_id,
            from_team_id=None,
            to_team_id=self.caller.team_id,
        )
        self._scope_cache[subject] = True

    # -- existing records

    def _base_values(self, record: RecordState, base_revision: int | None) -> dict[str, Any]:
        """The record's fields at ``base_revision``: the newest version at or before it."""
        if not base_revision:
            return {}
        stored = self.batch.stored_version(record)
        if stored is not None and stored[0] <= base_revision:
            return dict(stored[1])  # the version the record row holds (none newer is stored)
        version = self.session.scalar(
            select(RecordVersion)
            .where(
                RecordVersion.record_id == record.record_id,
                RecordVersion.revision <= base_revision,
                RecordVersion.revision > 0,
            )
            .order_by(RecordVersion.revision.desc())
            .limit(1)
        )
        return dict(version.fields) if version else {}

    def _conflict(self, change: Change, record: RecordState, names: list[str]) -> Outcome:
        base = self._base_values(record, change.base_revision)
        meta = load_meta(record)
        conflicts = [
            FieldConflict(
                field=name,
                server_value=record.fields.get(name),
                base_value=base.get(name),
                changed_by=meta[name].by,
                changed_at=datetime.fromisoformat(meta[name].at),
            )
            for name in names
        ]
        return Outcome(
            change.change_id,
            ChangeStatus.CONFLICT,
            revision=record.revision,
            snapshot=Snapshot.of(record),
            conflicts=conflicts,
        )

    def _check_base(self, change: Change, record: RecordState) -> Outcome | None:
        base = change.base_revision
        if base is not None and record.revision > 0 and base > record.revision:
            return _rejected(
                change,
                "This laptop's copy claims a newer version than the server has. Re-sync the "
                "laptop fully; your unsent changes are kept.",
            )
        return None

    def _signed_off(self, change: Change, record: RecordState) -> Outcome:
        who = record.fields.get("finalised_by") or record.updated_by
        when = str(record.fields.get("finalised_at") or "")[:10]
        noun = _noun(record.record_type)
        return _rejected(
            change,
            f"This {noun} was signed off by {who}{' on ' + when if when else ''} and can no "
            f"longer be changed. Write an addendum to the {noun} instead.",
            next(iter(change.fields), None),
        )

    def _delete(self, change: Change, record: RecordState) -> Outcome:
        if record.deleted:
            return Outcome(change.change_id, ChangeStatus.APPLIED, revision=record.revision)
        rejected = self._check_base(change, record)
        if rejected is not None:
            return rejected
        if record.fields.get("status") in (FINALISED, APPROVED):
            return self._signed_off(change, record)
        others = merge.changed_by_others(
            meta=load_meta(record), base_revision=change.base_revision or 0, device=self.device
        )
        if others:
            return self._conflict(change, record, others)
        revision = self.batch.write(
            record=record,
            changes={},
            author=self.caller.username,
            device_id=self.caller.device_id,
            delete=True,
        )
        return Outcome(
            change.change_id, ChangeStatus.APPLIED, revision=revision, written=record.record_id
        )

    def _update(self, change: Change, record: RecordState) -> Outcome:
        if record.deleted:
            return _rejected(
                change,
                f"This {_noun(record.record_type)} was deleted on the server by "
                f"{record.updated_by}; your change was not applied.",
            )
        rejected = self._check_base(change, record)
        if rejected is not None:
            return rejected
        fields, error = merge.validate_fields(record.record_type, change.fields, creating=False)
        error = error or self._attachment_rules(record.record_type, fields)
        if error is not None:
            return _rejected(change, error.reason, error.field)
        subject = (record.subject_type, record.subject_id)
        moved = merge.subject_of(record.record_type, record.record_id, {**record.fields, **fields})
        if moved != subject:
            name = next(n for n in ("child_id", "household_id") if n in fields)
            return _rejected(
                change,
                "A record cannot be moved to another child or household. Record it again under "
                "the right one and delete this copy.",
                name,
            )
        if all(record.fields.get(name) == value for name, value in fields.items()):
            # Nothing differs: accept without a new revision (e.g. a re-sent edit).
            return Outcome(
                change.change_id,
                ChangeStatus.APPLIED,
                revision=record.revision,
                snapshot=Snapshot.of(record),
            )
        current_status = record.fields.get("status")
        if current_status in (FINALISED, APPROVED):
            approving = (
                current_status == FINALISED
                and fields.get("status") == APPROVED
                and all(
                    record.fields.get(name) == value
                    for name, value in fields.items()
                    if name != "status"
                )
            )
            if not approving:
                return self._signed_off(change, record)
        outcome = merge.merge(
            current=record.fields,
            meta=load_meta(record),
            base_revision=change.base_revision or 0,
            incoming=fields,
            device=self.device,
        )
        if outcome.conflicts:
            return self._conflict(change, record, outcome.conflicts)
        to_apply = outcome.to_apply
        error = self._finalisable_rules(record.record_type, record.fields, to_apply, subject)
        if error is not None:
            return _rejected(change, error.reason, error.field)
        revision = self.batch.write(
            record=record,
            changes=to_apply,
            author=self.caller.username,
            device_id=self.caller.device_id,
        )
        status = ChangeStatus.MERGED if outcome.others_changed else ChangeStatus.APPLIED
        # Applied as sent: the laptop holds this content already (no one else changed the
        # record since its base), so the answer is the stamps; merged: the whole record, so
        # the laptop learns the other fields.
        return Outcome(
            change.change_id,
            status,
            revision=revision,
            snapshot=Snapshot.of(record),
            written=record.record_id,
            stamps_only=not outcome.others_changed,
        )

    def _reference_rules(
        self, record_type: str, fields: dict[str, Any], subject: tuple[str, uuid.UUID]
    ) -> FieldError | None:
        """An addendum adds to a record the service holds, of the kind it names, about the
        same child or household; otherwise a laptop could leave one pointing at nothing. A
        target the service does not hold yet (its own change was refused, or is still to
        come) is refused with ``target_id`` as the field: the laptop sends the addendum again
        once the target has been accepted (``sync.refused``)."""
        if record_type != "addendum":
            return None
        target_id = uuid.UUID(str(fields["target_id"]))
        target: RecordState | Any = self.records.get(target_id)
        if target is None:
            # Read, not locked: a lock out of the batch's id order could deadlock two pushes.
            target = self.session.execute(
                select(
                    Record.record_type, Record.deleted, Record.subject_type, Record.subject_id
                ).where(Record.record_id == target_id)
            ).first()
        noun = _noun(str(fields.get("target_type", "record")))
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

    def _attachment_rules(self, record_type: str, fields: dict[str, Any]) -> FieldError | None:
        """An attachment names its file by SHA-256 and may not exceed the server's size limit."""
        if record_type != "attachment":
            return None
        if "sha256" in fields and not SHA256.match(fields["sha256"]):
            return FieldError("sha256 must be 64 lower-case hexadecimal digits.", "sha256")
        size = fields.get("size")
        limit = self.settings.max_attachment_bytes
        if size is not None and not 0 <= size <= limit:
            return FieldError(
                f"Attachments can be at most {limit // (1024 * 1024)} MB; this one is "
                f"{size / (1024 * 1024):.1f} MB.",
                "size",
            )
        return None

    def _finalisable_rules(
        self,
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
        now = self.batch.now_text
        if new == APPROVED and old != APPROVED:
            if old != FINALISED:
                return FieldError("A record must be finalised before it can be approved.", "status")
            team = scope.subject_team(self.session, subject_type=subject[0], subject_id=subject[1])
            if not self.caller.is_manager or team is None or team != self.caller.team_id:
                return FieldError(
                    "Only a manager of the team holding this case can approve it.", "status"
                )
            if "approved_by" in RECORD_FIELDS[record_type]:
                changes["approved_by"] = self.caller.username
                changes["approved_at"] = now
        if new == FINALISED and old != FINALISED:
            changes["finalised_by"] = self.caller.username
            if not changes.get("finalised_at"):
                changes["finalised_at"] = now
        return None


def _stored_results(
    session: Session, caller: Caller, changes: list[Change]
) -> dict[uuid.UUID, ChangeResult]:
    """Results already stored for changes in the batch, in one query (a re-send is mostly
    answered from here). A change id someone else used is refused, never answered."""
    rows = _RECEIPTS.execute(session, {change.change_id for change in changes})
    stored: dict[uuid.UUID, ChangeResult] = {}
    for change_id, user_id, result in rows:
        if user_id == caller.user_id:
            stored[change_id] = ChangeResult.model_validate(result)
        else:
            stored[change_id] = ChangeResult(
                change_id=change_id,
                status=ChangeStatus.REJECTED,
                reason="This change id was already used by someone else; the laptop must "
                "make a new one.",
                field="change_id",
            )
    return stored


_RECEIPT = table_of(ChangeReceipt)
_RECEIPTS = IdListStatement(
    lambda dialect: select(_RECEIPT.c.change_id, _RECEIPT.c.user_id, _RECEIPT.c.result).where(
        listed(dialect, _RECEIPT.c.change_id)
    )
)


def _audit_push(
    session: Session, caller: Caller, changes: list[Change], fresh: list[Outcome]
) -> None:
    """One entry for what the batch wrote and one for what it was refused, naming every record."""
    written = [o.written for o in fresh if o.written is not None]
    denied = [o.denied for o in fresh if o.denied is not None]
    if written:
        audit.record_caller_event(
            session,
            caller=caller,
            action="record.write",
            record_ids=written,
            detail=f"changes={len(changes)} written={len(written)}",
        )
    if denied:
        audit.record_caller_event(
            session,
            caller=caller,
            action="record.write",
            outcome="denied",
            record_ids=denied,
            detail="push outside caseload",
        )


#: Serialises a batch's results together (per-result ``model_dump`` calls cost more).
_RESULT_LIST = TypeAdapter(list[ChangeResult])


def _store_results(
    session: Session, caller: Caller, results: list[ChangeResult], now: datetime
) -> None:
    """Remember each fresh change's result, in the same transaction as its effect."""
    if not results:
        return
    # The same documents as ``result.model_dump(mode="json")``, serialised in one call.
    documents = _RESULT_LIST.dump_python(results, mode="json")
    execute_many(
        session,
        insert(table_of(ChangeReceipt)),
        [
            {
                "change_id": result.change_id,
                "user_id": caller.user_id,
                "device_id": caller.device_id,
                "result": document,
                "created_at": now,
            }
            for result, document in zip(results, documents, strict=True)
        ],
    )


def push(
    session: Session,
    *,
    caller: Caller,
    settings: Settings,
    changes: list[Change],
    secret: str | None = None,
    cursor_text: str | None = None,
) -> PushResponse:
    """Apply a batch in ``session``'s transaction; stored results answer re-sent changes.

    Reads are bulk (stored results, then every record the batch touches, locked) and writes are
    bulk; revisions are taken last (``server.services.revisions``), after the audit entry.
    """
    stored = _stored_results(session, caller, changes)
    batch = WriteBatch(session)
    records = lock_records(session, (c.record_id for c in changes if c.change_id not in stored))
    worker = _Push(
        session, caller, settings, batch, records, secret=secret, push_cursor=cursor_text
    )
    worker.prefetch_scope([c for c in changes if c.change_id not in stored])
    decided: dict[uuid.UUID, Outcome | ChangeResult] = dict(stored)
    fresh: list[Outcome] = []
    for change in changes:
        if change.change_id not in decided:
            outcome = worker.apply(change)
            decided[change.change_id] = outcome
            fresh.append(outcome)
    worker.finish()
    _audit_push(session, caller, changes, fresh)
    batch.finish()
    results = [outcome.result(batch) for outcome in fresh]
    _store_results(session, caller, results, batch.now)
    decided.update((result.change_id, result) for result in results)
    answers = []
    for change in changes:
        item = decided[change.change_id]
        assert isinstance(item, ChangeResult)
        answers.append(item)
    cursor = _cursor_past(secret, cursor_text, caller, batch, changes) if secret else None
    return PushResponse(results=answers, cursor=cursor)


def _cursor_past(
    secret: str, cursor_text: str | None, caller: Caller, batch: WriteBatch, changes: list[Change]
) -> str | None:
    """A pull cursor just past this batch, when the laptop's feed holds nothing new but it.

    That is so when the laptop had read its whole feed up to the revision just below the ones
    this batch took, the batch's revisions follow on without a gap (so nobody else numbered
    anything in between), and everything the batch wrote is a version its pull would skip as
    the laptop's own echo: written by this device, not a deletion (sent back as a removal), and
    no new scope event (a subject entering the caseload is sent whole).
    """
    numbered = batch.numbered
    if not cursor_text or caller.device_id is None or numbered is None or batch.moves_scope:
        return None
    if any(change.operation == "delete" for change in changes):
        return None
    try:
        cursor = decode_cursor(secret, cursor_text)
    except ServiceError:
        return None  # the pull that follows refuses it properly
    first, last = numbered[0], numbered[-1]
    if cursor.after is not None or cursor.key != first - 1 or last - first + 1 != len(numbered):
        return None
    return encode_cursor(secret, Cursor(last, None))


# ---- Pull


@dataclass(frozen=True)
class Cursor:
    key: int = 0
    after: uuid.UUID | None = None


def encode_cursor(secret: str, cursor: Cursor) -> str:
    document: dict[str, Any] = {"v": 1, "k": cursor.key}
    if cursor.after is not None:
        document["i"] = str(cursor.after)
    return sign_document(secret, "cursor", document)


def decode_cursor(secret: str, text: str | None) -> Cursor:
    """An empty cursor starts from the beginning; anything unrecognised is refused."""
    if not text:
        return Cursor()
    document = open_document(secret, "cursor", text)
    try:
        if document is None or document.get("v") != 1:
            raise ValueError
        key = int(document["k"])
        after = uuid.UUID(document["i"]) if "i" in document else None
        if key < 0:
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise ServiceError(
            400,
            "invalid_cursor",
            "The sync position sent by this laptop is not one this server issued. Re-sync the "
            "laptop fully; unsent changes are kept.",
            field="cursor",
            action="full_resync",
        ) from None
    return Cursor(key, after)


#: The columns of ``FeedRecord``, read as plain rows: a page of 2,000 records costs a third of
#: the time it takes as ORM objects validated one by one. The fields stay JSON text
#: (``server.services.pull_page``).
_FEED = (
    Record.record_id,
    Record.record_type,
    Record.revision,
    Record.deleted,
    cast(Record.fields, Text).label("fields"),
    Record.created_by,
    Record.created_at,
    Record.updated_by,
    Record.updated_at,
    Record.updated_device,
)


def _not_own_echo() -> ColumnElement[bool]:
    """Leaves out the versions the calling laptop wrote itself and so already holds (from its
    push answer), in the query, so that the database never hands over their text: the pull
    after a laptop pushed a day's new records would otherwise read every one of them back.

    Only versions that reach it by their own revision (``_held_after``'s plain part): when a
    subject (re)enters the caller's caseload the scope event's revision is the key and
    everything is sent, because a laptop that gave a case up has purged it. A deletion is
    always sent, as a removal: it lets the laptop drop its tombstone. The cursor still moves
    past echoes: a page's cursor is its last item, and a feed read to its end leaves the
    cursor at the counter's top, so a laptop's cursor never lags behind its own writes (and
    the purge horizon).
    """
    return or_(
        Record.updated_device.is_(None),
        Record.updated_device != bindparam("device_id", type_=Record.updated_device.type),
        Record.deleted.is_(True),
    )


#: How far deletions have been purged, and the revision counter's value (SQLite's top; see
#: ``server.services.revisions``), in one query built once: a quiet sync is answered from
#: these two numbers alone.
_HORIZON = select(
    select(table_of(ServerState).c.purged_through)
    .where(table_of(ServerState).c.id == 1)
    .scalar_subquery(),
    select(table_of(RevisionCounter).c.value)
    .where(table_of(RevisionCounter).c.id == 1)
    .scalar_subquery(),
)


def one_snapshot(session: Session) -> None:
    """Read the whole page from one snapshot, so its records and removals agree with each other
    (SQLite's read transactions are snapshots already), and work out first how far that
    snapshot may be read (``revisions.settle_top``). Call before ``session`` reads anything."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    revisions.settle_top(session)


def pull(
    session: Session,
    *,
    caller: Caller,
    secret: str,
    cursor_text: str | None,
    limit: int,
    skip_own: bool = False,
) -> tuple[PullPage, list[uuid.UUID]]:
    """One page of the caller's feed after the cursor, and the ids of records it returns
    (``session`` in :func:`one_snapshot`)."""
    cursor = decode_cursor(secret, cursor_text)
    purged, counter = session.execute(_HORIZON).one()
    if cursor_text and cursor.key < (purged or 0):
        return PullPage(full_resync=True), []
    # Every revision up to ``top`` that will ever commit is visible in this snapshot; above it
    # one may still be on its way, so the page stops there. A laptop that has read everything
    # up to ``top`` has nothing new: the quiet pull most syncs are is answered from this one
    # query, without reading the caseload.
    top = revisions.reader_top(session, counter)
    if cursor_text and cursor.after is None and cursor.key >= top:
        return PullPage(cursor=cursor_text), []

    feed = _feed(
        _Shape(
            manager=scope.Holder.of(caller).team_id is not None,
            resumed=cursor.after is not None,
            skip_own=skip_own and caller.device_id is not None,
        )
    )
    values = feed.values(caller, cursor, limit)
    reentered = session.execute(feed.reentered, values).all()
    plain = session.execute(feed.plain, values).all()
    held: list[tuple[FeedRecord, int]] = [(row, int(row.erev)) for row in reentered]
    held += [(row, row.revision) for row in plain]
    held.sort(key=lambda pair: (pair[1], pair[0].record_id))
    gone = session.execute(feed.gone, values).all()

    items: list[tuple[int, uuid.UUID, FeedRecord | None, str]] = [
        (k, record.record_id, record, record.record_type) for record, k in held[: limit + 1]
    ]
    items += [(int(xrev), record_id, None, record_type) for record_type, record_id, xrev in gone]
    items.sort(key=lambda item: (item[0], item[1]))
    # On PostgreSQL the snapshot may hold revisions above ``top`` (committed while a lower one
    # was not yet); they wait for a later page. All at or below it come first in this order.
    beyond = next((n for n, item in enumerate(items) if item[0] > top), None)
    if beyond is not None:
        items = items[:beyond]
    more = len(items) > limit
    page = items[:limit]
    records: list[FeedRecord] = []
    removals: list[Removal] = []
    returned: list[uuid.UUID] = []
    for _key, record_id, record, record_type in page:
        if record is None:
            removals.append(
                Removal(record_type=record_type, record_id=record_id, reason="out_of_scope")
            )
        elif record.deleted:
            removals.append(Removal(record_type=record_type, record_id=record_id, reason="deleted"))
        else:
            records.append(record)
            returned.append(record_id)
    if more:
        text = encode_cursor(secret, Cursor(page[-1][0], page[-1][1]))
    else:
        # The whole feed up to ``top`` has been sent: the next pull starts after it (and a
        # quiet one is answered by the counter alone, above).
        last = page[-1][0] if page else cursor.key
        text = encode_cursor(secret, Cursor(max(top, last), None))
    return PullPage(records=records, removals=removals, cursor=text, more=more), returned


@dataclass(frozen=True)
class _Shape:
    """What decides a feed statement's form (everything else is a bound value)."""

    #: A manager also holds their team's subjects.
    manager: bool
    #: The cursor is part-way through one revision (a page ended inside it).
    resumed: bool
    #: Leave out the calling laptop's own versions.
    skip_own: bool


@dataclass(frozen=True)
class _Feed:
    """The three statements one page reads, built once per :class:`_Shape`: building them
    anew (scope subqueries, joins, the cursor's conditions) took longer than running them for a
    page of a few dozen records, the page a sync after colleagues' edits fetches."""

    reentered: Executable
    plain: Executable
    gone: Executable
    shape: _Shape

    def values(self, caller: Caller, cursor: Cursor, limit: int) -> dict[str, Any]:
        values: dict[str, Any] = {"user_id": caller.user_id, "key": cursor.key, "most": limit + 1}
        if self.shape.manager:
            values["team_id"] = caller.team_id
        if self.shape.resumed:
            values["after"] = cursor.after
        if self.shape.skip_own:
            values["device_id"] = caller.device_id
        return values


_KEY = bindparam("key", type_=Integer)
_AFTER = bindparam("after", type_=Record.record_id.type)
_MOST = bindparam("most", type_=Integer)


def _after(key: Any, record_id: Any, shape: _Shape) -> ColumnElement[bool]:
    """Past the cursor in ``(key, record_id)`` order."""
    later: ColumnElement[bool] = key > _KEY
    if not shape.resumed:
        return later
    return or_(later, and_(key == _KEY, record_id > _AFTER))


def _latest_events(condition: ColumnElement[bool], label: str) -> Subquery:
    """Per subject, the revision (as ``label``) of its last scope event at or after the cursor
    that meets ``condition``."""
    return (
        select(
            ScopeEvent.subject_type,
            ScopeEvent.subject_id,
            func.max(ScopeEvent.revision).label(label),
        )
        .where(condition, ScopeEvent.revision >= _KEY)
        .group_by(ScopeEvent.subject_type, ScopeEvent.subject_id)
        .subquery()
    )


@functools.cache
def _feed(shape: _Shape) -> _Feed:
    """The caller's records whose feed key comes after the cursor, and removals for records
    that left the caller's scope after it; each the first ``limit + 1`` in feed order.

    A record's key is its revision, unless its subject (re)entered the caller's caseload later
    than that: then the scope event's revision, so the whole case is sent again. Computing that
    key for every record in scope would make every pull read the whole caseload, so the
    records are found in two parts that together are exactly those past the cursor:

    - records older than their subject's entry at or after the cursor (usually none; on a
      laptop's first pull, the few made before their case was allocated): keyed by the entry;
    - every other record, keyed by its revision: only those with a revision at or after the
      cursor, read along the revision index (a quiet pull reads nothing else, and a first
      pull reads a page at a time, however large the caseload).
    """
    holder = scope.Holder(
        bindparam("user_id", type_=Integer),
        bindparam("team_id", type_=Integer) if shape.manager else None,
    )
    recent = _latest_events(scope.entry_condition(holder), "erev")
    allowed = scope.scope_subjects(holder).subquery()
    in_scope = and_(
        allowed.c.subject_type == Record.subject_type, allowed.c.subject_id == Record.subject_id
    )
    # An entry at or after the cursor is the subject's last entry overall, so ``erev`` is it.
    older_than_entry = and_(
        recent.c.subject_type == Record.subject_type,
        recent.c.subject_id == Record.subject_id,
        recent.c.erev > Record.revision,
    )
    reentered = (
        select(*_FEED, recent.c.erev)
        .join(recent, older_than_entry)
        .where(exists().where(in_scope), _after(recent.c.erev, Record.record_id, shape))
        .order_by(recent.c.erev, Record.record_id)
        .limit(_MOST)
    )
    # EXISTS rather than a join, so the database walks the revision index from the cursor and
    # checks each record's subject, instead of visiting every subject in the caseload.
    plain = (
        select(*_FEED)
        .where(
            exists().where(in_scope),
            Record.revision >= _KEY,
            _after(Record.revision, Record.record_id, shape),
            ~exists().where(older_than_entry),
            _not_own_echo() if shape.skip_own else true(),
        )
        .order_by(Record.revision, Record.record_id)
        .limit(_MOST)
    )
    exits = _latest_events(scope.exit_condition(holder), "xrev")
    gone = (
        select(Record.record_type, Record.record_id, exits.c.xrev)
        .join(
            exits,
            and_(
                exits.c.subject_type == Record.subject_type,
                exits.c.subject_id == Record.subject_id,
            ),
        )
        .where(~exists().where(in_scope), _after(exits.c.xrev, Record.record_id, shape))
        .order_by(exits.c.xrev, Record.record_id)
        .limit(_MOST)
    )
    return _Feed(reentered, plain, gone, shape)


def get_record(
    session: Session, *, caller: Caller, record_type: str, record_id: uuid.UUID
) -> Record:
    """One record in the caller's scope; 404 for missing and out-of-scope alike."""
    record = session.scalar(
        select(Record).where(
            Record.record_id == record_id,
            Record.record_type == record_type,
            Record.deleted.is_(False),
            scope.in_scope_clause(caller, Record.subject_type, Record.subject_id),
        )
    )
    if record is None:
        raise not_found()
    return record
