"""Sync bodies are ordinary gzip whichever library makes them, so a laptop and a service that
differ (one without ISA-L) still understand each other."""

from __future__ import annotations

import gzip
import os

import pytest

from sync.protocol import compression

#: Case text compresses well; random bytes do not: both must survive the trip.
BODIES = [b"", b'{"changes": []}', b"Settled well at school; contact with mum went well. " * 500]


@pytest.mark.parametrize(
    "body", [*BODIES, os.urandom(100_000)], ids=["empty", "small", "text", "random"]
)
def test_what_one_end_compresses_the_other_reads(body: bytes) -> None:
    assert gzip.decompress(compression.compress(body)) == body
    reader = compression.decompressobj()
    assert reader.decompress(gzip.compress(body)) == body and reader.eof


def test_a_cut_short_stream_is_seen_as_unfinished_and_garbage_is_an_error() -> None:
    whole = compression.compress(BODIES[2])
    reader = compression.decompressobj()
    reader.decompress(whole[: len(whole) // 2])
    assert not reader.eof
    with pytest.raises(compression.Error):
        compression.decompressobj().decompress(b"not gzip at all" * 10)


def test_a_size_limit_stops_a_bomb_early() -> None:
    """The service reads at most its body limit (plus one byte) however far the stream goes."""
    reader = compression.decompressobj()
    out = reader.decompress(gzip.compress(b" " * 2_000_000), 1001)
    assert len(out) == 1001 and reader.unconsumed_tail


def test_isal_does_the_work_where_the_lock_installs_it() -> None:
    """The pinned environment has ISA-L's wheel; without it sync still works, only slower."""
    from isal import isal_zlib

    assert compression._zlib is isal_zlib
