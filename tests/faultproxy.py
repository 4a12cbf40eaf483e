"""A real TCP proxy that breaks connections on purpose, for sync fault tests.

It sits between a laptop and the live server on 127.0.0.1 and, per connection, can: pass
traffic; reset the connection before the request reaches the server; let the server act and then
lose the whole answer (the nastiest case: the change was applied but the laptop never hears);
truncate the answer after a few bytes; or drip it slowly. Everything is loopback, bounded by
the test, and stops with ``close()``.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

PASS, RESET_REQUEST, LOSE_RESPONSE, TRUNCATE, SLOW = (
    "pass",
    "reset-request",
    "lose-response",
    "truncate",
    "slow",
)


@dataclass(frozen=True)
class Fault:
    kind: str = PASS
    #: TRUNCATE: bytes of the answer let through; SLOW: seconds between 256-byte chunks.
    amount: float = 0


def _reset(sock: socket.socket) -> None:
    """Close with RST rather than FIN, as a dropped mobile link or a firewall does.

    ``shutdown(SHUT_RD)`` first wakes the other pump's blocked ``recv`` (closing alone would not).
    """
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD)
    sock.close()


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class FaultProxy:
    def __init__(self, upstream_port: int, plan: Callable[[int], Fault]) -> None:
        self._upstream = ("127.0.0.1", upstream_port)
        self._plan = plan
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self.connections = 0
        self.faults: list[str] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        accept = threading.Thread(target=self._accept, name="faultproxy", daemon=True)
        accept.start()
        self._threads.append(accept)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            fault = self._plan(self.connections)
            self.connections += 1
            self.faults.append(fault.kind)
            worker = threading.Thread(target=self._serve, args=(client, fault), daemon=True)
            worker.start()
            self._threads.append(worker)

    def _serve(self, client: socket.socket, fault: Fault) -> None:
        client.settimeout(30)
        if fault.kind == RESET_REQUEST:
            try:
                client.recv(64)
            finally:
                _reset(client)
            return
        try:
            upstream = socket.create_connection(self._upstream, timeout=30)
        except OSError:
            _reset(client)
            return
        forward = threading.Thread(target=self._pump_up, args=(client, upstream), daemon=True)
        forward.start()
        try:
            self._pump_down(upstream, client, fault)
        finally:
            _close(upstream)
            forward.join(timeout=5)

    def _pump_up(self, client: socket.socket, upstream: socket.socket) -> None:
        try:
            while chunk := client.recv(65536):
                upstream.sendall(chunk)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                upstream.shutdown(socket.SHUT_WR)

    def _pump_down(self, upstream: socket.socket, client: socket.socket, fault: Fault) -> None:
        sent = 0
        try:
            while chunk := upstream.recv(256 if fault.kind == SLOW else 65536):
                if fault.kind == LOSE_RESPONSE:
                    _reset(client)  # the server has acted; its answer is lost on the way
                    return
                if fault.kind == TRUNCATE and sent + len(chunk) > fault.amount:
                    client.sendall(chunk[: max(0, int(fault.amount) - sent)])
                    _reset(client)
                    return
                if fault.kind == SLOW:
                    time.sleep(fault.amount)
                client.sendall(chunk)
                sent += len(chunk)
            _close(client)
        except OSError:
            _reset(client)
