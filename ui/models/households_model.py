"""The carer households table: each household with its kind of carer, approval, supervising
worker, children placed and the next thing due, most urgent first.

The rows are ``app.households.HouseholdRow`` values loaded on a worker thread; this model only
presents them. ``HouseholdsFilter`` narrows them by typed text and sorts by any column, the
"Next due" column sorting by urgency (overdue, due soon, upcoming, nothing due) then date, as
the list first opens.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from app.deadlines.engine import STATUS_WORDS, Status
from app.households import HouseholdRow
from ui.models.table import Index, RowsTableModel
from ui.views.common import STATUS_COLOURS, status_icon, uk_date

#: The row's ``HouseholdRow``, for the view to open the household behind a row.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: A value that sorts the column the way a worker expects (numbers as numbers, urgency first).
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    NAME = 0
    CARER_TYPE = 1
    APPROVAL = 2
    WORKER = 3
    PLACED = 4
    NEXT_DUE = 5


HEADERS = (
    "Household",
    "Kind of carer",
    "Approval",
    "Supervising worker",
    "Children placed",
    "Next due",
)


class HouseholdsModel(RowsTableModel[HouseholdRow]):
    """Households in the order ``app.households.list_households`` gives them."""

    HEADERS = HEADERS

    # ---- Public API

    def set_rows(self, rows: Sequence[HouseholdRow]) -> None:
        self._replace_rows(rows)

    def row_at(self, row: int) -> HouseholdRow:
        return self._rows[row]

    def row_of(self, household_id: uuid.UUID) -> int:
        """The row of a household, or -1 when it is not listed."""
        return next((n for n, r in enumerate(self._rows) if r.household_id == household_id), -1)

    # ---- Qt methods

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _text(row, column)
        if role == SORT_ROLE:
            return _sort_value(row, column)
        if role == ROW_ROLE:
            return row
        if column == Column.NEXT_DUE and row.next_item is not None:
            if role == Qt.ItemDataRole.DecorationRole:
                return status_icon(row.worst)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(STATUS_COLOURS[row.worst])
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(_item_line(i) for i in row.items)
        return None


class HouseholdsFilter(QSortFilterProxyModel):
    """Rows whose name, kind of carer, approval, worker or due item contain the typed text
    (any case); sorted by ``SORT_ROLE``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.setSortRole(SORT_ROLE)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self._text:
            return True
        model = self.sourceModel()
        assert isinstance(model, HouseholdsModel)
        row = model.row_at(source_row)
        haystack = " ".join(
            (
                row.name,
                row.carer_type,
                row.approval_status,
                row.supervising_worker,
                row.next_words,
            )
        ).casefold()
        return all(word in haystack for word in self._text.split())

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        return bool(a < b)


def _text(row: HouseholdRow, column: int) -> str:
    match column:
        case Column.NAME:
            return row.name
        case Column.CARER_TYPE:
            return row.carer_type
        case Column.APPROVAL:
            return row.approval_status
        case Column.WORKER:
            return row.supervising_worker
        case Column.PLACED:
            return str(row.children_placed)
        case Column.NEXT_DUE:
            return row.next_words
    return ""


def _sort_value(row: HouseholdRow, column: int) -> Any:
    if column == Column.PLACED:
        return (row.children_placed, row.name.casefold())
    if column == Column.NEXT_DUE:
        return row.sort_key
    return (_text(row, column).casefold(), row.name.casefold())


def _item_line(item: Any) -> str:
    words = STATUS_WORDS[item.status]
    if item.status is Status.DONE:
        return f"{item.title}: {words}"
    return f"{item.title}: {words} (due {uk_date(item.due)})"
