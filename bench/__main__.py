"""``make bench``: the local store's figures, as one table.

Builds a caseload of 5,000 children with 50,000 visits in a temporary folder, then measures
unlock, the dashboard, saving one visit, search, and the raw cost of inserting the same 50,000
visit rows three ways. Every figure is a median of several runs; ratios compare with a baseline
measured in the same run, on the same machine. The server's load figures are separate
(``python -m bench.server_load``) because they need a server process.
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import create_engine

from app.dashboard import rows
from app.demo import FIRST, LAST, OBSERVATIONS
from app.models import Base, Child, LegalStatus, Placement, Visit
from app.search import search
from app.store import Profile, Store
from app.store.engine import _PRAGMAS

CHILDREN = 5_000
VISITS_PER_CHILD = 10
TODAY = date.today()
PASSPHRASE = "benchmark passphrase, not a secret"


@dataclass
class Figure:
    name: str
    runs: list[float]
    budget: str = ""
    baseline: str = ""
    ratio: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def visit_rows(child_ids: list[uuid.UUID], rng: random.Random) -> list[dict[str, Any]]:
    now = datetime.now(UTC).replace(tzinfo=None)
    out = []
    for child_id in child_ids:
        day = TODAY - timedelta(days=rng.randint(1, 40))
        for _ in range(VISITS_PER_CHILD):
            out.append(
                {
                    "id": uuid.uuid4().hex,
                    "child_id": child_id.hex,
                    "visit_type": "STATUTORY_CHILD",
                    "visit_date": day.isoformat(),
                    "who_was_seen": "Child and carers",
                    "seen_alone": 1,
                    "not_seen_alone_reason": None,
                    "wishes_and_feelings": "Wants to stay and see their brother on Saturdays.",
                    "observations": rng.choice(OBSERVATIONS) * 4,
                    "actions_agreed": "",
                    "welfare_concern": 0,
                    "status": "finalised",
                    "finalised_at": now.isoformat(),
                    "finalised_by": "bench",
                    "household_id": None,
                    "created_at": now.isoformat(),
                    "updated_at": now.isoformat(),
                    "created_by": "bench",
                    "updated_by": "bench",
                    "server_revision": None,
                    "dirty": 1,
                    "deleted": 0,
                }
            )
            day -= timedelta(days=rng.randint(28, 42))
    return out


def raw_insert(connect: Callable[[], Any], rows_: list[dict[str, Any]]) -> float:
    """One transaction of executemany, the way a careful hand-written importer would do it."""
    conn = connect()
    Base.metadata.create_all(
        create_engine("sqlite://", creator=lambda: conn), tables=[Child.__table__, Visit.__table__]
    )
    columns = list(rows_[0])
    sql = f"INSERT INTO visit ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    values = [tuple(r[c] for c in columns) for r in rows_]
    conn.execute("PRAGMA foreign_keys = OFF")
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(sql, values)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def build_children(store: Store, rng: random.Random) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    for start in range(0, CHILDREN, 1000):
        with store.write() as session:
            for _ in range(min(1000, CHILDREN - start)):
                placed = TODAY - timedelta(days=rng.randint(30, 1500))
                child = Child(
                    given_name=rng.choice(FIRST),
                    family_name=rng.choice(LAST),
                    date_of_birth=TODAY - timedelta(days=rng.randint(400, 6000)),
                    sex=rng.choice("MF"),
                    allocated_worker="bench",
                )
                session.add_all(
                    [
                        child,
                        LegalStatus(child_id=child.id, code="C2", start_date=placed),
                        Placement(child_id=child.id, placement_type="U6", start_date=placed),
                    ]
                )
                ids.append(child.id)
    return ids


def main() -> None:
    rng = random.Random(20261122)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as tmp:
        root = Path(tmp)
        os.environ["CASEBOOK_DATA_DIR"] = str(root / "data")
        print("Building a caseload of 5,000 children (this takes a minute)...", flush=True)
        profile = Profile.create("bench", PASSPHRASE, worker="bench")
        store = profile.unlock(PASSPHRASE)
        child_ids = build_children(store, rng)
        visits = visit_rows(child_ids, rng)

        plain = raw_insert(lambda: sqlite3.connect(root / "plain.db", isolation_level=None), visits)
        key = os.urandom(32).hex()

        def cipher_connect() -> Any:
            conn = sqlcipher.connect(str(root / "cipher.db"), isolation_level=None)
            conn.execute(f"PRAGMA key = \"x'{key}'\"")
            for name, value in _PRAGMAS:
                conn.execute(f"PRAGMA {name} = {value}")
            return conn

        encrypted = raw_insert(cipher_connect, visits)

        def through_store() -> None:
            with store.write() as session:
                for row in visits:
                    session.add(
                        Visit(
                            child_id=uuid.UUID(row["child_id"]),
                            visit_type=row["visit_type"],
                            visit_date=date.fromisoformat(row["visit_date"]),
                            who_was_seen=row["who_was_seen"],
                            seen_alone=True,
                            wishes_and_feelings=row["wishes_and_feelings"],
                            observations=row["observations"],
                            status="finalised",
                        )
                    )

        stored = timed(through_store, 1)[0]
        figures += [
            Figure(
                "insert 50,000 visits: sqlite3 executemany, unencrypted",
                [plain],
                baseline="(baseline)",
                ratio=1.0,
            ),
            Figure(
                "insert 50,000 visits: sqlcipher3 executemany, store pragmas",
                [encrypted],
                baseline="sqlite3 unencrypted",
                ratio=encrypted / plain,
            ),
            Figure(
                "insert 50,000 visits: through the store (validate, outbox, audit, FTS)",
                [stored],
                baseline="sqlite3 unencrypted",
                ratio=stored / plain,
            ),
        ]
        store.lock()

        unlocks: list[float] = []
        for _ in range(5):
            start = time.perf_counter()
            store = profile.unlock(PASSPHRASE)
            unlocks.append(time.perf_counter() - start)
            store.lock()
        figures.append(
            Figure("unlock (Argon2id calibrated + open + schema check)", unlocks, budget="< 1 s")
        )
        store = profile.unlock(PASSPHRASE)

        def dashboard() -> None:
            with store.read() as session:
                assert len(rows(session, TODAY)) == CHILDREN

        figures.append(
            Figure(
                "dashboard: 5,000 children / 50,000 visits, next items",
                timed(dashboard, 7),
                budget="< 100 ms",
            )
        )

        def save_visit() -> None:
            with store.write() as session:
                session.add(
                    Visit(
                        child_id=rng.choice(child_ids),
                        visit_type="STATUTORY_CHILD",
                        visit_date=TODAY,
                        observations="Saved by the benchmark.",
                        wishes_and_feelings="",
                        who_was_seen="Child",
                    )
                )

        figures.append(
            Figure(
                "save one visit (one transaction, fsync)", timed(save_visit, 50), budget="< 10 ms"
            )
        )
        words = ["trai", "foot", "bro", "schoo", "park", "okaf", "pate", "certif", "mum", "sleep"]

        def search_once() -> None:
            with store.read() as session:
                search(session, rng.choice(words))

        figures.append(
            Figure(
                "search as you type (one keystroke, 50 hits)",
                timed(search_once, 30),
                budget="< 30 ms",
            )
        )
        store.lock()
    print_table(figures)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.2f} s"


def print_table(figures: list[Figure]) -> None:
    header = f"{'figure':<72} {'median':>11} {'runs':>5} {'budget':>9}  {'ratio to baseline':<30}"
    print("\n" + header)
    print("-" * len(header))
    for f in figures:
        ratio = "" if f.ratio is None else f"{f.ratio:.2f}x {f.baseline}"
        print(f"{f.name:<72} {_fmt(f.median):>11} {len(f.runs):>5} {f.budget:>9}  {ratio:<30}")


if __name__ == "__main__":
    main()
