"""JSON kept deflated in the database: the outbox's fields, which carry whole records' text.

An outbox entry for a new record holds all its fields, about 2.4 KB of JSON for a visit, so
each entry took a 4 KB page to itself. Writing a day's entries, reading them back to push and
deleting them once the service has them each moved a page per entry, encrypted, logged and
copied back. Deflated, an entry is about a third of that, and several share a page, so a push
of new records costs the laptop less CPU a record and goes faster (the figures:
bench/README.md, "Figures behind the code").

The text deflated is exactly what the column held before (``json.dumps``, ASCII only), so its
length still bounds the bytes the change takes on the wire (``sync.engine``'s batch limit).
"""

from __future__ import annotations

import json
import zlib
from types import ModuleType
from typing import Any

from sqlalchemy import Dialect, LargeBinary
from sqlalchemy.types import TypeDecorator

_zlib: ModuleType
try:
    from isal import isal_zlib as _zlib  # ISA-L: the same deflate, faster (bench/README.md)
except ImportError:  # no wheel for this platform
    _zlib = zlib

#: Raw deflate, without gzip's header and checksum: SQLCipher's HMAC already guards each page.
_WBITS = -15
_LEVEL = 1


def pack_text(text: str) -> bytes:
    compressor = _zlib.compressobj(_LEVEL, zlib.DEFLATED, _WBITS)
    return bytes(compressor.compress(text.encode("utf-8")) + compressor.flush())


def unpack_text(data: bytes) -> str:
    return bytes(_zlib.decompress(data, _WBITS)).decode("utf-8")


class PackedJSON(TypeDecorator[Any]):
    """A JSON value stored as deflated text (a BLOB)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else pack_text(json.dumps(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else json.loads(unpack_text(value))
