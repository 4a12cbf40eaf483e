"""The caseload table: children and carer households with their next statutory item.

``CaseloadModel`` holds the raw lines of ``app.dashboard.caseload`` (read on a worker thread)
and works out words, dates and tooltips only for the cells Qt asks for, i.e. the rows on
screen; ``CaseloadFilter`` narrows them by status, kind of item, legal status and kind of
subject.

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
from collections.abc import Callable
from datetime import date
from enum import IntEnum
from functools import cache as cache_words
from typing import Any, Literal, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QIcon

from app import codes
from app.dashboard import (
    AGE,
    APPROVAL,
    CARERS,
    ITEMS,
    KEY,
    KIND,
    LEGAL,
    NAME,
    NEXT_DUE,
    PLACE,
    RANK,
    URGENCY,
    Caseload,
    CaseloadLine,
    placement_label,
    status_label,
)
from app.deadlines import cache
from app.deadlines import rules as rule_table
from app.deadlines.engine import STATUS_WORDS, Status, is_action
from ui.views.common import status_icon, uk_date

Index = QModelIndex | QPersistentModelIndex
#: The invisible root: these are flat tables, so every row's parent.
_ROOT = QModelIndex()

#: Custom roles: the subject's id and whether it is a child or a household; and the words the
#: filters match (``CaseloadFilter``).
SUBJECT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
FILTER_ROLE = Qt.ItemDataRole.UserRole + 3

#: What the filters call every agreed action (each is an obligation of its own in the engine).
ACTIONS = "action"

#: Kinds of item, for the "Kind of item" filter: obligation name -> words.
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
    "initial_visit": "Carer assessments: initial visits",
    "assessment_stage1": "Carer assessments: stage 1",
    "assessment_stage2": "Carer assessments: stage 2",
    "fostering_panel": "Carer assessments: fostering panel",
    "agency_decision": "Carer assessments: agency decision",
    ACTIONS: "Agreed actions",
}


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


class _Context:
    """What turns a line's raw values into words, shared by every row of one load."""

    __slots__ = ("today", "soon", "today_iso", "soon_iso", "rules")

    def __init__(self, today: date, soon: date) -> None:
        self.today, self.soon = today, soon
        self.today_iso, self.soon_iso = today.isoformat(), soon.isoformat()
        #: rule ref -> (obligation, title)
        self.rules = {r.ref: (r.obligation, r.title) for r in rule_table.load().rules}

    def status(self, due: date, done: bool) -> Status:
        if done:
            return Status.DONE
        if due < self.today:
            return Status.OVERDUE
        return Status.DUE_SOON if due <= self.soon else Status.UPCOMING


class CaseloadRow:
    """One line of the table in words, made when asked for (``row_at``), never stored: the
    model keeps only raw lines (``app.dashboard.CaseloadLine``) and words only the rows that
    are painted. ``items`` holds (obligation, status) pairs for the filters."""

    __slots__ = ("_line", "_context")

    def __init__(self, line: CaseloadLine, context: _Context) -> None:
        self._line, self._context = line, context

    @property
    def kind(self) -> Literal["child", "household"]:
        return "child" if self._line[KIND] == "child" else "household"

    @property
    def key(self) -> str:
        return self._line[KEY]

    @property
    def subject_id(self) -> uuid.UUID:
        return uuid.UUID(hex=self._line[KEY])

    @property
    def name(self) -> str:
        return self._line[NAME]

    @property
    def age(self) -> int | None:
        return self._line[AGE]

    @property
    def legal_code(self) -> str | None:
        return self._line[LEGAL]

    @property
    def legal(self) -> str:
        return _legal_words(self._line)

    @property
    def where(self) -> str:
        return _where_words(self._line)

    @property
    def worst(self) -> Status:
        return URGENCY[self._line[RANK]]

    @property
    def status_text(self) -> str:
        return _status_words(self._line)

    @property
    def next_item(self) -> str:
        return _next_words(self._line, self._context)

    @property
    def next_due(self) -> date | None:
        return _due_date(self._line[NEXT_DUE])

    @property
    def due_text(self) -> str:
        return uk_date(self.next_due)

    @property
    def summary(self) -> str:
        return _summary(self._line, self._context)

    @property
    def items(self) -> frozenset[tuple[str, Status]]:
        return _pairs(self._line, self._context)


def _items(line: CaseloadLine, context: _Context) -> list[tuple[str, str, date, Status]]:
    """(obligation, title, due, status) of each item, most urgent first, as the engine gives
    them (an agreed action's obligation is its own: ``action:<id>``)."""
    out = []
    for ref, due, done, own_title in cache.unpack(line[ITEMS]):
        if own_title is not None:
            obligation, title = ref, own_title
        else:
            obligation, title = context.rules.get(ref, (ref, ref))
        out.append((obligation, title, due, context.status(due, done)))
    return out


def _pairs(line: CaseloadLine, context: _Context) -> frozenset[tuple[str, Status]]:
    return frozenset((obligation, status) for obligation, _, _, status in _items(line, context))


