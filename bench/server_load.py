"""End-of-day sync load: 200 laptops push 20 changes each and pull, all at once.

Runs the service (``casebook-server serve --workers N`` in a subprocess, so the simulated laptops
do not share its interpreter) with each number of processes asked for, on SQLite and on
PostgreSQL when ``CASEBOOK_TEST_PG_URL`` is set (in a throwaway schema of its own, dropped
after). Loopback only, bounded in devices, threads and time.

Each laptop sends what the real client (:mod:`sync.client`) sends: a compact JSON push body,
gzip-compressed because it is over 1 KB, on a kept-alive connection, then pulls pages of the
default size with ``Accept-Encoding: gzip``. Bodies are built before the clock starts, so the
load generator (which shares the machine's cores with the server) spends the measured time
sending and waiting, not serialising; the CPU both processes used in that time is reported, so
a reader can tell whether the server or the generator was the limit.

    .venv/bin/python -m bench.server_load [--devices 200] [--changes 20] [--workers 1,2]
        [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.core.config import Settings
from server.core.security import password_hasher
from server.db import migrate, open_database
from server.services import accounts

PASSWORD = "benchmark password"
TIME_LIMIT = 300.0
GZIP_FROM_BYTES = 1024  # as sync.client: uploads of 1 KB or more are compressed


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    push_latencies: list[float] = field(default_factory=list)
    pull_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _visit(child_id: str) -> dict[str, Any]:
    return {
        "visit_type": "STATUTORY_CHILD",
        "visit_date": "2024-05-01",
        "who_was_seen": "Child",
        "seen_alone": True,
        "not_seen_alone_reason": None,
        "wishes_and_feelings": "Happy",
        "observations": "Settled",
        "actions_agreed": "None",
        "welfare_concern": False,
        "status": "draft",
        "finalised_at": None,
        "finalised_by": None,
        "child_id": child_id,
        "household_id": None,
    }


def _change(record_type: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "change_id": str(uuid.uuid4()),
        "record_type": record_type,
        "record_id": str(uuid.uuid4()),
        "operation": "upsert",
        "base_revision": None,
        "fields": fields,
    }


class Laptop:
    def __init__(self, url: str, username: str) -> None:
        self.url = url
        self.http = requests.Session()
        response = self.http.post(
            f"{url}/v1/devices",
            json={"username": username, "password": PASSWORD, "device_name": "bench"},
            timeout=60,
        )
        response.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        child = _change(
            "child",
            {
                "given_name": "Bench",
                "family_name": "Child",
                "preferred_name": None,
                "date_of_birth": "2015-01-01",
                "sex": "1",
                "ethnicity": None,
                "upn": None,
                "category_of_need": "N1",
                "allocated_worker": username,
                "case_open": True,
                "about_me": "",
            },
        )
        self.child_id = child["record_id"]
        self.http.post(f"{url}/v1/sync/push", json={"changes": [child]}, timeout=60)
        self.cursor = self.pull_all()

    def pull_all(self, cursor: str | None = None) -> str | None:
        while True:
            params = {"cursor": cursor} if cursor else {}
            response = self.http.get(f"{self.url}/v1/sync/pull", params=params, timeout=60)
            response.raise_for_status()
            body = response.json()
            cursor = body["cursor"] or cursor
            if not body["more"]:
                return cursor

    def prepare(self, changes: int) -> None:
        """Build the end-of-day push body as the real client would send it (before timing)."""
        batch = [_change("visit", _visit(self.child_id)) for _ in range(changes)]
        data = json.dumps({"changes": batch}, separators=(",", ":")).encode()
        self.push_headers = {"Content-Type": "application/json"}
        if len(data) >= GZIP_FROM_BYTES:
            data = gzip.compress(data, compresslevel=5)
            self.push_headers["Content-Encoding"] = "gzip"
        self.push_body = data

    def end_of_day(self, outcome: Outcome) -> None:
        start = time.perf_counter()
        try:
            response = self.http.post(
                f"{self.url}/v1/sync/push",
                data=self.push_body,
                headers=self.push_headers,
                timeout=60,
            )
            pushed = time.perf_counter()
            if response.status_code != 200:
                raise RuntimeError(f"push answered {response.status_code}")
            statuses = {r["status"] for r in response.json()["results"]}
            if statuses != {"applied"}:
                raise RuntimeError(f"push results {statuses}")
            self.cursor = self.pull_all(self.cursor)
            done = time.perf_counter()
            with outcome.lock:
                outcome.push_latencies.append(pushed - start)
                outcome.pull_latencies.append(done - pushed)
                outcome.latencies.append(done - start)
        except Exception as exc:  # every failure is counted and reported, never hidden
            with outcome.lock:
                outcome.errors.append(f"{type(exc).__name__}: {exc}")


def _tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds so far of ``pid`` and each process under it, by process (Linux only)."""
    stats: dict[int, list[str]] = {}
    try:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    text = (entry / "stat").read_text()
                except OSError:
                    continue
                stats[int(entry.name)] = text.rsplit(")", 1)[1].split()
    except OSError:
        return {}
    if pid not in stats:
        return {}
    tree, found = [pid], {}
    while tree:
        current = tree.pop()
        fields = stats[current]
        found[current] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        tree += [child for child, other in stats.items() if int(other[1]) == current]
    return found


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def _start_server(
    url: str, data_dir: Path, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "CASEBOOK_SERVER_DATA_DIR": str(data_dir),
        "CASEBOOK_SERVER_ARGON2_TIME_COST": "1",
        "CASEBOOK_SERVER_ARGON2_MEMORY_KIB": "8",
        "CASEBOOK_SERVER_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.cli",
            "--database-url",
            url,
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def _serving_pids(pid: int) -> set[int]:
    """The processes under ``pid`` (uvicorn's supervisor) that have started (Linux only)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return {int(n) for n in children.read_text().split()}
    except OSError:
        return set()


def _after(gate: threading.Barrier, fn: Any, *args: Any) -> None:
    gate.wait(timeout=60)
    fn(*args)


def make_team(url: str, team: str, workers: Sequence[tuple[str, str]]) -> None:
    """Bring the database at ``url`` to the current schema and add a team of workers
    (username, display name), each with ``PASSWORD``, before a service is started on it."""
    migrate(url)
    settings = Settings(database_url=url, argon2_time_cost=1, argon2_memory_kib=8)
    database = open_database(url)
    hasher = password_hasher(settings)

    def setup(session: Any) -> None:
        accounts.create_team(session, name=team, actor="bench")
        for username, display_name in workers:
            accounts.create_user(
                session,
                hasher=hasher,
                username=username,
                password=PASSWORD,
                role="worker",
                display_name=display_name,
                team_name=team,
                actor="bench",
            )

    database.run_write(setup)
    database.dispose()


def run_backend(
    name: str, url: str, devices: int, changes: int, data_dir: Path, workers: int = 1
) -> list[str]:
    team = f"bench-{uuid.uuid4().hex[:6]}"
    names = [f"{team}-w{i}" for i in range(devices)]
    make_team(url, team, [(username, username) for username in names])
    process, base = _start_server(url, data_dir, workers)
    if workers > 1 and Path("/proc").is_dir():
        # Every process answers before the clock starts (each pays its start-up on its own).
        deadline = time.monotonic() + 30
        with requests.Session() as probe:
            while time.monotonic() < deadline and len(_serving_pids(process.pid)) < workers:
                probe.get(f"{base}/health", timeout=5)
                time.sleep(0.2)
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            laptops = list(pool.map(lambda n: Laptop(base, n), names))
        for laptop in laptops:
            laptop.prepare(changes)
        outcome = Outcome()
        with ThreadPoolExecutor(max_workers=devices) as pool:
            # Start every thread before the clock, so all devices really go at once.
            gate = threading.Barrier(devices + 1)
            futures = [pool.submit(_after, gate, lap.end_of_day, outcome) for lap in laptops]
            gate.wait(timeout=60)
            started = time.perf_counter()
            before, client_cpu = _tree_cpu(process.pid), time.process_time()
            for future in futures:
                future.result(timeout=TIME_LIMIT)
            elapsed = time.perf_counter() - started
            after = _tree_cpu(process.pid)
            # Each serving process's share shows whether the work was spread between them.
            shares = {p: cpu - before.get(p, 0.0) for p, cpu in after.items() if p != process.pid}
            server_cpu = sum(after.values()) - sum(before.values()) if after else float("nan")
            client_cpu = time.process_time() - client_cpu
    finally:
        process.terminate()
        process.wait(timeout=20)
    done = len(outcome.latencies)
    return [
        f"{name:<11} {workers:>5} {devices:>7} {elapsed:>8.2f} {done / elapsed:>9.1f} "
        f"{done * changes / elapsed:>10.0f} {_pct(outcome.latencies, 0.5):>8.0f} "
        f"{_pct(outcome.latencies, 0.95):>8.0f} {_pct(outcome.push_latencies, 0.95):>9.0f} "
        f"{_pct(outcome.pull_latencies, 0.95):>9.0f} {len(outcome.errors):>6} "
        f"{server_cpu:>7.2f} {client_cpu:>7.2f}",
        *(f"  error: {e}" for e in sorted(set(outcome.errors))[:5]),
        *(
            [f"  service CPU by process: {', '.join(f'{c:.2f} s' for c in shares.values())}"]
            if workers > 1
            else []
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--workers", default="1", help="server processes to try, e.g. 1,2")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    if not 1 <= args.devices <= 500 or not 1 <= args.changes <= 1000:
        parser.error("devices must be 1-500 and changes 1-1000")
    counts = [int(n) for n in args.workers.split(",")]
    backends = set(args.backends.split(","))
    if not all(1 <= n <= 8 for n in counts) or not backends <= {"sqlite", "postgresql"}:
        parser.error("workers must be 1-8, backends sqlite and/or postgresql")
    rows = [
        f"{'backend':<11} {'procs':>5} {'devices':>7} {'wall s':>8} {'syncs/s':>9} "
        f"{'changes/s':>10} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'push p95':>9} {'pull p95':>9} {'errors':>6} "
        f"{'srv cpu':>7} {'gen cpu':>7}"
    ]
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as tmp:
        for workers in counts if "sqlite" in backends else []:
            sqlite = f"sqlite:///{Path(tmp) / f'bench-{workers}.db'}"
            rows += run_backend("sqlite", sqlite, args.devices, args.changes, Path(tmp), workers)
        pg_url = os.environ.get("CASEBOOK_TEST_PG_URL")
        if pg_url and "postgresql" in backends:
            schema = f"casebook_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = (
                make_url(pg_url)
                .update_query_dict({"options": f"-csearch_path={schema}"})
                .render_as_string(hide_password=False)
            )
            try:
                for workers in counts:
                    rows += run_backend(
                        "postgresql", url, args.devices, args.changes, Path(tmp), workers
                    )
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    print(
        "End-of-day sync: each device pushes "
        f"{args.changes} changes then pulls, all devices at once; procs: server processes"
    )
    print("\n".join(rows))
    print("srv cpu / gen cpu: CPU seconds used by the server / this load generator while timed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
