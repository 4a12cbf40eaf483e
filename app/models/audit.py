"""The local audit trail: who did what to which record, and when.

It names records and fields, never their content, so it can be shown to an auditor (or shipped
to the central service) without disclosing case text. Rows are only ever inserted.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=clock.utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str | None] = mapped_column(String(32), default=None)
    record_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    detail: Mapped[str] = mapped_column(String(200), default="")
