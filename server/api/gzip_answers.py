"""Gzip for the service's answers: Starlette's middleware, compressing with ``sync.protocol.
compression`` (ISA-L where installed) instead of ``zlib``.

Everything else is Starlette's own behaviour, kept as it is: small answers and already
compressed media go plain, ``Vary: Accept-Encoding`` is added, and a large answer is compressed
on a worker thread rather than on the event loop. The hook is ``GZipResponder.compressor``, a
detail of Starlette's (1.x, as locked): ``tests/server/test_http.py`` decodes a compressed page
with the standard library, so an upgrade that moved it would fail there, not in production.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware, GZipResponder
from starlette.types import Receive, Scope, Send

from sync.protocol import compression


class _Responder(GZipResponder):
    @property
    def compressor(self) -> Any:
        if self._compressor is None:
            # Starlette types the slot as zlib's compressor; ISA-L's has the same methods.
            self._compressor = compression.compressobj(self.compresslevel)  # type: ignore[assignment]
        return self._compressor


class GzipAnswers(GZipMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "gzip" not in Headers(scope=scope).get("Accept-Encoding", ""):
            await super().__call__(scope, receive, send)
            return
        responder = _Responder(
            self.app,
            self.minimum_size,
            compresslevel=self.compresslevel,
            thread_minimum_size=self.thread_minimum_size,
            exclude_content_types=self.exclude_content_types,
        )
        await responder(scope, receive, send)
