"""The Carer register page: every approved household's terms, children placed now and free
places, from the service, for matching a child to carers.

The service works the register out from its records (``GET /v1/register``); the page fetches
it on a worker thread and keeps the last answer in the encrypted store, so offline it shows
that one, marked as of when the service worked it out. The search (a child's age, the kind of
fostering, only households with a free place) runs on the laptop over the whole register, by
the service's own test, so it works offline too. The page only reads: a household's terms
change on its own record, and the register follows at the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import codes
from app.settings import Settings
from app.store import Store
from sync import register
from sync.protocol.register import RegisterEntry, matches
from ui.views.fetched_page import FetchedPage, when
from ui.views.record_table import record_table

__all__ = ["CarerRegisterView", "RegisterModel"]

COLUMNS = (
    "Household",
    "Approved for",
    "Ages",
    "Places",
    "Placed now (ages)",
    "Free places",
    "Supervising worker",
    "Terms of approval",
)
FREE = COLUMNS.index("Free places")
ANY_AGE = -1

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()


class RegisterModel(QAbstractTableModel):
    """The register's households as rows (read-only); ``UserRole`` holds the entry."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[RegisterEntry] = []

    def set_entries(self, entries: list[RegisterEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> RegisterEntry:
        return self._entries[row]

    def rowCount(self, parent: Index = NO_PARENT) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = NO_PARENT) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 (Qt's name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return entry
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, FREE):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole and column == len(COLUMNS) - 1:
            return entry.approval_terms or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return _cells(entry)[column]


class _Search(QSortFilterProxyModel):
    """The rows a search keeps, by ``sync.protocol.register.matches``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.age: int | None = None
        self.approval_type: str | None = None
        self.vacant_only = False

    def search(self, age: int | None, approval_type: str | None, vacant_only: bool) -> None:
        self.beginFilterChange()
        self.age, self.approval_type, self.vacant_only = age, approval_type, vacant_only
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, RegisterModel)
        return matches(
            model.entry(source_row),
            age=self.age,
            approval_type=self.approval_type,
            vacant_only=self.vacant_only,
        )


class CarerRegisterView(FetchedPage):
    TITLE = "Carer register"
    ASKING_FOR = "the carer register"
    NONE_OF = "carer register"
    UNREADABLE = "The carer register"

    def __init__(self, store: Store, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(store, settings, parent)
        self._model = RegisterModel(self)
        self._search = _Search(self)
        self._search.setSourceModel(self._model)
        self._loaded = False
        self._build()
        self.refresh()

    # ---- Public API

    @property
    def loaded(self) -> bool:
        """A register (live or kept) has been shown, or the page said why there is none."""
        return self._loaded

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def age_box(self) -> QSpinBox:
        return self._age

    @property
    def type_box(self) -> QComboBox:
        return self._type

    @property
    def vacant_box(self) -> QCheckBox:
        return self._vacant

    def shown(self) -> list[RegisterEntry]:
        """The households the search keeps, top first."""
        return [
            self._search.index(row, 0).data(Qt.ItemDataRole.UserRole)
            for row in range(self._search.rowCount())
        ]

    def cell(self, row: int, column: str) -> str:
        return str(self._search.index(row, COLUMNS.index(column)).data() or "")

    def search(
        self, age: int | None = None, approval_type: str | None = None, vacant_only: bool = False
    ) -> None:
        """Set the search boxes (as a worker would) to a child's age and kind of fostering."""
        self._age.setValue(ANY_AGE if age is None else age)
        self._type.setCurrentIndex(max(0, self._type.findData(approval_type)))
        self._vacant.setChecked(vacant_only)

    # ---- Private API

    def _fetch(self, store: Store, settings: Settings) -> Callable[[], register.RegisterAnswer]:
        return lambda: register.fetch(store, settings)

    def _build(self) -> None:
        top = self._header()
        self._status.setObjectName("RegisterAsOf")

        self._age = QSpinBox()
        self._age.setRange(ANY_AGE, 17)
        self._age.setSpecialValueText("Any age")
        self._age.setValue(ANY_AGE)
        self._age.setAccessibleName("Child's age in years")
        self._age.valueChanged.connect(lambda _v: self._searched())
        age_label = QLabel("Child's &age:")
        age_label.setBuddy(self._age)

        self._type = QComboBox()
        self._type.setAccessibleName("Kind of fostering needed")
        self._type.addItem("Any kind", None)
        for code in codes.code_list("fostering_approval_type").values():
            self._type.addItem(code.label, code.code)
        self._type.currentIndexChanged.connect(lambda _i: self._searched())
        type_label = QLabel("&Kind of fostering:")
        type_label.setBuddy(self._type)

        self._vacant = QCheckBox("&Only with a free place")
        self._vacant.toggled.connect(lambda _on: self._searched())
        self._count = QLabel("")
        self._count.setAccessibleName("Households found")
        self._count.setMinimumWidth(self.fontMetrics().horizontalAdvance("000 of 000 households"))
        self._count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        bar = QHBoxLayout()
        bar.addWidget(age_label)
        bar.addWidget(self._age)
        bar.addSpacing(12)
        bar.addWidget(type_label)
        bar.addWidget(self._type, 1)
        bar.addSpacing(12)
        bar.addWidget(self._vacant)
        bar.addStretch(1)
        bar.addWidget(self._count)

        self._table = record_table("Approved carer households", self._search)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._status)
        layout.addLayout(bar)
        layout.addWidget(self._table, 1)

    def _shown(self, answer: register.RegisterAnswer) -> None:
        self._model.set_entries(answer.register.entries)
        as_of = when(answer.register.as_of)
        self._say_where_from(
            answer.live,
            f"The register from the service, as of {as_of}.",
            f"this is the register as of {as_of}, the last one the service sent.",
            answer.reason,
        )
        self._table.resizeColumnsToContents()
        self._searched()
        self._loaded = True

    def _failed(self, seq: int, exc: BaseException) -> None:
        super()._failed(seq, exc)
        self._loaded = True

    def _searched(self) -> None:
        age = self._age.value()
        self._search.search(
            None if age == ANY_AGE else age, self._type.currentData(), self._vacant.isChecked()
        )
        found, total = self._search.rowCount(), self._model.rowCount()
        self._count.setText(f"{found} of {total} households")


def _cells(entry: RegisterEntry) -> tuple[str, ...]:
    low, high = entry.age_range_min, entry.age_range_max
    if low is None and high is None:
        ages = "Any"
    else:
        ages = f"{low if low is not None else 0} to {high if high is not None else 17}"
    kind = entry.approval_type and codes.label("fostering_approval_type", entry.approval_type)
    placed = ", ".join("?" if age is None else str(age) for age in entry.placed_ages)
    return (
        entry.name,
        kind or codes.label("carer_type", entry.carer_type),
        ages,
        "" if entry.max_children is None else str(entry.max_children),
        f"{len(entry.placed_ages)} ({placed})" if entry.placed_ages else "None",
        str(entry.vacancies),
        entry.supervising_worker_name,
        entry.approval_terms.replace("\n", " "),
    )
