"""Response bodies that only the server defines (the sync bodies live in :mod:`sync.protocol`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ServerModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Health(ServerModel):
    status: Literal["ok"]
    database: Literal["ok"]
    protocol_version: int
    revision: int


class UserPublic(ServerModel):
    username: str
    display_name: str
    role: Literal["worker", "manager", "admin"]
    team: str | None
    device_id: uuid.UUID | None


class ResetGrantPublic(ServerModel):
    """A one-time permission to clear this laptop's locked profile (see ``reset-lockout``)."""

    grant_id: uuid.UUID
    issued_by: str
    issued_at: datetime
    expires_at: datetime


class UploadStatus(ServerModel):
    """How much of an attachment the server holds; resume uploading at ``received``."""

    sha256: str
    size: int
    received: int
    complete: bool
    max_chunk_bytes: int


class DocumentSummary(ServerModel):
    """One centrally served form template or rule table. ``sha256`` changes with every edit, so
    a laptop compares it to decide whether to fetch the document again."""

    name: str
    version: int | str | None
    sha256: str
    format: Literal["toml", "json"]


class DocumentList(ServerModel):
    documents: list[DocumentSummary] = Field(default_factory=list)


class Document(ServerModel):
    name: str
    version: int | str | None
    sha256: str
    format: Literal["toml", "json"]
    content: dict[str, Any]
