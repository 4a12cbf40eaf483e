"""The application flow without running the event loop: no profile shows the first-run
wizard; a profile shows its unlock window, then the main window at the worker's text size; the
lock guard locks the main window; a revoked laptop is wiped and set up afresh."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app import settings as app_settings
from app.store import Profile
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.test_main_window import quiet_sync
from ui import tasks
from ui.app import AppFlow, choose_profile
from ui.main_window import MainWindow
from ui.views.first_run import FirstRunWizard
from ui.views.unlock import UnlockWindow
from ui.views.wiped_notice import WIPED_MESSAGE


@pytest.fixture
def flow(qapp: QApplication, tmp_path: Path) -> Iterator[AppFlow]:
    """The flow over an empty data folder; the app's font and event filter are put back."""
    font = QFont(qapp.font())
    made = AppFlow(qapp, root=tmp_path, kdf=fast_kdf(), sync_factory=quiet_sync)
    yield made
    made.guard.uninstall()
    window = made.window
    if isinstance(window, MainWindow) and not window.store.is_locked:
        window.store.lock()
    if window is not None:
        window.hide()
        window.deleteLater()
    qapp.setFont(font)
    made.deleteLater()


def _profile(root: Path, **settings: object) -> Profile:
    made = Profile.create("alice", PASSPHRASE, worker="alice", root=root, kdf=fast_kdf())
    if settings:
        app_settings.save(made.path, replace(app_settings.Settings(), **settings))  # type: ignore[arg-type]
    return made


def test_no_profile_starts_the_first_run_wizard(flow: AppFlow, tmp_path: Path) -> None:
    """A laptop with no profile shows the first-run wizard, and nothing can lock yet."""
    assert choose_profile(tmp_path) is None
    first = flow.start()
    assert isinstance(first, FirstRunWizard) and first.isVisible()
    assert flow.window is first and flow.guard.paused


def test_a_profile_unlocks_into_the_main_window(
    flow: AppFlow, tmp_path: Path, qtbot: QtBot, qapp: QApplication
) -> None:
    """With one profile the unlock window comes first, drawn at the worker's text size; the
    passphrase opens the main window, and an idle lock request locks it."""
    _profile(tmp_path, font_point_size=15, idle_lock_minutes=7)
    unlock = flow.start()
    assert isinstance(unlock, UnlockWindow) and unlock.isVisible()
    assert qapp.font().pointSize() == 15
    with qtbot.waitSignal(flow.sig_window_changed, timeout=10_000) as changed:
        qtbot.keyClicks(unlock.passphrase, PASSPHRASE)
        qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    window = changed.args[0]
    assert isinstance(window, MainWindow) and window.isVisible() and not unlock.isVisible()
    assert not flow.guard.paused and flow.guard.idle_interval_ms == 7 * 60_000

    with qtbot.waitSignal(window.sig_locked, timeout=10_000) as locked:
        flow.guard.sig_lock_requested.emit("idle")
    assert locked.args == ["idle"] and flow.guard.paused
    shown = window.unlock_window
    assert shown is not None and "7 minutes" in shown.locked_label.text()


def test_a_revoked_laptop_is_wiped_and_set_up_afresh(
    flow: AppFlow, tmp_path: Path, qtbot: QtBot
) -> None:
    """When the service says the laptop is revoked, the profile is erased, the worker is told
    in plain words, and the first-run wizard follows."""
    profile = _profile(tmp_path)
    window = flow.open_main(profile, profile.unlock(PASSPHRASE))
    controller = window.sync_controller
    assert controller is not None

    def told() -> QMessageBox | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                return widget
        return None

    controller.sig_wipe_requested.emit()
    qtbot.waitUntil(lambda: told() is not None, timeout=10_000)
    box = told()
    assert box is not None and box.text() == WIPED_MESSAGE
    assert not profile.path.exists() and window.store.is_locked
    with qtbot.waitSignal(flow.sig_window_changed, timeout=5000) as changed:
        box.accept()
    assert isinstance(changed.args[0], FirstRunWizard)
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=5000)
