"""An assessment made from a form template: typed over days, never losing a word, finalised by
the worker and approved by their manager.

Its draft, sign-off and addenda are the lifecycle every record form shares
(``ui.views.draft_form``); the assessment's id is made when the form opens so every save is the
same record.

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

import uuid
from collections.abc import Sequence
from functools import partial
from types import ModuleType
from typing import Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import case_closing
from app.errors import FieldProblem
from app.forms.template import FormTemplate
from app.models import APPROVED
from app.services import assessments
from app.services.assessments import AssessmentState
from app.store import Store
from ui.changes import ChangeHub, Origin, RecordsChanged, ReloadOnChange
from ui.errors import message_for
from ui.exports.actions import export_assessment
from ui.forms.renderer import FormRenderer
from ui.views.addenda import when_written
from ui.views.common import heading_font, uk_date
from ui.views.draft_form import DraftForm
from ui.views.record_state import RecordState
from ui.views.write_queue import Job

#: At most this many problems are listed in the summary at the top; all are beside their fields.
SUMMARY_LINES = 6


class AssessmentForm(DraftForm):
    """One assessment about a child or a carer household; see the module docstring."""

    sig_approved = Signal(uuid.UUID)
    """The manager approved the assessment on this laptop (the service records who and when).

    Parameters
    ----------
    assessment_id : uuid.UUID
    """

    NOUN = "assessment"
    KIND = "assessment"
    SERVICE: ClassVar[ModuleType] = assessments
    ID_KEY = "assessment_id"
    #: Its problems are put right on Finalise again: showing them moves the focus.
    RECHECK_AS_TYPED = False
    FINALISE_TITLE = "Finalise assessment"
    FINALISE_QUESTION = (
        "Finalise this assessment?\n\nOnce finalised it cannot be changed, and it goes to "
        "your manager for approval. Any correction is added as an addendum."
    )

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
        changes: ChangeHub | None = None,
    ) -> None:
        """An existing assessment (``assessment_id``), or a new one with the newest version of
        ``template_id`` about the child ``child_id`` or the household ``household_id``.
        ``can_approve``: the signed-in account is a manager's."""
        if assessment_id is None and (
            template_id is None or (child_id is None and household_id is None)
        ):
            raise ValueError("a new assessment needs a template and a child or household")
        super().__init__(
            store,
            assessment_id,
            parent,
            child_id=child_id,
            household_id=household_id,
            changes=changes,
        )
        self._can_approve = can_approve
        if changes is not None:
            ReloadOnChange(self, changes, concerns=self._concerns, reload=self.refresh)
        self._template: FormTemplate | None = None
        self._state: AssessmentState | None = None
        self._renderer: FormRenderer | None = None
        self._build()
        self._start_loading(
            partial(
                assessments.opening,
                store,
                child_id=child_id,
                household_id=household_id,
                assessment_id=assessment_id,
                template_id=template_id,
            )
        )

    # ---- Public API

    @property
    def assessment_id(self) -> uuid.UUID:
        return self._record_id

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
    def status_text(self) -> str:
        """The record's status line as shown (draft, finalised, approved...)."""
        return self._record_status.text()

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
        store, assessment_id = self._store, self._record_id
        self._status.setText("Approving…")
        self._writes.add(
            Job(
                "approve",
                lambda: lambda: assessments.approve(store, assessment_id=assessment_id),
                self._approve_done,
                self._approve_failed,
            )
        )

    def _concerns(self, change: RecordsChanged) -> bool:
        """A sync that may have brought this assessment's approval (or an addendum to it)."""
        if change.origin is not Origin.SYNC:
            return False
        about = (self._child_id and change.touches_child(self._child_id)) or (
            self._household_id and change.touches_household(self._household_id)
        )
        return bool(about) and change.touches_kind("assessment", "addendum", "attachment")

    def refresh(self) -> None:
        """Read a finalised record again (its approval may have arrived by sync). A draft is
        left alone: what is on screen is newer than the store."""
        if self._loading or not self._read_only or self.is_busy:
            return
        store, assessment_id = self._store, self._record_id
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
        # Never narrower than its words: the wrapped labels beside it give way instead.
        self._status.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self._general.setAccessibleName("Problems with this assessment")

        self._finalise_button("&Finalise assessment…", "Finalise assessment")
        self._approve = QPushButton("A&pprove…")
        self._approve.setAccessibleName("Approve assessment")
        self._approve.setVisible(False)
        self._addenda_group(
            placeholder="Write a correction or addition to this assessment",
            caption="New addendu&m:",
        )
        self._body = self._scrolling([], chars=130)

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
        layout.addWidget(self._scroll, 1)

        self._approve.clicked.connect(self.approve)
        # Shown once the assessment is finalised: only signed-off records leave Casebook.
        self._export = QPushButton("E&xport PDF…")
        self._export.setAccessibleName("Export assessment to PDF")
        self._export.setVisible(False)
        self._export.clicked.connect(lambda: export_assessment(self, self._store, self._record_id))
        self.add_action(self._export)

    # ---- Private API: the record's lifecycle (``DraftForm``)

    def _apply_loaded(self, loaded: assessments.Opening) -> AssessmentState | None:
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
        return state

    def _after_load(self) -> None:
        self._show_state()

    def _load_failed_too(self) -> None:
        self._about.setText("")
        self.sig_ready.emit()

    def _can_finalise(self) -> bool:
        return self._renderer is not None and self._template is not None

    def _local_problems(self) -> list[FieldProblem]:
        assert self._renderer is not None
        return self._renderer.local_problems()

    def _finalise_question(self) -> str:
        """An outcome after a return home that says close the case closes it when signed
        off: the worker is told before, not surprised after."""
        template, renderer = self._template, self._renderer
        closing = (
            template is not None
            and renderer is not None
            and case_closing.would_close(template.kind, renderer.answers())
        )
        if not closing:
            return self.FINALISE_QUESTION
        return (
            "Finalise this outcome and close the case?\n\nYou chose to close the case: "
            "finalising closes it, so the child leaves your caseload and nothing more is due "
            "for them. Once finalised the outcome cannot be changed, and it goes to your "
            "manager for approval."
        )

    def _snapshot(self) -> dict[str, Any]:
        assert self._renderer is not None
        return {"answers": self._renderer.answers()}

    def _record_keys(self) -> dict[str, Any]:
        """And the template version the answers belong to."""
        assert self._template is not None
        return {
            **super()._record_keys(),
            "template_id": self._template.id,
            "template_version": self._template.version,
        }

    def _after_finalise(self, state: AssessmentState) -> None:
        self._state = state
        assert self._renderer is not None
        # What was signed is what is shown: answers to hidden questions were not kept.
        self._renderer.set_answers(state.answers)

    def _lock_fields(self, state: RecordState) -> None:
        if self._renderer is not None:
            self._renderer.set_read_only(True)
        self._export.setVisible(True)

    def _make_read_only(self, state: RecordState) -> None:
        super()._make_read_only(state)
        self._show_state()

    def _finalised_words(self, state: RecordState) -> str:
        return ""  # the status line above says who finalised it and when

    def _set_writing(self, writing: bool) -> None:
        """No approving while a write of this form is still on its way to the store."""
        self._approve.setEnabled(not writing)

    def _show_state(self) -> None:
        """The status line: draft, finalised (who, when, awaiting approval) or approved."""
        state = self._state
        if state is None or not state.finalised:
            self._record_status.setText(
                f"Draft, started {uk_date(state.started_date)}" if state is not None else "Draft"
            )
        else:
            when = state.finalised_at or state.saved_at
            line = f"Finalised{_by(state.finalised_by)} on {when_written(when)}."
            if state.status != APPROVED:
                line += " Awaiting manager approval."
            elif state.approved_at is not None:
                line += f" Approved{_by(state.approved_by)} on {when_written(state.approved_at)}."
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

    def _approve_done(self, state: AssessmentState) -> None:
        self._state = state
        self._status.setText("Approved")
        self._show_state()
        self._announce()  # the case or household underneath shows the approval
        self.sig_approved.emit(state.assessment_id)

    def _approve_failed(self, exc: BaseException) -> None:
        self._status.setText("Not approved")
        self._show_general(message_for(exc))
        self._show_state()
        self.sig_failed.emit()

    def _refreshed(self, state: AssessmentState) -> None:
        self._state = state
        self._addenda_box.show_addenda(state.addenda)
        self._show_state()
        self.sig_changed.emit()

    # ---- Private API: problems

    def _show_problems(self, problems: Sequence[FieldProblem], *, source: str) -> None:
        """Each problem beside its question, and a summary at the top saying in words how many
        things need putting right (the renderer brings the first into view)."""
        self._clear_problems()
        self._problems_from = source
        assert self._renderer is not None
        elsewhere = self._renderer.show_problems(list(problems))
        count = len(problems)
        things = "1 thing needs" if count == 1 else f"{count} things need"
        if source == "save":
            head = f"The draft could not be saved: {things} putting right."
        else:
            head = f"This assessment has not been finalised: {things} putting right first."
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


def _by(who: str | None) -> str:
    return f" by {who}" if who else ""
