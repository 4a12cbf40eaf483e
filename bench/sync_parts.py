"""Parts of a sync's laptop side, timed alone: ``.venv/bin/python -m bench.sync_parts``.

A whole sync on this shared 2-core machine swings by a quarter between runs, more than a
change to one step of it moves it. So each step is timed here by itself, on the thread's CPU
clock, its median over runs that alternate with its baseline:

- settling a push of 5,000 new records (``sync.pages.apply_pushed``), per record; with
  ``--against REV``, beside the same function of ``sync/pages.py`` at that git revision;
- finding the outbox rows behind 1,000 pushed changes (``_outbox_of``), against ``REV`` too;
- dropping 5,000 records' bases when none is kept, against ``REV`` too;
- the look for pending entries a push takes before each batch, beside an ORM session and query;
- reading a 1,000-record pull page and an answer to 1,000 changes with the protocol's models
  (``model_validate_json``), beside parsing with orjson and then validating;
- binding one instant to SQLite text (``UTCDateTime``), beside SQLAlchemy's two steps.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
from sqlalchemy import TypeDecorator, select
from sqlalchemy.dialects import sqlite

from app.ids import new_id
from app.models import OutboxEntry
from app.models.base import UTCDateTime
from app.models.sync_state import PENDING
from app.replica import batches
from app.store import Profile, Store
from bench.sync import PASSPHRASE, _kdf, _make_caseload, _narrative
from bench.table import Baseline, Figure, render
from sync import pages
from sync.client import OutgoingChange
from sync.engine import SyncSummary
from sync.protocol.messages import ChangeResult, ChangeStatus, PullResponse, PushResponse, Stamps

RUNS = 8
WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def _pages_at(revision: str, folder: Path) -> ModuleType:
    """``sync/pages.py`` as it was at ``revision``, loaded beside today's."""
    source = subprocess.run(
        ["git", "show", f"{revision}:sync/pages.py"], capture_output=True, check=True, text=True
    ).stdout
    path = folder / "pages_then.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("pages_then", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _store(folder: Path, name: str, records: int) -> Store:
    profile = Profile.create(name, PASSPHRASE, worker="bench.worker", root=folder, kdf=_kdf())
    store = profile.unlock(PASSPHRASE)
    _make_caseload(store, records, random.Random(records))
    return store


def _outgoing(store: Store) -> list[OutgoingChange]:
    with store.read() as session:
        rows = session.execute(
            select(OutboxEntry.id, OutboxEntry.record_type, OutboxEntry.record_id)
        ).all()
    return [OutgoingChange(r.id, r.record_type, r.record_id, "upsert", None, {}) for r in rows]


def _stamps(change: OutgoingChange, revision: int) -> ChangeResult:
    return ChangeResult(
        change_id=change.change_id,
        status=ChangeStatus.APPLIED,
        revision=revision,
        stamps=Stamps(
            created_by="bench.worker",
            created_at=WHEN,
            updated_by="bench.worker",
            updated_at=WHEN,
            fields={},
        ),
    )


def _settle_cpu(module: ModuleType, folder: Path, name: str, records: int) -> float:
    """Seconds of thread CPU a record for settling a first push of ``records`` new records, in
    batches of 1,000 as a push answers them (commits not counted)."""
    store = _store(folder, name, records)
    try:
        changes = _outgoing(store)
        answers = {c.change_id: _stamps(c, 10 + n) for n, c in enumerate(changes)}
        spent = 0.0
        for start in range(0, len(changes), 1000):
            with store.write(remote=True) as session:
                began = time.thread_time()
                module.apply_pushed(session, changes[start : start + 1000], answers, SyncSummary())
                spent += time.thread_time() - began
        return spent / len(changes)
    finally:
        store.lock()


def _alternate(
    runs: int, now: Callable[[], float], then: Callable[[], float] | None
) -> tuple[list[float], list[float]]:
    mine: list[float] = []
    theirs: list[float] = []
    for n in range(runs):
        order = [(mine, now), (theirs, then)] if n % 2 == 0 else [(theirs, then), (mine, now)]
        for into, measure in order:
            if measure is not None:
                into.append(measure())
    return mine, theirs


def _figure(name: str, mine: list[float], theirs: list[float], label: str) -> Figure:
    baseline = Baseline(label, tuple(theirs)) if theirs else None
    return Figure(name, tuple(mine), baseline=baseline)


