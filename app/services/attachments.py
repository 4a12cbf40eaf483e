"""Attaching photos and documents to a record, inside the encrypted store.

Content is stored once per SHA-256 (a photo attached to a visit and to a review is kept once)
and never written anywhere else on disk: the file the worker picked is read into memory and goes
straight into the database, so there is no plaintext copy to clean up afterwards.
"""

from __future__ import annotations

import hashlib
import mimetypes
import unicodedata
from pathlib import PurePath

from sqlalchemy.orm import Session

from app.errors import FieldProblem, ValidationError
from app.models import RECORD_TYPES, Attachment, AttachmentContent

#: Large enough for phone photos and scanned documents; bigger files belong in the council's
#: document store, and a cap keeps sync chunks and laptop disks predictable.
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


def safe_filename(name: str) -> str:
    """The file's own name without folders, control characters or invalid text, so a name
    from any file system can be stored, shown and later exported safely."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    ).strip()
    return cleaned[:255] or "attachment"


def attach(
    session: Session,
    *,
    target_type: str,
    target_id: object,
    filename: str,
    content: bytes,
    media_type: str | None = None,
) -> Attachment:
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            [
                FieldProblem(
                    "content",
                    f"This file is {len(content) / 1_048_576:.0f} MB; files can be at most "
                    f"{MAX_ATTACHMENT_BYTES // 1_048_576} MB. Try a smaller photo or a scan "
                    "at a lower resolution.",
                )
            ]
        )
    target_cls = RECORD_TYPES.get(target_type)
    target = session.get(target_cls, target_id) if target_cls else None
    if target is None:
        raise ValidationError(
            [FieldProblem("target_id", "The record to attach this file to could not be found.")]
        )
    digest = hashlib.sha256(content).hexdigest()
    if session.get(AttachmentContent, digest) is None:
        session.add(AttachmentContent(sha256=digest, content=content))
    name = safe_filename(filename)
    attachment = Attachment(
        target_type=target_type,
        target_id=target.id,
        child_id=getattr(target, "child_id", None) if target_type != "child" else target.id,
        household_id=getattr(target, "household_id", None)
        if target_type != "carer_household"
        else target.id,
        filename=name,
        media_type=media_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(content),
        sha256=digest,
    )
    session.add(attachment)
    return attachment


def content_of(session: Session, attachment: Attachment) -> bytes:
    stored = session.get(AttachmentContent, attachment.sha256)
    if stored is None:
        raise LookupError("The file's content has not been downloaded to this laptop yet.")
    return stored.content
