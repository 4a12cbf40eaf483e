"""Gzip for sync bodies, both ways: the laptop's uploads and the service's answers.

Compressed with Intel's ISA-L (the ``isal`` package) where it is installed, else with ``zlib``:
the output is ordinary gzip either way, so either end may use either. ISA-L matters because a
sync moves a lot of text (a page of 1,000 records is about 2.4 MB of JSON), and ISA-L
compresses and decompresses it at a fraction of ``zlib``'s CPU, slightly smaller too
(bench/README.md, "Figures behind the code"). That is CPU both the laptop and the service
otherwise spend on every record pushed or pulled.
"""

from __future__ import annotations

import zlib
from types import ModuleType
from typing import Protocol, cast

_zlib: ModuleType
try:
    from isal import isal_zlib as _zlib
except ImportError:  # no wheel for this platform: the standard library does the same, slower
    _zlib = zlib

#: Fast and still about four to one on case text; higher levels cost far more than they save.
LEVEL = 1
#: ``wbits`` for a gzip stream (header and checksum), as HTTP's ``Content-Encoding: gzip`` is.
GZIP_WBITS = 16 + zlib.MAX_WBITS
#: What a damaged or truncated stream raises, whichever library reads it.
Error: type[Exception] = getattr(_zlib, "error")  # noqa: B009 (a module chosen at run time)


class Compressor(Protocol):
    def compress(self, data: bytes, /) -> bytes: ...

    def flush(self, mode: int = ..., /) -> bytes: ...


class Decompressor(Protocol):
    @property
    def unconsumed_tail(self) -> bytes: ...

    @property
    def eof(self) -> bool: ...

    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...


def compress(data: bytes) -> bytes:
    """``data`` as one gzip stream."""
    compressor = compressobj()
    return compressor.compress(data) + compressor.flush()


def compressobj(level: int = LEVEL) -> Compressor:
    """A gzip compressor, for a body sent in pieces."""
    return cast(Compressor, _zlib.compressobj(level, zlib.DEFLATED, GZIP_WBITS))


def decompressobj() -> Decompressor:
    """A gzip decompressor that can stop at a size limit (``decompress(data, max_length)``)."""
    return cast(Decompressor, _zlib.decompressobj(wbits=GZIP_WBITS))
