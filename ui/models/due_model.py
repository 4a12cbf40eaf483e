"""A child's (or household's) due items as a table: what, by when, its status, when it was
last done, and the regulation that sets it.

Rows are the deadline engine's ``DueItem`` values, read on a worker thread with the rest of the
case (``app.chronology.open_case``); the model only presents them, in the engine's order (most
urgent first). Status is always in words, never by colour alone; overdue rows are also bold. A
rule whose figures are not confirmed in legislation says so beside its regulation, so nobody
takes a local default for the law.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from app.deadlines.engine import STATUS_WORDS, DueItem, Status, is_action
from ui.models.table import Index, RowsTableModel
from ui.views.common import uk_date


class Column(IntEnum):
    WHAT = 0
    DUE = 1
    STATUS = 2
    LAST_DONE = 3
    REGULATION = 4


HEADERS = ("What", "Due", "Status", "Last done", "Regulation")

#: Beside the regulation of a rule whose figures are a local default (DOMAIN.md "UNVERIFIED").
UNVERIFIED_WORDS = "(to be confirmed locally)"


def regulation_words(item: DueItem) -> str:
    """The regulation as the table shows it; an action says it was agreed, not required."""
    if item.unverified and not is_action(item.rule_ref):
        return f"{item.regulation} {UNVERIFIED_WORDS}"
    return item.regulation


def last_done_words(item: DueItem) -> str:
    if is_action(item.rule_ref):
        return "Not done yet"
    return uk_date(item.last_done, "Never")


class DueModel(RowsTableModel[DueItem]):
    """One row per due item, most urgent first (as the rows arrive)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)

    # ---- Public API

    HEADERS = HEADERS

    def set_items(self, items: Sequence[DueItem]) -> None:
        self._replace_rows(items)

    def item_at(self, row: int) -> DueItem:
        return self._rows[row]

    @property
    def overdue_count(self) -> int:
        return sum(1 for i in self._rows if i.status is Status.OVERDUE)

    # ---- Qt methods

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            match index.column():
                case Column.WHAT:
                    return item.title
                case Column.DUE:
                    return uk_date(item.due)
                case Column.STATUS:
                    return STATUS_WORDS[item.status]
                case Column.LAST_DONE:
                    return last_done_words(item)
                case Column.REGULATION:
                    return regulation_words(item)
            return None
        wide = index.column() in (Column.WHAT, Column.REGULATION)
        if role == Qt.ItemDataRole.ToolTipRole and wide:
            return f"{item.title}\n{regulation_words(item)}"
        if role == Qt.ItemDataRole.FontRole and item.status is Status.OVERDUE:
            return self._bold
        return None
