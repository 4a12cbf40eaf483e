"""The profile's data key, wrapped by a key derived from the worker's passphrase.

The database is encrypted with a random 256-bit data key that never touches the disk unwrapped.
What is stored (``key.json``) is that key sealed with AES-256-GCM under a key-encryption key
derived from the passphrase with Argon2id. Changing the passphrase re-seals 32 bytes instead of
re-encrypting the whole database.

A second value derived from the same Argon2id output (``check``) lets us tell "wrong passphrase"
from "the sealed key was altered": both otherwise fail in the same way at the GCM tag. It gives an
attacker nothing the sealed key does not already give them (both need the Argon2id work).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import KeyFileDamaged
from app.store.atomic import write_bytes_atomically

FORMAT = 1
DATA_KEY_BYTES = 32
#: Memory cost in KiB. 64 MiB follows RFC 9106's second recommended setting; the time cost is
#: then calibrated so one derivation takes about half a second on this laptop.
DEFAULT_MEMORY_KIB = 64 * 1024
DEFAULT_PARALLELISM = 2
TARGET_SECONDS = 0.5
MIN_TIME_COST = 2
#: Timings of each probe in ``calibrate``, the quickest kept.
CALIBRATION_SAMPLES = 2


class PassphraseRejected(Exception):
    """Internal: the passphrase-derived check did not match (the caller counts the failure)."""


@dataclass(frozen=True)
class KdfParams:
    time_cost: int
    memory_kib: int
    parallelism: int
    salt: bytes

    def derive(self, passphrase: str) -> bytes:
        """64 bytes: the first half wraps the data key, the second half is the check key."""
        return hash_secret_raw(
            secret=passphrase.encode("utf-8"),
            salt=self.salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=64,
            type=Type.ID,
        )

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["salt"] = _b64(self.salt)
        out["algorithm"] = "argon2id"
        return out


def calibrate(
    *,
    target_seconds: float = TARGET_SECONDS,
    memory_kib: int = DEFAULT_MEMORY_KIB,
    parallelism: int = DEFAULT_PARALLELISM,
) -> KdfParams:
    """Pick the Argon2id time cost that takes about ``target_seconds`` on this machine.

    Calibrating on the laptop itself (rather than hard-coding) keeps unlock under a second on an
    old council laptop while giving a fast one proportionally more protection.
    """
    salt = secrets.token_bytes(16)

    def seconds(passes: int) -> float:
        """The quickest of a few timings: a busy machine only ever makes one slower."""
        best = float("inf")
        for _ in range(CALIBRATION_SAMPLES):
            start = time.perf_counter()
            KdfParams(passes, memory_kib, parallelism, salt).derive("calibration")
            best = min(best, time.perf_counter() - start)
        return best

    # The first derivation also pays for the memory's first use; it is not timed.
    KdfParams(1, memory_kib, parallelism, salt).derive("calibration")
    # One derivation costs a fixed part (filling the memory) plus a part per pass; timing one
    # pass and three separates them, where a single probe would overestimate each pass. A
    # pass is never taken as less than half a one-pass derivation (it is about two thirds):
    # when noise made the one-pass probe slower than the three-pass one, the difference said a
    # pass cost nothing and the "calibrated" unlock took minutes (seen: 3,917 passes).
    one, three = seconds(1), seconds(3)
    per_pass = min(max((three - one) / 2, one / 2), one)
    fixed = max(one - per_pass, 0.0)
    time_cost = max(MIN_TIME_COST, round((target_seconds - fixed) / per_pass))
    return KdfParams(time_cost, memory_kib, parallelism, salt)


@dataclass(frozen=True)
class WrappedKey:
    """The contents of ``key.json``."""

    profile_id: str
    kdf: KdfParams
    nonce: bytes
    sealed: bytes
    check: bytes

    # ---- Public API

    @classmethod
    def seal(
        cls, *, profile_id: str, data_key: bytes, passphrase: str, kdf: KdfParams
    ) -> WrappedKey:
        derived = kdf.derive(passphrase)
        nonce = os.urandom(12)
        sealed = AESGCM(derived[:32]).encrypt(nonce, data_key, _aad(profile_id, kdf))
        return cls(profile_id, kdf, nonce, sealed, _check(derived))

    def unseal(self, passphrase: str) -> bytes:
        """Return the data key, or raise PassphraseRejected / KeyFileDamaged."""
        derived = self.kdf.derive(passphrase)
        if not hmac.compare_digest(_check(derived), self.check):
            raise PassphraseRejected
        try:
            key = AESGCM(derived[:32]).decrypt(
                self.nonce, self.sealed, _aad(self.profile_id, self.kdf)
            )
        except InvalidTag:
            raise KeyFileDamaged(detail="sealed data key failed authentication") from None
        if len(key) != DATA_KEY_BYTES:
            raise KeyFileDamaged(detail="data key has the wrong length")
        return key

    def write(self, path: Path) -> None:
        doc = {
            "format": FORMAT,
            "profile_id": self.profile_id,
            "kdf": self.kdf.to_json(),
            "wrap": {
                "algorithm": "AES-256-GCM",
                "nonce": _b64(self.nonce),
                "sealed": _b64(self.sealed),
            },
            "check": _b64(self.check),
        }
        write_bytes_atomically(path, json.dumps(doc, indent=2).encode("utf-8"))

    @classmethod
    def read(cls, path: Path) -> WrappedKey:
        try:
            doc = json.loads(path.read_bytes())
            if doc["format"] != FORMAT or doc["kdf"]["algorithm"] != "argon2id":
                raise ValueError("unsupported key file format")
            kdf = KdfParams(
                time_cost=int(doc["kdf"]["time_cost"]),
                memory_kib=int(doc["kdf"]["memory_kib"]),
                parallelism=int(doc["kdf"]["parallelism"]),
                salt=_unb64(doc["kdf"]["salt"]),
            )
            if kdf.time_cost < 1 or kdf.memory_kib < 8 * kdf.parallelism or len(kdf.salt) < 16:
                raise ValueError("key derivation parameters out of range")
            wrapped = cls(
                profile_id=str(doc["profile_id"]),
                kdf=kdf,
                nonce=_unb64(doc["wrap"]["nonce"]),
                sealed=_unb64(doc["wrap"]["sealed"]),
                check=_unb64(doc["check"]),
            )
        except FileNotFoundError:
            raise KeyFileDamaged(detail="key file is missing") from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeyFileDamaged(detail=f"key file unreadable: {type(exc).__name__}") from None
        if len(wrapped.nonce) != 12 or len(wrapped.sealed) != DATA_KEY_BYTES + 16:
            raise KeyFileDamaged(detail="sealed key has the wrong size")
        return wrapped


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


def _aad(profile_id: str, kdf: KdfParams) -> bytes:
    """Bind the sealed key to its profile and KDF settings, so neither can be swapped."""
    params = json.dumps(kdf.to_json(), sort_keys=True).encode("utf-8")
    return b"casebook-data-key-v1\0" + profile_id.encode("utf-8") + b"\0" + params


def _check(derived: bytes) -> bytes:
    return hmac.new(derived[32:], b"casebook-passphrase-check-v1", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
