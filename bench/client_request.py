"""One request of the laptop's client, beside the same request through ``Session.request``:
``.venv/bin/python -m bench.client_request``.

Every sync is at least one request, and a quiet sync is little else, so what the client itself
adds to a request shows in every sync. Against a real ``casebook-server`` on SQLite over
loopback (as ``bench.sync`` starts it), a laptop's client asks for a page of a feed that has
nothing in it, request by request in turn: as the client sends it (``ServiceClient._exchange``,
the session's pooled adapter), and through ``requests.Session.request`` as it used to. Both
go through the same session, connection and service, so only the client's own work differs;
besides the medians, it prints the median time saved over paired requests.
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


def _timed(client: ServiceClient) -> float:
    began = time.perf_counter()
    client.pull(cursor=None, limit=100)
    return time.perf_counter() - began


def main() -> int:
    mine: list[float] = []
    theirs: list[float] = []
    saved: list[float] = []
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
                pairs = []
                for n in range(REQUESTS):
                    # Request by request in turn, so both ways meet the same moment.
                    if n % 2:
                        pairs.append((_timed(client), _timed(before)))
                    else:
                        theirs_first = _timed(before)
                        pairs.append((_timed(client), theirs_first))
                mine.append(statistics.median(m for m, _ in pairs))
                theirs.append(statistics.median(t for _, t in pairs))
                saved.append(statistics.median(t - m for m, t in pairs))
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
    print(
        "time saved a request, median of paired requests, run by run: "
        + ", ".join(f"{s * 1e6:.0f} µs" for s in saved)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