def measure(folder: Path, against: str | None, runs: int = RUNS) -> list[Figure]:
    then = _pages_at(against, folder) if against else None
    label = f"sync/pages.py at {against}"
    figures: list[Figure] = []
    count = iter(range(10**6))

    mine, theirs = _alternate(
        runs,
        lambda: _settle_cpu(pages, folder, f"now{next(count)}", 5000),
        (lambda: _settle_cpu(then, folder, f"then{next(count)}", 5000)) if then else None,
    )
    figures.append(_figure("settle a push of 5,000 new records, a record", mine, theirs, label))

    store = _store(folder, "lookups", 5000)
    try:
        changes = _outgoing(store)[:1000]
        ids = [new_id() for _ in range(5000)]

        def timed(fn: Callable[[Any], Any]) -> float:
            with store.write(remote=True) as session:
                began = time.thread_time()
                fn(session)
                return time.thread_time() - began

        def outbox_of(module: ModuleType) -> Callable[[], float]:
            return lambda: timed(lambda s: module._outbox_of(s, changes))

        def drop(module: ModuleType) -> Callable[[], float]:
            return lambda: timed(lambda s: module._drop_bases(s, "visit", ids))

        mine, theirs = _alternate(runs, outbox_of(pages), outbox_of(then) if then else None)
        figures.append(_figure("find the outbox rows of 1,000 pushed changes", mine, theirs, label))
        mine, theirs = _alternate(runs, drop(pages), drop(then) if then else None)
        figures.append(_figure("drop 5,000 records' bases, none kept", mine, theirs, label))
        figures.append(_pending_look(store, runs))
    finally:
        store.lock()

    figures += _reading(runs)
    figures.append(_binding(runs))
    return figures


def _pending_look(store: Store, runs: int) -> Figure:
    """The look a push takes before each batch (``sync.push._next_batch``), where it finds
    nothing: a Core read of the statement built once, beside an ORM session and query."""
    after = 10**9
    looks = 200

    def now() -> float:
        began = time.thread_time()
        for _ in range(looks):
            with store.read_rows() as reading:
                batches.pending_after(reading, after)
        return (time.thread_time() - began) / looks

    def then() -> float:
        began = time.thread_time()
        for _ in range(looks):
            with store.read() as session:
                session.scalar(
                    select(OutboxEntry.seq)
                    .where(OutboxEntry.state == PENDING, OutboxEntry.seq > after)
                    .limit(1)
                )
        return (time.thread_time() - began) / looks

    mine, theirs = _alternate(runs, now, then)
    return _figure("look for pending entries before a batch", mine, theirs, "ORM session, query")


def _reading(runs: int) -> list[Figure]:
    rng = random.Random(1)
    page = orjson.dumps(
        {
            "records": [
                {
                    "record_type": "case_note",
                    "record_id": str(new_id()),
                    "revision": n,
                    "deleted": False,
                    "fields": {"subject": "Visit notes", "text": _narrative(rng, 300)},
                    "created_by": "w",
                    "created_at": WHEN.isoformat(),
                    "updated_by": "w",
                    "updated_at": WHEN.isoformat(),
                }
                for n in range(1000)
            ],
            "removals": [],
            "cursor": "c",
            "more": True,
            "full_resync": False,
        }
    )
    answer = orjson.dumps(
        {
            "results": [
                _stamps(
                    OutgoingChange(new_id(), "visit", new_id(), "upsert", None, {}), n
                ).model_dump(mode="json")
                for n in range(1000)
            ]
        }
    )
    figures = []
    for name, model, body in (
        ("read a pull page of 1,000 records", PullResponse, page),
        ("read the answer to 1,000 pushed changes", PushResponse, answer),
    ):

        def now(model: Any = model, body: bytes = body) -> float:
            began = time.thread_time()
            model.model_validate_json(body)
            return time.thread_time() - began

        def then(model: Any = model, body: bytes = body) -> float:
            began = time.thread_time()
            model.model_validate(orjson.loads(body))
            return time.thread_time() - began

        mine, theirs = _alternate(runs * 4, now, then)
        figures.append(_figure(name, mine, theirs, "orjson, then validated"))
    return figures


def _binding(runs: int) -> Figure:
    dialect = sqlite.dialect()
    one_step = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    two_steps = TypeDecorator.bind_processor(UTCDateTime().dialect_impl(dialect), dialect)
    assert one_step is not None and two_steps is not None
    instants = [WHEN + timedelta(microseconds=n) for n in range(10_000)]

    def timed(bind: Callable[[Any], Any]) -> Callable[[], float]:
        def run() -> float:
            began = time.thread_time()
            for instant in instants:
                bind(instant)
            return (time.thread_time() - began) / len(instants)

        return run

    mine, theirs = _alternate(runs * 4, timed(one_step), timed(two_steps))
    return _figure("bind one instant to SQLite text", mine, theirs, "SQLAlchemy's 2 steps")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="a git revision whose sync/pages.py to time beside")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="casebook-bench-parts-") as tmp:
        figures = measure(Path(tmp), args.against, args.runs)
    print(render(figures, title="Casebook sync parts: thread CPU, medians of alternating runs"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
