"""The append-only audit log: who read or wrote which records, and every admin action."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, BigID, utcnow


class AuditEvent(Base):
    """One audited act. ``record_ids`` names records, never their content; ``detail`` holds
    only non-case words (an outcome, an admin command's arguments)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigID, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    action: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    record_type: Mapped[str | None] = mapped_column(String(32), default=None)
    record_ids: Mapped[list[str]]
    detail: Mapped[str] = mapped_column(String(500), default="")
    address: Mapped[str | None] = mapped_column(String(64), default=None)
