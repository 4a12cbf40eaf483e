"""Writing record versions and scope events with revisions that follow commit order.

Everything a transaction writes first gets a negative placeholder revision. :meth:`WriteBatch.
finish` then bumps the single ``revision_counter`` row by the number needed — the last statement
before commit, so on PostgreSQL its row lock is held until the commit and no transaction can be
handed a revision until every lower one is visible — and rewrites the placeholders. A pull that
has seen revision N has therefore seen everything up to N: cursors never skip a change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from server.models import Record, RecordVersion, RevisionCounter, ScopeEvent, utcnow
from server.services.merge import FieldMeta
from sync.protocol.messages import RecordVersion as WireRecordVersion


@dataclass
class Snapshot:
    """A record's state at one moment of a transaction, for building a result later."""

    record_type: str
    record_id: uuid.UUID
    revision: int
    deleted: bool
    fields: dict[str, Any]
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime

    @classmethod
    def of(cls, record: Record) -> Snapshot:
        return cls(
            record.record_type,
            record.record_id,
            record.revision,
            record.deleted,
            dict(record.fields),
            record.created_by,
            record.created_at,
            record.updated_by,
            record.updated_at,
        )

    def to_wire(self, revision: int) -> WireRecordVersion:
        return WireRecordVersion(
            record_type=self.record_type,
            record_id=self.record_id,
            revision=revision,
            deleted=self.deleted,
            fields=self.fields,
            created_by=self.created_by,
            created_at=self.created_at,
            updated_by=self.updated_by,
            updated_at=self.updated_at,
        )


def record_to_wire(record: Record) -> WireRecordVersion:
    return Snapshot.of(record).to_wire(record.revision)


def load_meta(record: Record) -> dict[str, FieldMeta]:
    return {name: FieldMeta.load(raw) for name, raw in record.field_meta.items()}


@dataclass
class WriteBatch:
    """Collects one transaction's writes and numbers them when it is about to commit."""

    session: Session
    _next: int = -1
    _records: dict[uuid.UUID, Record] = field(default_factory=dict)
    _versions: list[RecordVersion] = field(default_factory=list)
    _events: list[ScopeEvent] = field(default_factory=list)
    mapping: dict[int, int] = field(default_factory=dict)

    def _placeholder(self) -> int:
        value = self._next
        self._next -= 1
        return value

    def write(
        self,
        *,
        record: Record,
        changes: dict[str, Any],
        author: str,
        device_id: uuid.UUID | None,
        delete: bool = False,
    ) -> int:
        """Apply ``changes`` (or a deletion) to ``record`` as a new version; returns its
        placeholder revision."""
        revision = self._placeholder()
        now = utcnow()
        meta = dict(record.field_meta)
        stamp = FieldMeta(revision, author, now.isoformat(), str(device_id) if device_id else None)
        for name in changes:
            meta[name] = stamp.dump()
        record.fields = {**record.fields, **changes}
        record.field_meta = meta
        record.revision = revision
        record.deleted = record.deleted or delete
        record.updated_by = author
        record.updated_at = now
        self.session.add(record)
        self._records[record.record_id] = record
        version = RecordVersion(
            record_id=record.record_id,
            revision=revision,
            deleted=record.deleted,
            fields=dict(record.fields),
            author=author,
            device_id=device_id,
            at=now,
        )
        self.session.add(version)
        self._versions.append(version)
        return revision

    def new_record(
        self,
        *,
        record_type: str,
        record_id: uuid.UUID,
        subject: tuple[str, uuid.UUID],
        author: str,
    ) -> Record:
        now = utcnow()
        return Record(
            record_id=record_id,
            record_type=record_type,
            revision=0,
            deleted=False,
            fields={},
            field_meta={},
            subject_type=subject[0],
            subject_id=subject[1],
            created_by=author,
            created_at=now,
            updated_by=author,
            updated_at=now,
        )

    def scope_event(
        self,
        *,
        subject_type: str,
        subject_id: uuid.UUID,
        from_worker_id: int | None,
        to_worker_id: int | None,
        from_team_id: int | None,
        to_team_id: int | None,
    ) -> None:
        event = ScopeEvent(
            revision=self._placeholder(),
            subject_type=subject_type,
            subject_id=subject_id,
            from_worker_id=from_worker_id,
            to_worker_id=to_worker_id,
            from_team_id=from_team_id,
            to_team_id=to_team_id,
            at=utcnow(),
        )
        self.session.add(event)
        self._events.append(event)

    def real(self, revision: int) -> int:
        """The final revision for a placeholder (after :meth:`finish`); others unchanged."""
        return self.mapping.get(revision, revision)

    def finish(self) -> None:
        """Take revisions from the counter (last step before commit) and fill them in."""
        count = -1 - self._next
        if count == 0:
            return
        self.session.flush()
        top = self.session.execute(
            update(RevisionCounter)
            .where(RevisionCounter.id == 1)
            .values(value=RevisionCounter.value + count)
            .returning(RevisionCounter.value)
        ).scalar_one()
        first = top - count + 1
        self.mapping = {-(index + 1): first + index for index in range(count)}
        for record in self._records.values():
            record.revision = self.real(record.revision)
            record.field_meta = {
                name: [self.real(raw[0]), *raw[1:]] for name, raw in record.field_meta.items()
            }
        for version in self._versions:
            version.revision = self.real(version.revision)
        for event in self._events:
            event.revision = self.real(event.revision)
        self.session.flush()
