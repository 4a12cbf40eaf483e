"""The panel administrator's changes to the fostering panel, one dialog in four modes: a new
panel date, a household booked onto one, the panel's recommendation on an item, and the agency
decision maker's decision (with the terms of an approval).

Each is sent to the service on a worker thread (``sync.panels``): the panel is the service's,
so a change is made online or not at all. A problem the service finds comes back beside the
field it names, in the same words the laptop's own checks use.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import carer_pipeline, clock, codes
from app.errors import FieldProblem, ValidationError
from app.ids import new_id
from app.settings import Settings
from app.store import Store
from sync import panels
from sync.protocol.panels import (
    BookableHousehold,
    NewPanelItem,
    NewPanelMeeting,
    PanelDecision,
    PanelItemView,
    PanelMeetingView,
    PanelRecommendation,
)
from ui.views.approval_terms import TermsFields
from ui.views.common import date_box
from ui.views.fields_dialog import FieldsDialog

MEETING, BOOK, RECOMMEND, DECIDE = "meeting", "book", "recommend", "decide"
_TITLES = {
    MEETING: "New fostering panel date",
    BOOK: "Book a household onto the panel",
    RECOMMEND: "Record the panel's recommendation",
    DECIDE: "Record the agency decision maker's decision",
}


class PanelDialog(FieldsDialog):
    sig_saved = Signal(object)
    """The service made the change; the panel list as it now stands.

    Parameters
    ----------
    answer : sync.panels.PanelAnswer
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        mode: str,
        *,
        meeting: PanelMeetingView | None = None,
        item: PanelItemView | None = None,
        households: list[BookableHousehold] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = _TITLES[mode]
        if item is not None:
            title = f"{title}: {item.household_name}"
        super().__init__(mode, title, parent)
        self._store = store
        self._settings = settings
        self._meeting = meeting
        self._item = item
        self._households = households or []
        #: Made when the dialog opens, so saving twice makes one date or booking.
        self._new_id = new_id()
        self._build()

    @property
    def new_id(self) -> uuid.UUID:
        """The id a new date or booking is made with (fixed when the dialog opens)."""
        return self._new_id

    def save(self) -> None:
        store, settings, mode = self._store, self._settings, self._mode
        work: Callable[[], panels.PanelAnswer]
        if mode == MEETING:
            meeting = NewPanelMeeting(
                meeting_id=self._new_id,
                sits_on=_to_date(self._date.date()),
                details=self._details.text(),
            )

            def work() -> panels.PanelAnswer:
                return panels.add_meeting(store, settings, meeting)

        elif mode == BOOK:
            assert self._meeting is not None
            meeting_id = self._meeting.meeting_id
            chosen = self._household.currentData()
            booking = NewPanelItem(
                item_id=self._new_id,
                household_id=uuid.UUID(chosen) if chosen else uuid.UUID(int=0),
                kind=str(self._kind.currentData() or ""),
            )

            def work() -> panels.PanelAnswer:
                if not chosen:
                    raise _problem("household_id", "Choose the household.")
                return panels.add_item(store, settings, meeting_id, booking)

        elif mode == RECOMMEND:
            assert self._item is not None
            item_id = self._item.item_id
            said = self._recommendation.currentData()
            recommendation = PanelRecommendation(
                recommendation=str(said or ""), notes=self._notes.toPlainText()
            )

            def work() -> panels.PanelAnswer:
                if not said:
                    raise _problem("recommendation", "Choose the panel's recommendation.")
                return panels.recommend(store, settings, item_id, recommendation)

        else:
            assert self._item is not None
            item_id = self._item.item_id
            terms = self._terms.terms()
            decision = PanelDecision(
                decision=str(self._decision.currentData() or ""),
                decided_on=_to_date(self._date.date()),
                decided_by=self._by.text(),
                approval_type=terms.approval_type,
                max_children=terms.max_children,
                age_range_min=terms.age_range_min,
                age_range_max=terms.age_range_max,
                terms=terms.terms,
                deregistration_reason=self._reason.currentData(),
            )

            def work() -> panels.PanelAnswer:
                if not decision.decision:
                    raise _problem("decision", "Choose the decision.")
                return panels.decide(store, settings, item_id, decision)

        self._run_save(work)

    # ---- Private API

    def _build(self) -> None:
        today = clock.today()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        if self._mode == MEETING:
            self._date = date_box(start=today)
            self._details = QLineEdit()
            self._details.setPlaceholderText("For example: Room 2, Town Hall, 10am")
            self._add_row(form, "sits_on", "The panel &sits on:", self._date, "Panel date")
            self._add_row(form, "details", "&Where and when:", self._details, "Where and when")
        elif self._mode == BOOK:
            self._household = QComboBox()
            self._household.addItem("Choose the household…", None)
            for row in self._households:
                status = codes.label("approval_status", row.approval_status)
                # By its id in words: Qt's findData cannot match a Python UUID object.
                self._household.addItem(
                    f"{row.name} ({status}; {row.supervising_worker_name})",
                    str(row.household_id),
                )
            self._kind = _combo(codes.code_list("panel_item_kind"))
            self._add_row(form, "household_id", "&Household:", self._household, "Household")
            self._add_row(form, "kind", "&Going to panel for:", self._kind, "Going to panel for")
        elif self._mode == RECOMMEND:
            self._recommendation = _choose(carer_pipeline.recommendations())
            self._notes = QPlainTextEdit()
            self._notes.setTabChangesFocus(True)
            self._notes.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
            self._add_row(
                form,
                "recommendation",
                "&Recommendation:",
                self._recommendation,
                "Panel recommendation",
            )
            self._add_row(
                form, "notes", "Panel's &reasons (minutes):", self._notes, "Panel's reasons"
            )
        else:
            ending = self._item is not None and self._item.kind == "DEREGISTRATION"
            self._decision = _choose(
                carer_pipeline.deregistration_decisions() if ending else carer_pipeline.decisions()
            )
            self._date = date_box(latest=today, start=today)
            self._by = QLineEdit()
            self._by.setPlaceholderText("The agency decision maker's name and role")
            self._terms = TermsFields(lines=4)
            self._add_row(form, "decision", "Decisio&n:", self._decision, "Decision")
            self._add_row(form, "decision_date", "&Decided on:", self._date, "Decided on")
            self._add_row(form, "decided_by", "Decision &maker:", self._by, "Decision maker")
            self._reason = _choose(carer_pipeline.deregistration_reasons())
            if ending:
                # Ending an approval asks why (Ofsted's reason), not for terms.
                self._add_row(
                    form,
                    "deregistration_reason",
                    "&Reason:",
                    self._reason,
                    "Why the approval ends",
                )
            else:
                for name, caption, control, what in self._terms.rows():
                    self._add_row(form, name, caption, control, what)
        buttons = self._save_buttons(_TITLES[self._mode], "&Send to the service")
        layout = QVBoxLayout(self)
        layout.addWidget(self._general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 72)

    def _announce_saved(self, result: object) -> None:
        self.sig_saved.emit(result)


def _problem(field: str, message: str) -> ValidationError:
    return ValidationError([FieldProblem(field, message)])


def _combo(found: dict[str, codes.Code]) -> QComboBox:
    box = QComboBox()
    for code in found.values():
        box.addItem(code.label, code.code)
    return box


def _choose(choices: dict[str, str]) -> QComboBox:
    box = QComboBox()
    box.addItem("Choose…", None)
    for code, words in choices.items():
        box.addItem(words, code)
    return box


def _to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
