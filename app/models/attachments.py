"""Photos and documents attached to a record.

The bytes live in their own table inside the encrypted database, so a stolen laptop holds no
readable copy and listing a child's attachments never loads megabytes of content.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Record
from app.models.recording import SubjectMixin


class Attachment(SubjectMixin, Record, Base):
    __tablename__ = "attachment"
    record_type = "attachment"
    noun = "attachment"

    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[uuid.UUID] = mapped_column(index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)


class AttachmentContent(Base):
    """Content by hash: one copy however many records attach the same file."""

    __tablename__ = "attachment_content"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
