"""Declarative base and column types shared by every server table."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, Table, TypeDecorator, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

#: Recent instants with their SQLite text, shared by every timestamp column: a push batch
#: binds each of its instants several times (a record's created and updated, its history's,
#: the batch's own on every receipt; ``server.services.records.WriteBatch``), and formatting
#: each every time was a tenth of a push's instructions. Bounded: a batch holds up to a
#: thousand records, each with its own instant.
_INSTANT_TEXT: dict[datetime, str] = {}
_KEPT_INSTANTS = 4096


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants as naive UTC and hands them back timezone-aware.

    SQLite has no timezone type; storing naive UTC everywhere keeps both engines identical.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        # SQLite stores the text SQLAlchemy's DATETIME writes, "YYYY-MM-DD HH:MM:SS.ffffff" in
        # naive UTC; made in one step, not by building a naive datetime and formatting it field
        # by field: a push binds four timestamps per record, and that took twice as long.
        made = _INSTANT_TEXT

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            text = made.get(value)
            if text is not None:
                return text
            if value.tzinfo is None:
                raise ValueError("timestamps must be timezone-aware")
            # Without the "+00:00" isoformat adds (the year always has four digits).
            text = value.astimezone(UTC).isoformat(" ", "microseconds")[:26]
            if len(made) >= _KEPT_INSTANTS:
                made.clear()
            made[value] = text
            return text

        return process


#: JSON documents: JSONB on PostgreSQL (compact, indexable), plain JSON text elsewhere.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")
#: 64-bit integer keys that still autoincrement on SQLite (which only does so for INTEGER).
BigID = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: UTCDateTime,
        uuid.UUID: Uuid,
        dict[str, Any]: JSONDoc,
        list[str]: JSONDoc,
    }


def utcnow() -> datetime:
    """The server's clock: always UTC, always aware."""
    return datetime.now(UTC)


def table_of(model: type[Base]) -> Table:
    """A mapped class's Core table, for bulk statements that skip the ORM's unit of work."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
