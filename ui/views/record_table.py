"""The read-only table a page lists records in (a case's chronology, a household's visits, the
carer households): whole rows selected, one at a time, Enter opens, Tab leaves the table.

One function so every list of records behaves the same under the keyboard and a screen reader.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView


def record_table(name: str, model: QAbstractItemModel) -> QTableView:
    """A table of ``model``'s rows that a screen reader calls ``name``."""
    table = QTableView()
    table.setModel(model)
    behave_as_record_list(table, name)
    return table


def behave_as_record_list(table: QTableView, name: str) -> None:
    """The list behaviour on a table made elsewhere (a ``QTableWidget`` filled cell by cell)."""
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setHighlightSections(False)


def fit_columns(table: QTableView) -> None:
    """Columns as wide as their words (up to a readable limit); the last, the longest text,
    takes the rest of the width. The tables hold tens of rows, so measuring them is cheap."""
    table.resizeColumnsToContents()
    limit = table.fontMetrics().averageCharWidth() * 64
    model = table.model()
    for column in range(model.columnCount() - 1):
        table.setColumnWidth(column, min(table.columnWidth(column), limit))
