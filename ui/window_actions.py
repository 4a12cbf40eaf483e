"""The main window's own commands: Back, Sync now, Carer households, Carer register, Fostering
panel, Conflicts, Settings, Change passphrase, Lock and Quit, in its menus and navigation bar.

Kept apart from ``ui.main_window`` so the window only composes: what each command does is the
window's public API, handed in here as plain callables; where the commands sit, their keys and
their names for a screen reader are said here, once. ``ui.desk`` and ``ui.manager_tools`` add
their pages' commands beside these (``ui.page_commands``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar


@dataclass(frozen=True)
class Commands:
    """What each of the window's commands does."""

    back: Callable[[], object]
    sync_now: Callable[[], object]
    households: Callable[[], object]
    register: Callable[[], object]
    panel: Callable[[], object]
    conflicts: Callable[[], object]
    settings: Callable[[], object]
    passphrase: Callable[[], object]
    lock: Callable[[], object]
    quit: Callable[[], object]


@dataclass(frozen=True)
class WindowActions:
    """The window's commands as actions (tests and the pages' own commands find them here)."""

    back: QAction
    sync: QAction
    households: QAction
    register: QAction
    panel: QAction
    conflicts: QAction
    settings: QAction
    passphrase: QAction
    lock: QAction
    quit: QAction

    def set_enabled(self, enabled: bool) -> None:
        """Every command but Quit on or off (off while the window is locked)."""
        for field in fields(self):
            if field.name != "quit":
                getattr(self, field.name).setEnabled(enabled)


def build_actions(window: QMainWindow, commands: Commands) -> WindowActions:
    """The window's actions, in its Casebook and Go menus and on its navigation bar."""

    def action(text: str, slot: Callable[[], object], keys: str | None = None) -> QAction:
        act = QAction(text, window)
        if keys is not None:
            act.setShortcut(QKeySequence(keys))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda _checked=False: slot())
        window.addAction(act)
        return act

    acts = WindowActions(
        back=action("&Back", commands.back, "Alt+Left"),
        sync=action("&Sync now", commands.sync_now, "F5"),
        households=action("Carer &households", commands.households, "Ctrl+H"),
        register=action("Carer r&egister", commands.register, "Ctrl+Shift+R"),
        panel=action("Fostering &panel", commands.panel, "Ctrl+Shift+P"),
        conflicts=action("&Conflicts…", commands.conflicts),
        settings=action("S&ettings…", commands.settings),
        passphrase=action("Change &passphrase…", commands.passphrase),
        lock=action("&Lock", commands.lock, "Ctrl+L"),
        quit=action("&Quit", commands.quit, "Ctrl+Q"),
    )
    acts.back.setToolTip("Back to the previous page (Alt+Left)")
    acts.households.setToolTip("Carer households (Ctrl+H)")
    acts.register.setToolTip("Approved carers' free places, from the service (Ctrl+Shift+R)")
    acts.panel.setToolTip("The fostering panel's dates and decisions (Ctrl+Shift+P)")

    menu = window.menuBar().addMenu("&Casebook")
    for act in (acts.sync, acts.conflicts, acts.settings, acts.passphrase):
        menu.addAction(act)
    menu.addSeparator()
    menu.addAction(acts.lock)
    menu.addAction(acts.quit)
    go = window.menuBar().addMenu("&Go")
    for act in (acts.back, acts.households, acts.register, acts.panel):
        go.addAction(act)

    bar = QToolBar("Navigation", window)
    bar.setObjectName("Navigation")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    bar.addAction(acts.back)
    bar.addAction(acts.households)
    bar.addAction(acts.register)
    bar.addSeparator()
    bar.addAction(acts.sync)
    bar.addAction(acts.lock)
    for act in (acts.back, acts.households, acts.register, acts.sync, acts.lock):
        button = bar.widgetForAction(act)
        if button is not None:
            button.setAccessibleName(act.text().replace("&", ""))
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return acts
