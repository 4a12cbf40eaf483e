"""The conflicts dialog's list: one row per record with fields waiting for a decision.

Rows are ``app.services.conflicts.RecordConflict`` values loaded on a worker thread; this model
only presents them.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.services.conflicts import RecordConflict
from ui.views.common import local_time, uk_date

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class Column(IntEnum):
    RECORD = 0
    FIELDS = 1
    DETECTED = 2


HEADERS = ("Record", "Fields to decide", "Found")


def when(moment: Any) -> str:
    """A stored UTC instant as "03 Nov 2026 14:03" on the laptop's clock."""
    if moment is None:
        return ""
    return f"{uk_date(moment.astimezone().date())} {local_time(moment)}"


class ConflictsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[RecordConflict, ...] = ()

    # ---- Public API

    def set_conflicts(self, rows: Sequence[RecordConflict]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def conflict_at(self, row: int) -> RecordConflict:
        return self._rows[row]

    # ---- Qt methods

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        conflict = self._rows[index.row()]
        column = Column(index.column())
        if column is Column.RECORD:
            return conflict.title
        if column is Column.FIELDS:
            return ", ".join(f.label for f in conflict.fields)
        return when(conflict.detected_at)
