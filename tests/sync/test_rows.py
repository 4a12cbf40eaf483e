"""A new record inserted by a first sync's fast path is stored byte for byte as the ORM path
stores it, for every record type, every kind of field, and fields a page leaves out."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, text
from sqlalchemy.dialects import sqlite

from app.models import RECORD_TYPES
from app.replica.rows import binder as _binder
from app.store import Store
from sync.apply import ApplyTally, apply_version
from sync.protocol.messages import RecordVersion
from sync.protocol.records import RECORD_FIELDS
from sync.rows import insert_versions
from tests.conftest import unlocked_store
from tests.instants import STORED_AS, WHEN

#: Wire values as a server sends them, by declared kind.
SAMPLES: dict[str, Any] = {
    "str": "Ama O'Neil — café",
    "int": 7,
    "bool": True,
    "date": "2024-02-29",
    "datetime": "2026-11-02T09:30:00.123456+00:00",
    "uuid": "5f0c6a8e-3b1d-4c2e-9a7f-0123456789ab",
    "object": {"q1": ["a", "b"], "n": 2, "nested": {"x": None}},
}


#: Records others point at: made first, with the ids the sample links name.
LINKED = {"child": uuid.uuid4(), "carer_household": uuid.uuid4(), "carer": uuid.uuid4()}
LINKS = {
    "child_id": LINKED["child"],
    "household_id": LINKED["carer_household"],
    "carer_id": LINKED["carer"],
}


def _version(record_type: str, *, leave_out_optional: bool) -> RecordVersion:
    fields: dict[str, Any] = {}
    for name, kind in RECORD_FIELDS[record_type].items():
        optional = kind.endswith("?")
        if optional and leave_out_optional:
            continue  # an older server's page: the column default applies
        link = LINKS.get(name)
        fields[name] = str(link) if link else SAMPLES[kind.rstrip("?")]
    return RecordVersion(
        record_type=record_type,
        record_id=LINKED.get(record_type) or uuid.uuid4(),
        revision=12,
        fields=fields,
        created_by="bob",
        created_at=WHEN,
        updated_by="carol",
        updated_at=WHEN,
    )


def _stored(store: Store, record_type: str, record_id: uuid.UUID) -> dict[str, Any]:
    table = RECORD_TYPES[record_type].__table__  # type: ignore[attr-defined]  # declared by Base
    assert isinstance(table, Table)
    with store.read() as session:
        row = (
            session.execute(
                text(f"SELECT * FROM {table.name} WHERE id = :id"),  # noqa: S608 (model name)
                {"id": record_id.hex},
            )
            .mappings()
            .one()
        )
    return dict(row)


@pytest.mark.parametrize("leave_out_optional", [False, True])
def test_fast_insert_stores_what_the_orm_stores(tmp_path: Path, leave_out_optional: bool) -> None:
    order = [*LINKED, *(t for t in RECORD_TYPES if t not in LINKED)]
    versions = [_version(t, leave_out_optional=leave_out_optional) for t in order]
    with unlocked_store(tmp_path, "fast") as fast, unlocked_store(tmp_path, "orm") as orm:
        for version in versions:
            with fast.write(remote=True) as session:
                insert_versions(session, version.record_type, [version])
            with orm.write(remote=True) as session:
                apply_version(session, version, ApplyTally())
        for version in versions:
            assert _stored(fast, version.record_type, version.record_id) == _stored(
                orm, version.record_type, version.record_id
            ), version.record_type


def test_a_page_of_timestamps_is_stored_as_each_says() -> None:
    """Insert rows store each timestamp as naive UTC text: a repeated instant, the next
    microsecond, or the same instant written in another zone, each as itself."""
    table = RECORD_TYPES["case_note"].__table__
    assert isinstance(table, Table)
    bind = _binder(table, "created_at", sqlite.dialect())
    assert [bind(value) for value, _text in STORED_AS] == [text for _value, text in STORED_AS]
