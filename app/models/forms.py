"""Form templates fetched from the central service, kept on this laptop.

Templates shipped with the app are read from ``resources/forms``; this table holds the ones a
service published later, so an assessment started with a new version opens offline, and keeps
opening with that version after the service has moved on.

Not a record: it never syncs, is never audited and holds no case data. Rows are keyed by the
SHA-256 the service gave for the document, which is how a sync tells what it already holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.models.base import Base


class FetchedTemplate(Base):
    """One template document as the service sent it (its parsed TOML/JSON content).

    A version number is fixed once published, so if two documents ever claim the same
    ``(template_id, version)`` the one fetched first is the one used (``app.forms.registry``
    explains why); the other is still kept, so that sync does not fetch it again each time.
    """

    __tablename__ = "form_template"
    __table_args__ = (Index("ix_form_template_version", "template_id", "version"),)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column()
    fetched_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
