"""The small syncs auto-sync repeats, whole, against a revision:
``.venv/bin/python -m bench.small_sync [--against REV] [--runs N] [--records N]``.

A worker's laptop syncs every few minutes, and most of those syncs carry nothing or a few
edits. Their cost is fixed costs, paid on both machines in turn: reads, transactions, one HTTP
request. ``bench.sync`` times each kind a handful of times a size, and on this shared 2-core
machine a whole sync swings by a quarter between runs, more than a change to one of those
costs moves it. Here one laptop and one service (a real ``casebook-server`` on SQLite, over
loopback HTTP, as in ``bench.sync``) do many rounds of:

- 1% of the case notes edited on the laptop, then a sync: the "1% edited locally" row of
  ``bench.sync``;
- a quiet sync (nothing changed anywhere), after the one that follows writes: its no-op row.

Beside each time, the CPU both processes spent (the scheduler's count, on Linux), and for the
edited sync the service's alone: its request, which the laptop's part only adds to. With
``--against REV``, a second laptop and service run the code at that git revision (from a
temporary ``git worktree``) at the same time, and the two take rounds in turn, so each pair of
rounds meets the same moment of the machine; the ratio of paired rounds is printed too. The
table's figures are the medians of ``--runs`` equal runs of rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess  # nosec B404 (this script itself, with fixed arguments)
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from app.store import Store
    from sync.client import ServiceClient

RUNS = 6
RECORDS = 1_000
#: Rounds in one run (each an edited sync and a quiet one), after the warm-up syncs.
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


class _Timed(NamedTuple):
    """One whole sync: its time, the CPU each process spent on it (None for the service where
    it cannot be read), and how many changes it sent."""

    seconds: float
    laptop_cpu: float
    service_cpu: float | None
    sent: int


def _timed(store: Store, client: ServiceClient, pid: int) -> _Timed:
    from sync.engine import run_sync

    service, laptop = _service_cpu(pid), time.process_time()
    began = time.perf_counter()
    summary = run_sync(store, client)
    seconds = time.perf_counter() - began
    laptop = time.process_time() - laptop
    after = _service_cpu(pid)
    if not summary.ok:
        raise RuntimeError(f"sync failed: {summary.errors}")
    spent = None if service is None or after is None else after - service
    return _Timed(seconds, laptop, spent, summary.sent)


def serve_rounds(records: int) -> None:
    """A child's side: set up one service and one laptop, say so on stdout, then do one round
    each time stdin says "go" (a line), answering with the round's figures as a JSON line."""
    from bench.sync import _edit_some, _laptop, _make_caseload, _service, _sync

    rng = random.Random(records)
    with tempfile.TemporaryDirectory(prefix="casebook-bench-small-") as tmp:
        folder = Path(tmp)
        with _service(folder) as service:
            laptop = _laptop(service.base, "a", folder / "profiles")
            try:
                _make_caseload(laptop.store, records, rng)
                # The first push, then the slower first quiet syncs after it (``bench.sync``).
                for _ in range(4):
                    _sync(laptop.store, laptop.client)
                print("ready", flush=True)
                for line in sys.stdin:
                    if line.strip() != "go":
                        break
                    _edit_some(laptop.store, 0.01, rng)
                    edited = _timed(laptop.store, laptop.client, service.pid)
                    if not edited.sent:
                        raise RuntimeError("the sync after the edits sent nothing")
                    # The first quiet sync after writes is slower, as after a first pull
                    # (``bench.sync``); auto-sync's no-op is the one after that.
                    _sync(laptop.store, laptop.client)
                    quiet = _timed(laptop.store, laptop.client, service.pid)
                    answer = {"edited": edited.seconds, "quiet": quiet.seconds}
                    if edited.service_cpu is not None and quiet.service_cpu is not None:
                        answer.update(
                            {
                                "edited cpu": edited.laptop_cpu + edited.service_cpu,
                                "quiet cpu": quiet.laptop_cpu + quiet.service_cpu,
                                "edited service cpu": edited.service_cpu,
                            }
                        )
                    print(json.dumps(answer), flush=True)
            finally:
                laptop.store.lock()
                laptop.client.close()


