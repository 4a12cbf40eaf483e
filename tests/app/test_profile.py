"""Creating, unlocking, locking and re-keying a profile."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from app.errors import (
    ProfileExists,
    ProfileIsLocked,
    ProfileNotFound,
    WeakPassphrase,
    WrongPassphrase,
)
from app.models import Child
from app.store import Profile, Store
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf


def test_profile_files_are_private_to_the_worker(profile: Profile) -> None:
    """Every file in the profile folder is readable by its owner only."""
    for path in [profile.path, *profile.path.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}"


def test_unlock_knows_whose_profile_it_is(store: Store) -> None:
    """The unlocked store acts as the worker the profile was created for."""
    assert store.worker == "alice"
    with store.write() as session:
        session.add(factories.child())
    with store.read() as session:
        assert session.query(Child).one().created_by == "alice"


def test_lock_closes_the_store(store: Store) -> None:
    """After lock() nothing can be read or written until the profile is unlocked again."""
    store.lock()
    assert store.is_locked
    with pytest.raises(ProfileIsLocked), store.read():
        pass
    with pytest.raises(ProfileIsLocked), store.write():
        pass


def test_changing_passphrase_rewraps_without_touching_records(profile: Profile) -> None:
    """The new passphrase works, the old one does not, and the database file is unchanged."""
    with profile.unlock(PASSPHRASE) as store, store.write() as session:
        session.add(factories.child(given_name="Keepme"))
    before = hashlib.sha256(profile.db_path.read_bytes()).hexdigest()
    profile.change_passphrase(PASSPHRASE, "a brand new long passphrase")
    assert hashlib.sha256(profile.db_path.read_bytes()).hexdigest() == before
    with pytest.raises(WrongPassphrase):
        profile.unlock(PASSPHRASE)
    with profile.unlock("a brand new long passphrase") as store, store.read() as session:
        assert session.query(Child).one().given_name == "Keepme"


def test_change_passphrase_needs_the_old_one(profile: Profile) -> None:
    """A wrong current passphrase cannot be used to re-key the profile."""
    with pytest.raises(WrongPassphrase):
        profile.change_passphrase("not the old one", "a brand new long passphrase")
    profile.unlock(PASSPHRASE).lock()


@pytest.mark.parametrize("weak", ["short", "aaaaaaaaaaaaaaaa", "passwordpassword"])
def test_weak_passphrases_are_refused_with_guidance(profile_root: Path, weak: str) -> None:
    """A guessable passphrase is refused with advice, and no profile is left behind."""
    with pytest.raises(WeakPassphrase) as caught:
        Profile.create("bob", weak, worker="bob", root=profile_root, kdf=fast_kdf())
    assert "three random words" in str(caught.value).lower()
    assert Profile.names(root=profile_root) == []


def test_existing_profile_is_never_overwritten(profile: Profile, profile_root: Path) -> None:
    """Creating a profile with a name in use fails and leaves the first one working."""
    with pytest.raises(ProfileExists):
        Profile.create(
            "alice", "another long passphrase", worker="x", root=profile_root, kdf=fast_kdf()
        )
    profile.unlock(PASSPHRASE).lock()


def test_profiles_are_listed_and_opened_by_name(profile: Profile, profile_root: Path) -> None:
    """Open finds a profile by name; an unknown name gives a clear error."""
    assert Profile.names(root=profile_root) == ["alice"]
    assert Profile.open("alice", root=profile_root).path == profile.path
    with pytest.raises(ProfileNotFound):
        Profile.open("nobody", root=profile_root)


def test_default_location_is_the_per_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without an override, profiles live in the OS's per-user data directory."""
    monkeypatch.delenv("CASEBOOK_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    created = Profile.create("carol", PASSPHRASE, worker="carol", kdf=fast_kdf())
    assert created.path == tmp_path / "xdg" / "Casebook" / "profiles" / "carol"


def test_wipe_destroys_the_key_and_every_file(profile: Profile, profile_root: Path) -> None:
    """After a wipe the profile is gone, and a copy of the database taken before is useless."""
    with profile.unlock(PASSPHRASE) as store, store.write() as session:
        session.add(factories.child(given_name="Wipeme"))
    copy = profile.db_path.read_bytes()
    profile.wipe()
    assert not profile.path.exists()
    with pytest.raises(ProfileNotFound):
        Profile.open("alice", root=profile_root)
    assert b"Wipeme" not in copy
