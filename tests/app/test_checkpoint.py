"""The write-ahead log is copied back into the database file beside the work, not in a commit."""

from __future__ import annotations

import threading

import pytest

from app.models import Child
from app.store import Profile, Store, checkpoint
from tests.app import factories
from tests.conftest import PASSPHRASE


def test_saves_reach_the_database_file_without_a_commit_paying_for_it(store: Store) -> None:
    """No connection checkpoints inside a commit; the store's background checkpoint copies the
    saved pages into the file itself shortly after."""
    with store.read() as session:
        pragma = session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert pragma == 0
    db_file = store.profile_path / "casebook.db"
    store.wait_for_checkpoint()
    before = db_file.stat().st_size
    for _ in range(5):
        with store.write() as session:
            for _ in range(100):
                session.add(factories.child(about_me="Likes football and drawing. " * 20))
    store.wait_for_checkpoint()
    assert db_file.stat().st_size > before + 200 * 1024
    with store.read() as session:
        busy, logged, copied = (
            session.connection().exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        )
    assert (busy, logged) == (0, copied)  # nothing left that the background one missed


def test_locking_leaves_no_checkpoint_thread_and_keeps_every_save(profile: Profile) -> None:
    # Only this store's thread: stores other tests left open in this process have their own.
    others = set(threading.enumerate())
    store = profile.unlock(PASSPHRASE)
    with store.write() as session:
        child = factories.child()
        session.add(child)
    store.lock()
    left = set(threading.enumerate()) - others
    assert not [t for t in left if t.name.startswith("casebook-checkpoint")]
    assert not (profile.path / "casebook.db-wal").exists()
    again = profile.unlock(PASSPHRASE)
    try:
        with again.read() as session:
            assert session.get(Child, child.id) is not None
    finally:
        again.lock()


def _saves(store: Store, count: int) -> None:
    for _ in range(count):
        with store.write() as session:
            for _ in range(50):
                session.add(factories.child(about_me="Likes football and drawing. " * 20))


def _file_size(store: Store) -> int:
    """The database file's size once no background checkpoint is running or waiting."""
    store.wait_for_checkpoint()
    return (store.profile_path / "casebook.db").stat().st_size


def test_a_sync_s_writes_reach_the_file_once_it_ends_not_page_by_page(store: Store) -> None:
    """While checkpoints are deferred (a sync writing its pages) the file does not grow; as
    soon as the block ends, one checkpoint copies everything it wrote."""
    before = _file_size(store)
    with store.checkpoints_deferred():
        _saves(store, 4)
        assert _file_size(store) == before
    assert _file_size(store) > before + 200 * 1024
    with store.read() as session:
        busy, logged, copied = (
            session.connection().exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        )
    assert (busy, logged) == (0, copied)


def test_a_deferred_checkpoint_still_runs_once_the_log_is_too_large(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However long a sync, the log never grows past the limit: past it, checkpoints run as
    usual even while deferred."""
    monkeypatch.setattr(checkpoint, "DEFERRED_LOG_LIMIT", 64 * 1024)
    before = _file_size(store)
    with store.checkpoints_deferred():
        _saves(store, 4)
        assert _file_size(store) > before + 200 * 1024
