"""The main window's pages: one on top, Back taking it away, and the forms that are still
saving after the worker left them.

A draft form taken off the stack saves at once and lives on, hidden, until its save has reached
the store (``DraftForm.is_busy``); locking or quitting waits for those saves, and for the
background work still running, before the store drops its key. Kept here so the window itself
only decides when pages come and go.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QStackedWidget, QWidget

from ui import tasks
from ui.views.common import alive
from ui.views.draft_form import DraftForm

log = logging.getLogger(__name__)

#: How long a lock or quit waits for drafts and background work before going ahead anyway.
SETTLE_TIMEOUT_MS = 10_000
_SETTLE_POLL_MS = 25


class PageStack(QStackedWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._retiring: list[DraftForm] = []

    # ---- Public API

    def pages(self) -> list[QWidget]:
        """The pages, top first."""
        found = (self.widget(i) for i in reversed(range(self.count())))
        return [page for page in found if page is not None]

    def push(self, page: QWidget) -> None:
        self.addWidget(page)
        self.setCurrentWidget(page)
        page.setFocus()

    def pop(self) -> QWidget | None:
        """Take the top page away (a draft form saves first); the page taken, or None when
        only one page is left."""
        page = self.currentWidget()
        if self.count() <= 1 or page is None:
            return None
        self.removeWidget(page)
        self._retire(page)
        return page

    def still_saving(self, page: QWidget) -> bool:
        """Whether ``page`` was taken away with its save still on its way to the store."""
        return page in self._retiring

    def take_all(self) -> None:
        """Take every page away and close every dialog: no case content stays on screen.
        Draft forms start saving."""
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        for page in self.pages():
            self.removeWidget(page)
            self._retire(page)

    def discard_all(self) -> None:
        """Throw every page away (the locked page, once unlocked)."""
        for page in self.pages():
            self.removeWidget(page)
            page.deleteLater()

    def when_settled(self, then: Callable[[], None]) -> None:
        """Call ``then`` once the forms taken away have saved and background work has
        answered, or after ``SETTLE_TIMEOUT_MS`` whatever is left."""
        waited = 0

        def check() -> None:
            nonlocal waited
            self._retiring = [f for f in self._retiring if alive(f) and f.is_busy]
            if (self._retiring or tasks.busy()) and waited < SETTLE_TIMEOUT_MS:
                waited += _SETTLE_POLL_MS
                QTimer.singleShot(_SETTLE_POLL_MS, check)
                return
            if self._retiring:
                log.warning("locking with a draft save still running")
            for form in self._retiring:
                form.deleteLater()
            self._retiring = []
            then()

        check()

    # ---- Private API

    def _retire(self, page: QWidget) -> None:
        """Take a page away; a draft form saves and lives on (hidden) until the save has
        reached the store."""
        page.hide()
        if isinstance(page, DraftForm):
            page.save_now()
            if page.is_busy:
                self._retiring.append(page)
                return
        page.deleteLater()
