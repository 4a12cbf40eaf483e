"""The carer households page: every household on this laptop, most urgent first, with a box
that narrows the list as the worker types. Enter (or a double-click) opens a household.

The list is read by ``app.households.households`` on a worker thread (the saved deadlines,
redone first where a record changed), then shown; the view never queries the store itself.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock, households
from app.households import HouseholdRow
from app.store import Store
from ui.changes import ChangeHub, ReloadOnChange
from ui.errors import message_for
from ui.models.households_model import Column, HouseholdsFilter, HouseholdsModel
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font
from ui.views.new_household_dialog import CONNECTED, ENQUIRY, NewHouseholdDialog
from ui.views.record_table import record_table


def _load(store: Store) -> list[HouseholdRow]:
    """Runs on a worker thread."""
    return households.households(store, clock.today())


class HouseholdsView(QWidget):
    sig_household_opened = Signal(uuid.UUID)
    """The worker asked to open a household.

    Parameters
    ----------
    household_id : uuid.UUID
    """

    #: The list has been loaded (or failed to load) and is on screen.
    sig_loaded = Signal()

    def __init__(
        self, store: Store, parent: QWidget | None = None, *, changes: ChangeHub | None = None
    ) -> None:
        """``changes``: where saves and syncs are announced; the list reads again after any
        of them (a visit or review moves a household's next date)."""
        super().__init__(parent)
        self._store = store
        self._seq = 0
        self._loaded_once = False
        self._dialog: NewHouseholdDialog | None = None
        self._build()
        self.refresh()
        if changes is not None:
            ReloadOnChange(
                self,
                changes,
                concerns=lambda _change: True,
                reload=self.refresh,
                always_on_return=True,
            )

    # ---- Public API

    @property
    def model(self) -> HouseholdsModel:
        return self._model

    @property
    def proxy(self) -> HouseholdsFilter:
        return self._proxy

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def filter_box(self) -> QLineEdit:
        return self._filter

    def refresh(self) -> None:
        """Reload the list (on a worker thread); the typed filter, sort and selection stay."""
        self._seq += 1
        seq = self._seq
        run_task(
            lambda: _load(self._store),
            lambda rows: self._show(seq, rows),
            lambda exc: self._failed(seq, exc),
        )

    @property
    def new_dialog(self) -> NewHouseholdDialog | None:
        """The new-household dialog open now, if any (tests)."""
        return self._dialog

    def new_household(self, mode: str) -> NewHouseholdDialog:
        """Start a fostering enquiry or a connected person; once saved, the list reloads and
        the new household opens."""
        dialog = NewHouseholdDialog(self._store, mode, parent=self)
        dialog.sig_created.connect(self._created)
        dialog.finished.connect(lambda _r: setattr(self, "_dialog", None))
        self._dialog = dialog
        dialog.open()
        return dialog

    def _created(self, household_id: uuid.UUID) -> None:
        self.refresh()
        self.sig_household_opened.emit(household_id)

    def household_at(self, row: int) -> HouseholdRow:
        """The household on the given row as the table shows it (filtered and sorted)."""
        return self._model.row_at(self._proxy.mapToSource(self._proxy.index(row, 0)).row())

    # ---- Private API

    def _build(self) -> None:
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName("Carer households")
        title = QLabel("Carer households")
        title.setFont(heading_font(self.font()))
        self._filter = QLineEdit()
        self._filter.setAccessibleName("Filter households")
        self._filter.setPlaceholderText("Type a name, kind of carer, worker or status")
        self._filter.setClearButtonEnabled(True)
        caption = QLabel("&Filter:")
        caption.setBuddy(self._filter)
        self._count = QLabel("Loading…")
        self._count.setAccessibleName("Households shown")

        self._model = HouseholdsModel(self)
        self._proxy = HouseholdsFilter(self)
        self._proxy.setSourceModel(self._model)
        table = self._table = record_table("Carer households list", self._proxy)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setSortingEnabled(True)
        # Most urgent first, as the list opens.
        table.sortByColumn(Column.NEXT_DUE, Qt.SortOrder.AscendingOrder)

        self._problem = QLabel("")
        self._problem.setProperty("role", "error")
        self._problem.setWordWrap(True)
        self._problem.setVisible(False)

        self._new_enquiry = QPushButton("New fostering e&nquiry…")
        self._new_enquiry.setAccessibleName("New fostering enquiry")
        self._new_enquiry.clicked.connect(lambda: self.new_household(ENQUIRY))
        self._new_connected = QPushButton("New connected &person (reg 24)…")
        self._new_connected.setAccessibleName("New connected person")
        self._new_connected.clicked.connect(lambda: self.new_household(CONNECTED))

        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self._filter, 1)
        top.addWidget(self._count)
        top.addWidget(self._new_enquiry)
        top.addWidget(self._new_connected)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self._problem)
        layout.addWidget(table, 1)

        self._filter.textChanged.connect(self._filtered)
        self._filter.returnPressed.connect(self._open_first)
        table.activated.connect(self._open_row)

    def _show(self, seq: int, rows: list[HouseholdRow]) -> None:
        if not alive(self) or seq != self._seq:
            return
        selected = self._selected()
        self._model.set_rows(rows)
        self._problem.setVisible(False)
        if not self._loaded_once:
            self._loaded_once = True
            self._size_columns()
        if selected is not None:
            self._select(selected)
        self._update_count()
        self.sig_loaded.emit()

    def _failed(self, seq: int, exc: BaseException) -> None:
        if not alive(self) or seq != self._seq:
            return
        self._problem.setText(
            message_for(
                exc,
                "The carer households could not be loaded. Try again; if it keeps happening, "
                "contact the service desk.",
            )
        )
        self._problem.setVisible(True)
        self._count.setText("")
        self.sig_loaded.emit()

    def _size_columns(self) -> None:
        metrics = self._table.fontMetrics()
        widths = {
            Column.NAME: metrics.horizontalAdvance("The Lewandowski household") + 24,
            Column.CARER_TYPE: metrics.horizontalAdvance("Foster carer (mainstream)") + 24,
            Column.APPROVAL: metrics.horizontalAdvance("Applicant (being assessed)") + 24,
            Column.WORKER: metrics.horizontalAdvance("Sandra Whitfield") + 24,
            Column.PLACED: metrics.horizontalAdvance("Children placed") + 16,
        }
        for column, width in widths.items():
            self._table.setColumnWidth(column, width)

    def _filtered(self, text: str) -> None:
        self._proxy.set_text(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self._proxy.rowCount(), self._model.rowCount()
        if shown == total:
            self._count.setText(f"{total} household{'' if total == 1 else 's'}")
        else:
            self._count.setText(f"Showing {shown} of {total}")

    def _selected(self) -> uuid.UUID | None:
        rows = self._table.selectionModel().selectedRows()
        return self.household_at(rows[0].row()).household_id if rows else None

    def _select(self, household_id: uuid.UUID) -> None:
        source = self._model.row_of(household_id)
        if source < 0:
            return
        index = self._proxy.mapFromSource(self._model.index(source, 0))
        if index.isValid():
            self._table.selectRow(index.row())

    def _open_row(self, index: QModelIndex | QPersistentModelIndex) -> None:
        self.sig_household_opened.emit(self.household_at(index.row()).household_id)

    def _open_first(self) -> None:
        """Enter in the filter box opens the only (or first) household shown."""
        if self._proxy.rowCount() > 0:
            self.sig_household_opened.emit(self.household_at(0).household_id)
