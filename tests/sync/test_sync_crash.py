"""Killing the app in the middle of syncing never damages the profile or loses committed work.

A separate process (``tests/sync/sync_child.py``) opens a real profile that has a few hundred
changes waiting, against a live server that has plenty for it to pull, and saves and syncs in a
loop; the test kills it with SIGKILL at a random moment (seeded), many times. After every kill the
profile must still open and pass SQLCipher's page HMAC check and SQLite's integrity check, and
every record and edit the process reported as saved must still be there. At the end one ordinary
sync must bring laptop and server into agreement, with every record held once.

``CASEBOOK_SOAK=1`` raises the number of kills from 20 to 200; ``CASEBOOK_SOAK_KILLS`` sets it
(``make soak``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import RECORD_TYPES, Child, OutboxEntry
from app.store import Profile, doctor
from tests.app import factories
from tests.conftest import PASSPHRASE
from tests.server.conftest import LiveServer
from tests.sync.devices import Device, diff_views, save_credentials

KILLS = int(
    os.environ.get("CASEBOOK_SOAK_KILLS", "200" if os.environ.get("CASEBOOK_SOAK") == "1" else "20")
)
REPO = Path(__file__).resolve().parents[2]
#: Changes waiting on the laptop before the first kill, and records the server has for it.
QUEUED_CHILDREN = 150
SEEDED_CHILDREN = 150


@dataclass
class Reported:
    """What the child process said it had committed before it was killed."""

    created: dict[uuid.UUID, str] = field(default_factory=dict)
    edits: dict[uuid.UUID, str] = field(default_factory=dict)
    syncs: int = 0


def _run_and_kill(
    root: Path,
    url: str,
    credentials: Path,
    seed: int,
    delay: float,
    into: Reported,
    *,
    after_a_sync: bool,
) -> None:
    """Start the child, let it work for ``delay`` seconds after it is ready (or after its first
    finished sync, so later, smaller syncs are hit too), SIGKILL it, and collect every line it
    managed to print (all of them describe committed changes)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.sync.sync_child", str(root), "victim", url]
        + [str(credentials), str(seed)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdin is not None and proc.stdout is not None
    stdout = proc.stdout
    proc.stdin.write(PASSPHRASE + "\n")
    proc.stdin.flush()
    ready, synced = threading.Event(), threading.Event()
    lines: list[list[str]] = []

    def read() -> None:
        for line in stdout:
            if line.strip() == "ready":
                ready.set()
            else:
                lines.append(line.split())
                if line.startswith("S "):
                    synced.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(timeout=60), "the sync process never opened the profile"
        if after_a_sync:
            assert synced.wait(timeout=60), f"no sync finished: {lines[-3:]}"
        time.sleep(delay)
        assert proc.poll() is None, f"the sync process died by itself: {lines[-3:]}"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=30)
    for kind, *rest in lines:
        if kind == "C":
            into.created[uuid.UUID(rest[1])] = rest[0]
        elif kind == "E":
            into.edits[uuid.UUID(rest[0])] = " ".join(rest[1:])
        elif kind == "S":
            into.syncs += 1


def _check_profile(root: Path, reported: Reported, seed: int) -> None:
    """The profile opens, every health check passes, nothing reported as saved is missing."""
    with Profile.open("victim", root=root).unlock(PASSPHRASE) as store:
        failed = [f"{r.name}: {r.detail}" for r in doctor.run(store) if not r.ok]
        assert failed == [], f"after kill with seed {seed}: {failed}"
        with store.read() as session:
            missing = [
                (kind, record_id)
                for record_id, kind in reported.created.items()
                if session.get(RECORD_TYPES[kind], record_id) is None
            ]
            assert missing == [], f"committed records lost after kill {seed}: {missing[:5]}"
            for child_id, value in reported.edits.items():
                child = session.get(Child, child_id)
                assert child is not None, f"edited child {child_id} lost after kill {seed}"
                # A later edit may have been committed but not printed before a kill came, in
                # this round or an earlier one: the child holds the last edit printed or a
                # later one, never an older value.
                assert child.about_me == value or _later(child.about_me, value), (
                    f"after kill {seed}: about_me {child.about_me!r}, last saved {value!r}"
                )


def _later(found: str, printed: str) -> bool:
    """Whether edit value ``found`` was made after ``printed`` (``edit {round}x{n}x{random}``,
    with ``n`` counting up within a round)."""

    def order(value: str) -> tuple[int, int] | None:
        parts = value.removeprefix("edit ").split("x")
        if not value.startswith("edit ") or len(parts) != 3:
            return None
        return int(parts[0]), int(parts[1])

    made, saved = order(found), order(printed)
    return made is not None and saved is not None and made > saved


@pytest.mark.slow
def test_sigkill_during_sync_never_damages_or_loses_committed_work(
    server: LiveServer, tmp_path: Path
) -> None:
    """Many SIGKILLs at random moments of push and pull, then one clean sync converges."""
    rng = random.Random(20260312)
    worker = server.user("worker", server.team())
    root = tmp_path / "profiles"
    victim = Device.register(server, worker, root, "victim")
    seeder = Device.register(server, worker, root, "seeder")
    credentials = tmp_path / "victim-device.json"
    save_credentials(victim.client, credentials)
    reported = Reported()
    try:
        with seeder.store.write() as session:
            for i in range(SEEDED_CHILDREN):
                child = factories.child(given_name=f"Seed{i}", allocated_worker=worker)
                session.add(child)
                session.flush()
                session.add(factories.visit(child.id, observations=f"seeded {i}"))
        seeder.sync()
        with victim.store.write() as session:
            for i in range(QUEUED_CHILDREN):
                child = factories.child(given_name=f"Queued{i}", allocated_worker=worker)
                session.add(child)
                session.flush()
                visit = factories.visit(child.id, observations=f"queued {i}")
                session.add(visit)
                reported.created[child.id] = "child"
                reported.created[visit.id] = "visit"
        victim.store.lock()

        started = time.monotonic()
        for kill in range(KILLS):
            if kill % 4 == 0:  # someone else keeps recording: more for the victim to pull
                with seeder.store.write() as session:
                    for i in range(30):
                        child = factories.child(given_name=f"More{kill}x{i}")
                        child.allocated_worker = worker
                        session.add(child)
                seeder.sync()
            delay = rng.uniform(0.0, 0.6)
            after_a_sync = kill % 3 == 2
            _run_and_kill(
                root, server.url, credentials, kill, delay, reported, after_a_sync=after_a_sync
            )
            _check_profile(root, reported, kill)
        elapsed = time.monotonic() - started

        victim.store = Profile.open("victim", root=root).unlock(PASSPHRASE)
        victim.sync()
        victim.sync()
        assert victim.outbox() == [] and victim.rejected() == []
        local, remote = victim.local_view(), victim.server_view()
        problems = diff_views(local, remote)
        assert not problems, "laptop and server disagree:\n" + "\n".join(problems[:20])
        assert set(reported.created) <= set(remote), "a committed record never reached the server"
        names = [f["given_name"] for kind, f in remote.values() if kind == "child"]
        assert len(names) == len(set(names)), "a child was created twice on the server"
        with victim.store.read() as session:
            assert session.scalars(select(OutboxEntry)).all() == []
        seeder.sync()
        assert diff_views(seeder.local_view(), remote) == []
        print(f"{KILLS} kills in {elapsed:.1f}s, {reported.syncs} syncs finished")  # noqa: T201
    finally:
        victim.close()
        seeder.close()
