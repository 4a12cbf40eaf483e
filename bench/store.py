"""The local store's figures: unlock, dashboard, saving a visit, search, and bulk inserts.

Everything runs on one generated caseload (``demo.laptop``: 5,000 children, 50,000 visits to them,
plus their carers' households) built once per run in a temporary folder, through the real store.
Each figure is compared with a baseline measured in the same run, because this machine is
shared and its speed drifts; a ratio survives that, an absolute time does not.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Boolean, Date, Uuid, select, text

from app import clock
from app.dashboard import KIND, caseload
from app.deadlines.from_store import caseload_deadlines
from app.models import Child, Visit
from app.models.due_cache import CHILD
from app.search import search
from app.store import Profile, Store
from app.store.engine import _PRAGMAS as STORE_PRAGMAS
from app.store.keys import KdfParams, WrappedKey
from bench.table import Baseline, Figure
from demo.laptop import populate

CHILDREN = 5_000
VISITS_PER_CHILD = 10
SEED = 20261122
PASSPHRASE = "benchmark passphrase, not a secret"
UNLOCKS = 5
DASHBOARDS = 5
SAVES = 50
RAW_INSERT_RUNS = 3
#: What a worker types, one keystroke at a time: names, then words from case text.
TYPED = ("okafor", "whitfield", "school", "contact mum", "football", "nowak", "carer", "bike")


def progress(message: str) -> None:
    """Progress goes to stderr so that stdout holds only the table."""
    print(message, file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, ...]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return tuple(out)


def paired(
    fn: Callable[[], Any], baseline: Callable[[], Any], runs: int
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Alternate a figure and its baseline, so a slow spell on a shared machine hits both
    rather than skewing their ratio."""
    first: list[float] = []
    second: list[float] = []
    for _ in range(runs):
        first += timed(fn, 1)
        second += timed(baseline, 1)
    return tuple(first), tuple(second)


def measure(workdir: Path) -> tuple[list[Figure], str]:
    """Every figure, and a one-line description of the caseload for the table's title."""
    os.environ["CASEBOOK_DATA_DIR"] = str(workdir / "data")
    today = clock.today()
    progress("Creating the benchmark profile (Argon2id calibrated on this machine)...")
    profile = Profile.create("bench", PASSPHRASE, worker="bench.worker")
    store = profile.unlock(PASSPHRASE)
    progress(f"Generating {CHILDREN:,} children with {CHILDREN * VISITS_PER_CHILD:,} visits...")
    start = time.perf_counter()
    summary = populate(
        store, children=CHILDREN, visits_per_child=VISITS_PER_CHILD, seed=SEED, today=today
    )
    built = time.perf_counter() - start
    caseload = (
        f"{summary.children:,} children, {summary.child_visits:,} visits to them "
        f"(+{summary.household_visits:,} to {summary.households:,} carer households), "
        f"{summary.records:,} records in all"
    )
    figures = [
        Figure(f"generate the caseload through the store ({summary.records:,} records)", (built,))
    ]
    child_rows, visit_columns, visit_rows = _visit_rows(store)
    store.lock()

    figures.append(_unlock(profile))
    store = profile.unlock(PASSPHRASE)
    try:
        figures.append(_dashboard(store, today))
        figures.append(_dashboard_window(store))
        figures += _inserts(workdir, store, child_rows, visit_columns, visit_rows)
        figures.append(_save_visit(store, workdir, today))
        figures.append(_search(store))
    finally:
        store.lock()
    return figures, caseload


# ---- Figures


def _dashboard_window(store: Store) -> Figure:
    """What the worker waits for when the dashboard opens: its rows read from the store plus
    the Qt table model populated and sorted over them (``bench.ui`` has the parts)."""
    from bench.ui import bench_dashboard_model

    progress("Opening the dashboard model offscreen...")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parts = bench_dashboard_model(store)
    return Figure(
        f"dashboard opens in the client: {int(parts['count']):,} rows read + Qt model sorted",
        (parts["rows"] + parts["load"],),
        budget="< 100 ms",
    )


def _unlock(profile: Profile) -> Figure:
    """Unlock = Argon2id with the profile's calibrated settings, open, schema check."""
    progress(f"Unlocking {UNLOCKS} times...")
    kdf = WrappedKey.read(profile.path / "key.json").kdf

    def unlock() -> None:
        profile.unlock(PASSPHRASE).lock()

    runs, kdf_only = paired(unlock, lambda: kdf.derive(PASSPHRASE), UNLOCKS)
    name = (
        f"unlock: Argon2id (t={kdf.time_cost}, {kdf.memory_kib // 1024} MiB, "
        f"p={kdf.parallelism}) + open + schema check"
    )
    return Figure(name, runs, Baseline("Argon2id alone", kdf_only), budget="< 1 s")


