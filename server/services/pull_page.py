"""A page of the change feed as JSON, each record's stored fields passed through unparsed.

A first sync's page is thousands of records with about 2 KB of case text each. Reading each
record's stored JSON into Python objects, only to build models and serialise them straight back,
was about a third of the service's time for a page; the laptop parses the text once anyway.
The database holds exactly the JSON the service wrote (SQLite keeps the text it was given;
PostgreSQL's jsonb prints back as equivalent JSON), so each record's fields go into the page as
they are, inside an envelope made from typed columns. The result has the ``PullResponse`` wire
shape, which ``tests/server/test_pull_page.py`` checks by parsing it back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from sync.protocol.messages import Removal

#: Timestamps as the wire models write them: UTC, ending in "Z".
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC


class FeedRecord(Protocol):
    """What the change feed reads of a record (its history and merge bookkeeping stay out)."""

    record_id: uuid.UUID
    record_type: str
    revision: int
    deleted: bool
    #: The stored fields as JSON text, unparsed.
    fields: str
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    updated_device: uuid.UUID | None


@dataclass(frozen=True)
class PullPage:
    records: list[FeedRecord] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    cursor: str = ""
    more: bool = False
    full_resync: bool = False

    def to_json(self) -> bytes:
        document: dict[str, Any] = {
            "records": [_record(r) for r in self.records],
            "removals": [r.model_dump(mode="json") for r in self.removals],
            "cursor": self.cursor,
            "more": self.more,
            "full_resync": self.full_resync,
        }
        return orjson.dumps(document, option=_OPTIONS)


def _record(row: FeedRecord) -> dict[str, Any]:
    return {
        "record_type": row.record_type,
        "record_id": row.record_id,
        "revision": row.revision,
        "deleted": row.deleted,
        "fields": orjson.Fragment(row.fields),
        "created_by": row.created_by,
        "created_at": row.created_at,
        "updated_by": row.updated_by,
        "updated_at": row.updated_at,
    }
