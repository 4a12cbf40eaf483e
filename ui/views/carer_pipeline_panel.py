"""The household page's "Enquiry to approval" tab: a prospective fostering household's stages,
each with the day it was reached and when it is (or was) due by the rule table, what is due
next, and buttons to record the next stage or a withdrawal; and, once the household is approved,
a button to record its deregistration (its approval ending, with Ofsted's reason).

It shows what the household page has already read (``HouseholdFile.pipeline``); a save goes
through ``StageDialog`` on a worker thread and asks the page to read the household again, so
the due items here, on the Due tab and on the dashboard are the deadline engine's own.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock, codes
from app.carer_pipeline import (
    DECISION,
    FOSTERING_TYPES,
    PANEL,
    REGISTERED,
    Pipeline,
    StageView,
    assessment_form_for,
)
from app.deadlines import rules as rule_table
from app.deadlines.engine import DueItem
from app.households import AssessmentView, HouseholdFile
from app.store import Store
from ui.exports.actions import Export, export_panel_pack
from ui.models.chronology_model import RowsModel
from ui.views.carer_stage_dialog import DEREGISTER, EXTEND, WITHDRAW, StageDialog
from ui.views.common import heading_font, qdate, status_words, uk_date


class PipelinePanel(QWidget):
    #: A stage or a withdrawal was saved: the page should read the household again.
    sig_changed = Signal()

    sig_new_assessment = Signal(str)
    """The worker asked to start the household's assessment report (Form F or Form C).

    Parameters
    ----------
    template_id : str
    """

    sig_open_assessment = Signal(uuid.UUID)
    """The worker asked to open the household's assessment report.

    Parameters
    ----------
    assessment_id : uuid.UUID
    """

    def __init__(self, store: Store, household_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self._store = store
        self._household_id = household_id
        self._pipeline: Pipeline | None = None
        self._found: HouseholdFile | None = None
        self._ended = ""
        self._dialog: StageDialog | None = None
        self.setAccessibleName("Enquiry to approval")
        self._build()

    # ---- Public API

    @property
    def dialog(self) -> StageDialog | None:
        """The stage dialog open now, if any (tests)."""
        return self._dialog

    @property
    def next_label(self) -> QLabel:
        return self._next

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def record_button(self) -> QPushButton:
        return self._record

    @property
    def withdraw_button(self) -> QPushButton:
        return self._withdraw

    @property
    def deregister_button(self) -> QPushButton:
        return self._deregister

    @property
    def can_deregister(self) -> bool:
        """Whether the household shown is an approved fostering household, or one whose
        approval ended here (so the tab is worth showing, with the button or when and why it
        ended, even for one approved before Casebook recorded its enquiry)."""
        return self._deregister.isEnabled() or bool(self._ended)

    @property
    def temporary_label(self) -> QLabel:
        return self._temporary

    @property
    def extend_button(self) -> QPushButton:
        return self._extend

    @property
    def report_button(self) -> QPushButton:
        """Starts the household's Form F (or Form C) assessment, or opens the one started."""
        return self._report

    @property
    def report_label(self) -> QLabel:
        return self._report_words

    @property
    def pack_button(self) -> QPushButton:
        return self._pack

    def export_pack(self) -> Export:
        """Make the panel pack from the signed-off reports and ask where to save it."""
        return export_panel_pack(self, self._store, self._household_id)

    def show_file(self, found: HouseholdFile) -> None:
        pipeline = self._pipeline = found.pipeline
        self._found = found
        temporary = pipeline is not None and pipeline.status_code == "TEMPORARY"
        self._temporary.setVisible(temporary)
        extension = pipeline.extension_words if pipeline is not None else ""
        self._temporary.setText(
            f"Temporary approval (regulation 24): {found.profile.temporary_approval_words}"
            + (f"\n{extension}" if extension else "")
        )
        self._extend.setVisible(temporary)
        self._extend.setEnabled(temporary and found.profile.temporary_extension_until is None)
        self._show_report(found)
        registered = (
            found.profile.approval_code in REGISTERED
            and found.profile.carer_type_code in FOSTERING_TYPES
        )
        self._deregister.setVisible(registered)
        self._deregister.setEnabled(registered)
        self._ended = found.profile.deregistration_words
        if pipeline is None:
            self._next.setText(self._ended or "This household was not recorded from an enquiry.")
            self._model.set_rows([])
            self._record.setEnabled(False)
            self._withdraw.setEnabled(False)
            return
        self._next.setText(_next_words(pipeline, found.item("temporary_approval_expiry")))
        self._panel_words.setText(_panel_words(pipeline))
        self._panel_words.setVisible(bool(self._panel_words.text()))
        self._model.set_rows([_row(s, pipeline) for s in pipeline.stages])
        upcoming = pipeline.next_stage
        self._record.setEnabled(upcoming is not None)
        self._record.setText(
            f"Record &next stage: {upcoming.label}…" if upcoming else "Record &next stage…"
        )
        # Withdrawal is before the decision: once decided, the household's way has ended.
        self._withdraw.setEnabled(pipeline.open)

    def record_next(self) -> StageDialog | None:
        """Open the dialog for the next stage (None if there is none)."""
        pipeline = self._pipeline
        upcoming = pipeline.next_stage if pipeline else None
        if pipeline is None or upcoming is None:
            return None
        before = [s.on for s in pipeline.stages if s.on is not None]
        dialog = self._open(upcoming.column, before[-1] if before else None)
        booked = pipeline.panel_booked
        if upcoming.column == PANEL and booked is not None and booked <= clock.today():
            # The panel the service booked the household for, once it has sat.
            when = dialog.field(PANEL)
            if isinstance(when, QDateEdit):
                when.setDate(qdate(booked))
        return dialog

    def record_extension(self) -> StageDialog | None:
        """Open the dialog extending a temporary approval, its date box limited to the latest
        the rule table allows (T2)."""
        found = self._found
        started = found.profile.temporary_approval_date if found else None
        if found is None or started is None or not self._extend.isEnabled():
            return None
        ends = rule_table.temporary_approval_ends(rule_table.load(), started)
        return self._open(EXTEND, ends[1] if ends else None)

    def record_deregistration(self) -> StageDialog | None:
        """Open the dialog ending an approved household's approval (None if it is not
        approved)."""
        if not self._deregister.isEnabled():
            return None
        return self._open(DEREGISTER, None)

    def record_withdrawal(self) -> StageDialog | None:
        if self._pipeline is None or not self._pipeline.open:
            return None
        return self._open(WITHDRAW, None)

    def open_report(self) -> None:
        """Open the household's assessment report, or start it if there is none yet."""
        found = self._found
        if found is None or found.pipeline is None:
            return
        report = _report_of(found)
        if report is not None:
            self.sig_open_assessment.emit(report.assessment_id)
        elif found.pipeline.open:
            self.sig_new_assessment.emit(assessment_form_for(found.profile.carer_type_code))

    # ---- Private API

    def _show_report(self, found: HouseholdFile) -> None:
        pipeline = found.pipeline
        report = _report_of(found)
        form = "Form C" if found.profile.carer_type_code == "CONNECTED_PERSON" else "Form F"
        self._report.setVisible(pipeline is not None)
        self._pack.setVisible(pipeline is not None)
        self._pack.setEnabled(report is not None and report.signed_off)
        self._report_words.setVisible(pipeline is not None)
        if report is not None:
            self._report.setText(f"Open the &assessment report ({form})")
            self._report.setEnabled(True)
            self._report_words.setText(
                f"Assessment report ({form}) started {uk_date(report.started_date)}: "
                f"{report.status}"
            )
        else:
            self._report.setText(f"Start the &assessment report ({form})…")
            self._report.setEnabled(pipeline is not None and pipeline.open)
            self._report_words.setText(f"No assessment report ({form}) started yet.")

    def _build(self) -> None:
        self._next = QLabel("")
        self._next.setAccessibleName("What is due next")
        self._next.setWordWrap(True)
        self._next.setFont(heading_font(self.font(), 1.15))
        self._next.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._panel_words = QLabel("")
        self._panel_words.setAccessibleName("Panel and decision")
        self._panel_words.setWordWrap(True)
        self._panel_words.setVisible(False)
        self._record = QPushButton("Record &next stage…")
        self._record.setAccessibleName("Record next stage")
        self._record.clicked.connect(self.record_next)
        self._withdraw = QPushButton("Record a &withdrawal…")
        self._withdraw.setAccessibleName("Record a withdrawal")
        self._withdraw.clicked.connect(self.record_withdrawal)
        self._extend = QPushButton("E&xtend temporary approval…")
        self._extend.setAccessibleName("Extend temporary approval")
        self._extend.clicked.connect(self.record_extension)
        self._extend.setVisible(False)
        self._report = QPushButton("Start the &assessment report…")
        self._report.setAccessibleName("Assessment report")
        self._report.clicked.connect(self.open_report)
        self._report.setVisible(False)
        self._pack = QPushButton("Panel pac&k (PDF)…")
        self._pack.setAccessibleName("Panel pack")
        self._pack.setToolTip("One PDF of the household's signed-off reports for the panel")
        self._pack.clicked.connect(self.export_pack)
        self._pack.setVisible(False)
        self._report_words = QLabel("")
        self._report_words.setAccessibleName("Assessment report state")
        self._report_words.setWordWrap(True)
        self._report_words.setVisible(False)
        self._deregister = QPushButton("Record a deregi&stration…")
        self._deregister.setAccessibleName("Record a deregistration")
        self._deregister.clicked.connect(self.record_deregistration)
        self._deregister.setVisible(False)
        self._temporary = QLabel("")
        self._temporary.setAccessibleName("Temporary approval")
        self._temporary.setWordWrap(True)
        self._temporary.setVisible(False)
        for button in (self._record, self._withdraw, self._extend, self._deregister):
            button.setEnabled(False)
        for label in (self._next, self._panel_words, self._temporary, self._report_words):
            # Wrapped lines keep their height when the table below takes the rest.
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._model = RowsModel(("Stage", "Reached", "Due by", "Status", "Why due then"), self)
        self._table = QTableView()
        self._table.setModel(self._model)
        self._table.setAccessibleName("Assessment stages")
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setTabKeyNavigation(False)
        self._table.setAlternatingRowColors(True)
        self._table.verticalHeader().setVisible(False)
        self._table.horizontalHeader().setStretchLastSection(True)
        row = QHBoxLayout()
        row.addWidget(self._record)
        row.addWidget(self._extend)
        row.addWidget(self._withdraw)
        row.addWidget(self._deregister)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self._next)
        layout.addWidget(self._temporary)
        layout.addWidget(self._panel_words)
        layout.addLayout(row)
        report = QHBoxLayout()
        report.addWidget(self._report)
        report.addWidget(self._pack)
        report.addWidget(self._report_words, 1)
        layout.addLayout(report)
        layout.addWidget(self._table, 1)

    def _open(self, mode: str, earliest: date | None) -> StageDialog:
        dialog = StageDialog(self._store, self._household_id, mode, earliest=earliest, parent=self)
        dialog.sig_saved.connect(self.sig_changed)
        dialog.finished.connect(lambda _r: setattr(self, "_dialog", None))
        self._dialog = dialog
        dialog.open()
        return dialog


