"""The review form: a child's review, a special guardianship support review or a foster carer
annual review, with the actions agreed at it.

It keeps a draft safe exactly as the visit form does (``ui.views.visit_form``): an autosave a
few seconds after the last edit and whenever focus leaves a field, writes one at a time
through a small queue, the review's id and each action line's id made up front so every save
is an upsert (``app.services.reviews``). Finalising asks first, saves and signs in one
transaction and makes the form read-only; corrections then go in as addenda.

The actions are a repeating row editor (what, who, by when, Remove) rather than an editable
table, so each line's problem is shown beside it in words and every field is an ordinary
control a keyboard and a screen reader reach by Tab. Once the review is signed off the lines
keep their words and only "Mark done" remains (``app.services.actions.complete``): completing
an action is not changing the review.

Which questions show depends on the kind of review: the child's participation (SSDA903 codes)
for looked-after and adoption reviews, the visiting frequency for adoption placement reviews
(which set it, AAR 2005 reg 36(4)), and for a carer annual review the considerations the
regulations ask for in place of a single "decisions" box.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import clock, codes
from app.chronology import child_names
from app.errors import CasebookError, FieldProblem, RecordFinalised, ValidationError
from app.ids import new_id
from app.models import CarerHousehold
from app.services import actions, reviews
from app.services.actions import ActionView
from app.services.reviews import (
    CARER_ANNUAL,
    CARER_ANSWERS,
    CARER_TEXTS,
    FREQUENCY_KINDS,
    PARTICIPATION_KINDS,
    ActionLine,
    CarerReview,
    ReviewFields,
    ReviewState,
)
from app.services.visits import AddendumView
from app.store import Store
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font, local_time, qdate, uk_date
from ui.views.write_queue import GENERIC_SAVE, Job, WriteQueue, addendum_problem

#: The date an action's "Due by" box shows as "No date set".
_NO_DATE = QDate(2000, 1, 1)
PN0_HINT = "'Child under 4' is only for a child under 4 on the day of the review."


@dataclass(frozen=True)
class _Loaded:
    name: str
    state: ReviewState | None


def _load(
    store: Store,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    review_id: uuid.UUID | None,
) -> _Loaded:
    """Runs on a worker thread: the review (if it exists) and whom it is about, by name."""
    state = reviews.load(store, review_id=review_id) if review_id is not None else None
    if state is not None:
        child_id, household_id = state.child_id, state.household_id
    with store.read() as session:
        if child_id is not None:
            name = child_names(session, {child_id}).get(child_id, "")
        elif household_id is not None:
            household = session.get(CarerHousehold, household_id)
            name = household.name if household is not None and not household.deleted else ""
        else:
            name = ""
    return _Loaded(name, state)


class ActionLineEditor(QWidget):
    """One action being agreed: what, who, by when; Remove while the review is a draft,
    Mark done once it is signed."""

    #: A field of the line was edited.
    sig_edited = Signal()
    #: The worker asked to take this line off the review.
    sig_remove = Signal()
    #: The worker asked to mark this (signed) action done.
    sig_mark_done = Signal()

    def __init__(self, line: ActionLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._line = line
        uk = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
        self.description = QLineEdit(line.description)
        self.description.setPlaceholderText("What will be done")
        self.description.setAccessibleName("Action")
        self.owner = QLineEdit(line.owner)
        self.owner.setPlaceholderText("Who")
        self.owner.setAccessibleName("Who is responsible")
        self.owner.setMaximumWidth(self.fontMetrics().averageCharWidth() * 26)
        self.due = QDateEdit()
        self.due.setLocale(uk)
        self.due.setDisplayFormat("dd MMM yyyy")
        self.due.setCalendarPopup(True)
        self.due.setMinimumDate(_NO_DATE)
        self.due.setSpecialValueText("No date set")
        self.due.setDate(qdate(line.due_date) if line.due_date else _NO_DATE)
        self.due.setAccessibleName("Due by")
        self.due.calendarWidget().installEventFilter(self)
        self.state = QLabel("")
        self.state.setAccessibleName("Action state")
        self.remove = QPushButton("Remove")
        self.remove.setAccessibleName("Remove this action")
        self.mark_done = QPushButton("Mark done")
        self.mark_done.setAccessibleName("Mark this action done")
        self.mark_done.setVisible(False)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.error.setAccessibleName("Problem with this action")

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.description, 3)
        row.addWidget(self.owner, 1)
        row.addWidget(self.due)
        row.addWidget(self.state)
        row.addWidget(self.remove)
        row.addWidget(self.mark_done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self._show_state()

        self.description.textEdited.connect(lambda _t: self.sig_edited.emit())
        self.owner.textEdited.connect(lambda _t: self.sig_edited.emit())
        self.due.dateChanged.connect(lambda _d: self.sig_edited.emit())
        self.remove.clicked.connect(self.sig_remove.emit)
        self.mark_done.clicked.connect(self.sig_mark_done.emit)

    @property
    def action_id(self) -> uuid.UUID:
        return self._line.action_id

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        """The calendar of a line with no date yet opens on this month, not on the date that
        stands for "No date set"."""
        if (
            watched is self.due.calendarWidget()
            and event.type() == QEvent.Type.Show
            and self.due.date() == _NO_DATE
        ):
            today = clock.today()
            self.due.calendarWidget().setCurrentPage(today.year, today.month)
        return super().eventFilter(watched, event)

    def line(self) -> ActionLine:
        due = self.due.date()
        return ActionLine(
            self._line.action_id,
            self.description.text(),
            self.owner.text(),
            None if due == _NO_DATE else _to_date(due),
            self._line.completed_date,
        )

    def set_read_only(self) -> None:
        for box in (self.description, self.owner):
            box.setReadOnly(True)
        self.due.setReadOnly(True)
        self.due.setCalendarPopup(False)
        self.remove.setVisible(False)
        self.error.setVisible(False)
        self.mark_done.setVisible(self._line.completed_date is None)

    def completed(self, view: ActionView) -> None:
        self._line = replace(self._line, completed_date=view.completed)
        self.mark_done.setVisible(False)
        self._show_state()

    def show_problems(self, messages: list[str]) -> None:
        self.error.setText(" ".join(messages))
        self.error.setVisible(bool(messages))

    def _show_state(self) -> None:
        done = self._line.completed_date
        self.state.setText(f"Done {uk_date(done)}" if done else "")
        self.state.setVisible(done is not None)


class ReviewForm(QWidget):
    saved = Signal(uuid.UUID)
    """A draft save reached the store.

    Parameters
    ----------
    review_id : uuid.UUID
    """

    finalised = Signal(uuid.UUID)
    """The review was signed off and is now read-only.

    Parameters
    ----------
    review_id : uuid.UUID
    """

    sig_action_done = Signal(uuid.UUID)
    """One of the signed review's actions was marked done.

    Parameters
    ----------
    action_id : uuid.UUID
    """

    #: The form has its data (a new form at once; an existing review once it has loaded).
    sig_ready = Signal()
    #: An addendum was added (the list below the form has been updated).
    sig_changed = Signal()
    #: A write failed; the message is on screen.
    sig_failed = Signal()

    #: Autosave this long after the last edit.
    AUTOSAVE_MS = 3000

    def __init__(
        self,
        store: Store,
        *,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        review_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if child_id is None and household_id is None and review_id is None:
            raise ValueError("a review form needs a child, a household or a review")
        self._store = store
        self._child_id = child_id
        self._household_id = household_id
        self._review_id = review_id or new_id()
        self._read_only = False
        self._loading = True
        self._edits = 0
        self._saved_edits = 0
        self._writes = WriteQueue(self)
        self._addenda: list[AddendumView] = []
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self._lines: list[ActionLineEditor] = []
        self._problems_from = ""
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save_now)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self._set_enabled(False)
        run_task(
            lambda: _load(self._store, child_id, household_id, review_id),
            self._loaded,
            self._load_failed,
        )

    # ---- Public API

    @property
    def review_id(self) -> uuid.UUID:
        return self._review_id

    @property
    def child_id(self) -> uuid.UUID | None:
        return self._child_id

    @property
    def household_id(self) -> uuid.UUID | None:
        return self._household_id

    @property
    def is_dirty(self) -> bool:
        return self._edits != self._saved_edits

    @property
    def is_read_only(self) -> bool:
        return self._read_only

    @property
    def is_busy(self) -> bool:
        return self._writes.busy

    @property
    def action_lines(self) -> list[ActionLineEditor]:
        return list(self._lines)

    @property
    def add_action_button(self) -> QPushButton:
        return self._add_action

    @property
    def finalise_button(self) -> QPushButton:
        return self._finalise

    @property
    def addendum_box(self) -> QPlainTextEdit:
        return self._addendum

    @property
    def add_addendum_button(self) -> QPushButton:
        return self._add_addendum

    def field(self, name: str) -> QWidget:
        """The control for a field (``ReviewFields`` names; ``carer.<name>`` for a carer
        review's parts)."""
        return self._fields[name]

    def error_text(self, name: str) -> str:
        return self._errors[name].text() if name in self._errors else ""

    def is_shown(self, name: str) -> bool:
        """Whether the question is asked for this kind of review."""
        return not self._fields[name].isHidden() and not self._rows[name].isHidden()

    def values(self) -> ReviewFields:
        kind = str(self._kind.currentData())
        weeks = self._weeks.value()
        carer = CarerReview(
            suitability=self._answers["suitability"].currentData(),
            terms=self._answers["terms"].currentData(),
            panel=self._answers["panel"].currentData(),
            **{name: box.toPlainText() for name, box in self._carer_texts.items()},
        )
        return ReviewFields(
            kind=kind,
            review_date=_to_date(self._date.date()),
            chair=self._chair.text(),
            attendees=self._attendees.toPlainText(),
            participation=self._participation.currentData(),
            decisions=self._decisions.toPlainText(),
            visit_interval_weeks=weeks if weeks > 0 else None,
            carer=carer,
            actions=tuple(editor.line() for editor in self._lines),
        )

    def add_action(self) -> ActionLineEditor:
        """A new, empty action line (its id made now), focused for typing."""
        editor = self._add_line(ActionLine(new_id()))
        editor.description.setFocus()
        return editor

    def save_now(self) -> None:
        self._timer.stop()
        if self._read_only or self._loading:
            return
        if self._writes.waiting("save"):
            return
        self._writes.add(Job("save", self._start_save, self._save_done, self._save_failed))

    def finalise(self) -> None:
        """Ask, then save and sign off in one transaction."""
        if self._read_only or self._loading:
            return
        answer = QMessageBox.question(
            self,
            "Finalise review",
            "Finalise (sign off) this review and the actions agreed at it?\n\nOnce finalised "
            "it cannot be changed; actions can still be marked done. Any correction is added "
            "as an addendum.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._timer.stop()
        self._status.setText("Finalising…")
        self._writes.add(
            Job("finalise", self._start_finalise, self._finalise_done, self._finalise_failed)
        )

    # ---- Private API: building

    def _build(self) -> None:
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName("Review form")
        uk = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
        self._title = QLabel("Review")
        self._title.setFont(heading_font(self.font()))
        self._title.setAccessibleName("Review form title")
        self._status = QLabel("Not saved yet")
        self._status.setAccessibleName("Save status")
        self._status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._general = self._error_label()

        household = self._household_id is not None and self._child_id is None
        self._kind = QComboBox()
        for code in reviews.kinds_for(household=household):
            self._kind.addItem(codes.label("review_kind", code), code)
        self._date = QDateEdit()
        self._date.setLocale(uk)
        self._date.setDisplayFormat("dd MMM yyyy")
        self._date.setCalendarPopup(True)
        self._date.setMaximumDate(qdate(clock.today()))
        self._date.setDate(qdate(clock.today()))
        self._chair = QLineEdit()
        self._chair.setPlaceholderText("For example: Priya Shah, independent reviewing officer")
        self._attendees = self._text_box(3)
        self._participation = QComboBox()
        self._participation.addItem("Choose how the child took part", None)
        for code, entry in codes.code_list("review_participation").items():
            self._participation.addItem(f"{code}: {entry.label}", code)
        self._participation.setToolTip(PN0_HINT)
        self._participation.setAccessibleDescription(PN0_HINT)
        self._weeks = QSpinBox()
        self._weeks.setRange(0, 26)
        self._weeks.setSpecialValueText("Not set by this review")
        self._weeks.setSuffix(" weeks")
        self._decisions = self._text_box(5)
        self._answers: dict[str, QComboBox] = {}
        for name, (_, answers) in CARER_ANSWERS.items():
            box = QComboBox()
            box.addItem("Not answered yet", None)
            for code, words in answers.items():
                box.addItem(words, code)
            self._answers[name] = box
        self._carer_texts = {name: self._text_box(4) for name in CARER_TEXTS}

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        rows: list[tuple[str, str, QWidget, str]] = [
            ("kind", "&Kind of review:", self._kind, "Kind of review"),
            ("review_date", "&Date of review:", self._date, "Date of review"),
            ("chair", "C&haired by:", self._chair, "Chaired by"),
            ("attendees", "&Who attended:", self._attendees, "Who attended"),
            (
                "participation",
                "Child's &participation:",
                self._participation,
                "How the child took part",
            ),
            (
                "visit_interval_weeks",
                "&Visiting frequency set:",
                self._weeks,
                "Visiting frequency set by the review",
            ),
            ("decisions", "D&ecisions:", self._decisions, "Decisions"),
        ]
        carer_captions = {
            "suitability": "Continued &suitability:",
            "terms": "&Terms of approval:",
            "panel": "Goes to &fostering panel:",
        }
        for name, (heading, _) in CARER_ANSWERS.items():
            rows.append((f"carer.{name}", carer_captions[name], self._answers[name], heading))
        for name, heading in CARER_TEXTS.items():
            rows.append((f"carer.{name}", f"{heading}:", self._carer_texts[name], heading))
        self._rows: dict[str, QWidget] = {}
        self._captions: dict[str, QLabel] = {}
        for name, caption, widget, accessible in rows:
            widget.setAccessibleName(accessible)
            label = QLabel(caption)
            label.setBuddy(widget)
            # Long captions wrap beside a tall box; a one-line control keeps its caption whole.
            label.setWordWrap(isinstance(widget, QPlainTextEdit))
            holder = self._with_error(name, widget)
            form.addRow(label, holder)
            self._fields[name] = widget
            self._rows[name] = holder
            self._captions[name] = label

        self._actions_box = QGroupBox("Actions agreed (what, who, by when)")
        self._actions_layout = QVBoxLayout()
        self._no_actions = QLabel("No actions yet.")
        self._add_action = QPushButton("Add a&n action")
        self._add_action.setAccessibleName("Add an action")
        actions_layout = QVBoxLayout(self._actions_box)
        actions_layout.addWidget(self._no_actions)
        actions_layout.addLayout(self._actions_layout)
        add_row = QHBoxLayout()
        add_row.addWidget(self._add_action)
        add_row.addStretch(1)
        actions_layout.addLayout(add_row)

        self._addenda_list = QLabel("")
        self._addenda_list.setWordWrap(True)
        self._addenda_list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._addenda_list.setAccessibleName("Addenda")
        self._addendum = self._text_box(5)
        self._addendum.setAccessibleName("New addendum")
        self._addendum.setPlaceholderText("Write a correction or addition to this review")
        self._add_addendum = QPushButton("Add adde&ndum")
        self._add_addendum.setAccessibleName("Add addendum")
        self._addendum_error = self._error_label()
        addendum_label = QLabel("New addend&um:")
        addendum_label.setBuddy(self._addendum)
        self._addenda_box = QGroupBox("Addenda (corrections and additions)")
        addenda_layout = QVBoxLayout(self._addenda_box)
        addenda_layout.addWidget(self._addenda_list)
        addenda_layout.addWidget(addendum_label)
        addenda_layout.addWidget(self._addendum)
        addenda_layout.addWidget(self._addendum_error)
        addendum_row = QHBoxLayout()
        addendum_row.addWidget(self._add_addendum)
        addendum_row.addStretch(1)
        addenda_layout.addLayout(addendum_row)
        self._addenda_box.setVisible(False)

        self._save = QPushButton("&Save draft now")
        self._save.setAccessibleName("Save draft now")
        self._finalise = QPushButton("&Finalise review…")
        self._finalise.setAccessibleName("Finalise review")

        body = QWidget()
        body.setMaximumWidth(self.fontMetrics().averageCharWidth() * 140)
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self._general)
        body_layout.addLayout(form)
        body_layout.addWidget(self._actions_box)
        body_layout.addWidget(self._addenda_box)
        body_layout.addStretch(1)
        page = QWidget()
        page_layout = QHBoxLayout(page)
        page_layout.addWidget(body, 1)
        page_layout.addStretch(0)
        scroll = self._scroll = QScrollArea()
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        header = QHBoxLayout()
        header.addWidget(self._title, 1)
        header.addWidget(self._status)
        header.addSpacing(12)
        header.addWidget(self._save)
        header.addWidget(self._finalise)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)

        for combo in (self._kind, self._participation, *self._answers.values()):
            combo.currentIndexChanged.connect(self._edited)
        self._kind.currentIndexChanged.connect(self._show_questions)
        self._date.dateChanged.connect(self._edited)
        self._chair.textEdited.connect(self._edited)
        self._weeks.valueChanged.connect(self._edited)
        for text in (self._attendees, self._decisions, *self._carer_texts.values()):
            text.textChanged.connect(self._edited)
        self._add_action.clicked.connect(self.add_action)
        self._save.clicked.connect(self.save_now)
        self._finalise.clicked.connect(self.finalise)
        self._add_addendum.clicked.connect(self._add_addendum_clicked)
        self._show_questions()

    def _text_box(self, lines: int) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setTabChangesFocus(True)
        line = self.fontMetrics().lineSpacing()
        box.setMinimumHeight(line * lines + 12)
        box.setMaximumHeight(line * (lines + 3) + 12)
        return box

    def _error_label(self) -> QLabel:
        label = QLabel("")
        label.setProperty("role", "error")
        label.setWordWrap(True)
        label.setVisible(False)
        return label

    def _with_error(self, name: str, widget: QWidget) -> QWidget:
        box = QWidget()
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(widget)
        if widget.sizePolicy().horizontalPolicy() != QSizePolicy.Policy.Expanding:
            row.addStretch(1)
        layout.addLayout(row)
        error = self._error_label()
        error.setAccessibleName(f"Problem with {widget.accessibleName() or name}")
        layout.addWidget(error)
        self._errors[name] = error
        return box

    def _show_questions(self) -> None:
        """Ask only what this kind of review decides."""
        kind = str(self._kind.currentData())
        carer = kind == CARER_ANNUAL
        shown = {
            "participation": kind in PARTICIPATION_KINDS,
            "visit_interval_weeks": kind in FREQUENCY_KINDS,
            "decisions": not carer,
        }
        for name in CARER_ANSWERS:
            shown[f"carer.{name}"] = carer
        for name in CARER_TEXTS:
            shown[f"carer.{name}"] = carer
        for name, visible in shown.items():
            self._rows[name].setVisible(visible)
            self._captions[name].setVisible(visible)

    # ---- Private API: loading

    def _loaded(self, loaded: _Loaded) -> None:
        if not alive(self):
            return
        state = loaded.state
        if state is not None:
            self._child_id, self._household_id = state.child_id, state.household_id
            if state.child_id is None:
                self._kind.clear()
                for code in reviews.kinds_for(household=True):
                    self._kind.addItem(codes.label("review_kind", code), code)
        kind_words = codes.label("review_kind", str(self._kind.currentData()))
        if state is not None:
            kind_words = codes.label("review_kind", state.fields.kind)
        self._title.setText(f"{kind_words}: {loaded.name}" if loaded.name else kind_words)
        if state is not None:
            self._fill(state.fields)
            self._addenda = list(state.addenda)
            self._show_addenda()
            if state.finalised:
                self._make_read_only(state)
            else:
                self._status.setText(f"Draft saved {local_time(state.saved_at)}")
        self._loading = False
        if not self._read_only:
            self._set_enabled(True)
        self.sig_ready.emit()

    def _load_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        message = str(exc) if isinstance(exc, CasebookError | LookupError) else _GENERIC_LOAD
        self._show_general(message)
        self._status.setText("Not loaded")
        self.sig_failed.emit()

    def _fill(self, values: ReviewFields) -> None:
        """Show stored values without counting them as edits."""
        self._loading = True
        index = self._kind.findData(values.kind)
        if index < 0:
            self._kind.addItem(codes.label("review_kind", values.kind), values.kind)
            index = self._kind.count() - 1
        self._kind.setCurrentIndex(index)
        if values.review_date is not None:
            self._date.setDate(qdate(values.review_date))
        self._chair.setText(values.chair)
        self._attendees.setPlainText(values.attendees)
        self._participation.setCurrentIndex(
            max(0, self._participation.findData(values.participation))
        )
        self._weeks.setValue(values.visit_interval_weeks or 0)
        self._decisions.setPlainText(values.decisions)
        for name, box in self._answers.items():
            box.setCurrentIndex(max(0, box.findData(getattr(values.carer, name))))
        for name, text in self._carer_texts.items():
            text.setPlainText(getattr(values.carer, name))
        for line in values.actions:
            self._add_line(line)
        self._loading = False

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (*self._fields.values(), self._save, self._finalise, self._add_action):
            widget.setEnabled(enabled)

    # ---- Private API: action lines

    def _add_line(self, line: ActionLine) -> ActionLineEditor:
        editor = ActionLineEditor(line, self._actions_box)
        editor.sig_edited.connect(self._edited)
        editor.sig_remove.connect(partial(self._remove_line, editor))
        editor.sig_mark_done.connect(partial(self._mark_done, editor))
        self._lines.append(editor)
        self._actions_layout.addWidget(editor)
        self._no_actions.setVisible(False)
        if self._read_only:
            editor.set_read_only()
        return editor

    def _remove_line(self, editor: ActionLineEditor) -> None:
        if self._read_only or editor not in self._lines:
            return
        self._lines.remove(editor)
        self._actions_layout.removeWidget(editor)
        editor.hide()
        editor.deleteLater()
        self._no_actions.setVisible(not self._lines)
        self._edited()
        self._add_action.setFocus()

    def _mark_done(self, editor: ActionLineEditor) -> None:
        store, action_id = self._store, editor.action_id
        self._writes.add(
            Job(
                "complete",
                lambda: lambda: actions.complete(store, action_id=action_id),
                partial(self._marked_done, editor),
                partial(self._mark_failed, editor),
            )
        )

    def _marked_done(self, editor: ActionLineEditor, view: ActionView) -> None:
        editor.completed(view)
        editor.show_problems([])
        self._status.setText(f"Action marked done {uk_date(view.completed)}")
        self.sig_action_done.emit(view.action_id)

    def _mark_failed(self, editor: ActionLineEditor, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            editor.show_problems([p.message for p in exc.problems])
        else:
            editor.show_problems([str(exc) if isinstance(exc, LookupError) else GENERIC_SAVE])
        self.sig_failed.emit()

    # ---- Private API: editing and autosave

    def _edited(self, *_args: object) -> None:
        if self._loading or self._read_only:
            return
        self._edits += 1
        self._status.setText("Unsaved changes")
        self._timer.start(self.AUTOSAVE_MS)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """Leaving a field saves at once: the worker may be about to close the lid."""
        if not alive(self) or old is None or not self.is_dirty:
            return
        if old is self or self.isAncestorOf(old):
            self.save_now()

    def _subject(self) -> tuple[uuid.UUID | None, uuid.UUID | None]:
        return self._child_id, self._household_id

    def _start_save(self) -> Callable[[], Any] | None:
        if not self.is_dirty or self._read_only:
            return None
        values, edits = self.values(), self._edits
        self._status.setText("Saving…")
        store, review_id = self._store, self._review_id
        child_id, household_id = self._subject()

        def work() -> tuple[reviews.Saved, int]:
            saved = reviews.save_draft(
                store,
                review_id=review_id,
                child_id=child_id,
                household_id=household_id,
                values=values,
            )
            return saved, edits

        return work

    def _save_done(self, result: tuple[reviews.Saved, int]) -> None:
        saved, edits = result
        self._saved_edits = max(self._saved_edits, edits)
        if self._problems_from == "save":
            self._clear_problems()
        if saved.held_back:
            self._show_problems(list(saved.held_back), source="save")
            self._status.setText(
                f"Draft saved {local_time(saved.saved_at)}; an action is not saved yet"
            )
        elif self.is_dirty:
            self._status.setText(f"Draft saved {local_time(saved.saved_at)}; newer changes to save")
        else:
            self._status.setText(f"Draft saved {local_time(saved.saved_at)}")
        self.saved.emit(saved.review_id)

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._show_problems(exc.problems, source="save")
            self._status.setText("Not saved: see the problems shown in red")
        elif isinstance(exc, RecordFinalised):
            self._status.setText("This review has been finalised elsewhere")
            self._show_general(str(exc))
        else:
            self._status.setText("Not saved yet: Casebook will try again on your next change")
        self.sig_failed.emit()

    # ---- Private API: finalising

    def _start_finalise(self) -> Callable[[], Any] | None:
        values, edits = self.values(), self._edits
        store, review_id = self._store, self._review_id
        child_id, household_id = self._subject()

        def work() -> tuple[ReviewState, int]:
            state = reviews.finalise(
                store,
                review_id=review_id,
                child_id=child_id,
                household_id=household_id,
                values=values,
            )
            return state, edits

        return work

    def _finalise_done(self, result: tuple[ReviewState, int]) -> None:
        state, edits = result
        self._saved_edits = max(self._saved_edits, edits)
        self._clear_problems()
        self._make_read_only(state)
        QTimer.singleShot(0, self._show_addenda_box)
        self._addendum.setFocus()
        self.finalised.emit(state.review_id)

    def _finalise_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._show_problems(exc.problems, source="finalise")
            self._status.setText("Not finalised: see the problems shown in red")
            first = self._widget_for(exc.problems[0].field) if exc.problems else None
            if first is not None:
                first.setFocus()
        else:
            self._status.setText("Not finalised")
            self._show_general(str(exc) if isinstance(exc, CasebookError) else GENERIC_SAVE)
        self.sig_failed.emit()

    def _make_read_only(self, state: ReviewState) -> None:
        """Signed off: fields stay readable and focusable but not editable; actions keep
        only "Mark done"; the addendum box is the way to add anything."""
        self._read_only = True
        self._timer.stop()
        for name, widget in self._fields.items():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(True)
            else:
                widget.setEnabled(False)
            self._errors[name].setVisible(False)
        # What was signed is what the store holds: show its lines (ids and completions).
        for editor in self._lines:
            self._actions_layout.removeWidget(editor)
            editor.hide()
            editor.deleteLater()
        self._lines = []
        for line in state.fields.actions:
            self._add_line(line)
        self._no_actions.setVisible(not self._lines)
        self._add_action.setVisible(False)
        self._save.setVisible(False)
        self._finalise.setVisible(False)
        self._addenda_box.setVisible(True)
        when = state.finalised_at or state.saved_at
        by = f" by {state.finalised_by}" if state.finalised_by else ""
        self._status.setText(
            f"Finalised {uk_date(when.astimezone().date())} {local_time(when)}{by}"
        )

    # ---- Private API: addenda

    def _show_addenda_box(self) -> None:
        if alive(self):
            self._scroll.ensureWidgetVisible(self._addenda_box)

    def _add_addendum_clicked(self) -> None:
        text = self._addendum.toPlainText()
        review_id, store = self._review_id, self._store
        self._writes.add(
            Job(
                "addendum",
                lambda: lambda: reviews.add_addendum(store, review_id=review_id, text=text),
                self._addendum_added,
                self._addendum_failed,
            )
        )

    def _addendum_added(self, added: AddendumView) -> None:
        self._addenda.append(added)
        self._show_addenda()
        self._addendum.clear()
        self._addendum_error.setVisible(False)
        self.sig_changed.emit()

    def _addendum_failed(self, exc: BaseException) -> None:
        self._addendum_error.setText(addendum_problem(exc))
        self._addendum_error.setVisible(True)
        self.sig_failed.emit()

    def _show_addenda(self) -> None:
        if not self._addenda:
            self._addenda_list.setText("No addenda yet.")
            return
        self._addenda_list.setText(
            "\n\n".join(
                f"{uk_date(a.written_at.astimezone().date())} {local_time(a.written_at)}, "
                f"{a.written_by}: {a.text}"
                for a in self._addenda
            )
        )

    # ---- Private API: problems

    def _widget_for(self, field: str) -> QWidget | None:
        if field in self._fields:
            return self._fields[field]
        line = _line_of(field)
        if line is not None and line[0] < len(self._lines):
            editor = self._lines[line[0]]
            return {"owner": editor.owner, "due_date": editor.due}.get(line[1], editor.description)
        return None

    def _show_problems(self, problems: list[FieldProblem], *, source: str) -> None:
        self._clear_problems()
        self._problems_from = source
        general: list[str] = []
        by_line: dict[int, list[str]] = {}
        for problem in problems:
            line = _line_of(problem.field)
            if line is not None and line[0] < len(self._lines):
                by_line.setdefault(line[0], []).append(problem.message)
                continue
            label = self._errors.get(problem.field)
            if label is None or self._rows[problem.field].isHidden():
                general.append(problem.message)
                continue
            label.setText(problem.message)
            label.setVisible(True)
            self._fields[problem.field].setAccessibleDescription(problem.message)
        for n, messages in by_line.items():
            self._lines[n].show_problems(messages)
        if general:
            self._show_general(" ".join(general))

    def _clear_problems(self) -> None:
        self._problems_from = ""
        for name, label in self._errors.items():
            label.clear()
            label.setVisible(False)
            description = PN0_HINT if name == "participation" else ""
            self._fields[name].setAccessibleDescription(description)
        for editor in self._lines:
            editor.show_problems([])
        self._general.setVisible(False)

    def _show_general(self, message: str) -> None:
        self._general.setText(message)
        self._general.setVisible(True)


_GENERIC_LOAD = "This review could not be opened. Try again; if it keeps happening, contact "
_GENERIC_LOAD += "the service desk."


def _line_of(field: str) -> tuple[int, str] | None:
    """``actions.<n>.<field>`` as (n, field)."""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "actions" and parts[1].isdigit():
        return int(parts[1]), parts[2]
    return None


def _to_date(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())
