"""A pulled page written with each record's stored JSON passed through (``pull_page``) reads
back as exactly the page the wire models would have written."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from server.services.pull_page import PullPage
from sync.protocol.messages import PullResponse, RecordVersion, Removal

#: Values a record's fields hold: text of every kind, numbers, flags, nulls, lists, objects.
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@dataclass
class Row:
    """A feed row as the database gives it: typed envelope, fields still JSON text."""

    record_id: uuid.UUID
    record_type: str
    revision: int
    deleted: bool
    fields: str
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    updated_device: uuid.UUID | None = None


@given(
    records=st.lists(
        st.tuples(
            st.dictionaries(st.text(), values, max_size=6),
            st.text(min_size=1),
            instants,
            instants,
            st.integers(1, 2**40),
        ),
        max_size=5,
    ),
    gone=st.lists(st.sampled_from(["deleted", "out_of_scope"]), max_size=3),
    more=st.booleans(),
    cursor=st.text(),
)
def test_a_page_reads_back_as_the_models_would_write_it(
    records: list[tuple[dict[str, Any], str, datetime, datetime, int]],
    gone: list[Any],
    more: bool,
    cursor: str,
) -> None:
    rows = [
        Row(uuid.uuid4(), "case_note", revision, False, json.dumps(fields), who, made, who, changed)
        for fields, who, made, changed, revision in records
    ]
    removals = [Removal(record_type="visit", record_id=uuid.uuid4(), reason=r) for r in gone]
    expected = PullResponse(
        records=[
            RecordVersion(
                record_type=r.record_type,
                record_id=r.record_id,
                revision=r.revision,
                deleted=r.deleted,
                fields=json.loads(r.fields),
                created_by=r.created_by,
                created_at=r.created_at,
                updated_by=r.updated_by,
                updated_at=r.updated_at,
            )
            for r in rows
        ],
        removals=removals,
        cursor=cursor,
        more=more,
    )
    page = PullPage(records=list(rows), removals=removals, cursor=cursor, more=more)
    assert PullResponse.model_validate_json(page.to_json()) == expected
    assert json.loads(page.to_json()) == json.loads(expected.model_dump_json())


def test_an_empty_page_and_a_resync_page_have_the_wire_shape() -> None:
    assert PullResponse.model_validate_json(PullPage(cursor="c").to_json()) == PullResponse(
        records=[], removals=[], cursor="c", more=False
    )
    assert PullResponse.model_validate_json(PullPage(full_resync=True).to_json()).full_resync
