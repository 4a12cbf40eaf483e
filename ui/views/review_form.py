"""The review form: a child's review, a special guardianship support review or a foster carer
annual review, with the actions agreed at it.

Its draft, sign-off and addenda are the lifecycle every record form shares
(``ui.views.draft_form``); the review's id and each action line's id are made up front so
every save is an upsert (``app.services.reviews``).

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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from types import ModuleType
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import clock, codes
from app.errors import FieldProblem
from app.ids import new_id
from app.services import actions, reviews, training
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
from app.services.training import Completed
from app.store import Store
from app.subjects import subject_name
from ui.changes import ChangeHub
from ui.errors import message_for
from ui.views.action_line import ActionLineEditor, to_date
from ui.views.common import date_box, heading_font, local_time, qdate, uk_date
from ui.views.draft_form import DraftForm
from ui.views.record_state import RecordState
from ui.views.write_queue import Job

#: The read-only row listing the household's training completed in the year to the review.
TRAINING_ROW = "carer.training"
PN0_HINT = "'Child under 4' is only for a child under 4 on the day of the review."


@dataclass(frozen=True)
class _Loaded:
    name: str
    state: ReviewState | None
    #: A household's completed training (courses attended, TSD...), newest first: a carer
    #: annual review shows what was completed in the year up to its date.
    training: tuple[Completed, ...] = ()


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
    done = training.completed(store, household_id) if household_id is not None else []
    return _Loaded(subject_name(store, child_id, household_id), state, tuple(done))


class ReviewForm(DraftForm):
    """A review of a child or a carer household; see the module docstring."""

    sig_action_done = Signal(uuid.UUID)
    """One of the signed review's actions was marked done.

    Parameters
    ----------
    action_id : uuid.UUID
    """

    NOUN = "review"
    KIND = "review"
    SERVICE: ClassVar[ModuleType] = reviews
    ID_KEY = "review_id"
    FINALISE_TITLE = "Finalise review"
    FINALISE_QUESTION = (
        "Finalise (sign off) this review and the actions agreed at it?\n\nOnce finalised "
        "it cannot be changed; actions can still be marked done. Any correction is added "
        "as an addendum."
    )

    def __init__(
        self,
        store: Store,
        *,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        review_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
        changes: ChangeHub | None = None,
    ) -> None:
        if child_id is None and household_id is None and review_id is None:
            raise ValueError("a review form needs a child, a household or a review")
        super().__init__(
            store, review_id, parent, child_id=child_id, household_id=household_id, changes=changes
        )
        self._lines: list[ActionLineEditor] = []
        self._build()
        self._start_loading(lambda: _load(self._store, child_id, household_id, review_id))

    # ---- Public API

    @property
    def review_id(self) -> uuid.UUID:
        return self._record_id

    @property
    def action_lines(self) -> list[ActionLineEditor]:
        return list(self._lines)

    @property
    def add_action_button(self) -> QPushButton:
        return self._add_action

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
            review_date=to_date(self._date.date()),
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

    # ---- Private API: building

    def _build(self) -> None:
        self.setAccessibleName("Review form")
        self._title = QLabel("Review")
        self._title.setFont(heading_font(self.font()))
        self._title.setAccessibleName("Review form title")

        household = self._household_id is not None and self._child_id is None
        self._kind = QComboBox()
        for code in reviews.kinds_for(household=household):
            self._kind.addItem(codes.label("review_kind", code), code)
        self._date = date_box(latest=clock.today())
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
        self._training: tuple[Completed, ...] = ()
        self._training_words = QLabel("")
        # One line a completion, unwrapped: a wrapped label in a form row is given the height
        # of its narrowest layout and cuts the rest off.
        self._training_words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

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
            "suitability": "Continued s&uitability:",
            "terms": "&Terms of approval:",
            "panel": "Goes to fostering pane&l:",
        }
        for name, (heading, _) in CARER_ANSWERS.items():
            rows.append((f"carer.{name}", carer_captions[name], self._answers[name], heading))
        for name, heading in CARER_TEXTS.items():
            rows.append((f"carer.{name}", f"{heading}:", self._carer_texts[name], heading))
        # What the carers completed in the year, beside the questions it informs.
        rows.insert(
            4,
            (
                TRAINING_ROW,
                "Training in the year:",
                self._training_words,
                "Training completed in the year to the review",
            ),
        )
        self._form_rows(form, rows)

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

        self._addenda_group(
            placeholder="Write a correction or addition to this review",
            caption="New addend&um:",
        )
        self._finalise_button("&Finalise review…", "Finalise review")
        self._scrolling([form, self._actions_box], chars=140)
        self._header_page(self._title, [])

        for combo in (self._kind, self._participation, *self._answers.values()):
            combo.currentIndexChanged.connect(self._edited)
        self._kind.currentIndexChanged.connect(self._show_questions)
        self._date.dateChanged.connect(self._edited)
        self._date.dateChanged.connect(self._show_training)
        self._chair.textEdited.connect(self._edited)
        self._weeks.valueChanged.connect(self._edited)
        for text in (self._attendees, self._decisions, *self._carer_texts.values()):
            text.textChanged.connect(self._edited)
        self._add_action.clicked.connect(self.add_action)
        self._show_questions()

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
        shown[TRAINING_ROW] = carer
        for name, visible in shown.items():
            self._rows[name].setVisible(visible)
            self._labels[name].setVisible(visible)

    # ---- Private API: the record's lifecycle (``DraftForm``)

    def _show_training(self) -> None:
        """What the household completed in the year to the review's date (NMS 20: the
        carers' development is looked at each year)."""
        until = to_date(self._date.date())
        found = training.in_year_to(list(self._training), until)
        self._training_words.setText(
            "\n".join(
                f"{uk_date(t.completed_date)}: {t.title} ({t.who}; {t.kind_label.lower()})"
                for t in found
            )
            or "No training completed in the year to this review's date."
        )

    def _apply_loaded(self, loaded: _Loaded) -> ReviewState | None:
        self._training = loaded.training
        self._show_training()
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
        return state

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
        super()._set_enabled(enabled)
        self._add_action.setEnabled(enabled)

    def _snapshot(self) -> dict[str, Any]:
        return {"values": self.values()}

    def _after_save(self, saved: reviews.Saved) -> str | None:
        if not saved.held_back:
            return None
        self._show_problems(list(saved.held_back), source="save")
        return f"Draft saved {local_time(saved.saved_at)}; an action is not saved yet"

    def _lock_fields(self, state: RecordState) -> None:
        """Actions keep only "Mark done", and show what the store holds (what was signed)."""
        super()._lock_fields(state)
        assert isinstance(state, ReviewState)
        for editor in self._lines:
            self._actions_layout.removeWidget(editor)
            editor.hide()
            editor.deleteLater()
        self._lines = []
        for line in state.fields.actions:
            self._add_line(line)
        self._no_actions.setVisible(not self._lines)
        self._add_action.setVisible(False)

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
        editor.show_problems([message_for(exc)])
        self.sig_failed.emit()

    # ---- Private API: problems

    def _widget_for(self, field: str) -> QWidget | None:
        if field in self._fields:
            return self._fields[field]
        line = _line_of(field)
        if line is not None and line[0] < len(self._lines):
            editor = self._lines[line[0]]
            return {"owner": editor.owner, "due_date": editor.due}.get(line[1], editor.description)
        return None

    def _show_problems(self, problems: Sequence[FieldProblem], *, source: str) -> None:
        """As every form does, and each action line's problems beside that line."""
        by_line: dict[int, list[str]] = {}
        rest: list[FieldProblem] = []
        for problem in problems:
            line = _line_of(problem.field)
            if line is not None and line[0] < len(self._lines):
                by_line.setdefault(line[0], []).append(problem.message)
            else:
                rest.append(problem)
        super()._show_problems(rest, source=source)
        for n, messages in by_line.items():
            self._lines[n].show_problems(messages)

    def _clear_problems(self) -> None:
        super()._clear_problems()
        for editor in self._lines:
            editor.show_problems([])

    def _description(self, name: str) -> str:
        return PN0_HINT if name == "participation" else ""


def _line_of(field: str) -> tuple[int, str] | None:
    """``actions.<n>.<field>`` as (n, field)."""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "actions" and parts[1].isdigit():
        return int(parts[1]), parts[2]
    return None
