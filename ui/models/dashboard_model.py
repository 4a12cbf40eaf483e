"""The caseload table: children and carer households with their next statutory item.

``CaseloadModel`` holds plain rows made from ``app.dashboard`` (worked out on a worker thread);
``CaseloadFilter`` narrows them by status, kind of item, legal status and kind of subject.

Why sorting lives in the source model, not the proxy: ``QSortFilterProxyModel`` sorts by calling
``data()`` twice per comparison, which for a Python model is some 130,000 calls into Python for
5,000 rows. Sorting the row list with a precomputed key is one C-speed ``list.sort``; the proxy
then only filters and keeps the source's order. The header's sort indicator still works, because
the proxy's ``sort()`` forwards to the source.

Status is always given in words with a shape-coded icon (``ui.views.common.status_icon``), never
by colour alone.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any, Literal, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

from app.dashboard import URGENCY, Dashboard, DashboardRow, HouseholdRow
from app.deadlines.engine import STATUS_WORDS, Status
from ui.views.common import status_icon, uk_date

Index = QModelIndex | QPersistentModelIndex
#: The invisible root: these are flat tables, so every row's parent.
_ROOT = QModelIndex()

#: Custom roles: the subject's id and whether it is a child or a household.
SUBJECT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2

#: Kinds of statutory item, for the "Kind of item" filter: obligation name -> words.
OBLIGATIONS: dict[str, str] = {
    "child_visit": "Statutory visits",
    "child_review": "Looked-after reviews",
    "adoption_review": "Adoption reviews",
    "care_plan": "Care plans",
    "placement_plan": "Placement plans",
    "sgo_support_review": "Special guardianship support reviews",
    "carer_review": "Carer reviews",
    "unannounced_visit": "Unannounced visits to carers",
    "tsd": "Training (TSD standards)",
    "temporary_approval_expiry": "Temporary approval deadlines",
}

_RANK = {status: rank for rank, status in enumerate(URGENCY)}


class Column(IntEnum):
    STATUS = 0
    NAME = 1
    WHO = 2
    AGE = 3
    LEGAL = 4
    NEXT = 5
    DUE = 6
    WHERE = 7


HEADERS = {
    Column.STATUS: "Status",
    Column.NAME: "Name",
    Column.WHO: "Who",
    Column.AGE: "Age",
    Column.LEGAL: "Legal status or approval",
    Column.NEXT: "Next item",
    Column.DUE: "Due",
    Column.WHERE: "Placement or carers",
}


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One line of the table, display text worked out once (rows repaint far more often than
    they change). ``items`` holds (obligation, status) pairs for the filters."""

    kind: Literal["child", "household"]
    subject_id: uuid.UUID
    name: str
    age: int | None
    legal_code: str | None
    legal: str
    where: str
    worst: Status
    status_text: str
    next_item: str
    next_due: date | None
    due_text: str
    summary: str
    items: frozenset[tuple[str, Status]]

    @classmethod
    def from_child(cls, row: DashboardRow) -> CaseloadRow:
        nxt = row.next_item
        where = row.placement + (f" ({row.carers})" if row.carers else "")
        return cls(
            "child",
            row.child_id,
            row.name,
            row.age,
            row.legal_status_code,
            row.legal_status,
            where,
            row.worst,
            STATUS_WORDS[row.worst] if nxt or row.items else "Nothing due",
            nxt.title if nxt else "Nothing due",
            row.next_due,
            uk_date(row.next_due),
            row.summary(limit=5),
            frozenset((i.obligation, i.status) for i in row.items),
        )

    @classmethod
    def from_household(cls, row: HouseholdRow) -> CaseloadRow:
        live = row.open_items
        nxt = min(live, key=lambda i: i.due) if live else None
        summary = "; ".join(
            f"{i.title}: {STATUS_WORDS[i.status]} (due {uk_date(i.due)})" for i in live[:5]
        )
        return cls(
            "household",
            row.household_id,
            row.name,
            None,
            None,
            row.approval_status,
            row.carer_type,
            row.worst,
            STATUS_WORDS[row.worst] if row.items else "Nothing due",
            nxt.title if nxt else "Nothing due",
            row.next_due,
            uk_date(row.next_due),
            summary or "Nothing due",
            frozenset((i.obligation, i.status) for i in row.items),
        )


def caseload_rows(dashboard: Dashboard) -> list[CaseloadRow]:
    """Children first then households, each in the dashboard's most-urgent-first order."""
    return [CaseloadRow.from_child(r) for r in dashboard.children] + [
        CaseloadRow.from_household(h) for h in dashboard.households
    ]


def _sort_key(column: int) -> Callable[[CaseloadRow], Any]:
    def by_urgency(r: CaseloadRow) -> Any:
        return (_RANK[r.worst], r.next_due or date.max, r.name.casefold())

    keys: dict[int, Callable[[CaseloadRow], Any]] = {
        Column.STATUS: by_urgency,
        Column.NAME: lambda r: (r.name.casefold(), r.kind),
        Column.WHO: lambda r: (r.kind, _RANK[r.worst], r.next_due or date.max),
        Column.AGE: lambda r: (r.age is None, r.age or 0, r.name.casefold()),
        Column.LEGAL: lambda r: (r.legal.casefold(), r.name.casefold()),
        Column.NEXT: lambda r: (r.next_item.casefold(), r.next_due or date.max),
        Column.DUE: lambda r: (r.next_due or date.max, _RANK[r.worst], r.name.casefold()),
        Column.WHERE: lambda r: (r.where.casefold(), r.name.casefold()),
    }
    return keys.get(column, by_urgency)


