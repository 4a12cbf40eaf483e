"""The service's figures, timed: ``.venv/bin/python -m bench.report_figures [--children N]
[--runs N]``.

Loads the demo service (``casebook-server demo``'s ``build_demo``) with N children into a fresh
SQLite database, then works out every figure (``server.reports.figures.compute``) for the twelve
months to today, for the whole service and for one team, alternately; prints the median wall
time and thread CPU of each. The whole-service run is what a performance officer's report and
the desktop's Service page wait for.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import select

    from demo.service import build as demo
    from server.core.config import Settings
    from server.core.security import password_hasher
    from server.db import migrate, open_database
    from server.models import Team
    from server.reports.access import ReportScope
    from server.reports.figures import compute
    from server.reports.period import Period

    with tempfile.TemporaryDirectory(prefix="casebook-bench-figures-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'service.db'}"
        migrate(url)
        database = open_database(url)
        settings = Settings(data_dir=Path(tmp), argon2_time_cost=1, argon2_memory_kib=8)
        started = time.perf_counter()
        loaded = database.run_write(
            lambda s: demo.build_demo(
                s, hasher=password_hasher(settings), children=args.children, seed=1
            )
        )
        print(  # noqa: T201
            f"demo: {loaded.children} children, {loaded.records} records, "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        with database.read() as session:
            team = session.scalars(select(Team).order_by(Team.id)).first()
            assert team is not None
        scopes = {
            "whole service": ReportScope(None, None),
            "one team": ReportScope(team.id, team.name),
        }
        period = Period.year_to(date.today())
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in scopes}
        for _ in range(args.runs):
            for name, scope in scopes.items():
                with database.read() as session:
                    wall, cpu = time.perf_counter(), time.thread_time()
                    compute(session, scope, period)
                    times[name].append((time.perf_counter() - wall, time.thread_time() - cpu))
        database.dispose()
    print(f"{'figures for':<16} {'wall (median)':>14} {'thread CPU (median)':>20}")  # noqa: T201
    for name, found in times.items():
        wall = statistics.median(t[0] for t in found)
        cpu = statistics.median(t[1] for t in found)
        print(f"{name:<16} {wall:>12.2f} s {cpu:>18.2f} s")  # noqa: T201


if __name__ == "__main__":
    main()
