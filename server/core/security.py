"""Password hashing, signed tokens and opaque cursors.

Access tokens are HMAC-signed (not encrypted) statements "device D of user U until T"; every
request still checks the device and account rows, so revocation takes effect at once. Refresh
tokens are random and stored only as SHA-256 digests: a leaked database cannot mint sessions.
Each also names its device under the service's signature, so an old one coming back (someone
kept a copy) is recognised as a replay of that device's sign-in, which then ends, rather than
as mere noise; nobody can forge one to end another laptop's sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from server.core.config import Settings

_ACCESS_PREFIX = "cba1"
#: Refresh tokens before ``cbr2`` (``cbr1.<random>``) named no device; a laptop still holding
#: one refreshes as before and gets a ``cbr2`` token back.
_REFRESH_PREFIX = "cbr2"


def password_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
        type=Type.ID,
    )


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return bool(hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, purpose: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}:{payload}".encode(), hashlib.sha256).digest()
    return _b64(digest)


def sign_document(secret: str, purpose: str, document: dict[str, Any]) -> str:
    """``payload.signature``: a compact, tamper-evident encoding of a small JSON document."""
    payload = _b64(json.dumps(document, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_sign(secret, purpose, payload)}"


def open_document(secret: str, purpose: str, token: str) -> dict[str, Any] | None:
    """The document inside ``token`` if its signature is good, else None (never raises)."""
    try:
        payload, signature = token.rsplit(".", 1)
        # Bytes, not str: compare_digest refuses str with non-ASCII characters (a cursor or
        # token is whatever the caller sent, and the fuzzer sent that).
        expected = _sign(secret, purpose, payload).encode()
        if not hmac.compare_digest(signature.encode("utf-8", "replace"), expected):
            return None
        document = json.loads(_unb64(payload))
    except (ValueError, UnicodeDecodeError):
        return None
    return document if isinstance(document, dict) else None


@dataclass(frozen=True)
class AccessClaims:
    device_id: str
    user_id: int
    expires: int


def make_access_token(secret: str, *, device_id: str, user_id: int, expires: int) -> str:
    document = {"d": device_id, "u": user_id, "x": expires}
    return f"{_ACCESS_PREFIX}.{sign_document(secret, 'access', document)}"


def read_access_token(secret: str, token: str) -> AccessClaims | None:
    prefix, _, rest = token.partition(".")
    if prefix != _ACCESS_PREFIX:
        return None
    document = open_document(secret, "access", rest)
    if document is None:
        return None
    try:
        return AccessClaims(str(document["d"]), int(document["u"]), int(document["x"]))
    except (KeyError, TypeError, ValueError):
        return None


def new_refresh_token(secret: str, device_id: str) -> str:
    """``cbr2.<device>.<random>.<signature>``: the random part is the secret; the signed device
    id lets the service tell which sign-in an old token belonged to."""
    body = f"{device_id}.{secrets.token_urlsafe(32)}"
    return f"{_REFRESH_PREFIX}.{body}.{_sign(secret, 'refresh', body)}"


def refresh_token_device(secret: str, token: str) -> str | None:
    """The device this service issued ``token`` to (whether or not it is still current), or
    None for anything it did not issue (never raises)."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != _REFRESH_PREFIX:
        return None
    body = f"{parts[1]}.{parts[2]}"
    expected = _sign(secret, "refresh", body).encode()
    if not hmac.compare_digest(parts[3].encode("utf-8", "replace"), expected):
        return None
    return parts[1]


def token_digest(token: str) -> str:
    """What the database stores for a refresh token."""
    return hashlib.sha256(token.encode()).hexdigest()
