"""How a module adds its pages' commands to the main window, and opens a page of a kind.

``ui.desk`` (a worker's Caseload, My drafts, Diary) and ``ui.manager_tools`` (Team, Approvals,
Service figures) both add commands the same way: a window-wide shortcut, a tooltip that names
it, off while the laptop is locked, in the Go menu and, for some, on the navigation bar. One
function does it so the commands cannot drift apart in how they behave over a lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QWidget

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class _Refreshable(Protocol):
    def refresh(self) -> None: ...


#: A page with ``refresh`` (read its contents again), which ``shown`` calls.
Page = TypeVar("Page", bound=QWidget)


def add_command(
    window: MainWindow,
    text: str,
    name: str,
    keys: str,
    tip: str,
    opener: Callable[[MainWindow], object],
    *,
    bar: QToolBar | None = None,
    before: QAction | None = None,
) -> QAction:
    """One command in the window's Go menu (and on ``bar``, before ``before`` or last),
    disabled while the window is locked."""
    act = QAction(text, window)
    act.setObjectName(name)
    act.setShortcut(QKeySequence(keys))
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    act.setToolTip(f"{tip} ({keys})")
    act.triggered.connect(lambda _checked=False: opener(window))
    window.addAction(act)
    window.sig_locked.connect(lambda _reason: act.setEnabled(False))
    window.sig_unlocked.connect(lambda: act.setEnabled(True))
    for menu in window.menuBar().findChildren(QMenu):
        if menu.title() == "&Go":
            menu.addAction(act)
    if bar is not None:
        if before is not None:
            bar.insertAction(before, act)
        else:
            bar.addAction(act)
        button = bar.widgetForAction(act)
        if button is not None:
            button.setAccessibleName(text.replace("&", ""))
    return act


def shown(window: MainWindow, kind: type[Page], made: Callable[[], Page]) -> Page | None:
    """The page of ``kind`` on show, read again; else a new one (``made``) on top. None while
    the window is locked."""
    if window.is_locked:
        return None
    page = window.current_page
    if isinstance(page, kind):
        cast(_Refreshable, page).refresh()
        return page
    view = made()
    window.show_page(view)
    return view