def _dashboard(store: Store, today: date) -> Figure:
    """What the client reads, on a worker thread, when the dashboard opens
    (``app.dashboard.caseload``: every open child and carer household as raw lines from the
    saved deadlines). ``app.dashboard.rows`` and ``build``, which make every item of every
    child into objects, serve the tests' reference and the text demo, not the window."""
    progress(f"Reading the dashboard's caseload {DASHBOARDS} times (after one warm-up)...")

    def dashboard() -> None:
        lines = caseload(store, today).lines
        children = sum(1 for line in lines if line[KIND] == CHILD)
        assert children == CHILDREN, children

    def engine_only() -> None:
        with store.read() as session:
            caseload_deadlines(session, today)

    # The first one also reads the rule table and code lists from disk, and works out and saves
    # every subject's deadlines (app.deadlines.cache); the runs measured read the saved ones.
    dashboard()
    runs, engine = paired(dashboard, engine_only, DASHBOARDS)
    return Figure(
        f"dashboard: all {CHILDREN:,} children and the carer households, as the client reads "
        "them (app.dashboard.caseload)",
        runs,
        Baseline("caseload_deadlines alone (the engine, not the saved deadlines)", engine),
        budget="< 100 ms",
    )


def _save_visit(store: Store, workdir: Path, today: date) -> Figure:
    """One signed-off visit per transaction, as the UI saves it, against one raw
    single-row insert and commit into an encrypted file with the store's settings."""
    progress(f"Saving {SAVES} visits one at a time...")
    with store.read() as session:
        child_ids = list(session.scalars(text("SELECT id FROM child LIMIT 500")))
    rng = random.Random(SEED)

    def save() -> None:
        with store.write() as session:
            session.add(
                Visit(
                    child_id=uuid.UUID(hex=rng.choice(child_ids)),
                    visit_type="STATUTORY_CHILD",
                    visit_date=today,
                    who_was_seen="Child and carers",
                    seen_alone=True,
                    observations="Saved by the benchmark: settled, chatty, proud of school.",
                    wishes_and_feelings="Wants to keep seeing their brother on Saturdays.",
                    status="finalised",
                )
            )

    conn = _cipher_connect(workdir / "save-baseline.db")
    conn.execute("CREATE TABLE visit (id TEXT PRIMARY KEY, child_id TEXT, body TEXT)")

    def raw() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO visit VALUES (?, ?, ?)",
            (uuid.uuid4().hex, rng.choice(child_ids), "Saved by the benchmark."),
        )
        conn.execute("COMMIT")

    runs, raw_runs = paired(save, raw, SAVES)
    conn.close()
    return Figure(
        "save one visit through the store (validate, outbox, audit, index; 1 transaction)",
        runs,
        Baseline("raw sqlcipher3 1-row insert + commit", raw_runs),
        budget="< 10 ms",
    )


def _search(store: Store) -> Figure:
    """Search as you type: one query per keystroke, each word a prefix (app.search)."""
    keystrokes = [word[:n] for word in TYPED for n in range(2, len(word) + 1)]
    progress(f"Searching {len(keystrokes)} keystrokes...")
    runs = []
    with store.read() as session:
        for typed in keystrokes:
            start = time.perf_counter()
            search(session, typed)
            runs.append(time.perf_counter() - start)
    return Figure(
        f"search as you type: FTS5 on search_index, 50 hits ({len(TYPED)} words typed)",
        tuple(runs),
        budget="< 30 ms a keystroke",
    )