#: How many open items the tooltip lists before its open actions.
_TOOLTIP_ITEMS = 5


def _summary(line: CaseloadLine, context: _Context) -> str:
    """The tooltip: the first five open items in words, then every other open agreed action
    (actions are what a worker promised someone, so none is left out)."""
    live = [i for i in _items(line, context) if i[3] is not Status.DONE]
    shown = live[:_TOOLTIP_ITEMS] + [i for i in live[_TOOLTIP_ITEMS:] if is_action(i[0])]
    return (
        "; ".join(
            f"{title}: {STATUS_WORDS[status]} (due {uk_date(due)})"
            for _, title, due, status in shown
        )
        or "Nothing due"
    )


def _status_words(line: CaseloadLine) -> str:
    return STATUS_WORDS[URGENCY[line[RANK]]] if line[ITEMS] else "Nothing due"


def _next_words(line: CaseloadLine, context: _Context) -> str:
    """The title of the open item due first (the first open one: items come most urgent
    first, and open items' urgency follows their due dates)."""
    if line[NEXT_DUE] is None:
        return "Nothing due"
    for ref, _, done, own_title in cache.unpack(line[ITEMS]):
        if not done:
            return own_title if own_title is not None else context.rules.get(ref, (ref, ref))[1]
    return "Nothing due"


@cache_words
def _due_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _legal_words(line: CaseloadLine) -> str:
    if line[KIND] == "child":
        return _child_legal(line[LEGAL])
    return _label("approval_status", line[APPROVAL])


def _where_words(line: CaseloadLine) -> str:
    if line[KIND] == "child":
        where = _placement(line[PLACE], line[LEGAL])
        return where + (f" ({line[CARERS]})" if line[CARERS] else "")
    return _label("carer_type", line[PLACE])


@cache_words
def _child_legal(code: str | None) -> str:
    return status_label(code)


@cache_words
def _placement(place: str | None, status: str | None) -> str:
    return placement_label(place, status)


@cache_words
def _label(name: str, code: str | None) -> str:
    return codes.label(name, code) if code is not None else ""


_LATEST = "9999-12-31"  # sorts after every ISO due date


def _sort_key(column: int, context: _Context) -> Callable[[CaseloadLine], Any]:
    """Keys over raw lines; words are worked out only for the columns sorted by words."""

    def by_urgency(r: CaseloadLine) -> Any:
        return (r[RANK], r[NEXT_DUE] or _LATEST, r[NAME].casefold())

    keys: dict[int, Callable[[CaseloadLine], Any]] = {
        Column.STATUS: by_urgency,
        Column.NAME: lambda r: (r[NAME].casefold(), r[KIND]),
        Column.WHO: lambda r: (r[KIND], r[RANK], r[NEXT_DUE] or _LATEST),
        Column.AGE: lambda r: (r[AGE] is None, r[AGE] or 0, r[NAME].casefold()),
        Column.LEGAL: lambda r: (_legal_words(r).casefold(), r[NAME].casefold()),
        Column.NEXT: lambda r: (_next_words(r, context).casefold(), r[NEXT_DUE] or _LATEST),
        Column.DUE: lambda r: (r[NEXT_DUE] or _LATEST, r[RANK], r[NAME].casefold()),
        Column.WHERE: lambda r: (_where_words(r).casefold(), r[NAME].casefold()),
    }
    return keys.get(column, by_urgency)


