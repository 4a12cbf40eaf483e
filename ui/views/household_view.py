"""One carer household: approval and its terms, carers and children placed; supervising and
unannounced visits; training against the TSD standards; annual reviews; support plans and
assessments; and everything due, in words.

The same page for every kind of carer (foster carers, family and friends carers, adopters,
special guardians): what differs between them (whether the TSD standards apply and by when,
whether unannounced visits are required) comes from the deadline engine's rule table, not from
this view. The whole file is read by ``app.households.open_household`` on a worker thread, then
shown; the view never queries the store. Recording a visit, a review or a support plan is asked
of the main window by signal; training is added here, through ``TrainingDialog``.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.deadlines.engine import STATUS_WORDS, Status
from app.households import (
    CHILD_NOT_HERE,
    HouseholdFile,
    item_words,
    open_household,
)
from app.settings import Settings
from app.store import Store
from ui.changes import ChangeHub, RecordsChanged, ReloadOnChange
from ui.errors import load_message
from ui.models.chronology_model import RowsModel
from ui.tasks import run_task
from ui.views.actions_panel import ActionsPanel
from ui.views.carer_pipeline_panel import PipelinePanel
from ui.views.common import FOCUS_STYLE, alive, heading_font, uk_date
from ui.views.course_bookings import CourseBookingsDialog
from ui.views.household_training import TrainingTab
from ui.views.record_table import fit_columns, record_table
from ui.views.tab_parts import button_row, colour_by_status, record_button, tab_page
from ui.views.training_dialog import ADD, TrainingDialog

#: Carers whose visits include special guardianship support visits.
_SGO_CARERS = ("SPECIAL_GUARDIAN", "CAO_CARER")
#: The tabs, in order (their index in the tab bar).
OVERVIEW, VISITS, TRAINING, REVIEWS, PLANS, DUE, ACTIONS = range(7)


def _load(store: Store, household_id: uuid.UUID) -> HouseholdFile:
    """Runs on a worker thread."""
    return open_household(store, household_id, clock.today())


class HouseholdView(QWidget):
    sig_record_visit = Signal(uuid.UUID, str)
    """The worker asked to record a new visit to this household.

    Parameters
    ----------
    household_id : uuid.UUID
    visit_type : str
        ``SUPERVISING``, ``UNANNOUNCED`` or ``SGO_SUPPORT``.
    """

    sig_open_visit = Signal(uuid.UUID, uuid.UUID)
    """The worker asked to open one of the household's visits.

    Parameters
    ----------
    household_id : uuid.UUID
    visit_id : uuid.UUID
    """

    sig_record_review = Signal(uuid.UUID)
    """The worker asked to record the household's annual review.

    Parameters
    ----------
    household_id : uuid.UUID
    """

    sig_open_review = Signal(uuid.UUID, uuid.UUID)
    """The worker asked to open one of the household's reviews.

    Parameters
    ----------
    household_id : uuid.UUID
    review_id : uuid.UUID
    """

    sig_choose_assessment = Signal(uuid.UUID)
    """The worker asked to start an assessment of the household, choosing its form first.

    Parameters
    ----------
    household_id : uuid.UUID
    """

    sig_new_assessment = Signal(uuid.UUID, str)
    """The worker asked to start an assessment (a support plan) for the household.

    Parameters
    ----------
    household_id : uuid.UUID
    template_id : str
    """

    sig_open_assessment = Signal(uuid.UUID, uuid.UUID)
    """The worker asked to open one of the household's support plans or assessments.

    Parameters
    ----------
    household_id : uuid.UUID
    assessment_id : uuid.UUID
    """

    sig_open_child = Signal(uuid.UUID)
    """The worker asked to open the case of a child placed with the household.

    Parameters
    ----------
    child_id : uuid.UUID
    """

    #: The household has been loaded (or failed to load) and is on screen.
    sig_loaded = Signal()

    #: The template a new support plan is made from.
    SUPPORT_PLAN_TEMPLATE = "support_plan"

    def __init__(
        self,
        store: Store,
        household_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        settings: Settings | None = None,
        changes: ChangeHub | None = None,
    ) -> None:
        """``settings`` name the service the list of courses comes from (None: the list kept
        on this laptop only). ``changes``: where saves and syncs are announced; the household
        reads again when one may concern it, and whenever it comes back on top."""
        super().__init__(parent)
        self._store = store
        self._settings = settings
        self._household_id = household_id
        self._seq = 0
        self._file: HouseholdFile | None = None
        self._build()
        self.refresh()
        if changes is not None:
            ReloadOnChange(
                self, changes, concerns=self._concerns, reload=self.refresh, always_on_return=True
            )

    # ---- Public API

    @property
    def household_id(self) -> uuid.UUID:
        return self._household_id

    @property
    def file(self) -> HouseholdFile | None:
        """What is on screen (None until the first load arrives)."""
        return self._file

    @property
    def tabs(self) -> QTabWidget:
        return self._tabs

    @property
    def training_dialog(self) -> TrainingDialog | None:
        """The training dialog while it is open."""
        return self._training_tab.training_dialog

    def button(self, name: str) -> QPushButton:
        """A button by its accessible name (tests, and the shell's shortcuts)."""
        found = [b for b in self.findChildren(QPushButton) if b.accessibleName() == name]
        if not found:
            raise KeyError(name)
        return found[0]

    def label(self, name: str) -> QLabel:
        """A label by its accessible name (tests)."""
        found = [b for b in self.findChildren(QLabel) if b.accessibleName() == name]
        if not found:
            raise KeyError(name)
        return found[0]

    def table(self, name: str) -> QTableView:
        found = [t for t in self.findChildren(QTableView) if t.accessibleName() == name]
        if not found:
            raise KeyError(name)
        return found[0]

    def _concerns(self, change: RecordsChanged) -> bool:
        # The household's page lists the children placed there, so their changes count too.
        return change.touches_household(self._household_id) or bool(change.child_ids)

    def refresh(self) -> None:
        """Reload the household (e.g. after a visit was recorded on another page)."""
        self._seq += 1
        seq = self._seq
        run_task(
            lambda: _load(self._store, self._household_id),
            lambda found: self._show(seq, found),
            lambda exc: self._failed(seq, exc),
        )

    def add_training(self, mode: str = ADD) -> TrainingDialog | None:
        """Open the training dialog (``ui.views.household_training``)."""
        return self._training_tab.add_training(mode)

    def edit_training(self, row: int) -> TrainingDialog | None:
        return self._training_tab.edit_training(row)

    @property
    def courses_dialog(self) -> CourseBookingsDialog | None:
        return self._training_tab.courses_dialog

    def open_courses(self) -> CourseBookingsDialog | None:
        return self._training_tab.open_courses()

    # ---- Private API: building

    def _build(self) -> None:
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName("Carer household")
        self._name = QLabel("Loading…")
        self._name.setFont(heading_font(self.font(), 1.6))
        self._name.setAccessibleName("Household name")
        self._summary = QLabel("")
        self._summary.setAccessibleName("Kind of carer and approval")
        self._summary.setWordWrap(True)
        self._problem = QLabel("")
        self._problem.setProperty("role", "error")
        self._problem.setWordWrap(True)
        self._problem.setVisible(False)

        self._tabs = QTabWidget()
        self._tabs.setAccessibleName("Household sections")
        self._tabs.addTab(self._overview_page(), "O&verview")
        self._tabs.addTab(self._visits_page(), "V&isits")
        self._training_tab = TrainingTab(self._store, self._household_id, self._settings)
        self._training_tab.sig_changed.connect(self.refresh)
        self._tabs.addTab(self._training_tab, "&Training")
        self._tabs.addTab(self._reviews_page(), "&Reviews")
        self._tabs.addTab(self._plans_page(), "Support &plans and assessments")
        self._tabs.addTab(self._due_page(), "&Due")
        self._tabs.addTab(self._actions_page(), "&Follow-up actions")
        self._pipeline = PipelinePanel(self._store, self._household_id)
        self._pipeline.sig_changed.connect(self.refresh)
        self._pipeline.sig_new_assessment.connect(
            lambda template_id: self.sig_new_assessment.emit(self._household_id, template_id)
        )
        self._pipeline.sig_open_assessment.connect(
            lambda assessment_id: self.sig_open_assessment.emit(self._household_id, assessment_id)
        )
        self._pipeline_tab = self._tabs.addTab(self._pipeline, "Enquir&y to approval")
        self._tabs.setTabVisible(self._pipeline_tab, False)

        layout = QVBoxLayout(self)
        layout.addWidget(self._name)
        layout.addWidget(self._summary)
        layout.addWidget(self._problem)
        layout.addWidget(self._tabs, 1)

    def _fact(self, form: QFormLayout, caption: str) -> QLabel:
        value = QLabel("")
        value.setWordWrap(True)
        value.setAccessibleName(caption.rstrip(":"))
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(caption, value)
        return value

    def _overview_page(self) -> QWidget:
        facts = QFormLayout()
        # Every value takes the full width, so a long address or terms wrap rather than cut.
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._approval = self._fact(facts, "Approval status:")
        self._approved_on = self._fact(facts, "Approved on:")
        self._temporary = self._fact(facts, "Temporary approval:")
        self._terms = self._fact(facts, "Terms of approval:")
        self._ages = self._fact(facts, "Age range:")
        self._capacity = self._fact(facts, "Children at most:")
        self._address = self._fact(facts, "Address:")
        self._worker = self._fact(facts, "Supervising worker:")
        box = QWidget()
        box.setLayout(facts)
        self._carers = RowsModel(("Carer", "Date of birth", "Relationship to the child"), self)
        self._placements = RowsModel(("Child", "Placement", "From", "To"), self)
        carers_caption = QLabel("Carers")
        carers_caption.setProperty("role", "heading")
        placed_caption = QLabel("Children placed, now and before")
        placed_caption.setProperty("role", "heading")
        self._carer_table = record_table("Carers", self._carers)
        self._placement_table = record_table("Children placed", self._placements)
        self._placement_table.activated.connect(self._open_placement)
        carers_caption.setBuddy(self._carer_table)
        placed_caption.setBuddy(self._placement_table)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(box)
        layout.addWidget(carers_caption)
        layout.addWidget(self._carer_table, 1)
        layout.addWidget(placed_caption)
        layout.addWidget(self._placement_table, 2)
        return page

    def _visits_page(self) -> QWidget:
        self._unannounced = QLabel("")
        self._unannounced.setAccessibleName("Unannounced visits")
        self._unannounced.setWordWrap(True)
        self._record_supervising = record_button("Record &supervising visit")
        self._record_unannounced = record_button("Record &unannounced visit")
        self._record_sgo = record_button("Record special guardianship supp&ort visit")
        self._record_sgo.setVisible(False)
        self._record_supervising.clicked.connect(lambda: self._record("SUPERVISING"))
        self._record_unannounced.clicked.connect(lambda: self._record("UNANNOUNCED"))
        self._record_sgo.clicked.connect(lambda: self._record("SGO_SUPPORT"))
        self._visits = RowsModel(("Date", "Visit", "Who was seen", "Status", "Summary"), self)
        self._visit_table = record_table("Household visits", self._visits)
        self._visit_table.activated.connect(self._open_visit)
        hint = QLabel("Press Enter on a visit to open it.")
        return tab_page(
            self._unannounced,
            button_row(self._record_supervising, self._record_unannounced, self._record_sgo),
            hint,
            self._visit_table,
        )

    def _reviews_page(self) -> QWidget:
        self._record_review = record_button("Record &annual review")
        self._record_review.clicked.connect(lambda: self.sig_record_review.emit(self._household_id))
        self._review_state = QLabel("")
        self._review_state.setAccessibleName("Next annual review")
        self._review_state.setWordWrap(True)
        self._reviews = RowsModel(("Date", "Review", "Chair", "Status", "Decisions"), self)
        self._review_table = record_table("Reviews", self._reviews)
        self._review_table.activated.connect(self._open_review)
        hint = QLabel("Press Enter on a review to open it.")
        return tab_page(
            self._review_state, button_row(self._record_review), hint, self._review_table
        )

    def _plans_page(self) -> QWidget:
        self._new_plan = record_button("&New support plan")
        self._new_plan.clicked.connect(
            lambda: self.sig_new_assessment.emit(self._household_id, self.SUPPORT_PLAN_TEMPLATE)
        )
        self._new_assessment = record_button("New a&ssessment…")
        self._new_assessment.clicked.connect(
            lambda: self.sig_choose_assessment.emit(self._household_id)
        )
        self._plans = RowsModel(("Started", "What", "Status"), self)
        self._plan_table = record_table("Support plans and assessments", self._plans)
        self._plan_table.activated.connect(self._open_assessment)
        hint = QLabel("Press Enter on a support plan or assessment to open it.")
        return tab_page(button_row(self._new_plan, self._new_assessment), hint, self._plan_table)

    def _actions_page(self) -> QWidget:
        """The household's own actions (a child's are on the child's case); a change reloads
        the page, whose Due tab lists open actions with a date."""
        self._actions_panel = ActionsPanel(self._store, household_id=self._household_id)
        self._actions_panel.sig_changed.connect(self.refresh)
        return tab_page(self._actions_panel)

    @property
    def actions_panel(self) -> ActionsPanel:
        return self._actions_panel

    @property
    def pipeline_panel(self) -> PipelinePanel:
        """The "Enquiry to approval" tab (shown for a household recorded from an enquiry)."""
        return self._pipeline

    def _due_page(self) -> QWidget:
        self._due = RowsModel(("What", "Due", "Status", "Last done", "Regulation"), self)
        self._due_table = record_table("Due items", self._due)
        return tab_page(self._due_table)

    # ---- Private API: showing

    def _show(self, seq: int, found: HouseholdFile) -> None:
        if not alive(self) or seq != self._seq:
            return
        self._file = found
        p = found.profile
        self._name.setText(p.name)
        placed = len(found.children_placed_now)
        self._summary.setText(
            f"{p.carer_type} · {p.approval_status} · "
            f"{placed} child{'' if placed == 1 else 'ren'} placed now"
        )
        self._show_overview(found)
        self._show_visits(found)
        self._training_tab.show_file(found)
        self._show_reviews(found)
        self._show_plans(found)
        self._show_due(found)
        for button in self.findChildren(QPushButton):
            button.setEnabled(True)
        # A prospective household's stages (after the loop: the panel decides its buttons).
        self._pipeline.show_file(found)
        self._tabs.setTabVisible(
            self._pipeline_tab, found.pipeline is not None or self._pipeline.can_deregister
        )
        for table in self.findChildren(QTableView):
            if not self._actions_panel.isAncestorOf(table):  # the panel sizes its own
                fit_columns(table)
        self._problem.setVisible(False)
        self.sig_loaded.emit()

    def _show_overview(self, found: HouseholdFile) -> None:
        p = found.profile
        self._approval.setText(p.approval_status)
        self._approved_on.setText(uk_date(p.approval_date, "Not approved yet"))
        self._temporary.setText(p.temporary_approval_words)
        self._terms.setText(p.approval_terms or "None recorded")
        self._ages.setText(p.age_range)
        self._capacity.setText(str(p.max_children) if p.max_children else "Not recorded")
        self._address.setText(p.address or "Not recorded")
        self._worker.setText(p.supervising_worker)
        self._carers.set_rows(
            [
                (c.name, uk_date(c.date_of_birth, "Not recorded"), c.relationship_to_child)
                for c in found.carers
            ]
        )
        self._placements.set_rows(
            [
                (pl.name, pl.placement_label, uk_date(pl.start), uk_date(pl.end, "Current"))
                for pl in found.placements
            ],
            strong={n for n, pl in enumerate(found.placements) if pl.current},
        )

    def _show_visits(self, found: HouseholdFile) -> None:
        last = uk_date(found.last_unannounced, "none recorded")
        due = found.next_unannounced
        words = f"Last unannounced visit: {last}."
        if due is not None:
            words += f" Next: {item_words(due)}."
        else:
            words += " Unannounced visits are not required for this household."
        self._unannounced.setText(words)
        colour_by_status(self._unannounced, due.status if due else None)
        self._record_sgo.setVisible(found.profile.carer_type_code in _SGO_CARERS)
        self._visits.set_rows(
            [
                (uk_date(v.visit_date), v.label, v.who_was_seen, v.status, v.summary)
                for v in found.visits
            ],
            strong={n for n, v in enumerate(found.visits) if not v.signed_off},
        )

    def _show_reviews(self, found: HouseholdFile) -> None:
        item = found.item("carer_review")
        self._review_state.setText(
            f"Next: {item_words(item)}."
            if item is not None
            else "No annual review is due for this household."
        )
        colour_by_status(self._review_state, item.status if item else None)
        self._reviews.set_rows(
            [
                (uk_date(r.review_date), r.label, r.chair, r.status, r.decisions)
                for r in found.reviews
            ]
        )

    def _show_plans(self, found: HouseholdFile) -> None:
        rows = [*found.support_plans, *found.assessments]
        self._plans.set_rows(
            [(uk_date(a.started_date), a.label, a.status) for a in rows],
            strong=set(range(len(found.support_plans))),
        )
        self._tabs.setTabText(
            PLANS, f"Support &plans and assessments ({len(found.support_plans)} plans)"
        )

    def _show_due(self, found: HouseholdFile) -> None:
        self._due.set_rows(
            [
                (
                    i.title,
                    uk_date(i.due),
                    STATUS_WORDS[i.status],
                    uk_date(i.last_done, "Never"),
                    i.regulation,
                )
                for i in found.due
            ],
            strong={n for n, i in enumerate(found.due) if i.status is Status.OVERDUE},
        )
        overdue = sum(1 for i in found.due if i.status is Status.OVERDUE)
        self._tabs.setTabText(DUE, f"&Due ({overdue} overdue)" if overdue else "&Due")

    def _failed(self, seq: int, exc: BaseException) -> None:
        if not alive(self) or seq != self._seq:
            return
        self._problem.setText(load_message(exc, "household"))
        self._problem.setVisible(True)
        if self._file is None:
            self._name.setText("Household not available")
        self.sig_loaded.emit()

    # ---- Private API: acting

    def _record(self, visit_type: str) -> None:
        self.sig_record_visit.emit(self._household_id, visit_type)

    def _open_visit(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if self._file is not None:
            self.sig_open_visit.emit(self._household_id, self._file.visits[index.row()].visit_id)

    def _open_review(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if self._file is not None:
            self.sig_open_review.emit(self._household_id, self._file.reviews[index.row()].review_id)

    def _open_assessment(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if self._file is None:
            return
        rows = [*self._file.support_plans, *self._file.assessments]
        self.sig_open_assessment.emit(self._household_id, rows[index.row()].assessment_id)

    def _open_placement(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if self._file is None:
            return
        placed = self._file.placements[index.row()]
        if placed.child_id is not None and placed.name != CHILD_NOT_HERE:
            self.sig_open_child.emit(placed.child_id)
