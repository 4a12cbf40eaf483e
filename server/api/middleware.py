"""Request body limits and gzip-encoded request bodies, as plain ASGI middleware.

The limit applies to the decompressed size, so a small gzip bomb is refused as readily as a huge
plain body. Bodies are read fully (bounded) before the route runs, which keeps routes simple.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol import compression
from sync.protocol.messages import ErrorBody


class BodyTooLarge(Exception):
    pass


class BadEncoding(Exception):
    pass


def _gunzip(data: bytes, limit: int) -> bytes:
    decompressor = compression.decompressobj()
    try:
        out = decompressor.decompress(data, limit + 1)
    except compression.Error as exc:
        raise BadEncoding(str(exc)) from exc
    if len(out) > limit or decompressor.unconsumed_tail:
        raise BodyTooLarge
    if not decompressor.eof:
        raise BadEncoding("truncated gzip stream")
    return out


#: The push of a single change (``?one=true``), which the limit below never refuses up to
#: ``max_record_bytes``: a council may lower ``max_body_bytes`` to keep batches small, but a
#: signed-off record larger than that must still be sendable (it can no longer be shortened).
ONE_CHANGE_PATH = "/v1/sync/push"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_record_bytes: int = 0) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_record_bytes = max(max_record_bytes, max_body_bytes)

    def _limit(self, scope: Scope) -> int:
        # The parameter itself, not the bytes "one=true" anywhere in the query: "someone=true"
        # must not lift the batch limit for a push the route then takes as a batch.
        if scope.get("path") == ONE_CHANGE_PATH:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if query.get("one") == "true":  # the last ``one``, as the route reads it
                return self.max_record_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): value for key, value in scope["headers"]}
        encoding = headers.get("content-encoding", b"").decode("latin-1").strip().lower()
        if encoding not in ("", "identity", "gzip"):
            await _error(
                send, 415, "unsupported_encoding", "Send request bodies plain or gzip-compressed."
            )
            return
        limit = self._limit(scope)
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send, limit)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            more = message.get("more_body", False)
            if len(body) > limit:
                await self._too_large(send, limit)
                return
        data = bytes(body)
        if encoding == "gzip":
            try:
                data = _gunzip(data, limit)
            except BodyTooLarge:
                await self._too_large(send, limit)
                return
            except BadEncoding:
                await _error(
                    send,
                    400,
                    "bad_encoding",
                    "The request says it is gzip-compressed but cannot be decompressed.",
                )
                return
            scope = dict(scope)
            scope["headers"] = [
                (key, value)
                for key, value in scope["headers"]
                if key.lower() not in (b"content-encoding", b"content-length")
            ] + [(b"content-length", str(len(data)).encode())]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send, limit: int) -> None:
        await _error(
            send,
            413,
            "body_too_large",
            f"The request is larger than the server accepts ({limit} bytes). "
            "Send fewer changes at a time.",
        )


async def _error(send: Send, status: int, code: str, message: str) -> None:
    payload: dict[str, Any] = ErrorBody(code=code, message=message).model_dump(mode="json")
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