class CaseloadModel(QAbstractTableModel):
    """Raw lines in memory, words worked out as cells are painted; no store access here
    (lines arrive from a worker thread's answer)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseloadLine] = []
        self._context = _Context(date.min, date.min)
        self._sort: tuple[int, Qt.SortOrder] = (Column.STATUS, Qt.SortOrder.AscendingOrder)
        self._bold = QFont()
        self._bold.setBold(True)
        self._icons: dict[Status, QIcon] = {}
        self._filter_words: dict[tuple[str, str], str] = {}

    # ---- Public API

    def set_caseload(self, caseload: Caseload) -> None:
        """Replace every row, keeping the current sort."""
        self.beginResetModel()
        self._context = _Context(caseload.today, caseload.soon)
        self._filter_words = {}
        self._rows = list(caseload.lines)
        column, order = self._sort
        self._rows.sort(
            key=_sort_key(column, self._context), reverse=order == Qt.SortOrder.DescendingOrder
        )
        self.endResetModel()

    def row_at(self, row: int) -> CaseloadRow:
        return CaseloadRow(self._rows[row], self._context)

    def row_of(self, subject: uuid.UUID) -> int:
        """The row showing ``subject``, or -1."""
        key = subject.hex
        return next((n for n, line in enumerate(self._rows) if line[KEY] == key), -1)

    @property
    def lines(self) -> list[CaseloadLine]:
        return list(self._rows)

    # ---- Qt methods

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(line, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS:
            return self._icon(URGENCY[line[RANK]]) if line[ITEMS] else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _summary(line, self._context)
        if role == Qt.ItemDataRole.FontRole and column == Column.STATUS:
            return self._bold if line[RANK] == 0 else None
        if role == SUBJECT_ROLE:
            return uuid.UUID(hex=line[KEY])
        if role == KIND_ROLE:
            return line[KIND]
        if role == FILTER_ROLE:
            return self._words_for_filter(line)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the row list by a key over raw values, moving persistent indexes (selection,
        current row) with their rows."""
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_rows = [self._rows[i.row()] for i in old_persistent]
        self._rows.sort(
            key=_sort_key(column, self._context), reverse=order == Qt.SortOrder.DescendingOrder
        )
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

    def _text(self, line: CaseloadLine, column: int) -> str:
        match column:
            case Column.STATUS:
                return _status_words(line)
            case Column.NAME:
                return line[NAME]
            case Column.WHO:
                return "Child" if line[KIND] == "child" else "Carers"
            case Column.AGE:
                return "" if line[AGE] is None else str(line[AGE])
            case Column.LEGAL:
                return _legal_words(line)
            case Column.NEXT:
                return _next_words(line, self._context)
            case Column.DUE:
                return uk_date(_due_date(line[NEXT_DUE]))
            case Column.WHERE:
                return _where_words(line)
        return ""

    def _icon(self, status: Status) -> QIcon:
        icon = self._icons.get(status)
        if icon is None:
            icon = self._icons[status] = status_icon(status)
        return icon

    def _words_for_filter(self, line: CaseloadLine) -> str:
        """What the filters match: the kind, the legal status and each item's status and
        obligation, e.g. ";kind=child;legal=C2;overdue:child_visit;done:care_plan;". Worked
        out from the packed text (dates compared as ISO text), once per load."""
        key = (line[KIND], line[KEY])
        words = self._filter_words.get(key)
        if words is None:
            words = self._filter_words[key] = _filter_words(line, self._context)
        return words


def _filter_words(line: CaseloadLine, context: _Context) -> str:
    today, soon, rules = context.today_iso, context.soon_iso, context.rules
    out = [f";kind={line[KIND]};legal={line[LEGAL] or ''};"]
    for part in line[ITEMS].split(";") if line[ITEMS] else ():
        # An action's own title may follow its ref, due date and done flag.
        fields = part.split(" ", 3)
        ref, due, done = fields[0], fields[1], fields[2]
        if done == "1":
            status = "done"
        elif due < today:
            status = "overdue"
        else:
            status = "due_soon" if due <= soon else "upcoming"
        obligation = rules[ref][0] if ref in rules else ACTIONS if is_action(ref) else ref
        out.append(f"{status}:{obligation};")
    return "".join(out)


class CaseloadFilter(QSortFilterProxyModel):
    """Filters by status, kind of item, legal status and kind of subject.

    Status and kind of item combine on the same item: "Overdue" + "Statutory visits" shows
    everyone with an *overdue visit*, not everyone with something overdue and a visit due.

    The matching is Qt's own (a pattern over ``FILTER_ROLE``), not a Python
    ``filterAcceptsRow``: with no filter set Qt accepts every row without a call into Python,
    which for 9,000 rows was most of the time it took to show the table.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)

    # ---- Public API

    def set_filters(
        self,
        *,
        status: Status | None = None,
        obligation: str | None = None,
        legal_status: str | None = None,
        kind: str | None = None,
    ) -> None:
        wanted = []
        if kind is not None:
            wanted.append(f";kind={kind};")
        if legal_status is not None:
            wanted.append(f";legal={legal_status};")
        if status is not None and obligation is not None:
            wanted.append(f";{status.value}:{obligation};")
        elif status is not None:
            wanted.append(f";{status.value}:")
        elif obligation is not None:
            wanted.append(f":{obligation};")
        pattern = "".join(f"(?=.*{QRegularExpression.escape(w)})" for w in wanted)
        self.setFilterRegularExpression(QRegularExpression(f"^{pattern}" if pattern else ""))

    def row_at(self, proxy_row: int) -> CaseloadRow:
        source = self.mapToSource(self.index(proxy_row, 0)).row()
        return self._source().row_at(source)

    # ---- Qt methods

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source().sort(column, order)

    # ---- Private API

    def _source(self) -> CaseloadModel:
        return cast(CaseloadModel, self.sourceModel())


def measure_model(caseload: Caseload, *, runs: int = 7) -> dict[str, float]:
    """Seconds (median of ``runs``) from rows to a populated, sorted, filtered model: building
    the model and proxy, loading the rows, sorting by name and back by urgency, and applying a
    status filter. Needs a ``QApplication``; the caseload comes from ``app.dashboard.caseload``
    (see bench/ui.py)."""
    load: list[float] = []
    resort: list[float] = []
    refilter: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        model = CaseloadModel()
        proxy = CaseloadFilter()
        proxy.setSourceModel(model)
        model.set_caseload(caseload)
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
