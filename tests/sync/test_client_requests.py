"""What the laptop's client puts on the wire, and what it does with an answer that redirects.

What each request must carry and keep, however the client hands it to ``requests``
(``ServiceClient._exchange``): the session's headers, the token, a compressed body with its
length, the query, one connection for many requests, and a redirect never followed (the
service never sends one, so an answer that does is not the service's).
"""

from __future__ import annotations

import gzip
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from sync.client import Credentials, OutgoingChange, ServiceClient, ServiceUnavailable

_PUSH_ANSWER = b'{"results": [], "cursor": null}'
_PULL_ANSWER = b'{"records": [], "removals": [], "cursor": "", "more": false}'


@dataclass
class _Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    port: int


@dataclass
class _Recorder:
    """Every request the service below was sent, and the client ports they came from."""

    requests: list[_Seen] = field(default_factory=list)
    redirect_to: str | None = None


def _handler(recorder: _Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real service

        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorder.requests.append(
                _Seen(self.command, self.path, dict(self.headers), body, self.client_address[1])
            )
            if recorder.redirect_to is not None:
                self.send_response(302)
                self.send_header("Location", recorder.redirect_to + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            answer = _PUSH_ANSWER if self.path.startswith("/v1/sync/push") else _PULL_ANSWER
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
            """Quiet: the tests read what was recorded."""

    return Handler


@pytest.fixture
def service() -> Iterator[tuple[str, _Recorder]]:
    yield from _serve()


def _serve() -> Iterator[tuple[str, _Recorder]]:
    recorder = _Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, _Recorder]]:
    yield from _serve()


def _client(url: str) -> ServiceClient:
    return ServiceClient(
        url, credentials=Credentials("device", "the-token", "refresh", time.time() + 3600)
    )


def test_a_push_carries_the_token_its_compressed_body_and_the_cursor(
    service: tuple[str, _Recorder],
) -> None:
    url, recorder = service
    client = _client(url)
    change = OutgoingChange(
        change_id=uuid.uuid4(),
        record_type="case_note",
        record_id=uuid.uuid4(),
        operation="upsert",
        base_revision=None,
        fields={"text": "Amara talked about school " * 100},
    )
    try:
        client.push(ServiceClient.encode_push([change]), cursor="c-41")
    finally:
        client.close()
    [seen] = recorder.requests
    assert seen.method == "POST"
    assert urlsplit(seen.path).path == "/v1/sync/push"
    assert parse_qs(urlsplit(seen.path).query) == {"cursor": ["c-41"]}
    assert seen.headers["Authorization"] == "Bearer the-token"
    assert seen.headers["User-Agent"] == "Casebook"
    assert seen.headers["Content-Encoding"] == "gzip"
    assert seen.headers["Content-Type"] == "application/json"
    assert int(seen.headers["Content-Length"]) == len(seen.body)
    sent = orjson.loads(gzip.decompress(seen.body))
    assert sent["changes"][0]["fields"]["text"].startswith("Amara talked about school")
    assert client.bytes_sent == len(seen.body)


def test_many_requests_share_one_connection(service: tuple[str, _Recorder]) -> None:
    url, recorder = service
    client = _client(url)
    try:
        for _ in range(5):
            client.pull(cursor="c-1", limit=10)
    finally:
        client.close()
    assert len(recorder.requests) == 5
    assert len({seen.port for seen in recorder.requests}) == 1
    assert all(parse_qs(urlsplit(s.path).query)["limit"] == ["10"] for s in recorder.requests)


def test_a_redirect_is_not_followed_and_reads_as_an_unreadable_answer(
    service: tuple[str, _Recorder], elsewhere: tuple[str, _Recorder]
) -> None:
    """A captive portal or a misconfigured gateway answers with a redirect: the client never
    takes the token there, and the sync stops with the plain message for a strange answer."""
    url, recorder = service
    other_url, other = elsewhere
    recorder.redirect_to = other_url
    client = _client(url)
    try:
        with pytest.raises(ServiceUnavailable, match="could not read"):
            client.pull(cursor=None, limit=10)
    finally:
        client.close()
    assert len(recorder.requests) == 1
    assert other.requests == []
