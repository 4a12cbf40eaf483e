"""A database that will not open is kept, reported plainly, and can be set aside for a rebuild."""

from __future__ import annotations

import hashlib

import pytest

from app.errors import StoreDamaged
from app.models import Child
from app.store import Profile, checkpoint, doctor
from tests.app import factories
from tests.conftest import PASSPHRASE


def _sha(profile: Profile) -> str:
    return hashlib.sha256(profile.db_path.read_bytes()).hexdigest()


def _corrupt(profile: Profile, offset: int) -> None:
    data = bytearray(profile.db_path.read_bytes())
    for i in range(16):
        data[offset + i] ^= 0xFF
    profile.db_path.write_bytes(bytes(data))


def test_unreadable_database_is_reported_and_kept_byte_for_byte(profile: Profile) -> None:
    """Damage to the first page gives a plain-English error and the file is left exactly as is."""
    _corrupt(profile, 100)
    before = _sha(profile)
    with pytest.raises(StoreDamaged) as caught:
        profile.unlock(PASSPHRASE)
    assert "kept exactly as it is" in str(caught.value)
    assert _sha(profile) == before
    with pytest.raises(StoreDamaged):  # and again: nothing was "repaired" on the first try
        profile.unlock(PASSPHRASE)
    assert _sha(profile) == before


def test_missing_database_is_not_silently_recreated(profile: Profile) -> None:
    """If the database file has gone, unlock says so instead of starting an empty one."""
    profile.db_path.unlink()
    with pytest.raises(StoreDamaged):
        profile.unlock(PASSPHRASE)
    assert not profile.db_path.exists()


def test_set_aside_keeps_the_damaged_file_and_starts_afresh(profile: Profile) -> None:
    """Setting aside moves the damaged file (intact) and the next unlock opens an empty store."""
    _corrupt(profile, 100)
    before = _sha(profile)
    kept = profile.set_aside_damaged_store()
    assert hashlib.sha256((kept / "casebook.db").read_bytes()).hexdigest() == before
    with profile.unlock(PASSPHRASE) as store, store.read() as session:
        assert session.query(Child).count() == 0
    with profile.unlock(PASSPHRASE) as store, store.write() as session:
        session.add(factories.child())  # the fresh store is fully usable
    assert (kept / "casebook.db").exists()


def test_doctor_reports_a_damaged_page_deep_in_the_file(profile: Profile) -> None:
    """A flipped page that unlock does not read is caught by the doctor's HMAC check."""
    with profile.unlock(PASSPHRASE) as store:
        with store.write() as session:
            child = factories.child()
            session.add(child)
            session.flush()
            for _ in range(200):
                session.add(factories.visit(child.id, observations="x" * 3000))
        assert all(result.ok for result in doctor.run(store))
    page_size = 4096
    pages = profile.db_path.stat().st_size // page_size
    _corrupt(profile, (pages - 3) * page_size + 200)
    with profile.unlock(PASSPHRASE) as store:
        results = {r.name: r for r in doctor.run(store)}
    assert not results["Encrypted pages intact"].ok
    assert "failed" in results["Encrypted pages intact"].detail


def test_doctor_on_a_healthy_store_is_all_green(profile: Profile) -> None:
    """A fresh store passes every check, including the temp-store and version checks."""
    with profile.unlock(PASSPHRASE) as store:
        results = doctor.run(store)
    assert [r.name for r in results if not r.ok] == []
    assert {"Encrypted pages intact", "Database structure", "Database version"} <= {
        r.name for r in results
    }


def test_the_page_check_reads_what_sqlite_reads_not_a_half_copied_file(
    profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages still in SQLite's log, whose place in the file a checkpoint has not finished
    writing (cut short by a crash, or in progress beside the check), are not damage: the page
    check reports the profile healthy, and every record is there."""
    monkeypatch.setattr(checkpoint, "DELAY_SECONDS", 3600.0)  # no background copy meanwhile
    with profile.unlock(PASSPHRASE) as store:
        with store.write() as session:
            session.add_all(factories.child(about_me="Loves drawing. " * 150) for _ in range(60))
        with store.engine.connect() as conn:
            page_size = int(conn.exec_driver_sql("PRAGMA cipher_page_size").scalar_one())
        # The new pages are in the log only; the file gets room for two of them, unwritten,
        # as a checkpoint stopped part-way would leave it.
        with profile.db_path.open("ab") as file:
            file.write(bytes(2 * page_size))
        results = {r.name: r for r in doctor.run(store)}
        assert results["Encrypted pages intact"].ok, results["Encrypted pages intact"].detail
        assert all(r.ok for r in results.values()), [r for r in results.values() if not r.ok]
        with store.read() as session:
            assert session.query(Child).count() == 60
