"""The pull cursor: how far a laptop has read its feed, signed so that only cursors this
service issued are accepted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from server.core.errors import ServiceError
from server.core.security import open_document, sign_document


@dataclass(frozen=True)
class Cursor:
    key: int = 0
    after: uuid.UUID | None = None


def encode_cursor(secret: str, cursor: Cursor) -> str:
    document: dict[str, Any] = {"v": 1, "k": cursor.key}
    if cursor.after is not None:
        document["i"] = str(cursor.after)
    return sign_document(secret, "cursor", document)


def decode_cursor(secret: str, text: str | None) -> Cursor:
    """An empty cursor starts from the beginning; anything unrecognised is refused."""
    if not text:
        return Cursor()
    document = open_document(secret, "cursor", text)
    try:
        if document is None or document.get("v") != 1:
            raise ValueError
        key = int(document["k"])
        after = uuid.UUID(document["i"]) if "i" in document else None
        if key < 0:
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise ServiceError(
            400,
            "invalid_cursor",
            "The sync position sent by this laptop is not one this server issued. Re-sync the "
            "laptop fully; unsent changes are kept.",
            field="cursor",
            action="full_resync",
        ) from None
    return Cursor(key, after)
