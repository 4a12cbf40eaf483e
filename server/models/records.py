"""Case records stored generically, their history, the revision counter and scope.

One ``record`` table holds every record type as a JSON document (the laptop's schema travels
in :mod:`sync.protocol.records`, so the server need not mirror it table by table), each at its
current version. The ``record_version`` history holds every version a record has replaced,
which gives the base values a conflict shows; ``revision_counter`` is the single row whose lock
makes revision order equal commit order.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, BigID, utcnow


class RevisionCounter(Base):
    """The one row (id 1) whose ``value`` is the last revision handed out."""

    __tablename__ = "revision_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Record(Base):
    """The current version of one record. ``field_meta`` maps each field to
    ``[revision, author, iso-time]`` of its last change, which is what merging compares."""

    __tablename__ = "record"
    __table_args__ = (Index("ix_record_subject", "subject_type", "subject_id", "revision"),)

    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(default=False)
    fields: Mapped[dict[str, Any]]
    field_meta: Mapped[dict[str, Any]]
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[uuid.UUID]
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The device that wrote this version, so its own pulls need not echo it back.
    updated_device: Mapped[uuid.UUID | None] = mapped_column(default=None)


class RecordVersion(Base):
    """Append-only history: every version a record has replaced, with who wrote it from which
    device. With the record's current version (its ``record`` row), every version it has had."""

    __tablename__ = "record_version"
    __table_args__ = (UniqueConstraint("record_id", "revision"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    revision: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(default=False)
    fields: Mapped[dict[str, Any]]
    author: Mapped[str] = mapped_column(String(120))
    device_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ChangeReceipt(Base):
    """The stored result of one pushed change, written in the same transaction as its effect."""

    __tablename__ = "change_receipt"

    change_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    result: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Allocation(Base):
    """Who holds a subject (a child's case or a carer household)."""

    __tablename__ = "allocation"

    subject_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow)
    allocated_by: Mapped[str] = mapped_column(String(120))


class AllocationHistory(Base):
    """Who held a subject from when to when, and why it changed: kept for good (scope events
    are purged after the offline limit), so the 903's social worker episodes can be reported.

    Written in the same transaction as the allocation it records; the open row (no
    ``end_date``) is the current holder's.
    """

    __tablename__ = "allocation_history"
    __table_args__ = (Index("ix_allocation_history_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[uuid.UUID]
    worker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None] = mapped_column(default=None)
    #: The 903's SW_REASON code for the change that began this holding.
    reason: Mapped[str] = mapped_column(String(6))
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScopeEvent(Base):
    """A subject moving between workers (and teams), numbered from the revision counter so the
    pull feed can tell the old holder to purge and the new holder to fetch everything."""

    __tablename__ = "scope_event"
    __table_args__ = (Index("ix_scope_event_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    revision: Mapped[int] = mapped_column(BigInteger, index=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[uuid.UUID]
    from_worker_id: Mapped[int | None] = mapped_column(default=None, index=True)
    to_worker_id: Mapped[int | None] = mapped_column(default=None, index=True)
    from_team_id: Mapped[int | None] = mapped_column(default=None)
    to_team_id: Mapped[int | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ServerState(Base):
    """The one row (id 1) of server-wide state: the signing key and the purge horizon.

    ``purged_through`` is the highest revision of any tombstone or scope event purged; a pull
    from a cursor below it could miss a deletion, so it is answered with ``full_resync``.
    """

    __tablename__ = "server_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret_key: Mapped[str] = mapped_column(String(128))
    purged_through: Mapped[int] = mapped_column(BigInteger, default=0)
