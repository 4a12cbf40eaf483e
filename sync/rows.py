"""Server versions of records, and the service's stamps on pushed ones, as rows ready for one
``executemany``.

A first sync inserts tens of thousands of records. Turning each into a dict of model values
(``sync.codec.from_wire``) and then into what SQLite stores (each column type's bind processor,
inside SQLAlchemy's statement machinery) cost more than SQLite's own work. Here every column
gets one converter, made once per record type, that does both steps (the same decoding and
the same bind processor, so a row holds exactly what the ORM would have written), and a
version becomes a tuple in one pass.

That pass can run before the page's write transaction, on another thread
(:func:`prepare_rows`): a first sync makes it on the thread that fetches pages, in the time it
would otherwise spend waiting for the service to build the next one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Dialect
from sqlalchemy.orm import Session

from app.models import RECORD_TYPES, record_table
from app.replica import rows as replica_rows
from app.replica.rows import STAMPED, Convert, Row, RowStatements, binder, column_default
from sync.codec import decode
from sync.protocol.messages import RecordVersion
from sync.protocol.records import RECORD_FIELDS, SERVER_CONTROLLED

#: Columns every synchronised record has, filled from the version's envelope, not its fields.
_ENVELOPE = (
    "id",
    "deleted",
    "server_revision",
    "dirty",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
)


@dataclass(frozen=True)
class RowPlan:
    """How to make one record type's insert rows: its statements (``app.replica.rows``),
    then per wire field its converter and the stored value to use when a page leaves it out
    (an older server), then the envelope columns' converters.
    """

    statements: RowStatements
    fields: tuple[tuple[str, Convert, Any], ...]
    envelope: tuple[Convert, ...]

    def row(self, version: RecordVersion) -> tuple[Any, ...]:
        given = version.fields
        values = [
            convert(given[name]) if name in given else missing
            for name, convert, missing in self.fields
        ]
        envelope = (
            version.record_id,
            version.deleted,
            version.revision,
            False,
            version.created_by,
            version.created_at,
            version.updated_by,
            version.updated_at,
        )
        values += [bind(value) for bind, value in zip(self.envelope, envelope, strict=True)]
        return tuple(values)


@dataclass(frozen=True)
class StampPlan:
    """How to write what the service adds to changes it took as sent (revision, who and when,
    and the fields only it sets) onto one record type's rows, for ``sync.pages``.

    A push settles a thousand of these a batch. Through SQLAlchemy's ``update()`` each row's
    parameters went through its statement machinery one by one, which cost as much as SQLite's
    own work; here, as for inserts, each column gets its converter once and a stamp becomes a
    tuple in one pass. The revision only ever rises (a later answer may have been settled
    first) and the record is no longer dirty.
    """

    statement: str
    own: tuple[tuple[str, Convert], ...]
    envelope: tuple[Convert, ...]

    def row(self, stamp: Stamped) -> Row:
        given = stamp.fields
        values = [convert(given.get(name)) for name, convert in self.own]
        envelope = (
            stamp.created_by,
            stamp.created_at,
            stamp.updated_by,
            stamp.updated_at,
            stamp.revision,
            stamp.record_id,
        )
        values += [bind(value) for bind, value in zip(self.envelope, envelope, strict=True)]
        return tuple(values)


class Stamped(Protocol):
    """What :meth:`StampPlan.row` reads: a whole ``RecordVersion`` has it, and so does a
    stamps-only answer (``sync.pages``), without being made into a version first."""

    @property
    def record_id(self) -> uuid.UUID: ...
    @property
    def revision(self) -> int: ...
    @property
    def fields(self) -> dict[str, Any]: ...
    @property
    def created_by(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_by(self) -> str: ...
    @property
    def updated_at(self) -> datetime: ...


def write_stamps(session: Session, record_type: str, versions: Sequence[Stamped]) -> None:
    """Write these versions' stamps, and the fields only the service sets, onto rows the
    laptop holds, in one ``executemany``; their content is not rewritten."""
    plan = _stamp_plan(record_type, session.get_bind().dialect)
    replica_rows.stamp_rows(session, plan.statement, [plan.row(v) for v in versions])


def prepare_rows(dialect: Dialect, versions: Sequence[RecordVersion]) -> list[Row | None]:
    """The insert row of each version, in order (None for a record type this laptop does not
    know). Pure: it reads nothing from the store, so any thread may make them ahead."""
    return [
        _plan(v.record_type, dialect).row(v) if v.record_type in RECORD_TYPES else None
        for v in versions
    ]


def insert_versions(
    session: Session,
    record_type: str,
    versions: Sequence[RecordVersion],
    rows: Sequence[Row | None] | None = None,
) -> None:
    """Insert these versions (of records the laptop does not hold) in one ``executemany``.
    ``rows``: their rows from :func:`prepare_rows`, in the same order, where made ahead."""
    _execute(session, record_type, versions, rows, upsert=False)


def upsert_versions(
    session: Session,
    record_type: str,
    versions: Sequence[RecordVersion],
    rows: Sequence[Row | None] | None = None,
) -> None:
    """Write these versions whole, over the laptop's rows where it holds them (content and
    stamps alike: each is now exactly the server's version), in one ``executemany``."""
    _execute(session, record_type, versions, rows, upsert=True)


