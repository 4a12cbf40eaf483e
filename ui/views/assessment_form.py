"""An assessment made from a form template: typed over days, never losing a word, finalised by
the worker and approved by their manager.

It keeps drafts safe exactly as the visit form does (read ``ui.views.visit_form``): every edit
restarts a short autosave timer, leaving a field saves at once, writes for one form run strictly
one after another and take their snapshot of the answers when they start, and the assessment's
id is made when the form opens so every save is the same record.

What is particular to assessments:

- The questions come from a form template, drawn by ``ui.forms.renderer``. An existing record
  always opens with the template version it was made with (``app.services.assessments.load``
  gives that version), even when a newer one has been published; the page says so, because a
  worker comparing two assessments of one child should know why the questions differ.
- Finalising asks first; if answers are missing it says, in words, how many things need
  putting right and lists them, and each message also sits beside its question.
- A finalised assessment waits for a manager's approval. A manager (the signed-in account's
  role) sees "Approve" on it; the service records who approved and when, and those reach the
  worker's laptop by sync, when the status line says so.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.chronology import child_names
from app.errors import CasebookError, FieldProblem, RecordFinalised, ValidationError
from app.forms import registry
from app.forms.template import FormTemplate
from app.ids import new_id
from app.models import APPROVED, CarerHousehold
from app.services import assessments
from app.services.assessments import AssessmentState
from app.services.visits import AddendumView
from app.store import Store
from ui.exports.actions import export_assessment
from ui.forms.renderer import FormRenderer
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font, local_time, uk_date
from ui.views.write_queue import GENERIC_SAVE, Job, WriteQueue, addendum_problem

#: At most this many problems are listed in the summary at the top; all are beside their fields.
SUMMARY_LINES = 6


@dataclass(frozen=True)
class _Loaded:
    """What the form needs before it can show anything (read on a worker thread)."""

    name: str
    template: FormTemplate
    current_version: int
    state: AssessmentState | None


def _load(
    store: Store,
    *,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    assessment_id: uuid.UUID | None,
    template_id: str | None,
) -> _Loaded:
    """Runs on a worker thread: the record (with its own template version) or, for a new
    assessment, the newest version of the chosen template; the subject's name; and the newest
    version this laptop holds, to say when the record's is older."""
    state = assessments.load(store, assessment_id=assessment_id) if assessment_id else None
    with store.read() as session:
        if state is not None:
            template = state.template
            child_id, household_id = state.child_id, state.household_id
        elif template_id is not None:
            template = registry.latest(session, template_id)
        else:
            raise ValueError("a new assessment needs a template")
        try:
            current = registry.latest(session, template.id).version
        except registry.TemplateNotFound:
            current = template.version
        if child_id is not None:
            name = child_names(session, {child_id}).get(child_id, "")
        else:
            household = session.get(CarerHousehold, household_id)
            name = household.name if household is not None and not household.deleted else ""
    return _Loaded(name, template, max(current, template.version), state)


