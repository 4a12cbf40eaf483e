"""Moving attachment content (photos, scanned letters) between the laptop and the service.

Content travels after the records that name it, because the service only accepts or hands out
a file that an attachment record in the worker's caseload refers to. Both directions go a piece
at a time, so a dropped connection costs one piece, not a 20 MB photo:

- uploads resume where the service says it has got to (it keeps the received bytes), across
  syncs as well as retries;
- downloads ask for byte ranges and keep what has arrived for the rest of this sync; the file
  is checked against its SHA-256 and stored (with the mark that the service holds it) in one
  transaction, so a half-downloaded file never appears in the store.

A file the service will not take (its record was rejected, or has left the caseload) is
reported and skipped; it never stops the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.models import AttachmentUpload
from app.models.attachments import AttachmentContent
from app.replica import transfers
from app.store import Store
from sync.client import ServiceClient, ServiceRefused
from sync.retry import Attempt

#: Small enough that a piece crosses a slow council VPN in seconds, large enough that a photo
#: is a handful of requests. The service may ask for smaller pieces.
PIECE_BYTES = 1024 * 1024


T = TypeVar("T")


@dataclass
class FileTally:
    uploaded: int = 0
    downloaded: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    skipped: int = 0


def uploads_due(store: Store) -> list[str]:
    """Content on this laptop that an accepted attachment record names and that the service
    is not known to hold in full."""
    with store.read_rows() as rows:
        return uploads_due_in(rows)


def uploads_due_in(session: Session | Connection) -> list[str]:
    """``uploads_due`` inside a read the caller already holds."""
    return transfers.uploads_due_in(session)


def downloads_due(store: Store) -> list[str]:
    """Files that attachment records on this laptop name but whose content is not here yet."""
    with store.read_rows() as rows:
        return downloads_due_in(rows)


def downloads_due_in(session: Session | Connection) -> list[str]:
    """``downloads_due`` inside a read the caller already holds."""
    return transfers.downloads_due_in(session)


def upload(
    store: Store,
    client: ServiceClient,
    sha256: str,
    attempt: Attempt,
    tally: FileTally,
    on_piece: Callable[[], None],
) -> None:
    with store.read() as session:
        stored = session.get(AttachmentContent, sha256)
        content = bytes(stored.content) if stored is not None else None
    if content is None:
        return
    try:
        state = attempt(lambda: client.upload_status(sha256))
        restarts = 0
        while not state.complete:
            piece = min(PIECE_BYTES, state.max_chunk_bytes)
            chunk = content[state.received : state.received + piece]
            try:
                state = attempt(partial(client.upload_chunk, sha256, state.received, chunk))
            except ServiceRefused as refused:
                # Another sync moved the upload on, or the service discarded a bad copy:
                # ask where it is and carry on from there, a bounded number of times.
                if refused.error.code not in {"wrong_offset", "hash_mismatch"} or restarts > 2:
                    raise
                restarts += 1
                state = attempt(lambda: client.upload_status(sha256))
                continue
            tally.bytes_up += len(chunk)
            on_piece()
    except ServiceRefused as refused:
        if refused.status in {403, 404, 413}:
            tally.skipped += 1
            return
        raise
    _mark_held(store, sha256)
    tally.uploaded += 1


def download(
    store: Store,
    client: ServiceClient,
    sha256: str,
    attempt: Attempt,
    tally: FileTally,
    on_piece: Callable[[], None],
) -> str | None:
    """Fetch one file; returns a sentence for the worker if it could not be used."""
    received = bytearray()
    size: int | None = None
    try:
        while size is None or len(received) < size:
            start = len(received)
            begins, size, piece = attempt(
                partial(client.download, sha256, start=start, length=PIECE_BYTES)
            )
            if begins == 0:
                received = bytearray(piece)
            else:
                received += piece
            tally.bytes_down += len(piece)
            on_piece()
            if not piece:
                break
    except ServiceRefused as refused:
        if refused.status in {403, 404}:
            tally.skipped += 1
            return None
        raise
    if hashlib.sha256(received).hexdigest() != sha256:
        return (
            "A file downloaded from the service was damaged on the way; it will be fetched again."
        )
    with store.write(remote=True) as session:
        if session.get(AttachmentContent, sha256) is None:
            session.add(AttachmentContent(sha256=sha256, content=bytes(received)))
        if session.get(AttachmentUpload, sha256) is None:
            session.add(AttachmentUpload(sha256=sha256))
    tally.downloaded += 1
    return None


# ---- Private API


def _mark_held(store: Store, sha256: str) -> None:
    with store.write(remote=True) as session:
        if session.get(AttachmentUpload, sha256) is None:
            session.add(AttachmentUpload(sha256=sha256))
