"""The unlock window: the right passphrase, wrong ones, the back-off countdown, a lockout and a
damaged store, all driven through the real widgets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.store import Profile, Store
from app.store.attempts import FREE_TRIES, LOCKOUT_AFTER
from app.store.profile import DB_FILE
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui import views_support
from ui import tasks
from ui.views.unlock import UnlockWindow

WRONG = "not my passphrase at all"


@pytest.fixture
def fresh_profile(tmp_path: Path) -> Profile:
    return Profile.create("alice", PASSPHRASE, worker="alice", root=tmp_path, kdf=fast_kdf())


def _window(qtbot: QtBot, profile: Profile) -> UnlockWindow:
    shown = UnlockWindow(profile)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=5_000)  # the start-up attempts check
    return shown


@pytest.fixture
def window(qtbot: QtBot, fresh_profile: Profile) -> Iterator[UnlockWindow]:
    yield _window(qtbot, fresh_profile)
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=5_000)


def _try(qtbot: QtBot, window: UnlockWindow, passphrase: str) -> str:
    """Type a passphrase, click Unlock, and return the message shown."""
    qtbot.keyClicks(window.passphrase, passphrase)
    with qtbot.waitSignal(window.sig_failed, timeout=10_000) as blocker:
        qtbot.mouseClick(window.unlock_button, Qt.MouseButton.LeftButton)
    return str(blocker.args[0])


def test_the_right_passphrase_hands_over_a_usable_store(qtbot: QtBot, window: UnlockWindow) -> None:
    """Typing the passphrase and pressing Enter emits sig_unlocked with an open store."""
    assert window.passphrase.echoMode() == window.passphrase.EchoMode.Password
    assert window.profile_label.text() == "Profile: alice"
    qtbot.keyClicks(window.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.sig_unlocked, timeout=10_000) as blocker:
        qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    store = blocker.args[0]
    assert isinstance(store, Store)
    try:
        assert not store.is_locked
        assert store.worker == "alice"
        assert window.passphrase.text() == ""
        assert window.unlock_button.isEnabled()
    finally:
        store.lock()


def test_unlock_is_disabled_and_busy_while_the_check_runs(
    qtbot: QtBot, window: UnlockWindow
) -> None:
    """While the passphrase is being checked the button is off and a busy message shows."""
    qtbot.keyClicks(window.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.sig_unlocked, timeout=10_000) as blocker:
        qtbot.mouseClick(window.unlock_button, Qt.MouseButton.LeftButton)
        assert not window.unlock_button.isEnabled()
        assert window.status_label.isVisibleTo(window)
        assert "Unlocking" in window.status_label.text()
    blocker.args[0].lock()
    assert not window.status_label.isVisibleTo(window)


def test_a_wrong_passphrase_says_so_and_empties_the_field(
    qtbot: QtBot, window: UnlockWindow
) -> None:
    """A wrong passphrase shows a plain message, clears the field and leaves Unlock usable."""
    message = _try(qtbot, window, WRONG)
    assert "passphrase is not right" in message
    assert "Caps Lock" in message
    assert window.error_label.text() == message
    assert window.error_label.isVisibleTo(window)
    assert window.passphrase.text() == ""
    assert window.unlock_button.isEnabled()
    assert not window.waiting


def test_five_wrong_tries_start_a_countdown_with_unlock_disabled(
    qtbot: QtBot, window: UnlockWindow
) -> None:
    """After five wrong passphrases the wait is counted down on screen and Unlock is off."""
    for _ in range(FREE_TRIES):
        _try(qtbot, window, WRONG)
    assert window.waiting
    assert not window.unlock_button.isEnabled()
    assert window.countdown_label.isVisibleTo(window)
    assert "try again in 30 seconds" in window.countdown_label.text()
    views_support.screenshot(window, "unlock_back_off")
    # Enter in the field does nothing while the wait runs.
    qtbot.keyClicks(window.passphrase, PASSPHRASE)
    qtbot.keyClick(window.passphrase, Qt.Key.Key_Return)
    assert not tasks.busy()
    assert window.passphrase.text() == PASSPHRASE


def test_the_countdown_ends_and_unlock_comes_back(qtbot: QtBot, fresh_profile: Profile) -> None:
    """When the wait is over the countdown disappears and Unlock works again."""
    now = [1000.0]
    shown = UnlockWindow(fresh_profile, monotonic=lambda: now[0])
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=5_000)
    for _ in range(FREE_TRIES):
        _try(qtbot, shown, WRONG)
    assert "30 seconds" in shown.countdown_label.text()
    now[0] += 29.5
    qtbot.waitUntil(lambda: "1 second." in shown.countdown_label.text(), timeout=2_000)
    now[0] += 1
    qtbot.waitUntil(lambda: shown.unlock_button.isEnabled(), timeout=2_000)
    assert not shown.countdown_label.isVisibleTo(shown)
    assert not shown.waiting


def test_a_wait_left_from_before_shows_when_the_window_opens(
    qtbot: QtBot, fresh_profile: Profile
) -> None:
    """A profile already in its back-off wait opens with the countdown running."""
    for _ in range(FREE_TRIES):
        fresh_profile.attempts.record_failure()
    shown = _window(qtbot, fresh_profile)
    assert shown.waiting
    assert not shown.unlock_button.isEnabled()
    assert "try again in" in shown.countdown_label.text()


def test_a_locked_out_profile_says_who_can_reset_it(qtbot: QtBot, fresh_profile: Profile) -> None:
    """Ten wrong tries lock the profile: the window says so, and who to ask, with Unlock off."""
    for _ in range(LOCKOUT_AFTER):
        fresh_profile.attempts.record_failure()
    shown = _window(qtbot, fresh_profile)
    assert not shown.unlock_button.isEnabled()
    text = shown.error_label.text()
    assert "locked after too many wrong passphrases" in text
    assert "service desk" in text


def test_a_damaged_store_is_explained_with_details_on_request(
    qtbot: QtBot, window: UnlockWindow, fresh_profile: Profile
) -> None:
    """A database that will not open gets a plain message; the technical text is behind
    Details."""
    (fresh_profile.path / DB_FILE).unlink()
    message = _try(qtbot, window, PASSPHRASE)
    assert "appears damaged" in message
    assert "nothing is deleted" in message
    assert window.details_button.isVisibleTo(window)
    assert not window.details.isVisibleTo(window)
    qtbot.mouseClick(window.details_button, Qt.MouseButton.LeftButton)
    assert window.details.isVisibleTo(window)
    assert "missing" in window.details.toPlainText()


def test_the_locked_message_shows_above_the_field(qtbot: QtBot, window: UnlockWindow) -> None:
    """set_locked_message explains why the window is showing; an empty text hides it."""
    window.set_locked_message("Locked after 5 minutes without use")
    assert window.locked_label.isVisibleTo(window)
    assert window.locked_label.text() == "Locked after 5 minutes without use"
    window.set_locked_message("")
    assert not window.locked_label.isVisibleTo(window)


def test_every_control_has_an_accessible_name(window: UnlockWindow) -> None:
    """Screen readers can name the field, the button and the messages."""
    for control in (
        window.passphrase,
        window.unlock_button,
        window.error_label,
        window.countdown_label,
        window.details_button,
        window.details,
        window.locked_label,
    ):
        assert control.accessibleName()
