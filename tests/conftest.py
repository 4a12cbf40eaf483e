"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import Phase, settings

from app.store import Profile, Store
from app.store.keys import KdfParams

# Property tests check logic, not speed: a per-example deadline only turns a busy CI machine
# into a flaky failure. Performance is measured by ``make bench``.
settings.register_profile("casebook", deadline=None)
# ``pytest --hypothesis-profile=triage``: report the first failing example without shrinking it,
# for a quick look at a slow stateful test (shrinking a live-server scenario takes minutes).
settings.register_profile(
    "triage", deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate]
)
settings.load_profile("casebook")

PASSPHRASE = "correct horse battery staple"

# Qt tests draw offscreen: CI has no display, and a test must never pop a window on a
# developer's desktop. Set before pytest-qt makes the QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may touch the developer's real profiles."""
    monkeypatch.setenv("CASEBOOK_DATA_DIR", str(tmp_path_factory.mktemp("casebook-data")))


@contextmanager
def unlocked_store(root: Path, name: str) -> Iterator[Store]:
    """A new profile under ``root``, unlocked for the block and locked after it (for tests
    that compare two stores side by side)."""
    store = Profile.create(name, PASSPHRASE, worker="alice", root=root, kdf=fast_kdf()).unlock(
        PASSPHRASE
    )
    try:
        yield store
    finally:
        store.lock()


def fast_kdf() -> KdfParams:
    """Argon2id at minimum cost: tests exercise the logic, the benchmark measures the real cost."""
    return KdfParams(time_cost=1, memory_kib=8192, parallelism=1, salt=os.urandom(16))


@pytest.fixture
def profile_root(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def profile(profile_root: Path) -> Profile:
    return Profile.create("alice", PASSPHRASE, worker="alice", root=profile_root, kdf=fast_kdf())


@pytest.fixture
def store(profile: Profile) -> Iterator[Store]:
    unlocked = profile.unlock(PASSPHRASE)
    yield unlocked
    unlocked.lock()
