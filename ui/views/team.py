"""The Team page: a manager's view of each worker's caseload, from the service.

Two tables. The first has a row per member of the team: children and households held, items
overdue and due soon (by the same rule table as the workers' dashboards), drafts started more
than a week ago, open actions, and when each of their laptops was last in touch with the
service (anything recorded since is only on that laptop). The second lists the team's children
and households, most urgent first; choosing a worker narrows it to theirs. Enter or a
double-click opens a child (or household) from this laptop's store, within the manager's
scope as everywhere else; "Reallocate…" gives it to another member of the team.

The figures are fetched on a worker thread; offline the page shows the last figures the
service sent, with the time it worked them out ("as of"), and allocation waits for a
connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.settings import Settings
from app.store import Store
from sync import team
from sync.client import ServiceRefused, ServiceUnavailable
from sync.protocol.team import Reentry, SubjectFigures, TeamOverview, TeamReentries, WorkerFigures
from ui.tasks import run_task
from ui.views.common import alive, uk_date
from ui.views.fetched_page import FetchedPage, when
from ui.views.record_table import behave_as_record_list

__all__ = ["ReallocateDialog", "TeamView", "when"]

WORKER_COLUMNS = (
    "Worker",
    "Children",
    "Households",
    "Overdue",
    "Due soon",
    "Drafts over a week",
    "Open actions",
    "Laptops last in touch",
)
CASE_COLUMNS = ("Child or household", "Worker", "Overdue", "Due soon", "Next item", "Due")
REENTRY_COLUMNS = ("Child", "Worker", "Went home", "Came back into care", "At home for")
#: Rows of re-entries shown before the table scrolls, so the cases keep their room.
REENTRY_ROWS = 3
ALL_WORKERS = "Everyone in the team"


class TeamView(FetchedPage):
    sig_open_child = Signal(uuid.UUID)
    """Open a child's case.

    Parameters
    ----------
    child_id : uuid.UUID
    """

    sig_open_household = Signal(uuid.UUID)
    """Open a carer household.

    Parameters
    ----------
    household_id : uuid.UUID
    """

    sig_reallocated = Signal(uuid.UUID)
    """The service moved a case to another worker (a sync brings the change to this laptop).

    Parameters
    ----------
    subject_id : uuid.UUID
    """

    TITLE = "Team"
    ASKING_FOR = "the team's figures"
    NONE_OF = "team figures"
    UNREADABLE = "The team's figures"

    def __init__(self, store: Store, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(store, settings, parent)
        self._overview: TeamOverview | None = None
        self._build()
        self.refresh()

    # ---- Public API

    @property
    def overview(self) -> TeamOverview | None:
        return self._overview

    @property
    def workers_table(self) -> QTableWidget:
        return self._workers

    @property
    def cases_table(self) -> QTableWidget:
        return self._cases

    @property
    def reentries_table(self) -> QTableWidget:
        return self._reentries

    @property
    def reentries_label(self) -> QLabel:
        return self._reentries_label

    def shown_reentries(self) -> list[Reentry]:
        """The re-entries to care the page lists, latest first."""
        found = []
        for row in range(self._reentries.rowCount()):
            item = self._reentries.item(row, 0)
            if item is not None:
                found.append(item.data(Qt.ItemDataRole.UserRole))
        return found

    @property
    def reallocate_button(self) -> QPushButton:
        return self._reallocate

    def shown_cases(self) -> list[SubjectFigures]:
        """The cases the second table shows, top first."""
        found = []
        for row in range(self._cases.rowCount()):
            item = self._cases.item(row, 0)
            if item is not None:
                found.append(item.data(Qt.ItemDataRole.UserRole))
        return found

    def choose_worker(self, username: str | None) -> None:
        """Narrow the cases to one worker's (None: everyone's)."""
        index = self._filter.findData(username)
        self._filter.setCurrentIndex(max(0, index))

    def open_case(self, row: int) -> None:
        item = self._cases.item(row, 0)
        if item is None:
            return
        case: SubjectFigures = item.data(Qt.ItemDataRole.UserRole)
        if case.kind == "child":
            self.sig_open_child.emit(case.subject_id)
        else:
            self.sig_open_household.emit(case.subject_id)

    def reallocate(self) -> QDialog | None:
        """Ask who should hold the selected case, then ask the service to move it."""
        case = self._selected_case()
        if case is None or self._overview is None:
            return None
        dialog = ReallocateDialog(case, self._overview.workers, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_chosen.connect(lambda worker: self._send(case, worker))
        dialog.open()
        return dialog

    # ---- Private API

    def _fetch(self, store: Store, settings: Settings) -> Callable[[], team.TeamFigures]:
        return lambda: team.fetch(store, settings)

    def _build(self) -> None:
        top = self._header()
        self._status.setObjectName("TeamAsOf")

        self._workers = _table(WORKER_COLUMNS, "Workers in the team")
        self._workers.itemSelectionChanged.connect(self._worker_chosen)

        self._filter = QComboBox()
        self._filter.setAccessibleName("Show the cases of")
        self._filter.currentIndexChanged.connect(lambda _i: self._fill_cases())
        show = QLabel("Cases o&f:")
        show.setBuddy(self._filter)
        self._reallocate = QPushButton("Re&allocate…")
        self._reallocate.setEnabled(False)
        self._reallocate.clicked.connect(self.reallocate)
        self._open = QPushButton("&Open")
        self._open.setEnabled(False)
        self._open.clicked.connect(self._open_current)
        bar = QHBoxLayout()
        bar.addWidget(show)
        bar.addWidget(self._filter, 1)
        bar.addStretch(1)
        bar.addWidget(self._open)
        bar.addWidget(self._reallocate)

        self._reentries_label = QLabel("")
        self._reentries_label.setWordWrap(True)
        self._reentries_label.setAccessibleName("Children back in care after going home")
        self._reentries = _table(REENTRY_COLUMNS, "Children back in care after going home")
        self._reentries.cellActivated.connect(lambda row, _col: self._open_reentry(row))
        self._reentries.cellDoubleClicked.connect(lambda row, _col: self._open_reentry(row))
        self._reentries.setVisible(False)

        self._cases = _table(CASE_COLUMNS, "The team's children and households")
        self._cases.cellActivated.connect(lambda row, _col: self.open_case(row))
        self._cases.cellDoubleClicked.connect(lambda row, _col: self.open_case(row))
        self._cases.itemSelectionChanged.connect(self._update_buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._status)
        layout.addWidget(self._workers, 2)
        layout.addWidget(self._reentries_label)
        layout.addWidget(self._reentries)
        layout.addLayout(bar)
        layout.addWidget(self._cases, 3)

    def _shown(self, figures: team.TeamFigures) -> None:
        overview = self._overview = figures.overview
        self._title.setText(f"Team: {overview.team}")
        as_of = when(overview.as_of)
        self._say_where_from(
            figures.live,
            f"Figures from the service, as of {as_of}.",
            f"the last figures the service sent, as of {as_of}.",
            figures.reason,
        )
        self._fill_workers(overview.workers)
        chosen = self._filter.currentData()
        self._filter.blockSignals(True)
        self._filter.clear()
        self._filter.addItem(ALL_WORKERS, None)
        for worker in overview.workers:
            self._filter.addItem(worker.display_name, worker.username)
        self._filter.setCurrentIndex(max(0, self._filter.findData(chosen)))
        self._filter.blockSignals(False)
        self._fill_cases()
        self._fill_reentries(figures.reentries)

    def _fill_workers(self, workers: list[WorkerFigures]) -> None:
        table = self._workers
        table.setRowCount(len(workers))
        for row, worker in enumerate(workers):
            laptops = "; ".join(f"{p.name}: {when(p.last_contact)}" for p in worker.laptops)
            values: list[str | int] = [
                worker.display_name,
                worker.children,
                worker.households,
                worker.overdue,
                worker.due_soon,
                worker.old_drafts,
                worker.open_actions,
                laptops or "no laptop",
            ]
            for column, value in enumerate(values):
                item = _item(value)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, worker.username)
                    item.setToolTip(f"{worker.display_name} ({worker.username}, {worker.role})")
                if column == 3 and worker.overdue:
                    item.setForeground(Qt.GlobalColor.darkRed)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()

    def _fill_cases(self) -> None:
        overview = self._overview
        table = self._cases
        if overview is None:
            table.setRowCount(0)
            return
        who = self._filter.currentData()
        names = {w.username: w.display_name for w in overview.workers}
        cases = [c for c in overview.subjects if who is None or c.worker == who]
        table.setSortingEnabled(False)
        table.setRowCount(len(cases))
        for row, case in enumerate(cases):
            label = case.name if case.kind == "child" else f"{case.name} (carers)"
            values: list[str | int] = [
                label,
                names.get(case.worker, case.worker),
                case.overdue,
                case.due_soon,
                case.next_item or "",
                uk_date(case.next_due),
            ]
            for column, value in enumerate(values):
                item = _item(value)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, case)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        self._update_buttons()

    def _fill_reentries(self, answer: TeamReentries | None) -> None:
        """Who came back into care soon after going home: the service is judged on returns
        home that last, so these are shown strongly, whoever holds the child."""
        table, label = self._reentries, self._reentries_label
        if answer is None:
            label.setText("This service does not yet say which children came back into care.")
            table.setRowCount(0)
            table.setVisible(False)
            return
        workers = self._overview.workers if self._overview is not None else []
        names = {w.username: w.display_name for w in workers}
        window, shown = answer.window_months, answer.shown_months
        if not answer.reentries:
            label.setText(
                f"No child came back into care within {window} months of going home "
                f"in the last {shown} months."
            )
            label.setProperty("role", "")
            table.setRowCount(0)
            table.setVisible(False)
            return
        count = len(answer.reentries)
        label.setText(
            f"<b>{count} {'child' if count == 1 else 'children'} came back into care within "
            f"{window} months of going home</b> (in the last {shown} months):"
        )
        label.setProperty("role", "error")
        table.setRowCount(count)
        for row, back in enumerate(answer.reentries):
            values = [
                back.name,
                names.get(back.worker, back.worker),
                uk_date(back.returned_home),
                uk_date(back.came_back),
                time_at_home(back),
            ]
            for column, value in enumerate(values):
                item = _item(value)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, back)
                    item.setToolTip("Enter or double-click opens the child's case.")
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        rows = min(count, REENTRY_ROWS)
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(rows))
        table.setFixedHeight(height)
        table.setVisible(True)
        label.style().unpolish(label)
        label.style().polish(label)

    def _open_reentry(self, row: int) -> None:
        item = self._reentries.item(row, 0)
        if item is not None:
            self.sig_open_child.emit(item.data(Qt.ItemDataRole.UserRole).subject_id)

    def _open_current(self) -> None:
        self.open_case(self._cases.currentRow())

    def _worker_chosen(self) -> None:
        row = self._workers.currentRow()
        item = self._workers.item(row, 0) if row >= 0 else None
        if item is not None:
            self.choose_worker(item.data(Qt.ItemDataRole.UserRole))

    def _selected_case(self) -> SubjectFigures | None:
        row = self._cases.currentRow()
        item = self._cases.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_buttons(self) -> None:
        chosen = self._selected_case() is not None
        self._open.setEnabled(chosen)
        self._reallocate.setEnabled(chosen and self._live)
        self._reallocate.setToolTip(
            "" if self._live else "Reallocating needs a connection to the service."
        )

    def _send(self, case: SubjectFigures, worker: str) -> None:
        store, settings = self._store, self._settings
        self._status.setText(f"Asking the service to reallocate {case.name}…")
        self._reallocate.setEnabled(False)

        def done(_answer: object) -> None:
            if not alive(self):
                return
            self.sig_reallocated.emit(case.subject_id)
            self.refresh()

        def failed(exc: BaseException) -> None:
            if not alive(self):
                return
            reason = str(exc) if isinstance(exc, ServiceRefused | ServiceUnavailable) else ""
            self._status.setText(f"{case.name} was not reallocated. {reason}".strip())
            self._status.set_warning(True)
            self._update_buttons()

        run_task(
            lambda: team.allocate(
                store, settings, kind=case.kind, subject_id=case.subject_id, worker=worker
            ),
            done,
            failed,
        )


class ReallocateDialog(QDialog):
    """Who should hold this case: another member of the team."""

    sig_chosen = Signal(str)
    """The manager chose a worker (their username).

    Parameters
    ----------
    username : str
    """

    def __init__(
        self, case: SubjectFigures, workers: list[WorkerFigures], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reallocate {case.name}")
        self.setAccessibleName("Reallocate a case")
        current = next((w.display_name for w in workers if w.username == case.worker), "")
        self.worker_box = QComboBox()
        self.worker_box.setAccessibleName("New worker")
        for worker in workers:
            if worker.username != case.worker:
                load = f"{worker.children} children, {worker.overdue} overdue"
                self.worker_box.addItem(f"{worker.display_name} ({load})", worker.username)
        form = QFormLayout()
        form.addRow("Case:", QLabel(case.name))
        form.addRow("Now held by:", QLabel(current or case.worker))
        form.addRow("&Give to:", self.worker_box)
        note = QLabel(
            "The service moves the case at once. Work the current worker has not yet synced "
            "stays on their laptop until it reaches the service."
        )
        note.setWordWrap(True)
        note.setProperty("role", "help")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Reallocate")
        ok.setEnabled(self.worker_box.count() > 0)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        username = self.worker_box.currentData()
        if username:
            self.sig_chosen.emit(username)
        self.accept()


def time_at_home(back: Reentry) -> str:
    """How long the child was at home before coming back, as a manager would say it: whole
    months, or weeks (days under a fortnight) for a return that broke down sooner."""
    months = (back.came_back.year - back.returned_home.year) * 12
    months += back.came_back.month - back.returned_home.month
    if back.came_back.day < back.returned_home.day:
        months -= 1
    if months >= 1:
        return f"{months} month{'s' if months != 1 else ''}"
    days = (back.came_back - back.returned_home).days
    if days >= 14:
        return f"{days // 7} weeks"
    return f"{days} day{'s' if days != 1 else ''}"


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    behave_as_record_list(table, name)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _item(value: str | int) -> QTableWidgetItem:
    item = QTableWidgetItem(str(value))
    if isinstance(value, int):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
