"""The peer Casebook's sync is judged against: PouchDB replication, run in the same benchmark.

``../shared/peerbench`` (beside the repository; ``CASEBOOK_PEERBENCH`` names another folder)
holds the peer: its ``setup.sh`` installs PouchDB from the npm registry into a cache outside the
repository, and its ``bench.sh`` runs the scenarios and writes one JSON line a run. This module
runs it for one size at a time, so that ``bench.sync`` can alternate the peer and Casebook size
by size, and reads back the medians. Where node, npm or the peer is missing it says why, and
the benchmark prints Casebook's rows alone. CI never runs this (it needs the npm registry).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: The peer's scenarios that match a Casebook row, by the key its JSON line uses.
SCENARIOS = {
    "pull": "a_initial_pull_ms",
    "push": "b_push_ms",
    "noop": "c_noop_sync_ms",
    "local1": "d1_edit1pct_local_sync_ms",
    "server1": "d2_edit1pct_server_sync_ms",
}
#: The peer's request counters for the same scenarios (``http`` in its JSON line).
REQUESTS = {
    "pull": "a_initial_pull",
    "push": "b_push",
    "noop": "c_noop_sync",
    "local1": "d1_edit1pct_local",
    "server1": "d2_edit1pct_server",
}
SETUP_TIMEOUT = 900.0


class PeerUnavailable(Exception):
    """The peer cannot run here; the message says why, in plain words."""


@dataclass(frozen=True)
class PeerFigures:
    """One size's peer figures: each scenario's runs in seconds, and requests a sync."""

    size: int
    latency_ms: int
    seconds: dict[str, tuple[float, ...]]
    requests: dict[str, int]
    versions: str


def peer_folder() -> Path:
    named = os.environ.get("CASEBOOK_PEERBENCH")
    if named:
        return Path(named)
    return Path(__file__).resolve().parents[1].parent / "shared" / "peerbench"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Peer:
    """The installed peer, ready to run."""

    def __init__(self, home: Path) -> None:
        self.home = home

    @classmethod
    def install(cls) -> Peer:
        """Install (or find already installed) the peer; raises ``PeerUnavailable``."""
        folder = peer_folder()
        for tool in ("node", "npm", "bash"):
            if shutil.which(tool) is None:
                raise PeerUnavailable(f"{tool} is not installed, so PouchDB cannot run")
        setup = folder / "setup.sh"
        if not setup.is_file():
            raise PeerUnavailable(f"the peer benchmark is not at {folder} (set CASEBOOK_PEERBENCH)")
        try:
            done = subprocess.run(  # noqa: S603 - our own script, no shell
                ["bash", str(setup)],
                capture_output=True,
                text=True,
                timeout=SETUP_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PeerUnavailable("installing PouchDB took too long") from exc
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise PeerUnavailable(f"installing PouchDB failed: {last}")
        return cls(Path(lines[-1]))

    def run(self, size: int, runs: int, latency_ms: int = 0) -> PeerFigures:
        """``runs`` runs of every scenario at ``size`` documents; raises ``PeerUnavailable``."""
        with tempfile.TemporaryDirectory(prefix="casebook-peer-") as tmp:
            results = Path(tmp) / "results.jsonl"
            env = {
                **os.environ,
                "SIZES": str(size),
                "RUNS": str(runs),
                "LATENCY_MS": str(latency_ms),
                "PORT": str(_free_port()),
                # Casebook's service and laptops are not pinned to a CPU; neither is the peer.
                "PIN": "0",
                "PEERBENCH_OUT": tmp,
                "PEERBENCH_RESULTS": str(results),
            }
            try:
                done = subprocess.run(  # noqa: S603 - the peer's own script, no shell
                    ["bash", str(self.home / "bench.sh")],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=900 * runs + 60,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise PeerUnavailable(f"PouchDB at {size:,} did not finish in time") from exc
            lines = results.read_text().splitlines() if results.exists() else []
            if done.returncode != 0 or len(lines) != runs:
                last = (done.stderr.strip().splitlines() or ["no output"])[-1]
                raise PeerUnavailable(f"PouchDB at {size:,} failed: {last}")
            # "LATENCY_MS=... BATCH_SIZE=...; node v20, pouchdb 9.0.0, ...": the versions part.
            versions = (done.stdout.splitlines() or [""])[0].partition("; ")[2]
        rows = [json.loads(line) for line in lines]
        seconds = {row: tuple(run[key] / 1000 for run in rows) for row, key in SCENARIOS.items()}
        requests = {
            row: int(statistics.median(run["http"][key]["requests"] for run in rows))
            for row, key in REQUESTS.items()
        }
        return PeerFigures(size, latency_ms, seconds, requests, versions)
