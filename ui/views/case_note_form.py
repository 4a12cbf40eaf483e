"""A case note: what happened, when it happened, and what kind of contact it was.

Its draft, sign-off and addenda are the lifecycle every record form shares
(``ui.views.draft_form``). The date it happened is asked for apart from when the note is
written (the page says when it was first written), so a note typed up days later is honest
about it. The kinds offered are the service's own (``app.services.case_notes.kinds``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from app import clock
from app.errors import FieldProblem
from app.services import case_notes
from app.services.case_notes import NoteFields, NoteState
from app.store import Store
from app.subjects import subject_name
from ui.changes import ChangeHub
from ui.views.action_line import to_date
from ui.views.addenda import when_written
from ui.views.common import date_box, heading_font, qdate
from ui.views.draft_form import DraftForm


@dataclass(frozen=True)
class _Loaded:
    name: str
    state: NoteState | None


def _load(
    store: Store,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    note_id: uuid.UUID | None,
) -> _Loaded:
    """Runs on a worker thread: the note (if it exists) and whom it is about, by name."""
    state = case_notes.load(store, note_id=note_id) if note_id is not None else None
    if state is not None:
        child_id, household_id = state.child_id, state.household_id
    return _Loaded(subject_name(store, child_id, household_id), state)


class CaseNoteForm(DraftForm):
    """A case note about a child or a carer household; see the module docstring."""

    NOUN = "case note"
    KIND = "case_note"
    SERVICE: ClassVar[ModuleType] = case_notes
    ID_KEY = "note_id"
    FINALISE_TITLE = "Sign off case note"
    FINALISE_QUESTION = (
        "Sign off this case note?\n\nOnce signed off it cannot be changed. Any correction is "
        "added as an addendum."
    )

    def __init__(
        self,
        store: Store,
        *,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        note_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
        changes: ChangeHub | None = None,
    ) -> None:
        if child_id is None and household_id is None and note_id is None:
            raise ValueError("a case note needs a child, a household or a note")
        super().__init__(
            store, note_id, parent, child_id=child_id, household_id=household_id, changes=changes
        )
        self._build()
        self._start_loading(lambda: _load(self._store, child_id, household_id, note_id))

    # ---- Public API

    @property
    def note_id(self) -> uuid.UUID:
        return self._record_id

    def values(self) -> NoteFields:
        """The fields as they are on screen, as plain values."""
        return NoteFields(
            kind=str(self._kind.currentData() or ""),
            event_date=to_date(self._date.date()),
            subject=self._subject.text(),
            text=self._text.toPlainText(),
        )

    # ---- Private API: building

    def _build(self) -> None:
        self.setAccessibleName("Case note form")
        self._title = QLabel("Case note")
        self._title.setFont(heading_font(self.font()))
        self._title.setAccessibleName("Case note title")
        self._title.setWordWrap(True)
        self._written = QLabel("")
        self._written.setAccessibleName("When the note was written")
        self._written.setProperty("role", "help")
        self._written.setWordWrap(True)

        self._kind = QComboBox()
        for code, words in case_notes.kinds().items():
            self._kind.addItem(words, code)
        self._date = date_box(latest=clock.today())
        self._subject = QLineEdit()
        self._subject.setMaxLength(200)
        self._subject.setPlaceholderText("For example: Call with the school about attendance")
        self._text = self._text_box(12)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._form_rows(
            form,
            [
                ("kind", "&Kind of note:", self._kind, "Kind of note"),
                ("event_date", "&Date it happened:", self._date, "Date it happened"),
                ("subject", "S&ubject:", self._subject, "Subject"),
                ("text", "No&te:", self._text, "Note"),
            ],
        )
        self._addenda_group(
            placeholder="Write a correction or addition to this case note",
            caption="New add&endum:",
        )
        self._finalise_button("Sign &off note…", "Sign off case note")
        self._scrolling([self._written, form], chars=120)
        self._header_page(self._title, [])

        self._kind.currentIndexChanged.connect(self._edited)
        self._date.dateChanged.connect(self._edited)
        self._subject.textEdited.connect(self._edited)
        self._text.textChanged.connect(self._edited)

    # ---- Private API: the record's lifecycle (``DraftForm``)

    def _apply_loaded(self, loaded: _Loaded) -> NoteState | None:
        state = loaded.state
        self._title.setText(f"Case note: {loaded.name}" if loaded.name else "Case note")
        if state is None:
            self._written.setText("Not saved yet: the note is written when it is first saved.")
            return None
        self._child_id, self._household_id = state.child_id, state.household_id
        self._loading = True
        values = state.fields
        index = self._kind.findData(values.kind)
        if index < 0:  # a kind the service has since retired: still shown as it was
            self._kind.addItem(values.kind, values.kind)
            index = self._kind.count() - 1
        self._kind.setCurrentIndex(index)
        if values.event_date is not None:
            self._date.setDate(qdate(values.event_date))
        self._subject.setText(values.subject)
        self._text.setPlainText(values.text)
        self._loading = False
        self._written.setText(
            f"Written {when_written(state.written_at)} by {state.written_by}."
            if state.written_by
            else f"Written {when_written(state.written_at)}."
        )
        return state

    def _after_save(self, saved: case_notes.Saved) -> str | None:
        if saved.created:
            self._written.setText(f"Written {when_written(saved.saved_at)}.")
        return None

    def _snapshot(self) -> dict[str, Any]:
        return {"values": self.values()}

    def _local_problems(self) -> list[FieldProblem]:
        return case_notes.sign_off_problems(
            self.values(), child_id=self._child_id, household_id=self._household_id
        )
