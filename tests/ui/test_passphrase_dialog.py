"""The passphrase can be changed in the app: a wrong current one is refused and counted, two
new ones that differ are refused before anything is tried, and a good change means the next
unlock needs the new passphrase (the old one no longer opens the profile)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.errors import WrongPassphrase
from app.store import Profile
from tests.conftest import PASSPHRASE
from tests.ui import test_main_window as main_window_tests
from ui.main_window import MainWindow
from ui.views.passphrase_dialog import MISMATCH, PassphraseDialog

profile = main_window_tests.profile
window = main_window_tests.window

NEW = "three quiet herons"


def _dialog(window: MainWindow) -> PassphraseDialog:
    window.passphrase_action.trigger()
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, PassphraseDialog)]
    assert len(found) == 1 and found[0].isVisible()
    return found[0]


def _type(qtbot: QtBot, dialog: PassphraseDialog, current: str, new: str, again: str) -> None:
    for box, text in ((dialog.current, current), (dialog.new, new), (dialog.repeat, again)):
        box.clear()
        qtbot.keyClicks(box, text)
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def test_changing_the_passphrase_from_the_menu(window: MainWindow, qtbot: QtBot) -> None:
    dialog = _dialog(window)
    _type(qtbot, dialog, PASSPHRASE, NEW, NEW + "x")
    assert dialog.problem.text() == MISMATCH and dialog.isVisible()

    _type(qtbot, dialog, "not the passphrase at all", NEW, NEW)
    qtbot.waitUntil(lambda: dialog.problem.text().startswith("The current"), timeout=10_000)
    assert dialog.isVisible()

    with qtbot.waitSignal(dialog.sig_changed, timeout=10_000):
        _type(qtbot, dialog, PASSPHRASE, NEW, NEW)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    opened = Profile(window.store.profile_path)
    with pytest.raises(WrongPassphrase):
        opened.unlock(PASSPHRASE).lock()
    opened.unlock(NEW).lock()
