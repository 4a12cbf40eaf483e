"""Record fields to and from JSON-safe values: the outbox stores them and sync sends them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import inspect

from app.models.base import Record

JSONValue = str | int | float | bool | None | dict[str, Any] | list[Any]


def to_json_value(value: object) -> JSONValue:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool | dict | list):
        return value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def content_fields(cls: type[Record]) -> list[str]:
    """The columns that are case content (what a change carries), in table order."""
    return [col.key for col in inspect(cls).column_attrs if col.key not in cls.BOOKKEEPING]


def record_fields(obj: Record, names: list[str] | None = None) -> dict[str, JSONValue]:
    keys = names if names is not None else content_fields(type(obj))
    return {key: to_json_value(getattr(obj, key)) for key in keys}


def from_json_value(cls: type[Record], name: str, value: JSONValue) -> object:
    """The model value for a JSON-safe one, by the column's declared type (the reverse of
    ``to_json_value``): a conflict keeps both sides as JSON, and the chosen side goes back
    into the record as a date, instant or id."""
    if value is None:
        return None
    column = inspect(cls).columns[name]
    python_type = column.type.python_type
    if python_type is datetime and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if python_type is date and isinstance(value, str):
        return date.fromisoformat(value)
    if python_type is uuid.UUID and isinstance(value, str):
        return uuid.UUID(value)
    return value
