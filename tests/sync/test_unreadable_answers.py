"""An answer that is well-formed JSON but not what the protocol says (a proxy's error page
rewritten as JSON, a service of another version gone wrong) is treated like a broken one: the
sync stops with a plain message and every unsent change stays queued for the next sync.

The service here is a real HTTP server on loopback that answers every sync request with JSON
of the wrong shape, because the real service never does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.models import OutboxEntry
from app.store import Store
from sync.client import UNREADABLE, Credentials, ServiceClient, ServiceUnavailable
from sync.engine import RetryPolicy, run_sync
from tests.app import factories


class _WrongShape(BaseHTTPRequestHandler):
    answers = {"/v1/sync/push": b'{"results": "all fine"}', "/v1/sync/pull": b'{"records": 5}'}

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = self.answers.get(self.path.split("?")[0], b"{}")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        """Quiet: the test reads the laptop's side."""


@pytest.fixture
def wrong_service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WrongShape)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _client(url: str) -> ServiceClient:
    return ServiceClient(
        url, credentials=Credentials("device", "token", "refresh", time.time() + 3600)
    )


def test_a_pull_answer_of_the_wrong_shape_is_an_unreadable_answer(wrong_service: str) -> None:
    client = _client(wrong_service)
    try:
        with pytest.raises(ServiceUnavailable, match="could not read"):
            client.pull(cursor=None, limit=10)
    finally:
        client.close()


def test_a_push_answered_in_the_wrong_shape_keeps_every_change_queued(
    store: Store, wrong_service: str
) -> None:
    with store.write() as session:
        session.add(factories.child(given_name="Amara"))
    client = _client(wrong_service)
    try:
        summary = run_sync(store, client, retry=RetryPolicy(attempts=1), sleep=lambda _s: None)
    finally:
        client.close()
    assert summary.errors == [UNREADABLE]
    assert summary.sent == 0
    with store.read() as session:
        [entry] = session.scalars(select(OutboxEntry)).all()
    assert entry.record_type == "child" and entry.state == "pending"
