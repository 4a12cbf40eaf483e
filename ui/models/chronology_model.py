"""The case view's tables: a child's chronology (filterable by kind) and small read-only
tables for legal status history, placements and actions.

The rows are ``app.chronology`` values loaded on a worker thread; these models only present
them. Filtering by kind happens here rather than in a proxy because it is one list comprehension
over a few hundred entries and keeps the row the view reports the row the model holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.chronology import Entry, filter_kinds
from ui.views.common import uk_date

Index = QModelIndex | QPersistentModelIndex
#: The invisible root: these are flat tables, so every row's parent.
_ROOT = QModelIndex()

#: The entry's ``Entry`` object, for the view to open the record behind a row.
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(IntEnum):
    DATE = 0
    KIND = 1
    WHAT = 2
    SUMMARY = 3
    STATUS = 4
    BY = 5


HEADERS = ("Date", "Kind", "What", "Summary", "Status", "Recorded by")


class ChronologyModel(QAbstractTableModel):
    """Entries newest first, as ``app.chronology`` orders them; ``set_kinds`` narrows them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: tuple[Entry, ...] = ()
        self._shown: tuple[Entry, ...] = ()
        self._kinds: set[str] | None = None

    # ---- Public API

    def set_entries(self, entries: Sequence[Entry]) -> None:
        self.beginResetModel()
        self._all = tuple(entries)
        self._shown = filter_kinds(self._all, self._kinds)
        self.endResetModel()

    def set_kinds(self, kinds: set[str] | None) -> None:
        """Show only these kinds (None: everything)."""
        self.beginResetModel()
        self._kinds = kinds
        self._shown = filter_kinds(self._all, kinds)
        self.endResetModel()

    def entry_at(self, row: int) -> Entry:
        return self._shown[row]

    # ---- Qt methods

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._shown[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            match index.column():
                case Column.DATE:
                    return uk_date(entry.on)
                case Column.KIND:
                    return entry.kind_word
                case Column.WHAT:
                    return entry.title
                case Column.SUMMARY:
                    return entry.summary
                case Column.STATUS:
                    return entry.status
                case Column.BY:
                    return entry.author
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == Column.SUMMARY:
            return entry.summary or None
        if role == ENTRY_ROLE:
            return entry
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


class RowsModel(QAbstractTableModel):
    """A read-only table of already-worded cells: legal statuses, placements, actions."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[tuple[str, ...]] = []
        self._strong: set[int] = set()

    def set_rows(self, rows: Sequence[tuple[str, ...]], *, strong: set[int] | None = None) -> None:
        """``strong`` rows (e.g. the current placement, an overdue action) are shown in bold,
        in addition to whatever their words already say."""
        self.beginResetModel()
        self._rows = list(rows)
        self._strong = strong or set()
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.FontRole and index.row() in self._strong:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None
