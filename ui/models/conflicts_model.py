"""The conflicts dialog's list: one row per record with fields waiting for a decision.

Rows are ``app.services.conflicts.RecordConflict`` values loaded on a worker thread; this model
only presents them.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from app.services.conflicts import RecordConflict
from ui.models.table import Index, RowsTableModel
from ui.views.common import local_time, uk_date


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


class ConflictsModel(RowsTableModel[RecordConflict]):
    HEADERS = HEADERS

    # ---- Public API

    def set_conflicts(self, rows: Sequence[RecordConflict]) -> None:
        self._replace_rows(rows)

    def conflict_at(self, row: int) -> RecordConflict:
        return self._rows[row]

    # ---- Qt methods

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
