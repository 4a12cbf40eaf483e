"""Killing the app mid-save leaves exactly the last committed state, intact and consistent."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.models import Child, OutboxEntry, Visit
from app.store import Profile, doctor
from tests.conftest import PASSPHRASE

KILLS = int(os.environ.get("CASEBOOK_SOAK_KILLS", "24"))  # make soak sets hundreds


def test_sigkill_during_saves_never_loses_or_tears_a_commit(
    profile: Profile, profile_root: Path
) -> None:
    """After each SIGKILL the store opens, passes every doctor check, holds every save that
    reported committed, and each saved record has its visit and its outbox entries."""
    rng = random.Random(20261122)
    before = 0
    for _ in range(KILLS):
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.app.crash_writer", str(profile_root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdin is not None and writer.stdout is not None
        writer.stdin.write(PASSPHRASE + "\n")
        writer.stdin.flush()
        wanted = rng.randint(1, 25)
        last = 0
        while last < wanted:
            line = writer.stdout.readline()
            assert line, "writer died before it was killed"
            last = int(line)
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        with profile.unlock(PASSPHRASE) as store:
            assert [r.name for r in doctor.run(store) if not r.ok] == []
            with store.read() as session:
                children = session.scalar(select(func.count()).select_from(Child)) or 0
                visits = session.scalar(select(func.count()).select_from(Visit)) or 0
                queued = session.scalar(select(func.count()).select_from(OutboxEntry)) or 0
        # One more commit can land after its line was read and before the kill arrived.
        assert before + last <= children <= before + last + 1
        assert visits == children and queued == 2 * children
        before = children
