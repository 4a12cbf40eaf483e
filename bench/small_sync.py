"""The small syncs auto-sync repeats, whole, against a revision:
``.venv/bin/python -m bench.small_sync [--against REV] [--runs N] [--records N]``.

A worker's laptop syncs every few minutes, and most of those syncs carry nothing or a few
edits. Their cost is fixed costs, paid on both machines in turn: reads, transactions, one HTTP
request. ``bench.sync`` times each kind a handful of times a size, and on this shared 2-core
machine a whole sync swings by a quarter between runs, more than a change to one of those
costs moves it. Here, in each run, one laptop and one service (a real ``casebook-server`` on
SQLite, over loopback HTTP, as in ``bench.sync``) do many such syncs in turn:

- a quiet sync (nothing changed anywhere): the no-op row of ``bench.sync``;
- 1% of the case notes edited on the laptop, then a sync: its "1% edited locally" row.

Each figure is the median over a run's syncs, then over runs. Beside the time, the CPU both
processes spent (from ``/proc``, on Linux). With ``--against REV`` every run alternates with
the same run of the code at that git revision (laptop and service alike), from a temporary
``git worktree``, so only the code differs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess  # nosec B404 (git and this script itself, with fixed arguments)
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store import Store
    from sync.client import ServiceClient

RUNS = 6
RECORDS = 1_000
#: Syncs of each kind in one run, after the warm-up ones.
SYNCS = 25
ROOT = Path(__file__).resolve().parent.parent


def _service_cpu(pid: int) -> float | None:
    """CPU seconds the service's threads have used so far, to the nanosecond: the scheduler's
    own count (``/proc/<pid>/task/*/schedstat``), where ``/proc/<pid>/stat`` counts in ticks
    of 10 ms, as long as a whole small sync. None where there is no such file (not Linux)."""
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, IndexError, ValueError):
                continue  # a thread that ended as it was read
    except OSError:
        return None
    return total / 1e9


def _timed(store: Store, client: ServiceClient, pid: int) -> tuple[float, float | None, int]:
    """One whole sync: its time, the CPU both processes spent on it, and how many changes it
    sent."""
    from sync.engine import run_sync

    service, laptop = _service_cpu(pid), time.process_time()
    began = time.perf_counter()
    summary = run_sync(store, client)
    seconds = time.perf_counter() - began
    laptop = time.process_time() - laptop
    after = _service_cpu(pid)
    if not summary.ok:
        raise RuntimeError(f"sync failed: {summary.errors}")
    cpu = None if service is None or after is None else laptop + after - service
    return seconds, cpu, summary.sent


def measure_once(records: int, syncs: int) -> dict[str, float]:
    """One run: medians, in seconds, of the quiet syncs and of the syncs after 1% edits, and
    of the CPU both processes spent on them."""
    from bench.sync import _edit_some, _laptop, _make_caseload, _service, _sync

    rng = random.Random(records)
    wall: dict[str, list[float]] = {"quiet": [], "edited": []}
    cpu: dict[str, list[float]] = {"quiet": [], "edited": []}
    with tempfile.TemporaryDirectory(prefix="casebook-bench-small-") as tmp:
        folder = Path(tmp)
        with _service(folder) as service:
            laptop = _laptop(service.base, "a", folder / "profiles")
            try:
                _make_caseload(laptop.store, records, rng)
                # The first push, then the slower first quiet syncs after it (``bench.sync``).
                for _ in range(4):
                    _sync(laptop.store, laptop.client)
                for _ in range(syncs):
                    _edit_some(laptop.store, 0.01, rng)
                    edited = _timed(laptop.store, laptop.client, service.pid)
                    if not edited[2]:
                        raise RuntimeError("the sync after the edits sent nothing")
                    # The first quiet sync after writes is slower, as after a first pull
                    # (``bench.sync``); auto-sync's no-op is the one after that.
                    _sync(laptop.store, laptop.client)
                    quiet = _timed(laptop.store, laptop.client, service.pid)
                    for kind, (seconds, spent, _sent) in (("quiet", quiet), ("edited", edited)):
                        wall[kind].append(seconds)
                        if spent is not None:
                            cpu[kind].append(spent)
            finally:
                laptop.store.lock()
                laptop.client.close()
    figures = {kind: statistics.median(values) for kind, values in wall.items()}
    figures.update({f"{kind} cpu": statistics.median(v) for kind, v in cpu.items() if v})
    return figures


def _child(checkout: Path, folder: Path, records: int, syncs: int) -> dict[str, float]:
    """One run in a child process, with ``checkout``'s code on the import path (a copy of this
    file runs it: run from ``bench/``, its neighbour ``bench/sync.py`` would stand in for the
    ``sync`` package). The service it starts runs the same checkout's code."""
    script = folder / "small_sync_child.py"
    if not script.exists():
        script.write_text(Path(__file__).read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(  # nosec B603 (this interpreter and a copy of this file)
        [sys.executable, str(script), "--child", "--records", str(records), "--syncs", str(syncs)],
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout)},
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _worktree(revision: str, folder: Path) -> Path:
    checkout = folder / "then"
    subprocess.run(  # nosec B603 B607 (git, with fixed arguments)
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(checkout), revision],
        check=True,
        capture_output=True,
    )
    return checkout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--against", help="a git revision to time beside, laptop and service")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--syncs", type=int, default=SYNCS, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure_once(args.records, args.syncs)))
        return 0

    from bench.table import Baseline, Figure, render

    started = time.perf_counter()
    mine: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="casebook-bench-small-") as tmp:
        folder = Path(tmp)
        then = _worktree(args.against, folder) if args.against else None
        try:
            for run in range(args.runs):
                print(f"  run {run + 1} of {args.runs}...", file=sys.stderr, flush=True)
                sides: list[tuple[list[dict[str, float]], Path]] = [(mine, ROOT)]
                if then is not None:
                    sides.append((theirs, then))
                for into, checkout in sides if run % 2 == 0 else sides[::-1]:
                    into.append(_child(checkout, folder, args.records, args.syncs))
        finally:
            if then is not None:
                subprocess.run(  # nosec B603 B607 (git, with fixed arguments)
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(then)],
                    check=False,
                    capture_output=True,
                )
    label = f"the code at {args.against}"
    n = f"{args.records:,}"

    def figure(name: str, key: str) -> Figure:
        baseline = Baseline(label, tuple(r[key] for r in theirs)) if theirs else None
        return Figure(name, tuple(r[key] for r in mine), baseline=baseline)

    figures = [
        figure(f"quiet sync, {n} records", "quiet"),
        figure(f"1% edited locally, then sync, {n} records", "edited"),
    ]
    if all("quiet cpu" in r for r in mine + theirs):
        figures += [
            figure(f"CPU, quiet sync, laptop + service, {n} records", "quiet cpu"),
            figure(f"CPU, 1% edited locally, laptop + service, {n} records", "edited cpu"),
        ]
    title = (
        f"Casebook small syncs: medians of {args.syncs} syncs a run, then of {args.runs} runs"
        f"{' alternating' if theirs else ''}; whole run {time.perf_counter() - started:,.0f} s."
    )
    print(render(figures, title=title))
    if theirs:
        for key in ("quiet", "edited"):
            ratios = [m[key] / t[key] for m, t in zip(mine, theirs, strict=True)]
            print(f"{key}: ratio run by run {', '.join(f'{r:.2f}' for r in ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
