"""The push's bulk writing and validation shortcuts store and answer exactly what the plain paths
did: ``execute_many`` against SQLAlchemy's own executemany (on each backend), SQLite timestamps
against SQLAlchemy's DATETIME text, and canonical ids against a full parse; and SQLite's larger
write-transaction page cache is given back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import DateTime, bindparam, insert, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from server.db import WRITE_CACHE_KIB, execute_many, open_database
from server.models import RecordVersion, table_of
from server.models.base import UTCDateTime
from server.services.merge import coerce_value, validate_fields
from tests.server.conftest import LiveServer

VERSION = table_of(RecordVersion)
MOMENTS = [
    datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    datetime(2026, 3, 1, 12, 0, 0, 7, tzinfo=timezone(timedelta(hours=-5))),
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=5, minutes=30))),
]


def _versions(record_ids: list[uuid.UUID], first_revision: int) -> list[dict[str, Any]]:
    return [
        {
            "record_id": record_id,
            "revision": first_revision + index,
            "deleted": index % 2 == 1,
            "fields": {
                "text": "é\u2028😀",
                "n": 2**40,
                "flag": True,
                "none": None,
                "o": {"a": [1]},
            },
            "author": "worker",
            "device_id": None if index == 0 else uuid.UUID(int=index),
            "at": MOMENTS[index],
        }
        for index, record_id in enumerate(record_ids)
    ]


def _stored(session: Session, revisions: range) -> list[tuple[Any, ...]]:
    """The rows as the database holds them (raw text on SQLite), without the revision."""
    rows = session.execute(
        text(
            "SELECT record_id, deleted, fields, author, device_id, at FROM record_version "
            "WHERE revision >= :low AND revision < :high ORDER BY revision"
        ),
        {"low": revisions.start, "high": revisions.stop},
    )
    return [tuple(row) for row in rows]


def test_execute_many_stores_what_sqlalchemy_stores(server: LiveServer) -> None:
    """Ids, booleans, JSON, NULLs and timestamps in any offset are stored identically by the
    bulk path and by ``session.execute``, for inserts and for updates by bound key."""
    record_ids = [uuid.uuid4() for _ in MOMENTS]
    plain, bulk = range(10**12, 10**12 + 3), range(10**12 + 3, 10**12 + 6)
    with Session(server.database.engine) as session:
        session.execute(insert(VERSION), _versions(record_ids, plain.start))
        execute_many(session, insert(VERSION), _versions(record_ids, bulk.start))
        assert _stored(session, plain) == _stored(session, bulk)

        statement = (
            update(VERSION)
            .where(
                VERSION.c.record_id == bindparam("b_record_id"),
                VERSION.c.revision == bindparam("b_revision"),
            )
            .values(fields=bindparam("b_fields"), at=bindparam("b_at"))
        )

        def changes(revisions: range) -> list[dict[str, Any]]:
            return [
                {"b_record_id": record_id, "b_revision": revision, "b_fields": {}, "b_at": moment}
                for record_id, revision, moment in zip(
                    record_ids, revisions, reversed(MOMENTS), strict=True
                )
            ]

        session.execute(statement, changes(plain))
        execute_many(session, statement, changes(bulk))
        assert _stored(session, plain) == _stored(session, bulk)
        loaded = session.scalars(
            select(VERSION.c.at).where(VERSION.c.revision.in_(list(bulk))).order_by("revision")
        ).all()
        assert loaded == list(reversed(MOMENTS))
        session.rollback()


def test_execute_many_refuses_rows_that_leave_parameters_to_defaults(server: LiveServer) -> None:
    """Column defaults are not filled in: rows must give every parameter themselves."""
    row = _versions([uuid.uuid4()], 10**12)[0]
    del row["deleted"]  # has a Python-side default
    with Session(server.database.engine) as session:
        with pytest.raises(ValueError, match="one plain parameter per key"):
            execute_many(session, insert(VERSION), [row])
        session.rollback()


def test_sqlite_timestamps_are_sqlalchemys_datetime_text() -> None:
    """UTCDateTime's one-step SQLite text equals SQLAlchemy's DATETIME text of naive UTC."""
    dialect = sqlite.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    reference = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None and reference is not None
    moments = [*MOMENTS, datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)]
    for moment in moments:
        naive = UTCDateTime().process_bind_param(moment, dialect)
        assert process(moment) == reference(naive)
    assert process(None) is None
    with pytest.raises(ValueError, match="timezone-aware"):
        process(datetime(2026, 3, 1, 12, 0))


@given(st.uuids(), st.sampled_from(["plain", "upper", "braces", "urn", "hex"]))
def test_ids_in_any_spelling_are_canonicalised(value: uuid.UUID, spelling: str) -> None:
    text = {
        "plain": str(value),
        "upper": str(value).upper(),
        "braces": "{" + str(value) + "}",
        "urn": value.urn,
        "hex": value.hex,
    }[spelling]
    assert coerce_value("uuid", text) == (True, str(value))


@given(st.text(max_size=40))
def test_anything_else_is_an_id_only_if_it_parses(text: str) -> None:
    try:
        expected: tuple[bool, Any] = (True, str(uuid.UUID(text)))
    except ValueError:
        expected = (False, text)
    assert coerce_value("uuid", text) == expected


def test_refusals_name_the_field_and_what_it_must_be() -> None:
    """The sentences a laptop shows a worker, for each kind of problem."""
    cases: list[tuple[str, dict[str, Any], bool, str, str | None]] = [
        (
            "visit",
            {"child_id": "not an id"},
            False,
            "The value for child_id must be a record id (UUID).",
            "child_id",
        ),
        (
            "visit",
            {"visit_date": None},
            False,
            "The value for visit_date must be a date (YYYY-MM-DD) and cannot be empty.",
            "visit_date",
        ),
        (
            "visit",
            {"finalised_at": "2024-05-01T15:00:00"},
            False,
            "The value for finalised_at must be a date and time with a UTC offset.",
            "finalised_at",
        ),
        (
            "review",
            {"visit_interval_weeks": True},
            False,
            "The value for visit_interval_weeks must be a whole number.",
            "visit_interval_weeks",
        ),
        (
            "assessment",
            {"answers": []},
            False,
            "The value for answers must be a JSON object and cannot be empty.",
            "answers",
        ),
        ("visit", {"colour": "red"}, False, "A visit has no field called 'colour'.", "colour"),
        (
            "case_note",
            {"kind": "x"},
            True,
            "A new case_note needs a value for event_date.",
            "event_date",
        ),
        ("nothing", {}, True, "Unknown record type 'nothing'", None),
    ]
    for record_type, fields, creating, reason, field_name in cases:
        clean, error = validate_fields(record_type, fields, creating=creating)
        assert clean == {} and error is not None
        assert error.reason.startswith(reason) and error.field == field_name


def test_server_owned_values_are_dropped_not_checked() -> None:
    clean, error = validate_fields(
        "child", {"allocated_worker": 5, "given_name": "Sam"}, creating=False
    )
    assert error is None and clean == {"given_name": "Sam"}


def test_sqlite_write_transactions_hold_a_larger_page_cache_only_while_they_run(
    tmp_path: Path,
) -> None:
    """A push's pages fit in a write transaction's cache; reads, and the connection once back in
    the pool, keep SQLite's default."""
    database = open_database(f"sqlite:///{tmp_path / 'cache.db'}")
    try:
        with database.read() as session:
            default = session.execute(text("PRAGMA cache_size")).scalar_one()
        with database.write() as session:
            assert session.execute(text("PRAGMA cache_size")).scalar_one() == -WRITE_CACHE_KIB
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() == default
        assert default != -WRITE_CACHE_KIB
    finally:
        database.dispose()
