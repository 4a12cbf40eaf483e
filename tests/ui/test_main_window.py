"""The main window over a real (fast-KDF) profile: opening a child from the dashboard, Back,
recording a visit, and locking with Ctrl+L (no case text left anywhere on screen, key dropped)
then unlocking through the unlock window."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.models import Visit
from app.settings import Settings
from app.store import Profile, Store
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui import views_support
from ui import tasks
from ui.main_window import MainWindow, lock_message
from ui.sync_controller import SyncController
from ui.views.case_view import CaseView
from ui.views.dashboard import DashboardView
from ui.views.visit_form import VisitForm

CHILD_NAME = "Mara"


def quiet_sync(store: Store, settings: Settings) -> SyncController:
    """A sync controller with its timers off (offline-only profile: nothing to reach)."""
    return SyncController(store, settings, auto_sync_interval_ms=None, probe_interval_ms=None)


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    """A profile holding a child with history and three others."""
    made = Profile.create("alice", PASSPHRASE, worker="alice", root=tmp_path, kdf=fast_kdf())
    with made.unlock(PASSPHRASE) as store:
        views_support.child_with_history(store)
        with store.write() as session:
            session.add_all([factories.child() for _ in range(3)])
    return made


@pytest.fixture
def window(qtbot: QtBot, profile: Profile) -> Iterator[MainWindow]:
    store = profile.unlock(PASSPHRASE)
    shown = MainWindow(store, Settings(), profile, sync_factory=quiet_sync)
    qtbot.addWidget(shown)
    shown.resize(*views_support.SCREEN)
    dashboard = shown.dashboard
    assert dashboard is not None
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=10_000):
        shown.show()
    yield shown
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    shown.store.lock()


def _mara_row(dashboard: DashboardView) -> int:
    proxy = dashboard.proxy
    for row in range(proxy.rowCount()):
        if CHILD_NAME in str(proxy.index(row, 1).data()):
            return row
    raise AssertionError("Mara is not on the dashboard")


def _open_mara(window: MainWindow, qtbot: QtBot) -> CaseView:
    dashboard = window.dashboard
    assert dashboard is not None
    dashboard.table.setFocus()
    dashboard.table.selectRow(_mara_row(dashboard))
    qtbot.keyClick(dashboard.table, Qt.Key.Key_Return)
    page = window.current_page
    assert isinstance(page, CaseView)
    qtbot.waitUntil(lambda: page.case is not None, timeout=5000)
    return page


def _visible_text() -> str:
    """Every piece of text a sighted worker could read on any visible window."""
    texts: list[str] = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        texts.append(top.windowTitle())
        for widget in [top, *top.findChildren(QWidget)]:
            if not widget.isVisible():
                continue
            if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
                texts.append(widget.text())
            elif isinstance(widget, QPlainTextEdit):
                texts.append(widget.toPlainText())
    return "\n".join(texts)


def test_open_a_child_then_back_to_the_dashboard(window: MainWindow, qtbot: QtBot) -> None:
    """Enter on a child's row shows their case with their name in the title; Alt+Left goes
    back to the dashboard, and Back is disabled there."""
    assert not window.back_action.isEnabled()
    case = _open_mara(window, qtbot)
    assert CHILD_NAME in window.windowTitle()
    assert window.back_action.isEnabled()
    qtbot.keyClick(case, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert isinstance(window.current_page, DashboardView)
    assert CHILD_NAME not in window.windowTitle()
    assert not window.back_action.isEnabled()


def test_a_visit_left_with_back_keeps_its_draft(window: MainWindow, qtbot: QtBot) -> None:
    """Record visit from the case opens the form; going Back saves the draft to the store."""
    case = _open_mara(window, qtbot)
    case.sig_record_visit.emit(case.child_id)
    form = window.current_page
    assert isinstance(form, VisitForm)
    qtbot.waitUntil(lambda: form.field("observations").isEnabled(), timeout=5000)
    observations = form.field("observations")
    assert isinstance(observations, QPlainTextEdit)
    observations.setPlainText("Bedroom newly decorated; she chose the colours.")
    window.back_action.trigger()
    assert isinstance(window.current_page, CaseView)
    visit_id = form.visit_id

    def stored() -> bool:
        with window.store.read() as session:
            visit = session.get(Visit, visit_id)
            return visit is not None and "newly decorated" in (visit.observations or "")

    qtbot.waitUntil(stored, timeout=5000)


def test_ctrl_l_locks_everything_and_the_passphrase_unlocks(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Ctrl+L takes every page away (no child's name in any visible text or the title),
    drops the store's key and shows the unlock window; the passphrase brings the dashboard
    back over a new store, with the visit that was open on top of it again."""
    case = _open_mara(window, qtbot)
    case.sig_record_visit.emit(case.child_id)
    form = window.current_page
    assert isinstance(form, VisitForm)
    qtbot.waitUntil(lambda: form.field("observations").isEnabled(), timeout=5000)
    typed = form.field("observations")
    assert isinstance(typed, QPlainTextEdit)
    typed.setPlainText("Typed just before the lock.")
    visit_id = form.visit_id
    old_store = window.store
    with qtbot.waitSignal(window.sig_locked, timeout=10_000) as locked:
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        # Content goes at once, before the draft has been saved or the key dropped.
        assert CHILD_NAME not in _visible_text()
    assert locked.args == ["manual"]
    assert old_store.is_locked and window.is_locked
    text = _visible_text()
    assert CHILD_NAME not in text and "Typed just before" not in text
    assert "Unlock" in text and "locked" in window.windowTitle()
    unlock = window.unlock_window
    assert unlock is not None and unlock.isVisible()

    with qtbot.waitSignal(window.sig_unlocked, timeout=10_000):
        qtbot.keyClicks(unlock.passphrase, PASSPHRASE)
        qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    assert not window.store.is_locked and window.store is not old_store
    dashboard = window.dashboard
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard is not None and dashboard.proxy.rowCount() >= 4, timeout=5000)
    # Back to the visit that was open, over the child's case (ui.desk).
    again = window.current_page
    assert isinstance(again, VisitForm) and again.visit_id == visit_id
    assert window.back_action.isEnabled() and window.lock_action.isEnabled()
    with window.store.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None and visit.observations == "Typed just before the lock."


