"""The laptop's client honours a council network's settings from the environment: its proxy (and
the hosts it must bypass), and a CA bundle named there. It reads them once, when it is made."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from sync.client import ServiceClient, ServiceUnavailable


@contextmanager
def _forward_proxy() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback HTTP proxy that records each request line and answers 503 (busy)."""
    seen: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                break
            except TimeoutError:
                continue
        else:
            return
        with closing(conn):
            conn.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            seen.append(head.split(b"\r\n", 1)[0])
            conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        stop.set()
        thread.join(timeout=10)
        listener.close()


def _closed_port() -> int:
    with closing(socket.create_server(("127.0.0.1", 0))) as probe:
        return int(probe.getsockname()[1])


def test_requests_go_through_the_proxy_the_environment_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with _forward_proxy() as (proxy, seen):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        client = ServiceClient("http://casebook.council.test")
        with pytest.raises(ServiceUnavailable, match="busy"):
            client.register_device(username="w", password="p", device_name="Laptop")
        client.close()
    assert seen == [b"POST http://casebook.council.test/v1/devices HTTP/1.1"]


def test_a_host_the_environment_says_to_bypass_is_reached_directly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with _forward_proxy() as (proxy, seen):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        client = ServiceClient(f"http://127.0.0.1:{_closed_port()}")
        with pytest.raises(ServiceUnavailable, match="(?i)cannot reach"):
            client.register_device(username="w", password="p", device_name="Laptop")
        client.close()
    assert seen == []


def test_a_ca_bundle_named_in_the_environment_is_used_unless_settings_name_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    council, chosen = tmp_path / "council.pem", tmp_path / "chosen.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(council))
    assert ServiceClient("https://casebook.council.test").session.verify == str(council)
    client = ServiceClient("https://casebook.council.test", ca_bundle=str(chosen))
    assert client.session.verify == str(chosen)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    assert ServiceClient("https://casebook.council.test").session.verify is True
