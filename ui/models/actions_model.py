"""A subject's agreed actions as a table: what, who, by when, and whether done.

Rows are Qt-free values read on a worker thread (``app.chronology.ActionItem`` on a child's
case, ``app.services.actions.ActionView`` elsewhere: anything with the fields of ``ActionRow``);
the model only presents them, and gives the view the id behind a row so "Mark done" knows
which action it is about. State is always in words ("Overdue", "Done 03 Nov 2026"), never by
colour alone; overdue rows are also bold.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from ui.models.table import Index, RowsTableModel
from ui.views.common import uk_date

#: The action's id, for the view to act on the row.
ACTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ActionRow(Protocol):
    @property
    def action_id(self) -> uuid.UUID: ...
    @property
    def description(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def due(self) -> date | None: ...
    @property
    def completed(self) -> date | None: ...
    @property
    def overdue(self) -> bool: ...
    @property
    def completion_note(self) -> str: ...


class Column(IntEnum):
    ACTION = 0
    OWNER = 1
    DUE = 2
    STATE = 3


HEADERS = ("Action", "Owner", "Due", "State")


def state_words(row: ActionRow) -> str:
    """ "Done 03 Nov 2026", with the note of what was done after it (the column is the last,
    so a long note runs on and its whole text is the cell's tooltip)."""
    if row.completed is not None:
        note = " ".join(row.completion_note.split())
        return f"Done {uk_date(row.completed)}" + (f": {note}" if note else "")
    return "Overdue" if row.overdue else "Open"


class ActionsModel(RowsTableModel[ActionRow]):
    """Open actions first (as the rows arrive), each row one action."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)

    # ---- Public API

    HEADERS = HEADERS

    def set_actions(self, rows: Sequence[ActionRow]) -> None:
        self._replace_rows(rows)

    def action_at(self, row: int) -> ActionRow:
        return self._rows[row]

    def row_of(self, action_id: uuid.UUID) -> int:
        return next((n for n, r in enumerate(self._rows) if r.action_id == action_id), -1)

    @property
    def open_count(self) -> int:
        return sum(1 for r in self._rows if r.completed is None)

    # ---- Qt methods

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            match index.column():
                case Column.ACTION:
                    return " ".join(row.description.split())
                case Column.OWNER:
                    return row.owner
                case Column.DUE:
                    return uk_date(row.due, "No date set")
                case Column.STATE:
                    return state_words(row)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == Column.ACTION:
            return row.description
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == Column.STATE:
            return row.completion_note or None
        if role == Qt.ItemDataRole.FontRole and row.overdue:
            return self._bold
        if role == ACTION_ID_ROLE:
            return row.action_id
        return None
