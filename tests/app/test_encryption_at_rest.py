"""Nothing a worker types is readable from the profile folder or temp files without the key."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from app.errors import InsecureBuild
from app.store import Profile
from app.store.engine import _check_build
from tests.app import factories
from tests.conftest import PASSPHRASE


def _files_containing(folder: Path, marker: str) -> list[Path]:
    needles = [marker.encode("utf-8"), marker.encode("utf-16-le")]
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and any(n in path.read_bytes() for n in needles)
    ]


def test_marker_text_is_nowhere_in_the_profile_folder(profile: Profile) -> None:
    """Case text, names and attachments are unreadable in the database, its WAL and -shm,
    both while the profile is open and after it is closed."""
    marker = f"MARKER{uuid.uuid4().hex}"
    store = profile.unlock(PASSPHRASE)
    with store.write() as session:
        child = factories.child(given_name=f"Name{marker}", about_me=f"likes {marker}")
        session.add(child)
        session.flush()
        session.add(factories.visit(child.id, observations=f"observed {marker}"))
    wal = profile.path / "casebook.db-wal"
    assert wal.exists() and wal.stat().st_size > 0, "the change should be in the WAL now"
    assert _files_containing(profile.path, marker) == []
    store.lock()
    assert _files_containing(profile.path, marker) == []


def test_database_is_not_a_plain_sqlite_file(profile: Profile) -> None:
    """Plain SQLite cannot read the store, and the file has no SQLite header."""
    assert not profile.db_path.read_bytes()[:16].startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(profile.db_path).execute("SELECT * FROM sqlite_master").fetchall()


def test_big_sorts_do_not_spill_to_temp_files(
    profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query that needs a temporary b-tree keeps it in memory, not in TMPDIR."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    monkeypatch.setenv("SQLITE_TMPDIR", str(tmpdir))
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    marker = f"SORT{uuid.uuid4().hex}"
    with profile.unlock(PASSPHRASE) as store:
        with store.write() as session:
            child = factories.child()
            session.add(child)
            session.flush()
            for i in range(300):
                session.add(factories.visit(child.id, observations=f"{marker} {i} " + "x" * 2000))
        with store.read() as session:
            rows = session.execute(
                text("SELECT observations FROM visit ORDER BY observations DESC, id")
            ).all()
            assert len(rows) == 300
    assert _files_containing(tmpdir, marker) == []


def test_store_settings_are_the_documented_ones(profile: Profile) -> None:
    """WAL with synchronous=FULL, memory temp store, secure delete, HMAC; page-buffer scrubbing
    off (see app/store/engine.py for why)."""
    expected = {
        "journal_mode": "wal",
        "synchronous": "2",
        "temp_store": "2",
        "secure_delete": "1",
        "cipher_use_hmac": "1",
        "cipher_memory_security": "0",
        "foreign_keys": "1",
    }
    with profile.unlock(PASSPHRASE) as store, store.engine.connect() as conn:
        actual = {
            name: str(conn.exec_driver_sql(f"PRAGMA {name}").scalar()).lower() for name in expected
        }
    assert actual == expected


class _FakeCursor:
    def __init__(self, options: list[str]) -> None:
        self.options = options
        self.rows: list[tuple[str]] = []

    def execute(self, sql: str) -> _FakeCursor:
        self.rows = [("4.x",)] if "cipher_version" in sql else [(o,) for o in self.options]
        return self

    def fetchone(self) -> tuple[str] | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[tuple[str]]:
        return self.rows


def test_a_build_that_forces_temp_files_to_disk_is_refused() -> None:
    """The start-up check rejects a SQLCipher compiled with TEMP_STORE=0."""
    with pytest.raises(InsecureBuild):
        _check_build(_FakeCursor(["HAS_CODEC", "TEMP_STORE=0"]))
    _check_build(_FakeCursor(["HAS_CODEC", "TEMP_STORE=2"]))