def test_a_wrong_passphrase_keeps_it_locked(window: MainWindow, qtbot: QtBot) -> None:
    """The unlock window inside the locked main window refuses a wrong passphrase."""
    with qtbot.waitSignal(window.sig_locked, timeout=10_000):
        window.lock("idle")
    unlock = window.unlock_window
    assert unlock is not None
    # Why it locked, and (this profile's work has not been sent) that the work is safe.
    said = unlock.locked_label.text()
    assert said.startswith(lock_message("idle", 5))
    assert "have not been sent yet. They are safe on this laptop" in said
    with qtbot.waitSignal(unlock.sig_failed, timeout=10_000):
        qtbot.keyClicks(unlock.passphrase, "not the passphrase at all")
        qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    assert window.is_locked and window.dashboard is None


def test_lock_messages_say_why() -> None:
    """The reason shown above the passphrase is in plain words."""
    assert lock_message("idle", 5) == "Locked after 5 minutes without use."
    assert lock_message("idle", 1) == "Locked after 1 minute without use."
    assert "sleep" in lock_message("suspend", 5)


def test_unknown_child_ids_do_not_break_navigation(window: MainWindow, qtbot: QtBot) -> None:
    """A child no longer on the laptop opens a case page that says so; Back still works."""
    page = window.open_child(uuid.uuid4())
    qtbot.waitSignal(page.sig_loaded, timeout=5000)
    window.back()
    assert isinstance(window.current_page, DashboardView)


def test_quit_saves_the_open_draft_and_drops_the_key(
    window: MainWindow, qtbot: QtBot, profile: Profile
) -> None:
    """Quit (Ctrl+Q) with a visit half typed: the window closes once the draft is in the
    store, and the key is dropped."""
    case = _open_mara(window, qtbot)
    form = window.open_visit(case.child_id, None)
    qtbot.waitUntil(lambda: form.field("observations").isEnabled(), timeout=5000)
    typed = form.field("observations")
    assert isinstance(typed, QPlainTextEdit)
    typed.setPlainText("Typed just before quitting.")
    visit_id, store = form.visit_id, window.store
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    # This profile's work has not been sent: the worker is told so, plainly, and chooses.
    asked = window.findChild(QMessageBox, "UnsentOnQuit")
    assert asked is not None and asked.isVisible()
    assert "safe on this laptop and will be sent at the next sync" in asked.text()
    asked.button(QMessageBox.StandardButton.Close).click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert store.is_locked
    with profile.unlock(PASSPHRASE) as reopened, reopened.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None and visit.observations == "Typed just before quitting."
