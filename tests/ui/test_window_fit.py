"""The window fits the screen it opens on, the dashboard's Next item and Due columns stay in
view however narrow it is, and a new text size reaches every page already open, offering only
the sizes the setting accepts."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QTableView
from pytestqt.qtbot import QtBot

from app.models import Child
from app.settings import FONT_POINT_SIZES, Settings
from app.store import Profile
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui import views_support
from tests.ui.test_main_window import quiet_sync
from ui import tasks
from ui.app import AppFlow, AppLook
from ui.main_window import MainWindow
from ui.models.dashboard_model import Column
from ui.views.case_view import CaseView
from ui.views.dashboard import DashboardView
from ui.views.settings_dialog import SettingsDialog


@pytest.fixture
def opened(
    qapp: QApplication, tmp_path: Path, qtbot: QtBot
) -> Iterator[tuple[AppFlow, MainWindow]]:
    """The app flow unlocked into its main window over a child with history (the app's font
    is put back afterwards)."""
    font = QFont(qapp.font())
    profile = Profile.create("fit", PASSPHRASE, worker="fit", root=tmp_path, kdf=fast_kdf())
    with profile.unlock(PASSPHRASE) as store:
        views_support.child_with_history(store)
    flow = AppFlow(qapp, root=tmp_path, kdf=fast_kdf(), sync_factory=quiet_sync)
    window = flow.open_main(profile, profile.unlock(PASSPHRASE))
    dashboard = window.dashboard
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard.proxy.rowCount() > 0, timeout=10_000)
    yield flow, window
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    flow.guard.uninstall()
    window.store.lock()
    window.hide()
    window.deleteLater()
    qapp.setFont(font)
    flow.deleteLater()


def _due_in_view(table: QTableView) -> bool:
    header = table.horizontalHeader()
    room = table.viewport().width()
    ends = [header.sectionPosition(c) + header.sectionSize(c) for c in (Column.NEXT, Column.DUE)]
    return all(0 < end <= room for end in ends) and not header.isSectionHidden(Column.DUE)


def test_the_window_opens_whole_on_its_screen(
    opened: tuple[AppFlow, MainWindow], qtbot: QtBot
) -> None:
    """However small the screen (the test's is smaller than the 1366x768 the window would
    like), the window with its frame fits on it, and the dashboard shows Next item and Due
    without scrolling sideways."""
    _flow, window = opened
    room = window.screen().availableGeometry()
    assert room.width() < 1366 or room.height() < 768, "the test needs a small screen"
    assert room.contains(window.geometry()), (room, window.geometry())
    dashboard = window.dashboard
    assert isinstance(dashboard, DashboardView)
    qtbot.waitUntil(lambda: _due_in_view(dashboard.table), timeout=5000)
    window.resize(720, 560)
    qtbot.waitUntil(lambda: _due_in_view(dashboard.table), timeout=5000)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: _due_in_view(dashboard.table), timeout=5000)


def test_a_new_text_size_reaches_every_open_page(
    opened: tuple[AppFlow, MainWindow], qtbot: QtBot
) -> None:
    """Settings offers "Same as the system" and exactly the sizes it accepts; choosing 16 pt
    with a child's case open enlarges that page's heading and table rows and the dashboard
    underneath it at once, with no row cut short."""
    _flow, window = opened
    dashboard = window.dashboard
    assert dashboard is not None
    table = dashboard.table
    child_id = _amara(window)
    case = window.open_child(child_id)
    qtbot.waitUntil(lambda: case.case is not None, timeout=5000)
    heading = next(
        label for label in case.findChildren(QLabel) if label.font().bold() and label.isVisible()
    )
    heading_before = heading.font().pointSizeF()

    window.show_settings()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog))
    sizes = dialog.font_size
    assert isinstance(sizes, QComboBox)
    offered = [sizes.itemData(i) for i in range(sizes.count())]
    assert offered == [0, *FONT_POINT_SIZES], offered
    sizes.setCurrentIndex(sizes.findData(16))
    with qtbot.waitSignal(window.sig_settings_changed, timeout=10_000):
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    assert isinstance(window.current_page, CaseView)
    for page in (case, dashboard):
        assert page.font().pointSize() == 16, type(page).__name__
    assert heading.font().pointSizeF() > heading_before * 1.2
    for view in (*case.findChildren(QTableView), table):
        assert view.verticalHeader().defaultSectionSize() >= view.fontMetrics().height() + 4
    window.back()
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: _due_in_view(table), timeout=5000)


def _amara(window: MainWindow) -> uuid.UUID:
    with window.store.read() as session:
        return session.query(Child).filter(Child.given_name == "Amara").one().id


def test_a_wrong_passphrase_message_is_shown_whole(
    opened: tuple[AppFlow, MainWindow], qtbot: QtBot, qapp: QApplication
) -> None:
    """At a large text size, the unlock window's "not right" message gets the height all its
    lines need, inside the window (it used to be cut to its first line)."""
    _flow, window = opened
    AppLook(qapp).apply(Settings(font_point_size=16))
    window.resize(1366, 768)
    with qtbot.waitSignal(window.sig_locked, timeout=10_000):
        window.lock("manual")
    unlock = window.unlock_window
    assert unlock is not None
    with qtbot.waitSignal(unlock.sig_failed, timeout=10_000):
        qtbot.keyClicks(unlock.passphrase, "not the passphrase at all")
        qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    label = unlock.error_label

    def whole() -> bool:
        shown = label.isVisible() and label.height() >= label.heightForWidth(label.width())
        # Every parent up to the window holds the label's last line (a parent cut short
        # clips it).
        parent, corner = label, label.rect().bottomRight()
        while parent is not window:
            corner = parent.mapToParent(corner)
            parent = parent.parentWidget()
            if not parent.rect().contains(corner):
                return False
        return shown

    qtbot.waitUntil(whole, timeout=5000)