class _Side:
    """One child process serving rounds (``serve_rounds``) with ``checkout``'s code on the
    import path, laptop and service alike. A copy of this file runs it: run from ``bench/``,
    its neighbour ``bench/sync.py`` would stand in for the ``sync`` package."""

    def __init__(self, checkout: Path, folder: Path, records: int) -> None:
        script = folder / "small_sync_child.py"
        if not script.exists():
            script.write_text(Path(__file__).read_text(encoding="utf-8"), encoding="utf-8")
        self.process = subprocess.Popen(  # nosec B603 (this interpreter and a copy of this file)
            [sys.executable, str(script), "--child", "--records", str(records)],
            cwd=checkout,
            env={**os.environ, "PYTHONPATH": str(checkout)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.rounds: list[dict[str, float]] = []

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"a benchmark child ended early ({self.process.wait()})")
        return line

    def ready(self) -> None:
        while self._line().strip() != "ready":
            pass

    def round(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        self.rounds.append(json.loads(self._line()))

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def _median_by_run(rounds: list[dict[str, float]], key: str, runs: int) -> tuple[float, ...]:
    """The rounds cut into ``runs`` equal runs, and each run's median."""
    size = max(1, len(rounds) // runs)
    return tuple(
        statistics.median(r[key] for r in rounds[start : start + size])
        for start in range(0, size * runs, size)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--against", help="a git revision to time beside, laptop and service")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--syncs", type=int, default=SYNCS, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        serve_rounds(args.records)
        return 0

    from bench.table import Baseline, Figure, render
    from bench.worktree import checked_out

    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="casebook-bench-small-") as tmp,
        checked_out(args.against, Path(tmp)) as then,
    ):
        folder = Path(tmp)
        sides = [_Side(ROOT, folder, args.records)]
        try:
            if then is not None:
                sides.append(_Side(then, folder, args.records))
            for side in sides:
                side.ready()
            rounds = args.runs * args.syncs
            for number in range(rounds):
                if number % args.syncs == 0:
                    print(f"  run {number // args.syncs + 1} of {args.runs}...", file=sys.stderr)
                # Round by round in turn, first one side then the other, then the other way
                # round: both see the same moment of a noisy machine.
                for side in sides if number % 2 == 0 else sides[::-1]:
                    side.round()
        finally:
            for side in sides:
                side.close()
    mine = sides[0].rounds
    theirs = sides[1].rounds if len(sides) > 1 else []
    label = f"the code at {args.against}"
    n = f"{args.records:,}"

    def figure(name: str, key: str) -> Figure:
        runs = args.runs
        baseline = Baseline(label, _median_by_run(theirs, key, runs)) if theirs else None
        return Figure(name, _median_by_run(mine, key, runs), baseline=baseline)

    figures = [
        figure(f"quiet sync, {n} records", "quiet"),
        figure(f"1% edited locally, then sync, {n} records", "edited"),
    ]
    if all("edited service cpu" in r for r in mine + theirs):
        figures += [
            figure(f"CPU, quiet sync, laptop + service, {n} records", "quiet cpu"),
            figure(f"CPU, 1% edited locally, laptop + service, {n} records", "edited cpu"),
            figure(f"CPU, 1% edited locally, the service alone, {n} records", "edited service cpu"),
        ]
    title = (
        f"Casebook small syncs: medians of {args.syncs} syncs a run, then of {args.runs} runs"
        f"{' alternating' if theirs else ''}; whole run {time.perf_counter() - started:,.0f} s."
    )
    print(render(figures, title=title))
    if theirs:
        for key in ("quiet", "edited"):
            ratios = [m[key] / t[key] for m, t in zip(mine, theirs, strict=True)]
            faster = sum(r < 1 for r in ratios)
            print(
                f"{key}: median ratio of paired rounds {statistics.median(ratios):.3f}; "
                f"faster in {faster} of {len(ratios)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
