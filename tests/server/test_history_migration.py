"""Migration 0003: a record's current version leaves the history (its row holds it) and comes
back on downgrade; the versions it replaced stay where they are."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import insert, select

from server.db import alembic_config, migrate, open_database
from server.models import Record, RecordVersion, table_of
from tests.server.conftest import PgSchemas, backends

RECORD, VERSION = table_of(Record), table_of(RecordVersion)
EARLIER = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
DEVICE = uuid.uuid4()


def _version(record_id: uuid.UUID, revision: int, text: str, when: datetime) -> dict[str, Any]:
    return {
        "record_id": record_id,
        "revision": revision,
        "deleted": False,
        "fields": {"observations": text},
        "author": f"worker-{revision}",
        "device_id": DEVICE,
        "at": when,
    }


def _history(url: str, record_id: uuid.UUID) -> list[tuple[Any, ...]]:
    database = open_database(url)
    try:
        with database.read() as session:
            rows = session.execute(
                select(
                    VERSION.c.revision,
                    VERSION.c.fields,
                    VERSION.c.author,
                    VERSION.c.device_id,
                    VERSION.c.at,
                )
                .where(VERSION.c.record_id == record_id)
                .order_by(VERSION.c.revision)
            )
            return [tuple(row) for row in rows]
    finally:
        database.dispose()


@pytest.mark.parametrize("backend", backends())
def test_the_current_version_leaves_the_history_and_returns_on_downgrade(
    backend: str, tmp_path: Path, pg_schemas: PgSchemas | None
) -> None:
    if backend == "postgresql":
        assert pg_schemas is not None
        url = pg_schemas.create()
    else:
        url = f"sqlite:///{tmp_path / 'server.db'}"
    migrate(url, "0002")
    record_id = uuid.uuid4()
    database = open_database(url)
    try:
        with database.write() as session:
            # As 0002's code wrote a record edited once: both versions in the history.
            session.execute(
                insert(VERSION),
                [
                    _version(record_id, 7, "Original", EARLIER),
                    _version(record_id, 9, "Settled", LATER),
                ],
            )
            session.execute(
                insert(RECORD),
                {
                    "record_id": record_id,
                    "record_type": "visit",
                    "revision": 9,
                    "deleted": False,
                    "fields": {"observations": "Settled"},
                    "field_meta": {},
                    "subject_type": "child",
                    "subject_id": uuid.uuid4(),
                    "created_by": "worker-7",
                    "created_at": EARLIER,
                    "updated_by": "worker-9",
                    "updated_at": LATER,
                    "updated_device": DEVICE,
                },
            )
    finally:
        database.dispose()
    before = _history(url, record_id)

    migrate(url)
    assert _history(url, record_id) == before[:1]  # only the version it replaced

    command.downgrade(alembic_config(url), "0002")
    assert _history(url, record_id) == before  # the current one again, exactly as it was
