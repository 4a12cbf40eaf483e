"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import Profile, Store
from app.store.keys import KdfParams

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may touch the developer's real profiles."""
    monkeypatch.setenv("CASEBOOK_DATA_DIR", str(tmp_path_factory.mktemp("casebook-data")))


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
