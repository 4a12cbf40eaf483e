"""One request of the laptop's client, beside the same request through ``Session.request``:
``.venv/bin/python -m bench.client_request``.

Every sync is at least one request, and a quiet sync is little else, so what the client itself
adds to a request shows in every sync. Against a real ``casebook-server`` on SQLite over
loopback (as ``bench.sync`` starts it), a laptop's client asks for a page of a feed that has
nothing in it, many times in turn: once as the client sends it (``ServiceClient._exchange``,
the session's pooled adapter), once through ``requests.Session.request`` as it used to. Both
go through the same session, connection and service, so only the client's own work differs.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench.server_load import PASSWORD, _start_server, make_team
from bench.table import Baseline, Figure, render
from sync.client import CONNECT_TIMEOUT, READ_TIMEOUT, ServiceClient

RUNS = 8
#: Requests of each kind in one run.
REQUESTS = 300
WORKER = "bench.worker"


class _ThroughSession(ServiceClient):
    """The client as it sent requests before: through ``Session.request``."""

    def _exchange(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        headers: dict[str, str],
        data: bytes | None,
    ) -> requests.Response:
        return self.session.request(
            method,
            self.base_url + path,
            data=data,
            params=params,
            headers=headers,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
        )


def _median_request(client: ServiceClient) -> float:
    times = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        client.pull(cursor=None, limit=100)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    mine: list[float] = []
    theirs: list[float] = []
    with tempfile.TemporaryDirectory(prefix="casebook-bench-client-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'server.db'}"
        make_team(url, "bench", [(WORKER, "Bench Worker")])
        process, base = _start_server(url, Path(tmp) / "server-data")
        try:
            client = ServiceClient(base)
            client.register_device(username=WORKER, password=PASSWORD, device_name="bench")
            before = _ThroughSession(base, credentials=client.credentials)
            before.session = client.session  # the same pool and connection
            for run in range(RUNS):
                print(f"  run {run + 1} of {RUNS}...", file=sys.stderr, flush=True)
                sides = [(mine, client), (theirs, before)]
                for into, side in sides if run % 2 == 0 else sides[::-1]:
                    into.append(_median_request(side))
            client.close()
        finally:
            process.terminate()
            process.wait(timeout=20)
    figures = [
        Figure(
            "a quiet pull request, as the client sends it",
            tuple(mine),
            baseline=Baseline("through Session.request", tuple(theirs)),
        )
    ]
    print(render(figures, title=f"Casebook client: medians of {REQUESTS} requests, {RUNS} runs"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
