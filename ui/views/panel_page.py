"""The Fostering panel page: the panel's dates and, for the one chosen, the households on it,
with the panel's recommendation and the agency decision maker's decision.

The service owns the panel (``server.services.panels``); the page reads it online on a worker
thread and, offline, shows the last list the service sent, as of its time (``FetchedPage``). A
worker sees every date and their own households on each; a manager, acting as the panel
administrator, sees every household and changes the panel through ``PanelDialog``. What the
panel decides about a household's approval reaches the household's record at the service, and
the assessing worker's laptop with the next sync.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock, codes
from app.settings import Settings
from app.store import Store
from sync import panels
from sync.protocol.panels import BookableHousehold, PanelItemView, PanelList, PanelMeetingView
from ui.models.chronology_model import RowsModel
from ui.views.common import alive, uk_date
from ui.views.fetched_page import FetchedPage, when
from ui.views.panel_dialog import BOOK, DECIDE, MEETING, RECOMMEND, PanelDialog
from ui.views.record_table import record_table


class PanelPage(FetchedPage):
    TITLE = "Fostering panel"
    ASKING_FOR = "the fostering panel's dates"
    NONE_OF = "panel dates"
    UNREADABLE = "The fostering panel's dates"
    REFRESH = "&Refresh"

    #: A panel dialog has opened (tests).
    sig_dialog = Signal(object)

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        can_change: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, settings, parent)
        self._can_change = can_change
        self._list: PanelList | None = None
        self._dialog: PanelDialog | None = None
        #: The panel date to choose when the list next arrives (a date just made).
        self._select: list[uuid.UUID] = []
        self._build()
        self.refresh()

    # ---- Public API

    @property
    def meetings_table(self) -> QTableView:
        return self._meetings_table

    @property
    def items_table(self) -> QTableView:
        return self._items_table

    @property
    def dialog(self) -> PanelDialog | None:
        return self._dialog if self._dialog is not None and alive(self._dialog) else None

    def button(self, name: str) -> QPushButton:
        return {b.accessibleName(): b for b in self._buttons}[name]

    @property
    def meetings(self) -> list[PanelMeetingView]:
        """The panel dates on show (as the service last sent them)."""
        return list(self._list.meetings) if self._list is not None else []

    def meeting(self) -> PanelMeetingView | None:
        """The panel date chosen in the list."""
        row = self._meetings_table.currentIndex().row()
        if self._list is None or not 0 <= row < len(self._list.meetings):
            return None
        return self._list.meetings[row]

    def item(self) -> PanelItemView | None:
        meeting = self.meeting()
        row = self._items_table.currentIndex().row()
        if meeting is None or not 0 <= row < len(meeting.items):
            return None
        return meeting.items[row]

    def choose(self, meeting_row: int, item_row: int | None = None) -> None:
        """Choose a panel date (and one of its households) as a worker would click them."""
        self._meetings_table.selectRow(meeting_row)
        if item_row is not None:
            self._items_table.selectRow(item_row)

    def new_meeting(self) -> None:
        self._open(MEETING)

    def book(self) -> None:
        """Ask which household to book, from every one the service says could go."""
        if self.meeting() is None or self._list is None:
            return
        self._open(BOOK, list(self._list.bookable))

    def recommend(self) -> None:
        self._open(RECOMMEND)

    def decide(self) -> None:
        self._open(DECIDE)

    # ---- FetchedPage

    def _fetch(self, store: Store, settings: Settings) -> Callable[[], panels.PanelAnswer]:
        return lambda: panels.fetch(store, settings)

    def _shown(self, answer: panels.PanelAnswer) -> None:
        chosen = self._select.pop() if self._select else None
        if chosen is None:
            shown = self.meeting()
            chosen = shown.meeting_id if shown is not None else None
        self._list = answer.panels
        as_of = when(answer.panels.as_of)
        self._say_where_from(
            answer.live,
            f"The fostering panel's dates from the service, as of {as_of}.",
            f"these are the panel's dates as of {as_of}, the last the service sent.",
            answer.reason,
        )
        self._meetings.set_rows(
            [(uk_date(m.sits_on), m.details, _count(len(m.items))) for m in answer.panels.meetings]
        )
        self._meetings_table.resizeColumnsToContents()
        ids = [m.meeting_id for m in answer.panels.meetings]
        if chosen is not None and chosen in ids:
            self._meetings_table.selectRow(ids.index(chosen))
        elif ids:
            upcoming = [
                n for n, m in enumerate(answer.panels.meetings) if m.sits_on >= clock.today()
            ]
            self._meetings_table.selectRow(upcoming[0] if upcoming else len(ids) - 1)
        self._show_items()

    # ---- Private API

    def _build(self) -> None:
        top = self._header()
        self._meetings = RowsModel(("Panel date", "Where and when", "Households"), self)
        self._meetings_table = record_table("Panel dates", self._meetings)
        self._items = RowsModel(
            ("Household", "Going for", "Assessing worker", "Recommendation", "Decision"), self
        )
        self._items_table = record_table("Households on this panel", self._items)
        self._meetings_table.selectionModel().currentRowChanged.connect(
            lambda *_a: self._show_items()
        )
        self._items_table.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self._buttons = []
        row = QHBoxLayout()
        for words, name, slot in (
            ("New panel &date…", "New panel date", self.new_meeting),
            ("&Book a household…", "Book a household", self.book),
            ("Record the &recommendation…", "Record the recommendation", self.recommend),
            ("Record the d&ecision…", "Record the decision", self.decide),
        ):
            button = QPushButton(words)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            button.setVisible(self._can_change)
            row.addWidget(button)
            self._buttons.append(button)
        row.addStretch(1)
        self._who = QLabel(
            "The panel administrator (a manager) sets the dates and records what the panel "
            "and the agency decision maker decide."
        )
        self._who.setWordWrap(True)
        self._who.setVisible(not self._can_change)
        self._chosen = QLabel("")
        self._chosen.setAccessibleName("Panel chosen")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._status)
        layout.addWidget(self._who)
        layout.addLayout(row)
        layout.addWidget(self._meetings_table, 2)
        layout.addWidget(self._chosen)
        layout.addWidget(self._items_table, 3)
        self._enable()

    def _show_items(self) -> None:
        meeting = self.meeting()
        if meeting is None:
            self._items.set_rows([])
            self._chosen.setText("Choose a panel date to see the households on it.")
        else:
            self._chosen.setText(
                f"Households on the panel of {uk_date(meeting.sits_on)}"
                + ("" if self._can_change else " that you hold")
                + ":"
            )
            self._items.set_rows([_item_row(i) for i in meeting.items])
            self._items_table.resizeColumnsToContents()
            if meeting.items:
                self._items_table.selectRow(0)
        self._enable()

    def _enable(self) -> None:
        meeting, item = self.meeting(), self.item()
        live = self._live
        new, book, recommend, decide = self._buttons
        new.setEnabled(live)
        book.setEnabled(live and meeting is not None)
        recommend.setEnabled(
            live
            and item is not None
            and item.decision is None
            and meeting is not None
            and meeting.sits_on <= clock.today()
        )
        decide.setEnabled(
            live and item is not None and item.recommendation is not None and item.decision is None
        )

    def _open(self, mode: str, rows: list[BookableHousehold] | None = None) -> None:
        if not alive(self):
            return
        dialog = PanelDialog(
            self._store,
            self._settings,
            mode,
            meeting=self.meeting(),
            item=self.item(),
            households=rows,
            parent=self,
        )
        if mode == MEETING:
            # A new date is shown chosen, ready for its households.
            dialog.sig_saved.connect(lambda _a: self._select.append(dialog.new_id))
        dialog.sig_saved.connect(self._changed)
        self._dialog = dialog
        dialog.open()
        self.sig_dialog.emit(dialog)

    def _changed(self, answer: panels.PanelAnswer) -> None:
        if alive(self):
            self._shown(answer)
            self.sig_loaded.emit()


def _count(n: int) -> str:
    return "None" if n == 0 else f"{n} household{'s' if n != 1 else ''}"


#: The code list whose words say what a decision means for an item of this kind.
_DECISION_WORDS = {"DEREGISTRATION": "deregistration_decision"}


def _item_row(item: PanelItemView) -> tuple[str, ...]:
    said = (
        codes.label("panel_recommendation", item.recommendation)
        if item.recommendation
        else "Not yet"
    )
    decided = (
        f"{codes.label(_DECISION_WORDS.get(item.kind, 'agency_decision'), item.decision)}"
        f" on {uk_date(item.decided_on)}" + (f" by {item.decided_by}" if item.decided_by else "")
        if item.decision
        else "Not yet"
    )
    return (
        item.household_name,
        codes.label("panel_item_kind", item.kind),
        item.supervising_worker_name,
        said,
        decided,
    )
