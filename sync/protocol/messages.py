"""Request and response bodies of the sync API (pydantic v2), shared by client and server.

Semantics, in brief (DESIGN.md has the reasoning):

- **Push** sends a batch of ``Change``s. Each carries an idempotency ``change_id``; the server
  stores each change's result in the same transaction as its effect, so resending a batch (or
  any part of it, after a timeout) returns the stored result and changes nothing twice.
- A change names the server ``base_revision`` it was made on (None for a record new to the
  server) and only the fields that changed. The server compares against what changed since
  that base: untouched fields apply (``applied`` when nothing else changed, ``merged`` when other
  fields had changed meanwhile); a field both sides changed to different values makes the whole
  change a ``conflict`` (nothing applied, the server's current version returned with the base
  and who changed each contested field); an impossible change is ``rejected`` with a reason a
  worker can read and the field at fault. A rejected change never blocks the rest of the batch.
- **Pull** returns record versions after an opaque ``cursor`` in pages, in the order their
  transactions committed (so no change is ever skipped), plus ``removals`` for records deleted or
  no longer in the caller's scope. ``full_resync`` tells a laptop that was away longer than the
  server keeps tombstones to start again from an empty cursor (keeping its unsent changes).
- **A case that moved while a laptop had work on it.** A change to a child or household no
  longer in the caller's caseload is accepted when the pull cursor the laptop held when the
  change was made (``Change.made_under``, else the push's cursor) predates the scope event that
  took the subject from the caller, and the caller held the subject at that cursor: the work
  was recorded by the worker who held the case, at the time, and belongs on its record. A
  change made after the laptop had heard of the move (its cursor at or past the move) is
  ``rejected``, naming the move and who holds the case now. Accepted late work is flagged to
  whoever holds the case now by a signed-off case note of kind ``LATE_WORK`` ("Recorded by A
  before the case moved to you") written in the same transaction, and audited as
  ``record.write.late``. ``server.services.late_work`` has the details (a cursor is the
  service's own signed document; a cursor older than the purged scope events proves nothing).
- **Removals never take unsettled work.** A laptop carries out a removal only for records
  with nothing unsent, refused or in conflict; otherwise it keeps the removal back until that
  work has reached the service or a person has decided about it (``sync.refused``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
MAX_CHANGES_PER_PUSH = 1000
MAX_PULL_PAGE = 5000
DEFAULT_PULL_PAGE = 5000


class WireModel(BaseModel):
    """Unknown fields are refused: a typo in a client must fail loudly, not be dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- Push


class Change(WireModel):
    change_id: uuid.UUID
    record_type: str = Field(max_length=32)
    record_id: uuid.UUID
    operation: Literal["upsert", "delete"]
    base_revision: int | None = Field(default=None, ge=0)
    fields: dict[str, Any] = Field(default_factory=dict)
    #: The pull cursor the laptop held when this change was made, as the service issued it.
    #: A change to a case that has moved to someone else since is accepted when this cursor
    #: predates the move: the laptop still held the case when the change was made (the rule is
    #: in ``server.services.late_work``). Absent: the push's own cursor stands for it.
    made_under: str | None = Field(default=None, max_length=512)


class PushRequest(WireModel):
    changes: list[Change] = Field(max_length=MAX_CHANGES_PER_PUSH)
    #: The laptop's pull cursor, if it has read its whole feed: lets the answer carry a new one
    #: (see ``PushResponse.cursor``). Opaque, as the service issued it. It may come as the
    #: ``cursor`` query parameter instead (which wins), as this laptop sends it: the body can
    #: then be encoded before the previous batch's answer, which brings the cursor, is in.
    cursor: str | None = Field(default=None, max_length=512)


class ChangeStatus(StrEnum):
    APPLIED = "applied"
    MERGED = "merged"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class FieldConflict(WireModel):
    """One field both sides changed: the server's value and who set it, and the base value."""

    field: str
    server_value: Any
    base_value: Any
    changed_by: str
    changed_at: datetime


class RecordVersion(WireModel):
    """A record as the server holds it at one revision."""

    record_type: str
    record_id: uuid.UUID
    revision: int
    deleted: bool = False
    fields: dict[str, Any]
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class Stamps(WireModel):
    """What the server added to a change it took exactly as sent (a new record, or an edit to
    a record no one else had changed since the laptop's base).

    The laptop already holds the record's content, so sending it all back (2 KB of case text
    per record, on a first sync of tens of thousands) would only cost time both ends: the
    answer carries who and when, and the fields only the server sets (every one of them, None
    included, so the laptop's copy ends up exactly the server's).
    """

    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    fields: dict[str, Any]


class ChangeResult(WireModel):
    change_id: uuid.UUID
    status: ChangeStatus
    #: The record's revision after the change (applied, merged), or its current one (conflict).
    revision: int | None = None
    #: The server's version after a merge, or its current version in a conflict (or after an
    #: edit that changed nothing).
    record: RecordVersion | None = None
    #: A change applied as sent: only what the server added (see ``Stamps``).
    stamps: Stamps | None = None
    conflicts: list[FieldConflict] = Field(default_factory=list)
    #: For a rejection: a sentence a social worker can act on, and the field at fault if any.
    reason: str | None = None
    field: str | None = None


class PushResponse(WireModel):
    results: list[ChangeResult]
    #: A pull cursor just past this batch, given only when nothing reached the laptop's feed
    #: between the request's cursor and this batch except the batch's own writes, which the
    #: laptop holds already (from these answers). It may then skip the pull that would only
    #: have stepped over its own echoes. None: pull as usual.
    cursor: str | None = None


# ---- Pull


class Removal(WireModel):
    record_type: str
    record_id: uuid.UUID
    reason: Literal["deleted", "out_of_scope"]


class PullResponse(WireModel):
    records: list[RecordVersion]
    removals: list[Removal]
    #: Opaque; send it back unchanged as ``cursor`` on the next pull.
    cursor: str
    more: bool
    full_resync: bool = False


# ---- Accounts and devices


#: No control characters in names (a NUL cannot even be stored in PostgreSQL text).
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


class DeviceRegistration(WireModel):
    username: str = Field(min_length=1, max_length=120, pattern=_PRINTABLE)
    password: str = Field(min_length=1, max_length=1024)
    device_name: str = Field(min_length=1, max_length=120, pattern=_PRINTABLE)


class TokenPair(WireModel):
    device_id: uuid.UUID
    access_token: str
    access_expires_in: int
    refresh_token: str
    worker: str
    display_name: str
    role: Literal["worker", "manager", "admin", "performance"]


class RefreshRequest(WireModel):
    refresh_token: str = Field(min_length=1, max_length=512)


class ErrorBody(WireModel):
    """Every 4xx/5xx answer: a stable machine code, a sentence for people, the field at fault.

    ``action`` tells the client what it must do: ``wipe`` (device revoked or worker disabled:
    securely delete the profile), ``reauthenticate`` (sign in again), ``full_resync``.
    """

    code: str
    message: str
    field: str | None = None
    action: Literal["wipe", "reauthenticate", "full_resync"] | None = None


class UploadState(WireModel):
    """How much of an attachment's content the service holds; a laptop resumes at ``received``."""

    sha256: str
    size: int
    received: int
    complete: bool
    max_chunk_bytes: int
