"""Writing record versions and scope events with revisions a pull can never skip.

A transaction first decides everything in memory, numbering what it writes with negative
placeholders (-1, -2, ...). :meth:`WriteBatch.finish` then takes real revisions
(:func:`server.services.revisions.take`: SQLite's counter row, PostgreSQL's sequence and a
claim readers respect) and only then writes the records, versions and scope events, already
carrying their real revisions, in a few bulk statements. Nothing with a placeholder ever
reaches the database.

A record's versions are its ``record`` row (the current one) and its ``record_version`` rows
(every one it has replaced): a version moves into the history when a newer one takes its place,
in the same transaction. A new record therefore costs one row, not the same text twice; most of
what a laptop pushes is new.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from operator import attrgetter
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from server.db import execute_many
from server.models import Record, RecordVersion, ScopeEvent, table_of, utcnow
from server.services import revisions
from server.services.id_lists import IdListStatement, listed
from server.services.merge import SCOPE_DERIVED, FieldMeta
from sync.protocol.messages import RecordVersion as WireRecordVersion
from sync.protocol.messages import Stamps
from sync.protocol.records import RECORD_FIELDS, SERVER_CONTROLLED

#: Per record type, the fields only the server sets: who signed off or approved, and the worker
#: a new child or household is allocated to.
SERVER_OWNED: dict[str, tuple[str, ...]] = {
    record_type: tuple(
        name
        for name in fields
        if name in SERVER_CONTROLLED or name == SCOPE_DERIVED.get(record_type)
    )
    for record_type, fields in RECORD_FIELDS.items()
}

_RECORD = table_of(Record)
_VERSION = table_of(RecordVersion)
_EVENT = table_of(ScopeEvent)
_RECORD_COLUMNS = (
    "record_id",
    "record_type",
    "revision",
    "deleted",
    "fields",
    "field_meta",
    "subject_type",
    "subject_id",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
    "updated_device",
)


@dataclass
class RecordState:
    """A record's current row, held in memory while a push decides what to do with it.

    A plain object rather than an ORM instance: the hot path reads and writes records with bulk
    Core statements, and the ORM's unit of work (a flush per lookup) cost more than the work.
    """

    record_id: uuid.UUID
    record_type: str
    revision: int
    deleted: bool
    fields: dict[str, Any]
    field_meta: dict[str, Any]
    subject_type: str
    subject_id: uuid.UUID
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    #: The laptop that wrote the current version (None: the service itself, an admin).
    updated_device: uuid.UUID | None
    #: Not yet in the database (inserted, rather than updated, by :meth:`WriteBatch.finish`).
    is_new: bool = False

    @classmethod
    def from_row(cls, row: Row[Any] | Record) -> RecordState:
        if isinstance(row, Row) and row._fields == _RECORD_COLUMNS:
            return cls(*tuple(row))  # these values in this order (as ``record_columns`` reads)
        return cls(*(getattr(row, name) for name in _RECORD_COLUMNS))

    def as_row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _RECORD_COLUMNS}


def record_columns() -> list[Any]:
    """The ``record`` columns :meth:`RecordState.from_row` needs, for Core selects."""
    return [_RECORD.c[name] for name in _RECORD_COLUMNS]


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
    def of(cls, record: RecordState) -> Snapshot:
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

    def stamps(self) -> Stamps:
        """Who and when, and every field only the server sets (see ``Stamps``)."""
        own = SERVER_OWNED.get(self.record_type, ())
        return Stamps(
            created_by=self.created_by,
            created_at=self.created_at,
            updated_by=self.updated_by,
            updated_at=self.updated_at,
            fields={name: self.fields.get(name) for name in own},
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


def record_to_wire(record: RecordState | Record) -> WireRecordVersion:
    return WireRecordVersion(
        record_type=record.record_type,
        record_id=record.record_id,
        revision=record.revision,
        deleted=record.deleted,
        fields=record.fields,
        created_by=record.created_by,
        created_at=record.created_at,
        updated_by=record.updated_by,
        updated_at=record.updated_at,
    )


def load_meta(record: RecordState) -> dict[str, FieldMeta]:
    """Each field's last change. The fields one version changed share a stamp, so each
    distinct stamp is loaded once (an edit loads every field's, for every record it touches)."""
    loaded: dict[tuple[Any, ...], FieldMeta] = {}
    meta = {}
    for name, raw in record.field_meta.items():
        key = tuple(raw)
        if key not in loaded:
            loaded[key] = FieldMeta.load(raw)
        meta[name] = loaded[key]
    return meta


_UUID_ORDER = attrgetter("int")


def lock_records(session: Session, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, RecordState]:
    """Every existing record among ``record_ids``, read in one query and locked for update.

    Locked in record-id order, so two batches touching the same records queue rather than
    deadlock (on SQLite the whole write transaction is already exclusive).
    """
    # By the ids' integer value, which is how UUIDs order, without a Python-level comparison
    # per step of the sort.
    ids = sorted(set(record_ids), key=_UUID_ORDER)
    if not ids:
        return {}
    rows = _LOCK.execute(session, ids)
    return {row.record_id: RecordState.from_row(row) for row in rows}


_LOCK = IdListStatement(
    lambda dialect: (
        select(*record_columns())
        .where(listed(dialect, _RECORD.c.record_id))
        .order_by(_RECORD.c.record_id)
        .with_for_update()
    )
)


@dataclass
class WriteBatch:
    """Collects one transaction's writes and numbers them when it is about to commit.

    The batch commits as one, so it is stamped as one, at ``now`` (as PostgreSQL's ``now()``
    is the transaction's start): its field stamps, history, scope events and receipts. Each
    record written still gets its own instant, a microsecond after the one before, because
    laptops list a record's addenda, carers and actions in the order they were created.
    """

    session: Session
    now: datetime = field(default_factory=utcnow)
    _ticks: int = 0
    _next: int = -1
    _records: dict[uuid.UUID, RecordState] = field(default_factory=dict)
    #: Versions this batch replaces, for the history.
    _versions: list[dict[str, Any]] = field(default_factory=list)
    #: Each existing record's version as the database holds it, kept at the batch's first
    #: write to it (``stored_version``).
    _stored: dict[uuid.UUID, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    _events: list[dict[str, Any]] = field(default_factory=list)
    _numbers: Sequence[int] | None = None

    @cached_property
    def now_text(self) -> str:
        """``now`` as field stamps spell it, made once for the batch."""
        return self.now.isoformat()

    def _instant(self) -> datetime:
        """The next record's instant: ``now``, a microsecond later each time."""
        self._ticks += 1
        return self.now + timedelta(microseconds=self._ticks)

    def _placeholder(self) -> int:
        value = self._next
        self._next -= 1
        return value

    def write(
        self,
        *,
        record: RecordState,
        changes: dict[str, Any],
        author: str,
        device_id: uuid.UUID | None,
        delete: bool = False,
    ) -> int:
        """Apply ``changes`` (or a deletion) to ``record`` as a new version; returns its
        placeholder revision."""
        revision = self._placeholder()
        first = record.is_new and record.revision == 0
        # A new record's first version is written at the instant it was created.
        now = record.updated_at if first else self._instant()
        if not first:
            # The version this one replaces goes into the history.
            if not record.is_new and record.record_id not in self._stored:
                self._stored[record.record_id] = (record.revision, record.fields)
            self._versions.append(
                {
                    "record_id": record.record_id,
                    "revision": record.revision,
                    "deleted": record.deleted,
                    "fields": record.fields,
                    "author": record.updated_by,
                    "device_id": record.updated_device,
                    "at": record.updated_at,
                }
            )
        meta = dict(record.field_meta)
        # One stamp shared by every field this version changes (never mutated, only replaced).
        stamp = FieldMeta(
            revision, author, self.now_text, str(device_id) if device_id else None
        ).dump()
        for name in changes:
            meta[name] = stamp
        record.fields = {**record.fields, **changes}
        record.field_meta = meta
        record.revision = revision
        record.deleted = record.deleted or delete
        record.updated_by = author
        record.updated_at = now
        record.updated_device = device_id
        self._records[record.record_id] = record
        return revision

    def stored_version(self, record: RecordState) -> tuple[int, dict[str, Any]] | None:
        """``record``'s revision and fields as the database holds them, whatever this batch has
        written to it since; None for a record the batch creates. The newest version a base
        revision can name that is not in the history."""
        stored = self._stored.get(record.record_id)
        if stored is not None:
            return stored
        return None if record.is_new else (record.revision, record.fields)

    def new_record(
        self,
        *,
        record_type: str,
        record_id: uuid.UUID,
        subject: tuple[str, uuid.UUID],
        author: str,
    ) -> RecordState:
        """A record that does not exist yet; it is inserted if :meth:`write` is called on it."""
        now = self._instant()
        return RecordState(
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
            updated_device=None,
            is_new=True,
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
        self._events.append(
            {
                "revision": self._placeholder(),
                "subject_type": subject_type,
                "subject_id": subject_id,
                "from_worker_id": from_worker_id,
                "to_worker_id": to_worker_id,
                "from_team_id": from_team_id,
                "to_team_id": to_team_id,
                "at": self.now,
            }
        )

    def real(self, revision: int) -> int:
        """The final revision for a placeholder (after :meth:`finish`); others unchanged.

        Placeholders count down from -1 in the order they were handed out and revisions are
        taken in ascending order, so placeholder ``-k`` becomes the ``k``-th revision taken.
        """
        if revision >= 0 or self._numbers is None:
            return revision
        return self._numbers[-1 - revision]

    @property
    def numbered(self) -> Sequence[int] | None:
        """The revisions this batch took, ascending (once :meth:`finish` has run); None if it
        wrote nothing."""
        return self._numbers

    @property
    def moves_scope(self) -> bool:
        """Whether the batch records scope events (a new child or household allocated)."""
        return bool(self._events)

    def finish(self) -> None:
        """Take revisions (last step before commit) and write everything."""
        count = -1 - self._next
        if count == 0:
            return
        self._numbers = revisions.take(self.session, count)
        self._write_records()
        for version in self._versions:
            version["revision"] = self.real(version["revision"])
        execute_many(self.session, insert(_VERSION), self._versions)
        for event in self._events:
            event["revision"] = self.real(event["revision"])
        execute_many(self.session, insert(_EVENT), self._events)

    def _real_meta(self, meta: dict[str, Any]) -> dict[str, Any]:
        """``meta`` with its placeholder revisions made real. The fields one version changed
        share one stamp (see :meth:`write`), so each stamp is rebuilt once, not per field."""
        stamps: dict[int, list[Any]] = {}
        real: dict[str, Any] = {}
        for name, raw in meta.items():
            revision = raw[0]
            if revision < 0:
                if revision not in stamps:
                    stamps[revision] = [self.real(revision), *raw[1:]]
                raw = stamps[revision]
            real[name] = raw
        return real

    def _write_records(self) -> None:
        """Insert new records and update changed ones, each kind in one executemany."""
        for record in self._records.values():
            record.revision = self.real(record.revision)
            record.field_meta = self._real_meta(record.field_meta)
        new = [r.as_row() for r in self._records.values() if r.is_new]
        changed = [r for r in self._records.values() if not r.is_new]
        if new:
            execute_many(self.session, insert(_RECORD), new)
            for record in self._records.values():
                record.is_new = False
        if changed:
            execute_many(
                self.session,
                update(_RECORD)
                .where(_RECORD.c.record_id == bindparam("b_record_id"))
                .values(
                    revision=bindparam("b_revision"),
                    deleted=bindparam("b_deleted"),
                    fields=bindparam("b_fields"),
                    field_meta=bindparam("b_field_meta"),
                    updated_by=bindparam("b_updated_by"),
                    updated_at=bindparam("b_updated_at"),
                    updated_device=bindparam("b_updated_device"),
                ),
                [
                    {
                        "b_record_id": r.record_id,
                        "b_revision": r.revision,
                        "b_deleted": r.deleted,
                        "b_fields": r.fields,
                        "b_field_meta": r.field_meta,
                        "b_updated_by": r.updated_by,
                        "b_updated_at": r.updated_at,
                        "b_updated_device": r.updated_device,
                    }
                    for r in changed
                ],
            )
