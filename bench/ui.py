"""The dashboard table model's figure: time from dashboard rows to a populated, sorted model.

``python -m bench.ui`` builds a 5,000-child demo caseload (through the real store, like
``make bench``), then measures what the dashboard view does when it opens: ``rows``, what its
worker thread does (``app.dashboard.caseload``, as ``ui.views.dashboard._load_rows``), and on an
offscreen ``QApplication``:

- load: a new model and filter proxy, given the rows (sorted most urgent first) and counted;
- sort: re-sorting the whole table from a header click (mean of by-name and back by-status);
- filter: applying a status filter.

``rows`` + ``load`` is what the worker waits for, the 100 ms budget (``make bench`` reports
their sum); the store benchmark's "dashboard" figure is that read alone
(``app.dashboard.caseload``), against the engine working every deadline out afresh.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app import clock
from app.dashboard import build, caseload
from app.store import Profile, Store
from app.store.keys import KdfParams
from demo.laptop import populate

PASSPHRASE = "benchmark passphrase, not a secret"


def bench_dashboard_model(store: Store, *, runs: int = 7) -> dict[str, float]:
    """Median seconds for load / sort / filter of the dashboard model over ``store``'s caseload,
    plus ``rows`` (seconds to read the rows from the store, for context) and ``count``."""
    from PySide6.QtWidgets import QApplication

    from ui.models.dashboard_model import measure_model

    _app = QApplication.instance() or QApplication([])
    build(store, clock.today())  # works out and saves every subject's deadlines once
    reads = []
    for _ in range(max(runs, 3)):
        start = time.perf_counter()
        lines = caseload(store, clock.today())
        reads.append(time.perf_counter() - start)
    figures = measure_model(lines, runs=runs)
    figures["rows"] = statistics.median(reads)
    figures["count"] = float(len(lines.lines))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5_000)
    parser.add_argument("--visits-per-child", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="casebook-bench-ui-") as tmp:
        root = Path(tmp)
        # Cheap KDF: unlock cost is not what this benchmark measures.
        kdf = KdfParams(time_cost=1, memory_kib=8192, parallelism=1, salt=os.urandom(16))
        profile = Profile.create("bench", PASSPHRASE, worker="bench.worker", root=root, kdf=kdf)
        with profile.unlock(PASSPHRASE) as store:
            print(f"Building {args.children:,} children...", file=sys.stderr, flush=True)
            populate(
                store,
                children=args.children,
                visits_per_child=args.visits_per_child,
                seed=20261122,
                today=clock.today(),
            )
            figures = bench_dashboard_model(store, runs=args.runs)
    print(f"Dashboard model, {int(figures['count']):,} rows (medians of {args.runs} runs):")
    for key, words in (
        ("rows", "read rows from the store (the view's worker thread)"),
        ("load", "rows -> populated, sorted, counted model"),
        ("sort", "re-sort from a header click"),
        ("filter", "apply a status filter"),
    ):
        print(f"  {words:<52} {figures[key] * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