class AssessmentForm(QWidget):
    """One assessment about a child or a carer household; see the module docstring."""

    sig_saved = Signal(uuid.UUID)
    """A draft save reached the store.

    Parameters
    ----------
    assessment_id : uuid.UUID
    """

    sig_finalised = Signal(uuid.UUID)
    """The assessment was finalised and is now read-only.

    Parameters
    ----------
    assessment_id : uuid.UUID
    """

    sig_approved = Signal(uuid.UUID)
    """The manager approved the assessment on this laptop (the service records who and when).

    Parameters
    ----------
    assessment_id : uuid.UUID
    """

    #: The form has its template and answers and is on screen (or failed to load).
    sig_ready = Signal()
    #: An addendum was added, or the record was reloaded (e.g. approval arrived by sync).
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
        assessment_id: uuid.UUID | None = None,
        template_id: str | None = None,
        can_approve: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """An existing assessment (``assessment_id``), or a new one with the newest version of
        ``template_id`` about the child ``child_id`` or the household ``household_id``.
        ``can_approve``: the signed-in account is a manager's."""
        super().__init__(parent)
        if assessment_id is None and (
            template_id is None or (child_id is None and household_id is None)
        ):
            raise ValueError("a new assessment needs a template and a child or household")
        self._store = store
        self._child_id = child_id
        self._household_id = household_id if child_id is None else None
        self._assessment_id = assessment_id or new_id()
        self._exists = assessment_id is not None
        self._can_approve = can_approve
        self._template: FormTemplate | None = None
        self._state: AssessmentState | None = None
        self._renderer: FormRenderer | None = None
        self._read_only = False
        self._loading = True
        self._edits = 0
        self._saved_edits = 0
        self._writes = WriteQueue(self, self._set_writing)
        self._addenda: list[AddendumView] = []
        #: Which write the problems on screen came from: a draft save clears only its own, so
        #: the finalising problems stay up while the worker fixes them (autosaving as they go).
        self._problems_from = ""
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._autosave_due)
        self._last_edit = 0.0
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        run_task(
            partial(
                _load,
                store,
                child_id=child_id,
                household_id=household_id,
                assessment_id=assessment_id,
                template_id=template_id,
            ),
            self._loaded,
            self._load_failed,
        )

    # ---- Public API

    @property
    def assessment_id(self) -> uuid.UUID:
        return self._assessment_id

    @property
    def child_id(self) -> uuid.UUID | None:
        return self._child_id

    @property
    def household_id(self) -> uuid.UUID | None:
        return self._household_id

    @property
    def template(self) -> FormTemplate | None:
        """The template version on screen (None until loaded)."""
        return self._template

    @property
    def renderer(self) -> FormRenderer | None:
        """The questions (None until loaded)."""
        return self._renderer

    @property
    def is_finalised(self) -> bool:
        """Finalised (or approved): the answers can no longer change."""
        return self._state is not None and self._state.finalised

    @property
    def is_approved(self) -> bool:
        return self._state is not None and self._state.status == APPROVED

    @property
    def is_dirty(self) -> bool:
        """Edits not yet in the store."""
        return self._edits != self._saved_edits

    @property
    def is_read_only(self) -> bool:
        return self._read_only

    @property
    def is_busy(self) -> bool:
        """A write is running or waiting its turn."""
        return self._writes.busy

    @property
    def status_text(self) -> str:
        """The record's status line as shown (draft, finalised, approved...)."""
        return self._record_status.text()

    @property
    def save_status_text(self) -> str:
        return self._status.text()

    @property
    def summary_text(self) -> str:
        """The summary of problems (or a general message) at the top of the form."""
        return self._general.text() if self._general.isVisibleTo(self) else ""

    def error_text(self, field: str) -> str:
        """The problem shown beside a question (``answers.<q>`` or ``answers.<g>.<n>.<f>``)."""
        return self._renderer.error_text(field) if self._renderer is not None else ""

    def add_action(self, button: QAbstractButton) -> None:
        """Put a button in the form's action row, before Save and Finalise (e.g. an export);
        it stays visible once the assessment is finalised."""
        self._actions.insertWidget(0, button)

    def set_can_approve(self, can_approve: bool) -> None:
        """The signed-in account's role became known (it is read after the window opens)."""
        self._can_approve = can_approve
        self._show_state()

    def save_now(self) -> None:
        """Save the draft now if anything changed (the shell calls this before closing)."""
        self._timer.stop()
        if self._read_only or self._loading:
            return
        if self._writes.waiting("save"):
            return  # a save is already waiting its turn; it will take the latest answers
        self._writes.add(Job("save", self._start_save, self._save_done, self._save_failed))

    def finalise(self) -> None:
        """Check what the form can check by itself, ask, then save and finalise in one
        transaction."""
        if self._read_only or self._loading or self._renderer is None:
            return
        local = self._renderer.local_problems()
        if local:
            self._show_problems(local, source="finalise")
            self._status.setText("Not finalised: see the problems shown in red")
            self.sig_failed.emit()
            return
        answer = QMessageBox.question(
            self,
            "Finalise assessment",
            "Finalise this assessment?\n\nOnce finalised it cannot be changed, and it goes to "
            "your manager for approval. Any correction is added as an addendum.",
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

    def approve(self) -> None:
        """A manager's approval of a finalised assessment, after asking."""
        if not self._approvable():
            return
        answer = QMessageBox.question(
            self,
            "Approve assessment",
            "Approve this assessment?\n\nYour approval is recorded with your name when this "
            "laptop next syncs, and the worker sees it on theirs.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        store, assessment_id = self._store, self._assessment_id
        self._status.setText("Approving…")
        self._writes.add(
            Job(
                "approve",
                lambda: lambda: assessments.approve(store, assessment_id=assessment_id),
                self._approve_done,
                self._approve_failed,
            )
        )

    def refresh(self) -> None:
        """Read a finalised record again (its approval may have arrived by sync). A draft is
        left alone: what is on screen is newer than the store."""
        if self._loading or not self._read_only or self.is_busy:
            return
        store, assessment_id = self._store, self._assessment_id
        self._writes.add(
            Job(
                "refresh",
                lambda: lambda: assessments.load(store, assessment_id=assessment_id),
                self._refreshed,
                lambda _exc: None,  # the record on screen stays as it was
            )
        )

    # ---- Private API: building

    def _build(self) -> None:
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName("Assessment form")

        self._title = QLabel("Assessment")
        self._title.setFont(heading_font(self.font()))
        self._title.setWordWrap(True)
        self._title.setAccessibleName("Assessment form title")
        self._about = QLabel("Loading…")
        self._about.setWordWrap(True)
        self._about.setAccessibleName("Who the assessment is about")
        self._version_note = QLabel("")
        self._version_note.setWordWrap(True)
        self._version_note.setProperty("role", "heading")
        self._version_note.setAccessibleName("Form version")
        self._version_note.setVisible(False)
        self._record_status = QLabel("")
        self._record_status.setWordWrap(True)
        self._record_status.setAccessibleName("Assessment status")
        self._status = QLabel("Not saved yet")
        self._status.setAccessibleName("Save status")
        self._status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Never narrower than its words: the wrapped labels beside it give way instead.
        self._status.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self._general = _error_label()
        self._general.setAccessibleName("Problems with this assessment")

        self._save = QPushButton("&Save draft now")
        self._save.setAccessibleName("Save draft now")
        self._finalise = QPushButton("&Finalise assessment…")
        self._finalise.setAccessibleName("Finalise assessment")
        self._approve = QPushButton("A&pprove…")
        self._approve.setAccessibleName("Approve assessment")
        self._approve.setVisible(False)
        for button in (self._save, self._finalise):
            button.setEnabled(False)

        self._addenda_list = QLabel("")
        self._addenda_list.setWordWrap(True)
        self._addenda_list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._addenda_list.setAccessibleName("Addenda")
        self._addendum = QPlainTextEdit()
        self._addendum.setTabChangesFocus(True)
        line = self.fontMetrics().lineSpacing()
        self._addendum.setMinimumHeight(line * 4 + 12)
        self._addendum.setMaximumHeight(line * 8 + 12)
        self._addendum.setAccessibleName("New addendum")
        self._addendum.setPlaceholderText("Write a correction or addition to this assessment")
        self._add_addendum = QPushButton("Add adde&ndum")
        self._add_addendum.setAccessibleName("Add addendum")
        self._addendum_error = _error_label()
        addendum_label = QLabel("New add&endum:")
        addendum_label.setBuddy(self._addendum)
        self._addenda_box = QGroupBox("Addenda (corrections and additions)")
        addenda_layout = QVBoxLayout(self._addenda_box)
        addenda_layout.addWidget(self._addenda_list)
        addenda_layout.addWidget(addendum_label)
        addenda_layout.addWidget(self._addendum)
        addenda_layout.addWidget(self._addendum_error)
        add_row = QHBoxLayout()
        add_row.addWidget(self._add_addendum)
        add_row.addStretch(1)
        addenda_layout.addLayout(add_row)
        self._addenda_box.setVisible(False)

        body = QWidget()
        # A readable line length on a wide screen; narrower windows simply use what they have.
        body.setMaximumWidth(self.fontMetrics().averageCharWidth() * 130)
        self._body = QVBoxLayout(body)
        self._body.addWidget(self._general)
        self._body.addWidget(self._addenda_box)
        self._body.addStretch(1)
        page = QWidget()
        page_layout = QHBoxLayout(page)
        page_layout.addWidget(body, 1)
        page_layout.addStretch(0)
        scroll = self._scroll = QScrollArea()
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        #: The action row: other parts of the app add their buttons here (``add_action``).
        self._actions = QHBoxLayout()
        self._actions.addWidget(self._save)
        self._actions.addWidget(self._finalise)
        self._actions.addWidget(self._approve)
        second = QHBoxLayout()
        second.addWidget(self._about, 1)
        second.addSpacing(12)
        second.addLayout(self._actions)
        third = QHBoxLayout()
        third.addWidget(self._record_status, 1)
        third.addSpacing(12)
        third.addWidget(self._status)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addLayout(second)
        layout.addLayout(third)
        layout.addWidget(self._version_note)
        layout.addWidget(scroll, 1)

        self._save.clicked.connect(self.save_now)
        self._finalise.clicked.connect(self.finalise)
        self._approve.clicked.connect(self.approve)
        # Shown once the assessment is finalised: only signed-off records leave Casebook.
        self._export = QPushButton("E&xport PDF…")
        self._export.setAccessibleName("Export assessment to PDF")
        self._export.setVisible(False)
        self._export.clicked.connect(
            lambda: export_assessment(self, self._store, self._assessment_id)
        )
        self.add_action(self._export)
        self._add_addendum.clicked.connect(self._add_addendum_clicked)

    # ---- Private API: loading

    def _loaded(self, loaded: _Loaded) -> None:
        if not alive(self):
            return
        template, state = loaded.template, loaded.state
        self._template, self._state = template, state
        if state is not None:
            self._child_id, self._household_id = state.child_id, state.household_id
        self._title.setText(template.title)
        self._about.setText(
            (f"About {loaded.name} · " if loaded.name else "")
            + f"version {template.version} of this form"
        )
        if loaded.current_version > template.version:
            self._version_note.setText(
                f"Made with version {template.version} of this form; the current version is "
                f"{loaded.current_version}. It keeps the questions it was made with."
            )
            self._version_note.setVisible(True)
        renderer = FormRenderer(template, state.answers if state is not None else None)
        renderer.sig_changed.connect(self._edited)
        self._renderer = renderer
        self._body.insertWidget(1, renderer)
        renderer.show()  # now, not when the layout gets round to it: sig_ready means on screen
        if state is not None:
            self._addenda = list(state.addenda)
            self._show_addenda()
            if state.finalised:
                self._make_read_only()
            else:
                self._status.setText(f"Draft saved {local_time(state.saved_at)}")
        self._loading = False
        self._show_state()
        if not self._read_only:
            self._save.setEnabled(True)
            self._finalise.setEnabled(True)
        self.sig_ready.emit()

    def _load_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._show_general(
            str(exc) if isinstance(exc, CasebookError | LookupError) else _GENERIC_LOAD
        )
        self._about.setText("")
        self._status.setText("Not loaded")
        self.sig_failed.emit()
        self.sig_ready.emit()

    def _show_state(self) -> None:
        """The status line: draft, finalised (who, when, awaiting approval) or approved."""
        state = self._state
        if state is None or not state.finalised:
            self._record_status.setText(
                f"Draft, started {uk_date(state.started_date)}" if state is not None else "Draft"
            )
        else:
            when = state.finalised_at or state.saved_at
            line = f"Finalised{_by(state.finalised_by)} on {_when(when)}."
            if state.status != APPROVED:
                line += " Awaiting manager approval."
            elif state.approved_at is not None:
                line += f" Approved{_by(state.approved_by)} on {_when(state.approved_at)}."
            else:
                line += (
                    " Approved; who approved it and when are recorded by the service at the "
                    "next sync."
                )
            self._record_status.setText(line)
        self._approve.setVisible(self._approvable())
        self._approve.setEnabled(not self.is_busy)

    def _approvable(self) -> bool:
        state = self._state
        return (
            self._can_approve
            and state is not None
            and state.finalised
            and state.status != APPROVED
            and not self._loading
        )

    # ---- Private API: editing and autosave

    def _edited(self) -> None:
        """Runs on every keystroke, so it touches as little as it can: the timer is started
        once and, when it fires, waits on if the worker has typed since."""
        if self._loading or self._read_only:
            return
        self._edits += 1
        self._last_edit = time.monotonic()
        if self._status.text() != _UNSAVED:
            self._status.setText(_UNSAVED)
        if not self._timer.isActive():
            self._timer.start(self.AUTOSAVE_MS)

    def _autosave_due(self) -> None:
        """Save once the worker has paused for ``AUTOSAVE_MS``."""
        quiet_ms = (time.monotonic() - self._last_edit) * 1000
        if quiet_ms < self.AUTOSAVE_MS:
            self._timer.start(max(1, int(self.AUTOSAVE_MS - quiet_ms)))
            return
        self.save_now()

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """Leaving a field saves at once: the worker may be about to close the lid."""
        if not alive(self) or old is None or not self.is_dirty:
            return
        if old is self or self.isAncestorOf(old):
            self.save_now()

    def _snapshot(self) -> dict[str, Any]:
        assert self._renderer is not None
        return self._renderer.answers()

    def _start_save(self) -> Callable[[], Any] | None:
        if not self.is_dirty or self._read_only or self._template is None:
            return None
        answers, edits = self._snapshot(), self._edits
        self._status.setText("Saving…")
        save = partial(
            assessments.save_draft,
            self._store,
            assessment_id=self._assessment_id,
            template_id=self._template.id,
            template_version=self._template.version,
            child_id=self._child_id,
            household_id=self._household_id,
            answers=answers,
        )

        def work() -> tuple[assessments.Saved, int]:
            return save(), edits

        return work

    def _save_done(self, result: tuple[assessments.Saved, int]) -> None:
        saved, edits = result
        self._exists = True
        self._saved_edits = max(self._saved_edits, edits)
        if self._problems_from == "save":
            self._clear_problems()
        if self.is_dirty:
            self._status.setText(f"Draft saved {local_time(saved.saved_at)}; newer changes to save")
        else:
            self._status.setText(f"Draft saved {local_time(saved.saved_at)}")
        self.sig_saved.emit(saved.assessment_id)

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._show_problems(exc.problems, source="save")
            self._status.setText("Not saved: see the problems shown in red")
        elif isinstance(exc, RecordFinalised):
            self._status.setText("This assessment has been finalised elsewhere")
            self._show_general(str(exc))
        else:
            self._status.setText("Not saved yet: Casebook will try again on your next change")
        self.sig_failed.emit()

    # ---- Private API: finalising and approving

    def _start_finalise(self) -> Callable[[], Any] | None:
        if self._template is None:
            return None
        edits = self._edits
        finalise = partial(
            assessments.finalise,
            self._store,
            assessment_id=self._assessment_id,
            template_id=self._template.id,
            template_version=self._template.version,
            child_id=self._child_id,
            household_id=self._household_id,
            answers=self._snapshot(),
        )

        def work() -> tuple[AssessmentState, int]:
            return finalise(), edits

        return work

    def _finalise_done(self, result: tuple[AssessmentState, int]) -> None:
        state, edits = result
        self._exists = True
        self._saved_edits = max(self._saved_edits, edits)
        self._state = state
        self._clear_problems()
        assert self._renderer is not None
        # What was signed is what is shown: answers to hidden questions were not kept.
        self._renderer.set_answers(state.answers)
        self._make_read_only()
        self._show_state()
        # After the layout has made room for the addendum box, bring it into view.
        QTimer.singleShot(0, self, self._show_addenda_box)
        self._addendum.setFocus()
        self.sig_finalised.emit(state.assessment_id)

    def _finalise_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._show_problems(exc.problems, source="finalise")
            self._status.setText("Not finalised: see the problems shown in red")
        elif isinstance(exc, RecordFinalised):
            self._status.setText("This assessment has been finalised elsewhere")
            self._show_general(str(exc))
        else:
            self._status.setText("Not finalised")
            self._show_general(str(exc) if isinstance(exc, CasebookError) else GENERIC_SAVE)
        self.sig_failed.emit()

    def _make_read_only(self) -> None:
        """Finalised: the answers stay readable but not editable; the addendum box takes
        their place as the way to add anything."""
        self._read_only = True
        self._timer.stop()
        if self._renderer is not None:
            self._renderer.set_read_only(True)
        self._save.setVisible(False)
        self._finalise.setVisible(False)
        self._export.setVisible(True)
        self._addenda_box.setVisible(True)
        self._show_addenda()
        self._status.setText("")

    def _approve_done(self, state: AssessmentState) -> None:
        self._state = state
        self._status.setText("Approved")
        self._show_state()
        self.sig_approved.emit(state.assessment_id)

    def _approve_failed(self, exc: BaseException) -> None:
        self._status.setText("Not approved")
        if isinstance(exc, ValidationError):
            self._show_general(" ".join(p.message for p in exc.problems))
        else:
            self._show_general(
                str(exc) if isinstance(exc, CasebookError | LookupError) else GENERIC_SAVE
            )
        self._show_state()
        self.sig_failed.emit()

    def _refreshed(self, state: AssessmentState) -> None:
        self._state = state
        self._addenda = list(state.addenda)
        self._show_addenda()
        self._show_state()
        self.sig_changed.emit()

    # ---- Private API: addenda

    def _show_addenda_box(self) -> None:
        if alive(self):
            self._scroll.ensureWidgetVisible(self._addenda_box)

    def _add_addendum_clicked(self) -> None:
        text = self._addendum.toPlainText()
        assessment_id, store = self._assessment_id, self._store
        self._writes.add(
            Job(
                "addendum",
                lambda: (
                    lambda: assessments.add_addendum(store, assessment_id=assessment_id, text=text)
                ),
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

    def _set_writing(self, writing: bool) -> None:
        """No approving while a write of this form is still on its way to the store."""
        self._approve.setEnabled(not writing)

    def _addendum_failed(self, exc: BaseException) -> None:
        self._addendum_error.setText(addendum_problem(exc))
        self._addendum_error.setVisible(True)
        self.sig_failed.emit()

    def _show_addenda(self) -> None:
        if not self._addenda:
            self._addenda_list.setText("No addenda yet.")
            return
        self._addenda_list.setText(
            "\n\n".join(f"{_when(a.written_at)}, {a.written_by}: {a.text}" for a in self._addenda)
        )

    # ---- Private API: problems

    def _show_problems(self, problems: list[FieldProblem], *, source: str) -> None:
        """Each problem beside its question, and a summary at the top saying in words how many
        things need putting right (the renderer brings the first into view)."""
        self._clear_problems()
        self._problems_from = source
        assert self._renderer is not None
        elsewhere = self._renderer.show_problems(problems)
        count = len(problems)
        things = "1 thing needs" if count == 1 else f"{count} things need"
        if source == "finalise":
            head = f"This assessment has not been finalised: {things} putting right first."
        else:
            head = f"The draft could not be saved: {things} putting right."
        if len(elsewhere) < count:
            head += " Each is shown in red beside its question."
        lines = [f"• {p.message}" for p in problems[:SUMMARY_LINES]]
        if count > SUMMARY_LINES:
            lines.append(f"…and {count - SUMMARY_LINES} more further down the form.")
        self._show_general("\n".join([head, *lines]))
        if len(elsewhere) == count:
            self._scroll.ensureWidgetVisible(self._general)

    def _clear_problems(self) -> None:
        self._problems_from = ""
        if self._renderer is not None:
            self._renderer.clear_problems()
        self._general.setVisible(False)

    def _show_general(self, message: str) -> None:
        self._general.setText(message)
        self._general.setVisible(True)


_UNSAVED = "Unsaved changes"
_GENERIC_LOAD = (
    "This assessment could not be opened. Try again; if it keeps happening, contact the "
    "service desk."
)


def _error_label() -> QLabel:
    label = QLabel("")
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _by(who: str | None) -> str:
    return f" by {who}" if who else ""


def _when(moment: datetime) -> str:
    """A stored UTC instant as the laptop's local date and time: 27 Nov 2026 at 14:03."""
    return f"{uk_date(moment.astimezone().date())} at {local_time(moment)}"
