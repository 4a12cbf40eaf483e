"""Child process for the SIGKILL-during-sync test: works and syncs forever until it is killed.

Usage: ``python -m tests.sync.sync_child ROOT PROFILE URL CREDENTIALS SEED`` with the passphrase
on the first line of stdin. It opens the profile, prints ``ready``, then loops: records a few
children with visits and edits one earlier child (printing what it saved only after the commit
returned, so every line the parent reads is a change that was committed), then runs a full
sync, in small batches and pages so a kill has many commit points to land between.

Lines on stdout: ``C <type> <id>`` a record created; ``E <id> <about_me>`` an edit saved;
``S <sent> <received> <ok>`` a sync finished.
"""

from __future__ import annotations

import json
import os
import random
import sys
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import select

import sync.engine as engine
from app.models import Child
from app.store import Profile
from sync import pull, push
from sync.client import Credentials, ServiceClient
from tests.app import factories

# Deliberately not importing tests.sync.devices: it pulls in the server and pytest, and start-up
# time is most of each kill cycle.
FAST_RETRY = engine.RetryPolicy(attempts=3, first_delay=0.01, max_delay=0.05)

#: Small batches and pages: more transactions per sync, so more places for the kill to land.
PUSH_BATCH = 25
PULL_PAGE = 40


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def load_client(url: str, path: Path) -> ServiceClient:
    """The registered device's client; a refreshed token is written back atomically."""

    def save(credentials: Credentials) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(credentials)))
        os.replace(tmp, path)

    credentials = Credentials(**json.loads(path.read_text()))
    return ServiceClient(url, credentials=credentials, on_new_credentials=save)


def main() -> None:
    root, name, url, credentials, seed = sys.argv[1:6]
    passphrase = sys.stdin.readline().rstrip("\n")
    rng = random.Random(int(seed))
    push.PUSH_BATCH = PUSH_BATCH
    pull.DEFAULT_PULL_PAGE = PULL_PAGE
    store = Profile.open(name, root=Path(root)).unlock(passphrase)
    client = load_client(url, Path(credentials))
    worker = store.worker
    say("ready")
    n = 0
    while True:
        created: list[tuple[str, object]] = []
        with store.write() as session:
            for _ in range(rng.randint(1, 5)):
                n += 1
                child = factories.child(
                    given_name=f"Kid{seed}x{n}", allocated_worker=worker, about_me=f"new {n}"
                )
                session.add(child)
                session.flush()
                visit = factories.visit(child.id, observations=f"visit {seed}x{n} " + "o" * 300)
                session.add(visit)
                created += [("child", child.id), ("visit", visit.id)]
        for record_type, record_id in created:
            say(f"C {record_type} {record_id}")
        with store.write() as session:
            ids = session.scalars(select(Child.id).where(Child.deleted.is_(False))).all()
            target = session.get(Child, rng.choice(ids))
            assert target is not None
            value = f"edit {seed}x{n}x{rng.randrange(10**6)}"
            target.about_me = value
        say(f"E {target.id} {value}")
        summary = engine.run_sync(store, client, retry=FAST_RETRY, sleep=lambda _s: None)
        say(f"S {summary.sent} {summary.received} {summary.ok}")


if __name__ == "__main__":
    main()
