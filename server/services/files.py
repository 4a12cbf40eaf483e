"""Attachment content: resumable chunked upload by SHA-256, verification, dedup, download.

Content is addressed by its hash, so two workers attaching the same scan store it once. Access is
decided by the attachment *records*: a caller may upload or download a hash only if an attachment
record in their scope names it (declaring its size, which bounds the upload).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.core.config import Settings
from server.core.errors import ServiceError
from server.models import Blob, BlobChunk, Record, utcnow
from server.schemas import UploadStatus
from server.services import scope

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_hash(sha256: str) -> str:
    if not SHA256.match(sha256):
        raise ServiceError(
            422,
            "invalid_hash",
            "An attachment is named by its SHA-256 as 64 lower-case hex digits.",
            field="sha256",
        )
    return sha256


@dataclass(frozen=True)
class AttachmentRef:
    """The caller's attachment records naming a hash, and the size they declare."""

    record_ids: list[uuid.UUID]
    size: int


def find_reference(session: Session, *, caller: Caller, sha256: str) -> AttachmentRef:
    rows = session.execute(
        select(Record.record_id, Record.fields).where(
            Record.record_type == "attachment",
            Record.deleted.is_(False),
            Record.fields["sha256"].as_string() == sha256,
            scope.in_scope_clause(caller, Record.subject_type, Record.subject_id),
        )
    ).all()
    if not rows:
        raise ServiceError(
            404,
            "not_found",
            "No attachment with this content is in your caseload. Push the "
            "attachment record before uploading its file.",
        )
    return AttachmentRef([row[0] for row in rows], int(rows[0][1]["size"]))


def _status(blob: Blob | None, ref: AttachmentRef, sha256: str, settings: Settings) -> UploadStatus:
    return UploadStatus(
        sha256=sha256,
        size=blob.size if blob else ref.size,
        received=blob.received if blob else 0,
        complete=bool(blob and blob.complete),
        max_chunk_bytes=settings.max_chunk_bytes,
    )


def upload_status(
    session: Session, *, caller: Caller, sha256: str, settings: Settings
) -> tuple[UploadStatus, AttachmentRef]:
    ref = find_reference(session, caller=caller, sha256=check_hash(sha256))
    return _status(session.get(Blob, sha256), ref, sha256, settings), ref


@dataclass(frozen=True)
class ChunkResult:
    status: UploadStatus
    ref: AttachmentRef
    hash_mismatch: bool = False


def put_chunk(
    session: Session,
    *,
    caller: Caller,
    sha256: str,
    offset: int,
    data: bytes,
    settings: Settings,
) -> ChunkResult:
    """Append ``data`` at ``offset``; on the last byte, verify the hash (a mismatch discards the
    upload so the laptop can start again, and is reported after this transaction commits)."""
    ref = find_reference(session, caller=caller, sha256=check_hash(sha256))
    if ref.size > settings.max_attachment_bytes:
        raise ServiceError(
            413,
            "attachment_too_large",
            f"This file is {ref.size} bytes; the server accepts attachments up to "
            f"{settings.max_attachment_bytes} bytes.",
        )
    if len(data) > settings.max_chunk_bytes:
        raise ServiceError(
            413,
            "chunk_too_large",
            f"Send the file in pieces of at most {settings.max_chunk_bytes} bytes.",
        )
    blob = session.get(Blob, sha256, with_for_update=True)
    if blob is None:
        blob = Blob(sha256=sha256, size=ref.size, received=0, complete=False, created_at=utcnow())
        session.add(blob)
        session.flush()
    if blob.complete:
        return ChunkResult(_status(blob, ref, sha256, settings), ref)
    if offset != blob.received:
        raise ServiceError(
            409,
            "wrong_offset",
            f"The server has {blob.received} bytes of this file; continue from there.",
            field="offset",
            headers={"Upload-Offset": str(blob.received)},
        )
    if offset + len(data) > blob.size:
        raise ServiceError(
            413,
            "attachment_too_large",
            f"The upload is longer than the {blob.size} bytes the attachment record declares.",
        )
    if data:
        session.add(BlobChunk(sha256=sha256, offset=offset, data=data))
        blob.received = offset + len(data)
    if blob.received == blob.size:
        digest = hashlib.sha256()
        for chunk in _chunks(session, sha256):
            digest.update(chunk)
        if digest.hexdigest() != sha256:
            session.execute(delete(BlobChunk).where(BlobChunk.sha256 == sha256))
            blob.received = 0
            return ChunkResult(_status(blob, ref, sha256, settings), ref, hash_mismatch=True)
        blob.complete = True
        blob.completed_at = utcnow()
    return ChunkResult(_status(blob, ref, sha256, settings), ref)


def _chunks(session: Session, sha256: str) -> Iterator[bytes]:
    offsets = session.scalars(
        select(BlobChunk.offset).where(BlobChunk.sha256 == sha256).order_by(BlobChunk.offset)
    ).all()
    for offset in offsets:
        chunk = session.get(BlobChunk, (sha256, offset))
        assert chunk is not None
        yield chunk.data
        session.expunge(chunk)


def read_blob(session: Session, *, caller: Caller, sha256: str) -> tuple[bytes, AttachmentRef]:
    """The whole content of a complete attachment in the caller's scope."""
    ref = find_reference(session, caller=caller, sha256=check_hash(sha256))
    blob = session.get(Blob, sha256)
    if blob is None or not blob.complete:
        raise ServiceError(
            404, "not_uploaded", "The file for this attachment has not finished uploading yet."
        )
    return b"".join(_chunks(session, sha256)), ref
