"""``make bench``: the store's, the client's and sync's figures, as one table.

Builds a caseload of 5,000 children with 50,000 visits in a temporary folder (through the real
store), then measures unlock, the dashboard (in the store and opened in the client), saving one
visit, search, and the cost of inserting the same 50,000 visit rows three ways; then sync
against a real server at 1,000, 10,000 and 50,000 records (``bench.sync``; set
``CASEBOOK_BENCH_SYNC_SIZES=1000,10000`` for a shorter run), on loopback and over a link that
holds every request 50 ms, each size beside PouchDB (``../shared/peerbench``) in the same run,
printed as a second table: Casebook, PouchDB and the ratio. Progress goes to stderr; stdout is
the tables. The server's load figures are separate (``python -m bench.server_load``).
"""

from __future__ import annotations

import os
import platform
import sqlite3
import tempfile
import time
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from bench import sync
from bench.store import measure, progress
from bench.table import render


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as tmp:
        figures, caseload = measure(Path(tmp))
        sizes = os.environ.get("CASEBOOK_BENCH_SYNC_SIZES", "")
        chosen = tuple(int(n) for n in sizes.split(",")) if sizes else sync.SIZES
        (Path(tmp) / "sync").mkdir()
        synced, side_by_side = sync.measure(Path(tmp) / "sync", sync.Plan(sizes=chosen))
        figures += synced
    elapsed = time.perf_counter() - started
    conn = sqlcipher.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    conn.close()
    title = (
        f"Casebook store benchmarks: {caseload}.\n"
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version} (sqlite3), "
        f"SQLCipher {cipher} (sqlcipher3); medians; ratios against a baseline from this run; "
        f"whole run {elapsed:,.0f} s."
    )
    progress("")
    print(render(figures, title=title), flush=True)
    print("", flush=True)
    print(side_by_side, flush=True)


if __name__ == "__main__":
    main()