def _execute(
    session: Session,
    record_type: str,
    versions: Sequence[RecordVersion],
    rows: Sequence[Row | None] | None,
    *,
    upsert: bool,
) -> None:
    plan = _plan(record_type, session.get_bind().dialect)
    if rows is None:
        rows = [None] * len(versions)
    made = [row or plan.row(v) for v, row in zip(versions, rows, strict=True)]
    if upsert:
        replica_rows.upsert_rows(session, plan.statements, made)
    else:
        replica_rows.insert_rows(session, plan.statements, made)


_PLANS: dict[tuple[str, str], RowPlan] = {}


def _plan(record_type: str, dialect: Dialect) -> RowPlan:
    key = (record_type, dialect.name)
    plan = _PLANS.get(key)
    if plan is None:
        # Two threads may make the same plan at once; both are equal, and either is kept.
        plan = _PLANS[key] = _make_plan(record_type, dialect)
    return plan


_STAMP_PLANS: dict[tuple[str, str], StampPlan] = {}


def _stamp_plan(record_type: str, dialect: Dialect) -> StampPlan:
    key = (record_type, dialect.name)
    plan = _STAMP_PLANS.get(key)
    if plan is None:
        plan = _STAMP_PLANS[key] = _make_stamp_plan(record_type, dialect)
    return plan


def _make_stamp_plan(record_type: str, dialect: Dialect) -> StampPlan:
    table = record_table(record_type)
    schema = RECORD_FIELDS[record_type]
    server_set = [name for name in schema if name in SERVER_CONTROLLED]
    own = tuple(
        (name, _compose(schema[name].rstrip("?"), binder(table, name, dialect)))
        for name in server_set
    )
    envelope = tuple(binder(table, name, dialect) for name in (*STAMPED, "server_revision", "id"))
    statement = replica_rows.stamp_statement(table, server_set, dialect)
    return StampPlan(statement, own, envelope)


def _make_plan(record_type: str, dialect: Dialect) -> RowPlan:
    table = record_table(record_type)
    schema = RECORD_FIELDS[record_type]
    names = [*schema, *_ENVELOPE]
    statements = replica_rows.row_statements(table, names, dialect)
    fields = []
    for name in schema:
        bind = binder(table, name, dialect)
        kind = schema[name].rstrip("?")
        fields.append((name, _compose(kind, bind), bind(column_default(table, name))))
    envelope = tuple(binder(table, name, dialect) for name in _ENVELOPE)
    return RowPlan(statements, tuple(fields), envelope)


def _compose(kind: str, bind: Convert) -> Convert:
    def convert(value: Any) -> Any:
        return bind(decode(kind, value))

    return convert