def _inserts(
    workdir: Path,
    store: Store,
    child_rows: list[tuple[Any, ...]],
    columns: Sequence[str],
    visit_rows: list[tuple[Any, ...]],
) -> list[Figure]:
    """The same visit rows three ways, each into an empty visit table whose children exist."""
    count = len(visit_rows)
    schema = _schema(store)
    progress(f"Inserting the same {count:,} visit rows: sqlite3, sqlcipher3, the store...")
    plain = Baseline(
        "sqlite3 unencrypted",
        tuple(
            _raw_insert(
                lambda path: sqlite3.connect(path, isolation_level=None),
                workdir / f"plain-{i}.db",
                schema,
                child_rows,
                columns,
                visit_rows,
            )
            for i in range(RAW_INSERT_RUNS)
        ),
    )
    encrypted = tuple(
        _raw_insert(
            _cipher_connect, workdir / f"cipher-{i}.db", schema, child_rows, columns, visit_rows
        )
        for i in range(RAW_INSERT_RUNS)
    )
    through_store = _store_insert(workdir, store, columns, visit_rows)
    return [
        Figure(
            f"insert {count:,} visits: sqlite3 executemany, unencrypted file, 1 transaction",
            plain.runs,
            plain,
            is_baseline=True,
        ),
        Figure(
            f"insert {count:,} visits: sqlcipher3 executemany, store's pragmas, 1 transaction",
            encrypted,
            plain,
        ),
        Figure(
            f"insert {count:,} visits through the store (ORM, validation, outbox, audit, FTS)",
            (through_store,),
            plain,
        ),
    ]


# ---- Helpers


def _visit_rows(store: Store) -> tuple[list[tuple[Any, ...]], list[str], list[tuple[Any, ...]]]:
    """The children and their visits exactly as stored, to insert again elsewhere."""
    with store.read() as session:
        conn = session.connection()
        children = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM child")]
        cursor = conn.exec_driver_sql("SELECT * FROM visit WHERE child_id IS NOT NULL")
        columns = list(cursor.keys())
        visits = [tuple(r) for r in cursor]
    return children, columns, visits


def _schema(store: Store) -> list[str]:
    """The store's own DDL for the child and visit tables and their indexes (not its search
    triggers: keeping the search index up to date is part of what the store's path costs)."""
    with store.read() as session:
        found = session.connection().exec_driver_sql(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name IN ('child', 'visit')"
            " AND type IN ('table', 'index') AND sql IS NOT NULL"
            " ORDER BY type = 'index', tbl_name = 'visit'"
        )
        return [sql for _type, sql in found]


def _cipher_connect(path: Path) -> Any:
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
    for name, value in STORE_PRAGMAS:
        conn.execute(f"PRAGMA {name} = {value}")
    return conn


def _raw_insert(
    connect: Callable[[Path], Any],
    path: Path,
    schema: list[str],
    child_rows: list[tuple[Any, ...]],
    columns: Sequence[str],
    visit_rows: list[tuple[Any, ...]],
) -> float:
    """One transaction of executemany, as a careful hand-written importer would do it."""
    conn = connect(path)
    for ddl in schema:
        conn.execute(ddl)
    marks = ", ".join("?" * len(child_rows[0]))
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO child VALUES ({marks})", child_rows)
    conn.execute("COMMIT")
    sql = f"INSERT INTO visit ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(sql, visit_rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _store_insert(
    workdir: Path, source: Store, columns: Sequence[str], visit_rows: list[tuple[Any, ...]]
) -> float:
    """Into a second profile holding the same children (copied through its store first, not
    timed); then every visit as an ORM object in one ``store.write()``. Building the objects is
    timed too, because a caller saving visits has to build them."""
    profile = Profile.create(
        "insert-target",
        PASSPHRASE,
        worker="bench.worker",
        kdf=KdfParams(time_cost=1, memory_kib=8192, parallelism=1, salt=os.urandom(16)),
    )
    child_fields = ["id", *(c.key for c in Child.__table__.columns if c.key not in _NOT_COPIED)]
    with source.read() as session:
        children = [
            {f: getattr(c, f) for f in child_fields} for c in session.scalars(select(Child))
        ]
    convert = {
        name: _from_stored(Visit.__table__.columns[name].type)
        for name in columns
        if name == "id" or name not in _NOT_COPIED
    }
    at = [(columns.index(name), name, fn) for name, fn in convert.items()]
    with profile.unlock(PASSPHRASE) as target:
        with target.write() as session:
            session.add_all(Child(**c) for c in children)
        start = time.perf_counter()
        with target.write() as session:
            for row in visit_rows:
                session.add(Visit(**{name: fn(row[i]) for i, name, fn in at}))
        return time.perf_counter() - start


#: Stamped by the store on every save (author, times, sync state), so never copied.
_NOT_COPIED = Visit.BOOKKEEPING | {"finalised_at", "finalised_by"}


def _from_stored(kind: Any) -> Callable[[Any], Any]:
    """Turn a value as SQLite stores it back into what the model takes."""
    if isinstance(kind, Uuid):
        return lambda v: None if v is None else uuid.UUID(hex=v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    return lambda v: v