class CaseloadModel(QAbstractTableModel):
    """Rows in memory; no store access here (rows arrive from a worker thread's answer)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseloadRow] = []
        self._sort: tuple[int, Qt.SortOrder] = (Column.STATUS, Qt.SortOrder.AscendingOrder)
        self._bold = QFont()
        self._bold.setBold(True)

    # ---- Public API

    def set_rows(self, rows: Sequence[CaseloadRow]) -> None:
        """Replace every row, keeping the current sort."""
        self.beginResetModel()
        self._rows = list(rows)
        column, order = self._sort
        self._rows.sort(key=_sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def row_at(self, row: int) -> CaseloadRow:
        return self._rows[row]

    @property
    def rows(self) -> list[CaseloadRow]:
        return list(self._rows)

    # ---- Qt methods

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS:
            return status_icon(row.worst) if row.items else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.summary
        if role == Qt.ItemDataRole.FontRole and column == Column.STATUS:
            return self._bold if row.worst is Status.OVERDUE else None
        if role == SUBJECT_ROLE:
            return row.subject_id
        if role == KIND_ROLE:
            return row.kind
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the row list by a precomputed key, moving persistent indexes (selection,
        current row) with their rows."""
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_rows = [self._rows[i.row()] for i in old_persistent]
        self._rows.sort(key=_sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        if old_persistent:
            where = {id(r): n for n, r in enumerate(self._rows)}
            self.changePersistentIndexList(
                old_persistent,
                [
                    self.index(where[id(r)], i.column())
                    for r, i in zip(old_rows, old_persistent, strict=True)
                ],
            )
        self.layoutChanged.emit()

    # ---- Private API

    @staticmethod
    def _text(row: CaseloadRow, column: int) -> str:
        match column:
            case Column.STATUS:
                return row.status_text
            case Column.NAME:
                return row.name
            case Column.WHO:
                return "Child" if row.kind == "child" else "Carers"
            case Column.AGE:
                return "" if row.age is None else str(row.age)
            case Column.LEGAL:
                return row.legal
            case Column.NEXT:
                return row.next_item
            case Column.DUE:
                return row.due_text
            case Column.WHERE:
                return row.where
        return ""


class CaseloadFilter(QSortFilterProxyModel):
    """Filters by status, kind of item, legal status and kind of subject.

    Status and kind of item combine on the same item: "Overdue" + "Statutory visits" shows
    everyone with an *overdue visit*, not everyone with something overdue and a visit due.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._status: Status | None = None
        self._obligation: str | None = None
        self._legal: str | None = None
        self._kind: str | None = None

    # ---- Public API

    def set_filters(
        self,
        *,
        status: Status | None = None,
        obligation: str | None = None,
        legal_status: str | None = None,
        kind: str | None = None,
    ) -> None:
        self.beginFilterChange()
        self._status, self._obligation = status, obligation
        self._legal, self._kind = legal_status, kind
        self.endFilterChange()

    def row_at(self, proxy_row: int) -> CaseloadRow:
        source = self.mapToSource(self.index(proxy_row, 0)).row()
        return self._source().row_at(source)

    # ---- Qt methods

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        row = self._source().row_at(source_row)
        if self._kind is not None and row.kind != self._kind:
            return False
        if self._legal is not None and row.legal_code != self._legal:
            return False
        if self._status is None and self._obligation is None:
            return True
        if self._status is Status.DONE and self._obligation is None and not row.items:
            return False
        return any(
            (self._obligation is None or obligation == self._obligation)
            and (self._status is None or status is self._status)
            for obligation, status in row.items
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source().sort(column, order)

    # ---- Private API

    def _source(self) -> CaseloadModel:
        return cast(CaseloadModel, self.sourceModel())


def measure_model(rows: Sequence[CaseloadRow], *, runs: int = 7) -> dict[str, float]:
    """Seconds (median of ``runs``) from rows to a populated, sorted, filtered model: building
    the model and proxy, loading the rows, sorting by name and back by urgency, and applying a
    status filter. Needs a ``QApplication``; rows come from ``caseload_rows`` (see bench/ui.py)."""
    load: list[float] = []
    resort: list[float] = []
    refilter: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        model = CaseloadModel()
        proxy = CaseloadFilter()
        proxy.setSourceModel(model)
        model.set_rows(rows)
        proxy.rowCount()
        middle = time.perf_counter()
        proxy.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
        proxy.sort(Column.STATUS, Qt.SortOrder.AscendingOrder)
        proxy.rowCount()
        sorted_at = time.perf_counter()
        proxy.set_filters(status=Status.OVERDUE)
        proxy.rowCount()
        end = time.perf_counter()
        load.append(middle - start)
        resort.append((sorted_at - middle) / 2)
        refilter.append(end - sorted_at)
    return {
        "load": statistics.median(load),
        "sort": statistics.median(resort),
        "filter": statistics.median(refilter),
    }
