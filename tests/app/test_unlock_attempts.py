"""Wrong passphrases: clear errors, growing waits after five, lock-out after ten."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.errors import ProfileLockedOut, TryAgainLater, WrongPassphrase
from app.store import Profile
from app.store.attempts import FIRST_WAIT_SECONDS
from tests.conftest import PASSPHRASE


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def clocked(profile: Profile) -> tuple[Profile, FakeClock]:
    clock = FakeClock()
    return Profile(profile.path, now=clock), clock


def test_wrong_passphrase_touches_neither_key_nor_database(profile: Profile) -> None:
    """A wrong try leaves key.json and the database byte-for-byte as they were."""
    key, db = profile.path / "key.json", profile.db_path
    before = (_digest(key), _digest(db), db.stat().st_mtime_ns)
    with pytest.raises(WrongPassphrase) as caught:
        profile.unlock("not my passphrase")
    assert "not right" in str(caught.value)
    assert (_digest(key), _digest(db), db.stat().st_mtime_ns) == before


def test_five_free_tries_then_waits_that_double(clocked: tuple[Profile, FakeClock]) -> None:
    """After five wrong tries the next must wait, and each wait is twice the last."""
    profile, clock = clocked
    for _ in range(5):
        with pytest.raises(WrongPassphrase):
            profile.unlock("not my passphrase")
    with pytest.raises(TryAgainLater) as first:
        profile.unlock(PASSPHRASE)
    assert first.value.wait_seconds == pytest.approx(FIRST_WAIT_SECONDS)
    clock.now += FIRST_WAIT_SECONDS
    with pytest.raises(WrongPassphrase):
        profile.unlock("still not it")
    clock.now += FIRST_WAIT_SECONDS
    with pytest.raises(TryAgainLater) as second:
        profile.unlock(PASSPHRASE)
    assert second.value.wait_seconds == pytest.approx(FIRST_WAIT_SECONDS)
    clock.now += FIRST_WAIT_SECONDS
    profile.unlock(PASSPHRASE).lock()  # a right answer after the wait still works...
    assert profile.attempts.failures == 0  # ...and clears the count


def test_ten_wrong_tries_lock_the_profile_until_reset(clocked: tuple[Profile, FakeClock]) -> None:
    """The tenth wrong try locks the profile; even the right passphrase is refused until reset."""
    profile, clock = clocked
    for attempt in range(1, 11):
        clock.now += 10_000
        expected = ProfileLockedOut if attempt == 10 else WrongPassphrase
        with pytest.raises(expected):
            profile.unlock("not my passphrase")
    clock.now += 10**9
    with pytest.raises(ProfileLockedOut) as caught:
        profile.unlock(PASSPHRASE)
    assert "reset" in str(caught.value)
    profile.reset_lockout()
    profile.unlock(PASSPHRASE).lock()


def test_clock_turned_back_does_not_shorten_the_wait(clocked: tuple[Profile, FakeClock]) -> None:
    """Setting the laptop clock back is not a way round the wait."""
    profile, clock = clocked
    for _ in range(5):
        with pytest.raises(WrongPassphrase):
            profile.unlock("not my passphrase")
    clock.now -= 3600
    with pytest.raises(TryAgainLater):
        profile.unlock(PASSPHRASE)


def test_garbled_attempt_counter_counts_as_locked_out(profile: Profile) -> None:
    """Scribbling over the counter does not buy fresh guesses."""
    (profile.path / "attempts.json").write_text("{garbage")
    with pytest.raises(ProfileLockedOut):
        profile.unlock(PASSPHRASE)
