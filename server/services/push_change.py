"""Deciding each change of a pushed batch: create, update (merging with others' edits) or
delete, within the caller's caseload, with late work for a case that has moved on noted for
its new worker. The batch's records are read and locked up front (``server.services.push``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.core.config import Settings
from server.core.errors import ServiceError
from server.models import Allocation, RecordVersion, table_of
from server.services import audit, late_work, merge, scope
from server.services import push_rules as rules
from server.services.cursor import decode_cursor
from server.services.id_lists import in_ids
from server.services.merge import SCOPE_DERIVED, SUBJECT_TYPES
from server.services.push_outcome import (
    APPROVED,
    FINALISED,
    Outcome,
    not_in_caseload,
    noun_of,
    rejected,
)
from server.services.records import RecordState, Snapshot, WriteBatch, load_meta
from sync.protocol.messages import Change, ChangeStatus, FieldConflict
from sync.protocol.records import RECORD_FIELDS


@dataclass
class BatchPush:
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
        outcome = rejected(change, verdict.reason, field_name)
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
            return rejected(
                change,
                f"Unknown record type {change.record_type!r} (known: {known}).",
                "record_type",
            )
        record = self.records.get(change.record_id)
        if record is None:
            return self._create(change)
        if record.record_type != change.record_type:
            return not_in_caseload(change)
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
            return rejected(
                change,
                "This record is no longer on the server (it may have been removed long ago). "
                "Copy anything you need from it, then re-sync this laptop.",
            )
        fields, error = merge.validate_fields(change.record_type, change.fields, creating=True)
        error = error or rules.attachment_rules(self.settings, change.record_type, fields)
        if error is not None:
            return rejected(change, error.reason, error.field)
        subject = merge.subject_of(change.record_type, change.record_id, fields)
        late: late_work.Late | None = None
        if subject is None:
            return rejected(
                change,
                f"A {noun_of(change.record_type)} must belong to a child or a carer household: "
                "set child_id or household_id.",
                "child_id",
            )
        if change.record_type in SUBJECT_TYPES:
            if self._allocated(subject):
                return not_in_caseload(change)
            self._allocate_new_subject(subject)
            fields[SCOPE_DERIVED[change.record_type]] = self.caller.username
        elif not self.in_scope(subject):
            field_name = "child_id" if subject[0] == "child" else "household_id"
            verdict = self._judge_late(change, subject)
            if isinstance(verdict, late_work.Refusal):
                return self._refused_late(change, verdict, subject[1], field_name)
            late = verdict
        error = rules.finalisable_rules(
            self.session,
            self.caller,
            self.batch.now_text,
            change.record_type,
            None,
            fields,
            subject,
        )
        error = error or rules.reference_rules(
            self.session, self.records, change.record_type, fields, subject
        )
        if error is not None:
            return rejected(change, error.reason, error.field)
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

    def _delete(self, change: Change, record: RecordState) -> Outcome:
        if record.deleted:
            return Outcome(change.change_id, ChangeStatus.APPLIED, revision=record.revision)
        too_new = rules.check_base(change, record)
        if too_new is not None:
            return too_new
        if record.fields.get("status") in (FINALISED, APPROVED):
            return rules.signed_off(change, record)
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
            return rejected(
                change,
                f"This {noun_of(record.record_type)} was deleted on the server by "
                f"{record.updated_by}; your change was not applied.",
            )
        too_new = rules.check_base(change, record)
        if too_new is not None:
            return too_new
        fields, error = merge.validate_fields(record.record_type, change.fields, creating=False)
        error = error or rules.attachment_rules(self.settings, record.record_type, fields)
        if error is not None:
            return rejected(change, error.reason, error.field)
        subject = (record.subject_type, record.subject_id)
        moved = merge.subject_of(record.record_type, record.record_id, {**record.fields, **fields})
        if moved != subject:
            name = next(n for n in ("child_id", "household_id") if n in fields)
            return rejected(
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
                return rules.signed_off(change, record)
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
        error = rules.finalisable_rules(
            self.session,
            self.caller,
            self.batch.now_text,
            record.record_type,
            record.fields,
            to_apply,
            subject,
        )
        if error is not None:
            return rejected(change, error.reason, error.field)
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
