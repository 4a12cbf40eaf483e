"""Alt+letter means one thing on every page and in every dialog (a keyboard user pressing Alt+S
must not get Search, Sync now and New assessment in turn). The walk finds the pages from the
main window's API, so pages added later are checked too (tests/ui/page_walk.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.settings import Settings
from app.store import Profile
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui import page_walk, views_support
from tests.ui.test_main_window import quiet_sync
from ui.main_window import MainWindow


@pytest.fixture
def walked(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, page_walk.Subjects]]:
    profile = Profile.create("walk", PASSPHRASE, worker="walk", root=tmp_path, kdf=fast_kdf())
    with profile.unlock(PASSPHRASE) as store:
        child_id = views_support.child_with_history(store)
        households = views_support.carer_households(store)
    store = profile.unlock(PASSPHRASE)
    window = MainWindow(store, Settings(), profile, sync_factory=quiet_sync)
    qtbot.addWidget(window)
    window.resize(*views_support.SCREEN)
    window.show()
    page_walk.settle(qtbot)
    yield window, page_walk.Subjects(child_id, households["Whitfield"])
    for dialog in page_walk.open_dialogs():
        dialog.reject()
    page_walk.settle(qtbot)
    window.store.lock()


def test_every_alt_letter_means_one_thing_on_every_page(
    walked: tuple[MainWindow, page_walk.Subjects], qtbot: QtBot
) -> None:
    window, subjects = walked
    problems: list[str] = []
    seen_pages: list[str] = []

    def check(where: str, top: QWidget) -> None:
        for letter, owners in sorted(page_walk.clashes(top).items()):
            problems.append(f"{where}: Alt+{letter.upper()} is {' and '.join(owners)}")

    for state in page_walk.tab_states(window, qtbot):
        check(f"dashboard ({state})", window)
    for name, method in page_walk.openers(window):
        for label, kwargs in page_walk.calls(name, method, subjects, window):
            method(**kwargs)
            page_walk.settle(qtbot)
            seen_pages.append(label)
            page = window.current_page
            where = f"{label} ({type(page).__name__})"
            for state in page_walk.tab_states(window, qtbot):
                check(f"{where} ({state})", window)
            for dialog in page_walk.open_dialogs():
                for state in page_walk.tab_states(dialog, qtbot):
                    check(f"{label}: dialog {dialog.windowTitle()!r} ({state})", dialog)
                dialog.reject()
            page_walk.settle(qtbot)
            while window.back_action.isEnabled():
                window.back()
                page_walk.settle(qtbot)
    # The walk must have reached the pages it exists for, or it proves nothing.
    assert {"open_child child", "open_visit child", "open_household household"} <= set(
        seen_pages
    ), seen_pages
    assert not problems, "\n".join(problems)
