"""The service's push, timed alone: ``.venv/bin/python -m bench.service_push [--against REV]``.

``bench.sync`` times whole syncs, where the service's share is mixed with HTTP, the laptop and
this shared 2-core machine's noise (a quarter between runs). Here the service's own push
(``server.services.sync.push`` in its write transaction, commit included) runs in process on a
fresh SQLite database, on the thread's CPU clock:

- the first push of a laptop's caseload of new records (children, visits and case notes, made
  through the real store and read from its outbox), in batches of 1,000 as a laptop sends them,
  per record;
- then edits of the text of a tenth of those case notes, each on the revision the first push
  gave it, in batches of 250, per edit.

With ``--against REV`` each run alternates with the same measurement of the service's code at
that git revision: a temporary ``git worktree`` of it runs this very file in a child process,
with the same changes, so only the service's code differs. Both sides run as child processes.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle  # nosec B403 (a file this script wrote moments ago, in its own temporary folder)
import random
import subprocess  # nosec B404 (this script itself, with fixed arguments)
import sys
import tempfile
import time
import uuid
from pathlib import Path

RUNS = 6
RECORDS = 10_000
NEW_BATCH = 1_000
EDIT_BATCH = 250
ROOT = Path(__file__).resolve().parent.parent


def make_changes(records: int, path: Path) -> None:
    """A laptop's first push of ``records`` new records, and edits to a tenth of its case
    notes, as plain wire dictionaries (so any revision's models can read them)."""
    from sqlalchemy import LargeBinary, select, type_coerce

    from app.models import OutboxEntry
    from app.models.packed import unpack_text
    from app.store import Profile
    from bench.sync import PASSPHRASE, _kdf, _make_caseload, _narrative
    from sync.protocol.records import RECORD_FIELDS, SERVER_CONTROLLED

    with tempfile.TemporaryDirectory(prefix="casebook-bench-push-") as tmp:
        profile = Profile.create("push", PASSPHRASE, worker="w", root=Path(tmp), kdf=_kdf())
        store = profile.unlock(PASSPHRASE)
        try:
            _make_caseload(store, records, random.Random(records))
            outbox = OutboxEntry.__table__
            with store.read() as session:
                rows = session.execute(
                    select(
                        outbox.c.id,
                        outbox.c.record_type,
                        outbox.c.record_id,
                        type_coerce(outbox.c.fields, LargeBinary),
                    ).order_by(outbox.c.seq)
                ).all()
        finally:
            store.lock()
    changes = []
    for change_id, record_type, record_id, packed in rows:
        allowed = RECORD_FIELDS[record_type]
        fields = json.loads(unpack_text(packed))
        changes.append(
            {
                "change_id": str(change_id),
                "record_type": record_type,
                "record_id": str(record_id),
                "operation": "upsert",
                "base_revision": None,
                "fields": {
                    k: v for k, v in fields.items() if k in allowed and k not in SERVER_CONTROLLED
                },
            }
        )
    rng = random.Random(7)
    notes = [c for c in changes if c["record_type"] == "case_note"]
    edits = [(c["record_id"], _narrative(rng, 300)) for c in rng.sample(notes, len(notes) // 10)]
    with path.open("wb") as out:
        pickle.dump((changes, edits), out)


def measure_once(path: Path) -> dict[str, float]:
    """One run on a fresh database: µs of thread CPU per new record, and per edit."""
    from sqlalchemy import select

    from bench.server_load import make_team
    from server.core.caller import Caller
    from server.core.config import Settings
    from server.db import open_database
    from server.models import UserAccount
    from server.services import sync
    from sync.protocol.messages import Change, ChangeStatus

    with path.open("rb") as source:
        wire, edits = pickle.load(source)  # nosec B301 (written by make_changes, above)
    with tempfile.TemporaryDirectory(prefix="casebook-bench-push-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'server.db'}"
        make_team(url, "bench", [("bench.worker", "Bench Worker")])
        database, settings = open_database(url), Settings(database_url=url)
        try:
            with database.read() as session:
                user = session.scalar(
                    select(UserAccount).where(UserAccount.username == "bench.worker")
                )
                assert user is not None
                caller = Caller(
                    user.id, user.username, user.display_name, user.role, user.team_id, uuid.uuid4()
                )
            changes = [Change.model_validate(c) for c in wire]
            revisions: dict[uuid.UUID, int] = {}

            def push(batch: list[Change]) -> float:
                began = time.thread_time()
                answer = database.run_write(
                    lambda session: sync.push(
                        session, caller=caller, settings=settings, changes=batch
                    )
                )
                spent = time.thread_time() - began
                for change, result in zip(batch, answer.results, strict=True):
                    if result.status is not ChangeStatus.APPLIED or result.revision is None:
                        raise RuntimeError(f"the service did not apply a change: {result}")
                    revisions[change.record_id] = result.revision
                return spent

            new = sum(
                push(changes[start : start + NEW_BATCH])
                for start in range(0, len(changes), NEW_BATCH)
            )
            edited = [
                Change(
                    change_id=uuid.uuid4(),
                    record_type="case_note",
                    record_id=uuid.UUID(record_id),
                    operation="upsert",
                    base_revision=revisions[uuid.UUID(record_id)],
                    fields={"text": text},
                )
                for record_id, text in edits
            ]
            edit = sum(
                push(edited[start : start + EDIT_BATCH])
                for start in range(0, len(edited), EDIT_BATCH)
            )
        finally:
            database.dispose()
    return {"new": new / len(changes) * 1e6, "edit": edit / len(edited) * 1e6}


def _child(checkout: Path, data: Path) -> dict[str, float]:
    """One run in a child process, with ``checkout``'s code on the import path. The child runs
    a copy of this file kept beside ``data``: run from ``bench/`` itself, its neighbour
    ``bench/sync.py`` would stand in for the ``sync`` package."""
    script = data.with_name("service_push_child.py")
    if not script.exists():
        script.write_text(Path(__file__).read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(  # nosec B603 (this interpreter and a copy of this file)
        [sys.executable, str(script), "--child", str(data)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--against", help="a git revision whose service to time beside")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(measure_once(args.child)))
        return 0

    from bench.table import Baseline, Figure, render
    from bench.worktree import checked_out

    mine: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="casebook-bench-push-") as tmp:
        folder = Path(tmp)
        data = folder / "changes.pickle"
        print(f"Making {args.records:,} records' changes...", file=sys.stderr)
        make_changes(args.records, data)
        with checked_out(args.against, folder) as then:
            for run in range(args.runs):
                print(f"  run {run + 1} of {args.runs}...", file=sys.stderr)
                sides: list[tuple[list[dict[str, float]], Path]] = [(mine, ROOT)]
                if then is not None:
                    sides.append((theirs, then))
                for into, checkout in sides if run % 2 == 0 else sides[::-1]:
                    into.append(_child(checkout, data))
    label = f"the service at {args.against}"
    n = f"{args.records:,}"

    def figure(name: str, key: str) -> Figure:
        baseline = Baseline(label, tuple(r[key] / 1e6 for r in theirs)) if theirs else None
        return Figure(name, tuple(r[key] / 1e6 for r in mine), baseline=baseline)

    figures = [
        figure(f"push of {n} new records, in batches of {NEW_BATCH:,}, a record", "new"),
        figure(
            f"edits of a tenth of their case notes, in batches of {EDIT_BATCH}, an edit", "edit"
        ),
    ]
    print(render(figures, title="Casebook service push: thread CPU, medians of alternating runs"))
    if theirs:
        for key in ("new", "edit"):
            ratios = [m[key] / t[key] for m, t in zip(mine, theirs, strict=True)]
            print(f"{key}: ratio run by run {', '.join(f'{r:.2f}' for r in ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
