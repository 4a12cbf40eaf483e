"""Declarative base and the columns every case record shares.

Every record carries what offline sync needs from day one (a UUID made where it is created, the
server revision it last agreed with, a dirty flag and a tombstone flag) so the sync engine never
has to retrofit them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, TypeDecorator, Uuid, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app import clock
from app.ids import new_id


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants as UTC and gives them back timezone-aware.

    SQLite has no timezone type; without this a naive datetime read back would be ambiguous and
    laptop clocks in BST would quietly shift every timestamp by an hour.
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

        # The text SQLAlchemy's SQLite DATETIME writes for the naive UTC instant
        # ("YYYY-MM-DD HH:MM:SS.ffffff"), made in one step rather than by building a naive
        # datetime and formatting it field by field: settling a pushed batch binds two instants
        # a record, and the two steps were a fifth of the laptop's work in settling.
        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError("timestamps must be timezone-aware")
            # Without the "+00:00" isoformat adds (the year always has four digits).
            return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]

        return process


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: UTCDateTime,
        uuid.UUID: Uuid,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Record:
    """Mixin for every synchronised case record.

    ``server_revision`` is the revision of the server's copy this row last agreed with (None until
    the server has seen it); ``dirty`` means there are local changes the server has not accepted
    yet; ``deleted`` is a tombstone: records are never hard-deleted locally before the server has
    confirmed the deletion, so a deletion can travel like any other change.
    """

    #: Name of the record type on the wire and in the outbox (the table name).
    record_type: ClassVar[str]
    #: Human word for messages ("visit", "assessment").
    noun: ClassVar[str] = "record"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    server_revision: Mapped[int | None] = mapped_column(Integer, default=None)
    dirty: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    #: Columns that are bookkeeping, not content: never sent as changed fields.
    BOOKKEEPING: ClassVar[frozenset[str]] = frozenset(
        {"id", "created_at", "updated_at", "created_by", "updated_by", "server_revision", "dirty"}
    )


DRAFT = "draft"
FINALISED = "finalised"
APPROVED = "approved"


class Finalisable:
    """Mixin for records a worker signs off. Once finalised only ``MUTABLE_AFTER_FINALISE``
    may change; the store enforces that in its flush hook, so no code path can bypass it."""

    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    finalised_at: Mapped[datetime | None] = mapped_column(default=None)
    finalised_by: Mapped[str | None] = mapped_column(String(120), default=None)

    MUTABLE_AFTER_FINALISE: ClassVar[frozenset[str]] = frozenset()

    @property
    def is_finalised(self) -> bool:
        return self.status in (FINALISED, APPROVED)


def date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@event.listens_for(Base, "init", propagate=True)
def _apply_defaults(target: Base, _args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Give a new object its column defaults (above all its UUID) the moment it is made.

    SQLAlchemy applies Python-side defaults only at INSERT; but a record's id must exist where
    it is created (so children, outbox entries and audit rows can refer to it before anything
    is flushed), and validation must see the same values that will be stored.
    """
    for prop in target.__mapper__.column_attrs:
        default = prop.columns[0].default
        if prop.key in kwargs or default is None:
            continue
        if default.is_callable:
            setattr(target, prop.key, default.arg(None))
        elif default.is_scalar:
            setattr(target, prop.key, default.arg)
