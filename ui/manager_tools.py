"""The manager's pages (Team, Approvals), added to the main window once the signed-in account
is known to be a manager's.

Kept out of ``ui.main_window`` so that window stays the small composition it is: this module
adds the commands to its Go menu and navigation bar and opens the pages through its public API
(``show_page``, ``open_child``...). A worker's window never gets them; the service refuses a
worker's laptop the team's figures and approvals anyway, so this is about a tidy window, not
about permission.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from ui.views.common import alive
from ui.views.team import TeamView

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: Set on the window once its manager's commands exist (one set however often it unlocks).
INSTALLED = "managerToolsInstalled"


def install(window: MainWindow) -> None:
    """Add Team to the window (once), and refresh a shown manager's page after each sync."""
    sync = window.sync_controller
    if sync is not None and not sync.property(INSTALLED):
        sync.setProperty(INSTALLED, True)
        sync.sig_finished.connect(lambda _summary: _refresh_shown(window))
    if window.property(INSTALLED):
        return
    window.setProperty(INSTALLED, True)
    team = QAction("&Team", window)
    team.setObjectName("TeamAction")
    team.setShortcut(QKeySequence("Ctrl+T"))
    team.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    team.setToolTip("Your team's caseloads, from the service (Ctrl+T)")
    team.triggered.connect(lambda: open_team(window))
    window.addAction(team)
    window.sig_locked.connect(lambda _reason: team.setEnabled(False))
    window.sig_unlocked.connect(lambda: team.setEnabled(True))
    for menu in window.menuBar().findChildren(QMenu):
        if menu.title() == "&Go":
            menu.addAction(team)
    bar = window.findChild(QToolBar, "Navigation")
    if bar is not None:
        first = bar.actions()[2] if len(bar.actions()) > 2 else None
        bar.insertAction(first, team) if first is not None else bar.addAction(team)
        button = bar.widgetForAction(team)
        if button is not None:
            button.setAccessibleName("Team")


def open_team(window: MainWindow) -> TeamView | None:
    """The Team page (the one on show, if it is the current page)."""
    if window.is_locked:
        return None
    page = window.current_page
    if isinstance(page, TeamView):
        page.refresh()
        return page
    view = TeamView(window.store, window.settings)
    view.setProperty("pageTitle", "Team")
    view.sig_open_child.connect(window.open_child)
    view.sig_open_household.connect(window.open_household)
    view.sig_reallocated.connect(lambda _id: window.sync_now())
    window.show_page(view)
    return view


def _refresh_shown(window: MainWindow) -> None:
    if not alive(window) or window.is_locked:
        return
    page = window.current_page
    if isinstance(page, TeamView):
        page.set_settings(window.settings)
        page.refresh()
