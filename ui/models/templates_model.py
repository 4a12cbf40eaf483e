"""The forms a new assessment can be started with: one row per template (its newest version).

Rows are ``FormTemplate`` values read on a worker thread; this model only presents them. The
description is offered as the row's tooltip and accessible description, so a screen reader
hears what a form is for as it moves down the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.forms.template import FormTemplate

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class TemplatesModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[FormTemplate, ...] = ()

    # ---- Public API

    def set_templates(self, templates: Sequence[FormTemplate]) -> None:
        self.beginResetModel()
        self._rows = tuple(templates)
        self.endResetModel()

    def template_at(self, row: int) -> FormTemplate:
        return self._rows[row]

    # ---- Qt methods

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        template = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return template.title
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return template.description or None
        return None
