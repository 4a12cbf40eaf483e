"""One child's case: who they are, their legal status and placement history, their actions,
a chronology of everything recorded about them, and everything due.

The whole case is read by ``app.chronology.open_case`` on a worker thread (a fixed handful of
queries however long the child's history, and the child's saved deadlines, redone first if a
record changed), then shown. The view never queries the store itself.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import clock, leaving_care
from app.chronology import KINDS, CaseFile, LegalStatusPeriod, open_case
from app.codes import code_list
from app.deadlines.engine import ACTION, is_action
from app.store import Store
from ui.changes import ChangeHub, RecordsChanged, ReloadOnChange
from ui.errors import load_message
from ui.exports.actions import export_chronology
from ui.models.actions_model import ActionsModel
from ui.models.chronology_model import ChronologyModel, RowsModel
from ui.models.chronology_model import Column as ChronologyColumn
from ui.models.due_model import Column as DueColumn
from ui.models.due_model import DueModel
from ui.tasks import run_task
from ui.views.actions_panel import ActionsPanel
from ui.views.common import FOCUS_STYLE, alive, heading_font, uk_date
from ui.views.leaving_care_dialog import CorrectLeavingDateDialog, LeavingCareDialog
from ui.views.record_table import record_table
from ui.views.reopen_case_dialog import ReopenCaseDialog
from ui.views.wrapped_label import WrappedLabel


def _load(store: Store, child_id: uuid.UUID) -> CaseFile:
    """Runs on a worker thread."""
    return open_case(store, child_id, clock.today())


class CaseView(QWidget):
    sig_record_visit = Signal(uuid.UUID)
    """The worker asked to record a new visit.

    Parameters
    ----------
    child_id : uuid.UUID
        The child the visit is for.
    """

    sig_open_visit = Signal(uuid.UUID, uuid.UUID)
    """The worker asked to open a visit (or the visit an addendum corrects).

    Parameters
    ----------
    child_id : uuid.UUID
    visit_id : uuid.UUID
    """

    sig_record_assessment = Signal(uuid.UUID)
    """The worker asked to start a new assessment (the form is chosen next).

    Parameters
    ----------
    child_id : uuid.UUID
    """

    sig_open_assessment = Signal(uuid.UUID, uuid.UUID)
    """The worker asked to open an assessment (or the assessment an addendum corrects).

    Parameters
    ----------
    child_id : uuid.UUID
    assessment_id : uuid.UUID
    """

    sig_record_review = Signal(uuid.UUID)
    """The worker asked to record a review of the child.

    Parameters
    ----------
    child_id : uuid.UUID
    """

    sig_open_review = Signal(uuid.UUID, uuid.UUID)
    """The worker asked to open a review (or the review an addendum corrects).

    Parameters
    ----------
    child_id : uuid.UUID
    review_id : uuid.UUID
    """

    sig_record_note = Signal(uuid.UUID)
    """The worker asked to write a new case note about the child.

    Parameters
    ----------
    child_id : uuid.UUID
    """

    sig_open_note = Signal(uuid.UUID, uuid.UUID)
    """The worker asked to open a case note (or the note an addendum corrects).

    Parameters
    ----------
    child_id : uuid.UUID
    note_id : uuid.UUID
    """

    sig_open_household = Signal(uuid.UUID)
    """The worker asked to open the carers' household of a placement (Enter on its row).

    Parameters
    ----------
    household_id : uuid.UUID
    """

    #: The case has been loaded (or failed to load) and is on screen.
    sig_loaded = Signal()

    def __init__(
        self,
        store: Store,
        child_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        changes: ChangeHub | None = None,
    ) -> None:
        """``changes``: where saves and syncs are announced; the case reads again when one
        may concern this child, and whenever it comes back on top (a dialog on a page left
        may have written something no one announced)."""
        super().__init__(parent)
        self._store = store
        self._child_id = child_id
        self._seq = 0
        self._case: CaseFile | None = None
        self._build()
        self.refresh()
        if changes is not None:
            ReloadOnChange(
                self, changes, concerns=self._concerns, reload=self.refresh, always_on_return=True
            )

    # ---- Public API

    @property
    def child_id(self) -> uuid.UUID:
        return self._child_id

    @property
    def case(self) -> CaseFile | None:
        """What is on screen (None until the first load arrives)."""
        return self._case

    @property
    def chronology(self) -> QTableView:
        return self._chronology

    @property
    def chronology_model(self) -> ChronologyModel:
        return self._chronology_model

    @property
    def kind_filter(self) -> QComboBox:
        return self._kind_box

    def _concerns(self, change: RecordsChanged) -> bool:
        return change.touches_child(self._child_id)

    def refresh(self) -> None:
        """Reload the case (e.g. after a visit was saved in another tab)."""
        if self._case is not None and self.sender() is not self._actions_panel:
            self._actions_panel.refresh()  # (it reads its own list when it is made)
        self._seq += 1
        seq = self._seq
        run_task(
            lambda: _load(self._store, self._child_id),
            lambda case: self._show(seq, case),
            lambda exc: self._failed(seq, exc),
        )

    def record_leaving_care(self) -> LeavingCareDialog | None:
        """Open the dialog that ends the current legal status (None if there is none)."""
        current = self._current_status()
        if self._case is None or current is None:
            return None
        dialog = LeavingCareDialog(
            self._store,
            self._child_id,
            name=self._case.profile.name,
            status=current.label,
            started=current.start,
            parent=self,
        )
        dialog.sig_saved.connect(self.refresh)
        dialog.open()
        return dialog

    def correct_leaving_date(self) -> CorrectLeavingDateDialog | None:
        """Open the dialog that corrects the day the child last left care (None if they have
        not left care)."""
        left = self._left_on()
        if self._case is None or left is None:
            return None
        dialog = CorrectLeavingDateDialog(
            self._store, self._child_id, name=self._case.profile.name, recorded=left, parent=self
        )
        dialog.sig_saved.connect(self.refresh)
        dialog.open()
        return dialog

    def reopen_case(self) -> ReopenCaseDialog | None:
        """Open the dialog that opens this closed case again (None if it is open)."""
        if self._case is None or self._case.profile.case_open:
            return None
        dialog = ReopenCaseDialog(
            self._store, self._child_id, name=self._case.profile.name, parent=self
        )
        dialog.sig_saved.connect(self.refresh)
        dialog.open()
        return dialog

    @property
    def reopen_button(self) -> QPushButton:
        return self._reopen

    @property
    def leaving_care_button(self) -> QPushButton:
        return self._leave

    @property
    def correct_leaving_button(self) -> QPushButton:
        return self._correct_leaving

    # ---- Private API

    def _left_on(self) -> date | None:
        if self._case is None:
            return None
        return leaving_care.left_on(
            (s.code, s.end, s.reason_code) for s in self._case.legal_statuses
        )

    def _current_status(self) -> LegalStatusPeriod | None:
        if self._case is None:
            return None
        return next(
            (
                s
                for s in self._case.legal_statuses
                if s.end is None and s.code in code_list("legal_status")
            ),
            None,
        )

    def _build(self) -> None:
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName("Child's case")
        self._name = QLabel("Loading…")
        self._name.setFont(heading_font(self.font(), 1.6))
        self._name.setAccessibleName("Child's name")
        # Wrapped labels that keep the height their lines need: beside the buttons a return
        # home spelt out runs to two lines at 1366 wide, and a plain QLabel was cut to one.
        self._facts = WrappedLabel("")
        self._facts.setAccessibleName("Age and legal status")
        self._placement = WrappedLabel("")
        self._placement.setAccessibleName("Current placement")
        self._record = QPushButton("&Record a visit")
        self._record.setAccessibleName("Record a visit")
        self._record.setEnabled(False)
        self._record.clicked.connect(lambda: self.sig_record_visit.emit(self._child_id))
        self._review = QPushButton("Record a re&view")
        self._review.setAccessibleName("Record a review")
        self._review.setEnabled(False)
        self._review.clicked.connect(lambda: self.sig_record_review.emit(self._child_id))
        self._note = QPushButton("New case &note")
        self._note.setAccessibleName("New case note")
        self._note.setEnabled(False)
        self._note.clicked.connect(lambda: self.sig_record_note.emit(self._child_id))
        self._export = QPushButton("E&xport chronology…")
        self._export.setAccessibleName("Export chronology to PDF")
        self._export.setEnabled(False)
        self._export.clicked.connect(lambda: export_chronology(self, self._store, self._child_id))
        self._assess = QPushButton("New a&ssessment…")
        self._assess.setAccessibleName("New assessment")
        self._assess.setEnabled(False)
        self._assess.clicked.connect(lambda: self.sig_record_assessment.emit(self._child_id))

        self._chronology_model = ChronologyModel(self)
        self._chronology = record_table("Chronology", self._chronology_model)
        self._kind_box = QComboBox()
        self._kind_box.setAccessibleName("Show kinds of record")
        self._kind_box.addItem("All records", None)
        for kind, words in KINDS.items():
            self._kind_box.addItem(words, kind)
        # Addenda belong with what they correct, so "Visits" shows a visit's addenda too.
        self._kind_box.setItemData(1, "visit+addendum")
        kind_label = QLabel("S&how:")
        kind_label.setBuddy(self._kind_box)
        self._chronology_hint = QLabel(
            "Press Enter on a visit, review, assessment or case note to open it."
        )
        chronology_page = QWidget()
        filter_row = QHBoxLayout()
        filter_row.addWidget(kind_label)
        filter_row.addWidget(self._kind_box)
        filter_row.addWidget(self._chronology_hint, 1)
        chronology_layout = QVBoxLayout(chronology_page)
        chronology_layout.addLayout(filter_row)
        chronology_layout.addWidget(self._chronology, 1)

        self._statuses = RowsModel(("Legal status", "From", "To", "Why it ended"), self)
        self._placements = RowsModel(("Placement", "Carers", "From", "To"), self)
        history_page = QWidget()
        history = QVBoxLayout(history_page)
        tables: list[QTableView] = []
        for caption, model, name in (
            ("Legal status history", self._statuses, "Legal status history"),
            ("Placements", self._placements, "Placements"),
        ):
            label = QLabel(caption)
            label.setProperty("role", "heading")
            table = record_table(name, model)
            label.setBuddy(table)
            tables.append(table)
            history.addWidget(label)
            history.addWidget(table, 1)
        self._status_table, self._placement_table = tables
        self._leave = QPushButton("Record leav&ing care…")
        self._leave.setAccessibleName("Record leaving care")
        self._leave.setToolTip("End the current legal status and placement, with the reason.")
        self._leave.setEnabled(False)
        self._leave.clicked.connect(self.record_leaving_care)
        self._correct_leaving = QPushButton("Correct the day they &left care…")
        self._correct_leaving.setAccessibleName("Correct the day they left care")
        self._correct_leaving.setToolTip("A day recorded by mistake: give the right day and why.")
        self._correct_leaving.setEnabled(False)
        self._correct_leaving.clicked.connect(self.correct_leaving_date)
        self._reopen = QPushButton("Reop&en the case…")
        self._reopen.setAccessibleName("Reopen the case")
        self._reopen.setToolTip("Bring a closed case back to the caseload, saying why.")
        self._reopen.setVisible(False)
        self._reopen.clicked.connect(self.reopen_case)
        leave_row = QHBoxLayout()
        leave_row.addStretch(1)
        leave_row.addWidget(self._reopen)
        leave_row.addWidget(self._correct_leaving)
        leave_row.addWidget(self._leave)
        history.insertLayout(0, leave_row)
        self._placement_table.activated.connect(self._open_placement_household)

        self._actions_panel = ActionsPanel(self._store, child_id=self._child_id)
        self._actions_panel.sig_changed.connect(self.refresh)
        actions_page = self._actions_page = QWidget()
        actions_layout = QVBoxLayout(actions_page)
        actions_layout.addWidget(self._actions_panel, 1)

        self._tabs = QTabWidget()
        self._tabs.setAccessibleName("Case sections")
        self._tabs.addTab(chronology_page, "Chr&onology")
        self._tabs.addTab(history_page, "Legal status and &placements")
        self._tabs.addTab(actions_page, "&Actions")
        self._tabs.addTab(self._due_page(), "D&ue")

        self._problem = QLabel("")
        self._problem.setProperty("role", "error")
        self._problem.setWordWrap(True)
        self._problem.setVisible(False)

        header = QHBoxLayout()
        who = QVBoxLayout()
        who.addWidget(self._name)
        who.addWidget(self._facts)
        who.addWidget(self._placement)
        # A line that got shorter (a placement ended) leaves its room below the lines, not
        # between them.
        for label in (self._facts, self._placement):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        who.addStretch(1)
        header.addLayout(who, 1)
        header.addWidget(self._record, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self._review, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self._note, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self._export, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self._assess, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._problem)
        layout.addWidget(self._tabs, 1)

        self._kind_box.currentIndexChanged.connect(self._filter_kinds)
        self._chronology.activated.connect(self._open_entry)

    def _due_page(self) -> QWidget:
        self._due = DueModel(self)
        self._due_table = record_table("Due items", self._due)
        hint = QLabel(
            "Every statutory visit, review and plan due for this child, and the actions agreed "
            "for them, most urgent first, with the regulation that sets each date. Press Enter "
            "on a visit or review to record it, or on an action to find it on the Actions tab."
        )
        hint.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(hint)
        layout.addWidget(self._due_table, 1)
        self._due_table.activated.connect(self._act_on_due)
        return page

    def _act_on_due(self, index: QModelIndex | QPersistentModelIndex) -> None:
        """Enter on a due item starts what meets it: a visit, a review, or the action itself."""
        if not 0 <= index.row() < self._due.rowCount():
            return
        item = self._due.item_at(index.row())
        if is_action(item.rule_ref):
            panel = self._actions_panel
            self._tabs.setCurrentIndex(self._tabs.indexOf(self._actions_page))
            row = panel.model.row_of(uuid.UUID(hex=item.rule_ref.removeprefix(ACTION)))
            if row >= 0:
                panel.table.selectRow(row)
                panel.table.setFocus()
        elif item.obligation == "child_visit":
            self.sig_record_visit.emit(self._child_id)
        elif item.obligation in (
            "child_review",
            "adoption_review",
            "sgo_support_review",
            "return_home_review",
        ):
            self.sig_record_review.emit(self._child_id)

    def _show(self, seq: int, case: CaseFile) -> None:
        if not alive(self) or seq != self._seq:
            return
        self._case = case
        who = case.profile
        self._name.setText(who.name)
        self._name.setAccessibleDescription(f"Full name {who.full_name}")
        self._facts.setText(
            f"Age {who.age} (born {uk_date(who.date_of_birth)}) · {who.legal_status}"
            + ("" if who.case_open else " · Case closed")
            + (f" · {who.return_home}" if who.return_home else "")
        )
        current = next((p for p in case.placements if p.current), None)
        self._placement.setText(
            f"Placement: {current.label}"
            + (f", with {current.carers}" if current.carers else "")
            + f", since {uk_date(current.start)}"
            if current
            else "No current placement"
        )
        self._record.setEnabled(True)
        self._review.setEnabled(True)
        self._note.setEnabled(True)
        self._export.setEnabled(True)
        self._assess.setEnabled(True)
        self._leave.setEnabled(self._current_status() is not None)
        # Shown only when there is a recorded day to correct: a button that can never be
        # used on this child's case is only something to wonder about.
        self._correct_leaving.setVisible(self._left_on() is not None)
        self._reopen.setVisible(self._case is not None and not self._case.profile.case_open)
        self._correct_leaving.setEnabled(self._left_on() is not None)
        self._chronology_model.set_entries(case.chronology)
        self._statuses.set_rows(
            [
                (s.label, uk_date(s.start), uk_date(s.end, "Current"), s.reason_ended or "")
                for s in case.legal_statuses
            ],
            strong={n for n, s in enumerate(case.legal_statuses) if s.end is None},
        )
        self._placements.set_rows(
            [
                (p.label, p.carers, uk_date(p.start), uk_date(p.end, "Current"))
                for p in case.placements
            ],
            strong={n for n, p in enumerate(case.placements) if p.current},
        )
        open_actions = sum(1 for a in case.actions if a.completed is None)
        self._tabs.setTabText(2, f"&Actions ({open_actions} open)")
        self._due.set_items(case.due)
        overdue = self._due.overdue_count
        self._tabs.setTabText(3, f"D&ue ({overdue} overdue)" if overdue else "D&ue")
        self._size_columns()
        self._problem.setVisible(False)
        self.sig_loaded.emit()

    def _size_columns(self) -> None:
        metrics = self._chronology.fontMetrics()
        date_width = metrics.horizontalAdvance("30 Sep 2026") + 24
        self._chronology.setColumnWidth(ChronologyColumn.DATE, date_width)
        self._chronology.setColumnWidth(
            ChronologyColumn.KIND, metrics.horizontalAdvance("Assessment") + 24
        )
        self._chronology.setColumnWidth(
            ChronologyColumn.WHAT, metrics.horizontalAdvance("Statutory visit to a child") + 40
        )
        self._chronology.setColumnWidth(ChronologyColumn.SUMMARY, metrics.averageCharWidth() * 70)
        self._chronology.setColumnWidth(
            ChronologyColumn.STATUS, metrics.horizontalAdvance("Completed 30 Sep 2026") + 16
        )
        for table, first in (
            (self._status_table, "Single period of accommodation under s20"),
            (self._placement_table, "Foster placement with other foster carer(s), long-term"),
        ):
            table.setColumnWidth(0, metrics.horizontalAdvance(first) + 24)
            table.setColumnWidth(1, metrics.horizontalAdvance("The Lewandowski household") + 24)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # What is due takes the room left; the short columns and the regulation fit their words.
        due_header = self._due_table.horizontalHeader()
        due_header.setStretchLastSection(False)
        for column in DueColumn:
            due_header.setSectionResizeMode(
                column,
                QHeaderView.ResizeMode.Stretch
                if column is DueColumn.WHAT
                else QHeaderView.ResizeMode.ResizeToContents,
            )

    def _failed(self, seq: int, exc: BaseException) -> None:
        if not alive(self) or seq != self._seq:
            return
        self._problem.setText(load_message(exc, "case"))
        self._problem.setVisible(True)
        if self._case is None:
            self._name.setText("Case not available")
        self.sig_loaded.emit()

    def _filter_kinds(self) -> None:
        value = self._kind_box.currentData()
        self._chronology_model.set_kinds(None if value is None else set(str(value).split("+")))

    def _open_placement_household(self, index: QModelIndex | QPersistentModelIndex) -> None:
        """Only carers whose record is on this laptop have a page; for the others (held by
        their supervising worker) Enter does nothing."""
        if self._case is None or not 0 <= index.row() < len(self._case.placements):
            return
        household_id = self._case.placements[index.row()].household_id
        if household_id is not None:
            self.sig_open_household.emit(household_id)

    def _open_entry(self, index: QModelIndex | QPersistentModelIndex) -> None:
        entry = self._chronology_model.entry_at(index.row())
        if entry.kind == "visit":
            self.sig_open_visit.emit(self._child_id, entry.record_id)
        elif entry.kind == "addendum" and entry.target_kind == "visit" and entry.target_id:
            self.sig_open_visit.emit(self._child_id, entry.target_id)
        elif entry.kind == "review":
            self.sig_open_review.emit(self._child_id, entry.record_id)
        elif entry.kind == "addendum" and entry.target_kind == "review" and entry.target_id:
            self.sig_open_review.emit(self._child_id, entry.target_id)
        elif entry.kind == "assessment":
            self.sig_open_assessment.emit(self._child_id, entry.record_id)
        elif entry.kind == "addendum" and entry.target_kind == "assessment" and entry.target_id:
            self.sig_open_assessment.emit(self._child_id, entry.target_id)
        elif entry.kind == "case_note":
            self.sig_open_note.emit(self._child_id, entry.record_id)
        elif entry.kind == "addendum" and entry.target_kind == "case_note" and entry.target_id:
            self.sig_open_note.emit(self._child_id, entry.target_id)

    @property
    def due_table(self) -> QTableView:
        return self._due_table

    @property
    def due_model(self) -> DueModel:
        return self._due

    @property
    def tabs(self) -> QTabWidget:
        return self._tabs

    @property
    def actions_panel(self) -> ActionsPanel:
        return self._actions_panel

    @property
    def actions_table(self) -> QTableView:
        return self._actions_panel.table

    @property
    def actions_model(self) -> ActionsModel:
        return self._actions_panel.model

    @property
    def mark_done_button(self) -> QPushButton:
        return self._actions_panel.done_button
