"""Wire values to model values and back, driven by the shared field table.

The wire carries dates, instants and ids as ISO strings; the store wants ``date``, aware
``datetime`` and ``UUID``. Converting in one place, by the declared type, keeps a record
byte-for-byte the same however many times it travels.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sync.protocol.records import RECORD_FIELDS


def from_wire(record_type: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Model values for the fields the laptop knows; unknown fields (a newer server) are kept
    out rather than failing the whole page."""
    schema = RECORD_FIELDS[record_type]
    out: dict[str, Any] = {}
    for name, value in fields.items():
        kind = schema.get(name)
        if kind is None:
            continue
        out[name] = decode(kind.rstrip("?"), value)
    return out


def decode(kind: str, value: Any) -> Any:
    """One wire value of a declared kind ("date", "datetime", "uuid", or any other: as is)."""
    if value is None:
        return None
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "datetime":
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if kind == "uuid":
        return uuid.UUID(str(value))
    return value
