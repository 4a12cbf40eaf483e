"""A loopback HTTP proxy that holds every request for a fixed time before passing it on.

The peer benchmark (``../shared/peerbench``) emulates a slow link by delaying each request in
its server (``LATENCY_MS``); this does the same in front of ``casebook-server``, so Casebook
and PouchDB are measured over the same kind of link: every request, whatever its size, costs
the delay once. It reads each request whole (head, then a ``Content-Length`` or chunked body),
waits, and forwards it on the connection's own upstream connection; answers flow back as they
come. It also counts the requests it forwarded, which is how the benchmark counts a sync's
round trips.

Loopback only, bounded in connections, request size and socket waits, and ``close()`` stops it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections import Counter

#: More than any sync request's head; a longer one is refused (the connection is closed).
MAX_HEAD = 64 * 1024
#: More than any sync request's body (a push batch, gzip-compressed, is far smaller).
MAX_BODY = 256 * 1024 * 1024
MAX_CONNECTIONS = 64
SOCKET_TIMEOUT = 120.0


class _Closed(Exception):
    """The client closed its connection (between requests or in the middle of one)."""


class _Reader:
    """Buffered reads from a socket, for taking HTTP requests apart."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = bytearray()

    def _fill(self) -> None:
        chunk = self._sock.recv(65536)
        if not chunk:
            raise _Closed
        self._buffer += chunk

    def until(self, marker: bytes, limit: int) -> bytes:
        while (end := self._buffer.find(marker)) < 0:
            if len(self._buffer) > limit:
                raise _Closed
            self._fill()
        end += len(marker)
        data = bytes(self._buffer[:end])
        del self._buffer[:end]
        return data

    def exactly(self, size: int) -> bytes:
        while len(self._buffer) < size:
            self._fill()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


def read_request(reader: _Reader) -> tuple[str, bytes]:
    """One whole request as its first line (``GET /v1/sync/pull``) and its bytes as sent."""
    head = reader.until(b"\r\n\r\n", MAX_HEAD)
    lines = head.decode("latin-1").split("\r\n")
    method, target = (lines[0].split(" ") + ["", ""])[:2]
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    }
    parts = [head]
    if "chunked" in headers.get("transfer-encoding", "").lower():
        total = 0
        while True:
            size_line = reader.until(b"\r\n", MAX_HEAD)
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            total += size
            if total > MAX_BODY:
                raise _Closed
            parts.append(size_line)
            if size == 0:
                break
            parts.append(reader.exactly(size + 2))
        # The last chunk is followed by optional trailers and an empty line.
        while (line := reader.until(b"\r\n", MAX_HEAD)) != b"\r\n":
            parts.append(line)
        parts.append(line)
    else:
        length = int(headers.get("content-length", "0") or 0)
        if not 0 <= length <= MAX_BODY:
            raise _Closed
        if length:
            parts.append(reader.exactly(length))
    return f"{method} {target.split('?')[0]}", b"".join(parts)


class LatencyProxy:
    """``http://127.0.0.1:<port>`` in front of ``upstream_port``, each request held ``delay`` s."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self._upstream = ("127.0.0.1", upstream_port)
        self.delay = delay
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._sockets: set[socket.socket] = set()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        accept = threading.Thread(target=self._accept, name="latency-proxy", daemon=True)
        accept.start()
        self._threads.append(accept)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requests(self) -> Counter[str]:
        """The requests forwarded so far, by method and path."""
        with self._lock:
            return Counter(self._requests)

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def __enter__(self) -> LatencyProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._slots.acquire(blocking=False):
                client.close()  # bounded: a runaway client cannot open threads without end
                continue
            worker = threading.Thread(target=self._serve, args=(client,), daemon=True)
            worker.start()
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(worker)

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        answers: threading.Thread | None = None
        try:
            client.settimeout(SOCKET_TIMEOUT)
            self._track(client)
            upstream = socket.create_connection(self._upstream, timeout=SOCKET_TIMEOUT)
            self._track(upstream)
            # Pieces are passed on as they come (an answer's head, then its body): without
            # this, Nagle's algorithm holds the second until the first is acknowledged, and the
            # receiver's delayed acknowledgement adds tens of ms the link does not have.
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            answers = threading.Thread(target=self._pump, args=(upstream, client), daemon=True)
            answers.start()
            reader = _Reader(client)
            while not self._stop.is_set():
                line, data = read_request(reader)
                # The link's latency, paid once per request, before the service sees it.
                if self._stop.wait(self.delay):
                    break
                with self._lock:
                    self._requests[line] += 1
                upstream.sendall(data)
        except (_Closed, OSError, ValueError):
            pass
        finally:
            for sock in (upstream, client):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                    with self._lock:
                        self._sockets.discard(sock)
            if answers is not None:
                answers.join(timeout=5)
            self._slots.release()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)
