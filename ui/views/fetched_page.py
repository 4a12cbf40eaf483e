"""What the manager's pages of service figures (Team, Service figures) have in common.

Each asks the service for its figures on a worker thread, shows them live or, offline, the last
ones the service sent (marked as of when it worked them out), and says in its status line why
there are none when there are none. One class holds that cycle so that the pages cannot drift
apart in how they say where their figures come from, or in how a late answer to an earlier
refresh is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.settings import Settings
from app.store import Store
from sync.client import ServiceRefused, ServiceUnavailable
from sync.team import NoFigures
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font, uk_date
from ui.views.wrapped_label import WrappedLabel


def when(moment: datetime | None) -> str:
    """A service time as the laptop's local date and clock time."""
    if moment is None:
        return "never"
    local = moment.astimezone()
    return f"{uk_date(local.date())} {local:%H:%M}"


class FetchedPage(QWidget):
    """A page of figures fetched from the service. A subclass names its words (the class
    variables), builds itself in ``_build`` (calling ``_header`` for the title, the Refresh
    button and the status line), says what to fetch in ``_fetch`` and shows it in ``_shown``."""

    sig_loaded = Signal()
    """The figures (live or kept) are on screen, or the page says why there are none."""

    #: The page's accessible name and its title before the figures come.
    TITLE: ClassVar[str]
    #: Whose figures, in "Asking the service for ...", e.g. "the team's figures".
    ASKING_FOR: ClassVar[str]
    #: What there is none of, in "No ... to show.", e.g. "team figures".
    NONE_OF: ClassVar[str]
    #: What could not be read, e.g. "The team's figures".
    UNREADABLE: ClassVar[str]
    #: The Refresh button's words.
    REFRESH: ClassVar[str] = "&Refresh figures"

    def __init__(self, store: Store, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._settings = settings
        self._live = False
        self._seq = 0

    # ---- Public API

    @property
    def live(self) -> bool:
        return self._live

    @property
    def status_label(self) -> QLabel:
        return self._status

    def set_settings(self, settings: Settings) -> None:
        self._settings = settings

    def refresh(self) -> None:
        """Fetch the figures again (on a worker thread); an answer to an earlier refresh that
        comes after this one's is dropped."""
        self._seq += 1
        seq = self._seq
        work = self._fetch(self._store, self._settings)
        self._status.setText(f"Asking the service for {self.ASKING_FOR}…")
        run_task(work, lambda got: self._show(seq, got), lambda exc: self._failed(seq, exc))

    # ---- Subclass API

    def _fetch(self, store: Store, settings: Settings) -> Callable[[], Any]:
        """The work to run on the pool; its answer goes to ``_shown``."""
        raise NotImplementedError

    def _shown(self, fetched: Any) -> None:
        """Show what ``_fetch`` answered (on the GUI thread), status line aside."""
        raise NotImplementedError

    def _header(self) -> QHBoxLayout:
        """The title and the Refresh button, as a row; makes the status line too, which the
        subclass places (under the row, as both pages do)."""
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName(self.TITLE)
        self._title = QLabel(self.TITLE)
        self._title.setFont(heading_font(self.font()))
        self._status = WrappedLabel("")
        self._status.setWordWrap(True)
        self._status.setAccessibleName("Where these figures come from")
        refresh = QPushButton(self.REFRESH)
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self._title, 1)
        top.addWidget(refresh)
        return top

    def _say_where_from(self, live: bool, live_text: str, offline_text: str, reason: str) -> None:
        """The status line: where the figures on show come from (a warning when offline)."""
        self._live = live
        if live:
            self._status.setText(live_text)
        else:
            self._status.setText(f"Offline: {offline_text} {reason}")
        self._status.set_warning(not live)

    # ---- Private API

    def _show(self, seq: int, fetched: Any) -> None:
        if seq != self._seq or not alive(self):
            return
        self._shown(fetched)
        self.sig_loaded.emit()

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq or not alive(self):
            return
        if isinstance(exc, NoFigures | ServiceRefused | ServiceUnavailable):
            self._status.setText(f"No {self.NONE_OF} to show. {exc}")
        else:
            self._status.setText(f"{self.UNREADABLE} could not be read. Try Refresh.")
        self._status.set_warning(True)
        self.sig_loaded.emit()
