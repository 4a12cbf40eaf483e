"""Local bookkeeping for offline sync: the outbox, the common base for merges, and cursors.

The outbox row for a change is written in the same transaction as the change itself, so a crash
can neither lose a change nor leave one queued that was never committed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.ids import new_id
from app.models.base import Base
from app.models.packed import PackedJSON

PENDING = "pending"
REJECTED = "rejected"


class OutboxEntry(Base):
    """One change waiting for the server.

    ``id`` is the idempotency id the server dedupes on. Further local edits are folded into an
    entry only while it has not left the laptop (its seq is above ``app.replica.sent_mark``'s
    mark): once an entry may have reached the server its meaning is fixed, and a later edit
    gets an entry of its own. ``seq`` is never reused, which that mark relies on.
    """

    __tablename__ = "outbox"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True, default=new_id)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    operation: Mapped[str] = mapped_column(String(8))  # "upsert" | "delete"
    base_revision: Mapped[int | None] = mapped_column(Integer, default=None)
    #: Deflated (``app.models.packed``): a new record's entry carries all its text.
    fields: Mapped[dict[str, Any]] = mapped_column(PackedJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    state: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    rejection_reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: The pull cursor the laptop held when the change was made: how far it had heard from the
    #: service. The service accepts a change to a case that has since moved to someone else
    #: only if this cursor predates the move (``server.services.late_work``): the laptop still
    #: held the case when the change was made. None before the laptop's first pull.
    made_under: Mapped[str | None] = mapped_column(Text, default=None)
    #: A refused change that refers to a record the service did not hold yet (an addendum
    #: whose visit was itself refused): the record it waits for. It is sent again by itself
    #: once the service has taken that record (``sync.refused.retry_ready``).
    waits_for: Mapped[uuid.UUID | None] = mapped_column(default=None)


class SyncBase(Base):
    """The server's version of a record as this laptop last saw it: the common ancestor that
    field-by-field merging compares both sides against."""

    __tablename__ = "sync_base"

    record_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)


class ProfileState(Base):
    """Small named values that belong with the data (pull cursor, worker identity), so they
    are encrypted and roll back with the transaction that changed them."""

    __tablename__ = "profile_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def new_idempotency_id() -> uuid.UUID:
    return new_id()


class FieldConflictRecord(Base):
    """A field both this laptop and someone else changed differently, waiting for a person.

    Both values are kept (with who changed the server's side and when) until the worker
    chooses; their choice is saved as an ordinary edit, so it syncs like any other change.
    Values are wrapped as ``{"v": value}`` so that a null is stored as a value, not as absence.
    """

    __tablename__ = "sync_conflict"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    field: Mapped[str] = mapped_column(String(64))
    base_value: Mapped[dict[str, Any]] = mapped_column(JSON)
    mine: Mapped[dict[str, Any]] = mapped_column(JSON)
    theirs: Mapped[dict[str, Any]] = mapped_column(JSON)
    theirs_by: Mapped[str] = mapped_column(String(120), default="")
    theirs_at: Mapped[datetime | None] = mapped_column(default=None)
    server_revision: Mapped[int] = mapped_column(Integer)
    detected_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(120), default=None)
    choice: Mapped[str | None] = mapped_column(String(8), default=None)


class AttachmentUpload(Base):
    """Attachment content the service is known to hold in full.

    Kept so that a sync with nothing new asks the service nothing about files: content that
    arrived from the service, or that finished uploading, is marked here in the same
    transaction, and only unmarked content is offered to the service again.
    """

    __tablename__ = "attachment_upload"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(default=clock.utcnow)


class ResyncSeen(Base):
    """Records the service has sent during a full re-sync that is still under way.

    A full re-sync starts the feed from the beginning because the laptop was away longer than
    the service keeps deletions; whatever the laptop holds that the whole feed did not mention
    has been deleted or has left the caseload meanwhile. Kept in the store (not in memory) so
    an interrupted re-sync carries on where it stopped and still knows what it has seen.
    """

    __tablename__ = "resync_seen"

    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class WaitingVersion(Base):
    """A pulled version of a record that refers to one this laptop does not hold yet.

    The service lists records by their latest revision, so a child edited after its visits
    were written comes after them, and a page can end in between; applied then, the visit would
    point at no child. It waits here instead, invisible, and is applied as soon as what it
    refers to has arrived (``sync.waiting``): in a later page of the same pull, or of a later
    one if the pull was interrupted. Kept in the store so that an interruption loses nothing.
    """

    __tablename__ = "sync_waiting"

    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    #: The version as the service sent it (``RecordVersion``, JSON mode), deflated.
    version: Mapped[dict[str, Any]] = mapped_column(PackedJSON)


class KeptRemoval(Base):
    """A removal the service sent (a record deleted or gone from the caseload) that the laptop
    has not carried out yet, because the worker still has work on the record (unsent, set
    aside, refused or in conflict). ``sync.apply.release_kept`` carries it out once nothing
    of the worker's remains that has not reached the service or been decided by a person."""

    __tablename__ = "sync_kept_removal"

    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(16))
    kept_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