def _report_of(found: HouseholdFile) -> AssessmentView | None:
    """The household's Form F or Form C assessment (the latest started), if any."""
    wanted = assessment_form_for(found.profile.carer_type_code)
    return next((a for a in found.assessments if a.template_id == wanted), None)


def _row(stage: StageView, pipeline: Pipeline) -> tuple[str, ...]:
    due = stage.due
    if pipeline.connected and stage.column == "application_date":
        label = "Viability assessment (the application)"
    else:
        label = stage.label
    return (
        label,
        uk_date(stage.on, "Not needed" if pipeline.not_needed(stage) else "Not yet"),
        uk_date(due.due) if due else "",
        status_words(due.status) if due else "",
        (f"{due.regulation}: timescale a local target" if due.unverified else due.regulation)
        if due
        else "",
    )


def _next_words(pipeline: Pipeline, expiry: DueItem | None) -> str:
    if not pipeline.open:
        return pipeline.outcome_words or codes.label("approval_status", pipeline.status_code)
    upcoming = pipeline.next_stage
    if upcoming is None:
        return "Every stage is recorded."
    due = upcoming.due
    if due is None and expiry is not None:
        # A connected person's full assessment must be decided before temporary approval ends.
        return (
            f"Next: {upcoming.label}; decide before the temporary approval ends on "
            f"{uk_date(expiry.due)} ({status_words(expiry.status)})"
        )
    if due is None:
        return f"Next: {upcoming.label} (no deadline set for this stage)"
    return f"Next: {upcoming.label}, due by {uk_date(due.due)} ({status_words(due.status)})"


def _panel_words(pipeline: Pipeline) -> str:
    parts = []
    if pipeline.panel_booked is not None and not pipeline.panel_recommendation:
        parts.append(f"Booked for the fostering panel on {uk_date(pipeline.panel_booked)}")
    if pipeline.panel_recommendation:
        panel = next(s.on for s in pipeline.stages if s.column == PANEL)
        words = codes.label("panel_recommendation", pipeline.panel_recommendation)
        parts.append(f"Panel ({uk_date(panel)}): {words}")
    if pipeline.decision:
        decided = next(s.on for s in pipeline.stages if s.column == DECISION)
        words = codes.label("agency_decision", pipeline.decision)
        kind = (
            f"; {codes.label('fostering_approval_type', pipeline.approval_type)}"
            if pipeline.approval_type
            else ""
        )
        parts.append(f"Agency decision ({uk_date(decided)}): {words}{kind}")
    return " · ".join(parts)
