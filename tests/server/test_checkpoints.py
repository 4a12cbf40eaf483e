"""On SQLite the service copies its write-ahead log into the database file on a thread of its
own, so no request's commit pays for it, and nothing is left behind when it closes."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from server.db import migrate, open_database
from server.services import accounts


def test_writes_reach_the_file_without_a_commit_checkpointing(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    url = f"sqlite:///{path}"
    migrate(url)
    database = open_database(url)
    try:
        with database.read() as session:
            assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
        before = path.stat().st_size
        for n in range(200):
            database.run_write(
                lambda session, n=n: accounts.create_team(
                    session, name=f"Team {n} " + "x" * 2000, actor="test"
                )
            )
        deadline = time.monotonic() + 10
        while path.stat().st_size <= before + 100 * 1024 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path.stat().st_size > before + 100 * 1024
        checkpointer = database._checkpoints
        assert checkpointer is not None and checkpointer._thread is not None
        thread = checkpointer._thread
    finally:
        database.dispose()
    assert not thread.is_alive()  # disposing stops it (other databases may have their own)
    again = open_database(url)
    try:
        with again.read() as session:
            teams = session.execute(text("SELECT count(*) FROM team")).scalar()
        assert teams == 200
    finally:
        again.dispose()
