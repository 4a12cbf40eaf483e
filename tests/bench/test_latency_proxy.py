"""The benchmark's slow link: every request is held before the service sees it, bodies arrive
whole (plain and chunked), requests are counted, and ``close()`` stops it."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from bench.latency_proxy import LatencyProxy

DELAY = 0.15


class _Echo(BaseHTTPRequestHandler):
    """Answers with the length and SHA-256 of the body it received."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._answer(b"")

    def do_POST(self) -> None:  # noqa: N802
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            body = b""
            while size := int(self.rfile.readline().strip(), 16):
                body += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
        else:
            body = self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(body)

    def _answer(self, body: bytes) -> None:
        text = f"{len(body)} {hashlib.sha256(body).hexdigest()}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_each_request_is_held_and_counted(echo: int) -> None:
    with LatencyProxy(echo, DELAY) as proxy, requests.Session() as http:
        start = time.perf_counter()
        for _ in range(3):  # one kept-alive connection: each request still pays the delay
            assert http.get(f"{proxy.url}/v1/sync/pull?cursor=x", timeout=10).ok
        assert time.perf_counter() - start >= 3 * DELAY
        assert proxy.requests() == {"GET /v1/sync/pull": 3}
        proxy.reset()
        assert sum(proxy.requests().values()) == 0


def test_whole_bodies_arrive_plain_and_chunked(echo: int) -> None:
    body = os.urandom(3 * 1024 * 1024 + 17)
    expected = f"{len(body)} {hashlib.sha256(body).hexdigest()}"
    with LatencyProxy(echo, 0.01) as proxy, requests.Session() as http:
        plain = http.post(f"{proxy.url}/v1/sync/push", data=body, timeout=10)
        assert plain.text == expected
        pieces = (body[i : i + 100_000] for i in range(0, len(body), 100_000))
        chunked = http.post(f"{proxy.url}/v1/sync/push", data=pieces, timeout=10)
        assert chunked.text == expected
        assert proxy.requests() == {"POST /v1/sync/push": 2}


def test_close_stops_it(echo: int) -> None:
    proxy = LatencyProxy(echo, 0.01)
    held = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    held.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    answer, empty = b"", f"0 {hashlib.sha256(b'').hexdigest()}".encode()
    while not answer.endswith(empty):
        answer += held.recv(1000) or pytest.fail("closed before the answer")
    assert answer.startswith(b"HTTP/1.1 200")
    proxy.close()
    held.settimeout(5)
    assert held.recv(100) == b""  # the kept-alive connection was closed
    held.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=1).close()
