"""The statutory visit form: typed on a laptop with no signal, and never losing a word.

Its draft, sign-off and addenda are the lifecycle every record form shares
(``ui.views.draft_form``): autosave, one write at a time, checks before the sign-off question,
read-only once signed. The visit's id is made when the form opens, so the first save creates
it and every later save updates the same row (see ``app.services.visits``).

The same form records a visit to carers (a supervising visit, the yearly unannounced visit, a
special guardianship support visit) when it is opened for a household instead of a child: it
then offers those visit types, leaves out the questions that only make sense for one child
(seen alone, and why not: reg 29) and words the rest for a visit to a home.

Photos and documents can be attached to a draft or a signed visit (an attachment is not a
change to what was signed).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import clock, codes
from app.errors import FieldProblem
from app.services import visits
from app.services.visits import AttachmentView, VisitFields, VisitState
from app.store import Store
from app.subjects import subject_name
from ui.changes import ChangeHub
from ui.errors import message_for
from ui.exports.actions import export_visit
from ui.views.common import date_box, heading_font, qdate
from ui.views.draft_form import DraftForm
from ui.views.form_page import error_label
from ui.views.record_state import RecordState
from ui.views.visit_actions import VisitActions
from ui.views.write_queue import Job

#: Child-visit types first: this form is reached from a child's case.
_CHILD_VISIT_TYPES = ("STATUTORY_CHILD", "ADOPTION_PLACEMENT", "REQUESTED")


#: How the form words a question for a visit to carers, where its child-visit words would not
#: fit (by field: the label, and the accessible name).
_HOUSEHOLD_WORDS = {
    "wishes_and_feelings": (
        "Children's vie&ws (if seen):",
        "Views of the children in the household",
    ),
    "observations": ("&Observations of the home and care:", "Observations of the home and care"),
}
_OBSERVED_YOUNG = (
    "What you observed of the child: how they responded to you and their carer, their care, "
    "their development and how they seemed"
)
_HOUSEHOLD_CONCERN = (
    "Concern abo&ut the standard of care in this household (to be followed up with your manager)"
)


def _load(
    store: Store,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    visit_id: uuid.UUID | None,
) -> tuple[str, Any]:
    """Runs on a worker thread: the child's (or household's) name and, for an existing visit,
    the visit."""
    name = subject_name(store, child_id, household_id)
    state = visits.load(store, visit_id=visit_id) if visit_id is not None else None
    return name, state


class VisitForm(DraftForm):
    """A visit to a child or to a carer household; see the module docstring."""

    NOUN = "visit"
    KIND = "visit"
    SERVICE: ClassVar[ModuleType] = visits
    ID_KEY = "visit_id"
    FINALISE_TITLE = "Finalise visit"
    FINALISE_QUESTION = (
        "Finalise (sign off) this visit?\n\nOnce finalised it cannot be changed. "
        "Any correction is added as an addendum."
    )

    def __init__(
        self,
        store: Store,
        child_id: uuid.UUID | None = None,
        visit_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
        *,
        household_id: uuid.UUID | None = None,
        visit_type: str | None = None,
        changes: ChangeHub | None = None,
    ) -> None:
        """A visit to the child ``child_id`` or, when that is None, to the carer household
        ``household_id``; ``visit_type`` chooses the type a new visit starts with."""
        if child_id is None and household_id is None:
            raise ValueError("a visit form needs a child or a carer household")
        super().__init__(
            store, visit_id, parent, child_id=child_id, household_id=household_id, changes=changes
        )
        self._build()
        if self._household_id is not None:
            self._word_for_household()
        if visit_type is not None:
            self._type.setCurrentIndex(max(0, self._type.findData(visit_type)))
        self._start_loading(
            lambda: _load(self._store, self._child_id, self._household_id, visit_id)
        )

    # ---- Public API

    @property
    def visit_id(self) -> uuid.UUID:
        return self._record_id

    @property
    def tracked_actions(self) -> VisitActions:
        """The actions agreed at this visit, each tracked with an owner and a due date."""
        return self._tracked

    def question_shown(self, name: str) -> bool:
        """Whether the form asks this question (a visit to carers leaves some out)."""
        return not self._rows[name].isHidden()

    def caption(self, name: str) -> str:
        """The words beside a field, without the shortcut marker."""
        return self._labels[name].text().replace("&", "")

    def values(self) -> VisitFields:
        """The fields as they are on screen, as plain values."""
        seen = self._seen_alone.currentData()
        return VisitFields(
            visit_type=str(self._type.currentData()),
            visit_date=_to_date(self._date.date()),
            who_was_seen=self._who.text(),
            seen_alone=seen if isinstance(seen, bool) else None,
            not_seen_alone_reason=self._reason.currentData() if seen is False else None,
            wishes_and_feelings=self._wishes.toPlainText(),
            wishes_not_gathered=self._not_gathered.currentData(),
            observations=self._observations.toPlainText(),
            actions_agreed=self._actions.toPlainText(),
            welfare_concern=self._concern.isChecked(),
        )

    # ---- Private API: building

    def _build(self) -> None:
        self.setAccessibleName("Visit form")

        self._title = QLabel("Visit")
        self._title.setFont(heading_font(self.font()))
        self._title.setAccessibleName("Visit form title")

        self._type = QComboBox()
        for code in _CHILD_VISIT_TYPES:
            self._type.addItem(codes.label("visit_type", code), code)
        self._date = date_box(latest=clock.today())
        self._who = QLineEdit()
        self._who.setPlaceholderText("For example: Amara, her foster carer Sandra")
        self._seen_alone = QComboBox()
        self._seen_alone.addItem("Not answered yet", None)
        self._seen_alone.addItem("Yes", True)
        self._seen_alone.addItem("No", False)
        self._reason = QComboBox()
        self._reason.addItem("Choose a reason", None)
        for code, entry in codes.code_list("not_seen_alone_reason").items():
            self._reason.addItem(entry.label, code)
        self._wishes = self._text_box()
        self._not_gathered = QComboBox()
        self._not_gathered.addItem("They were gathered (written above)", None)
        for code, entry in codes.code_list("wishes_not_gathered_reason").items():
            self._not_gathered.addItem(entry.label, code)
        self._observations = self._text_box()
        self._actions = self._text_box()
        self._concern = QCheckBox(
            "&Welfare concern: the child's welfare is not adequately safeguarded "
            "(an early review is needed)"
        )

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._form_rows(
            form,
            [
                ("visit_type", "Type of &visit:", self._type, "Type of visit"),
                ("visit_date", "&Date of visit:", self._date, "Date of visit"),
                ("who_was_seen", "Who was s&een:", self._who, "Who was seen"),
                ("seen_alone", "Child seen &alone:", self._seen_alone, "Was the child seen alone"),
                (
                    "not_seen_alone_reason",
                    "&Reason not seen alone:",
                    self._reason,
                    "Reason the child was not seen alone",
                ),
                (
                    "wishes_and_feelings",
                    "Child's wis&hes and feelings:",
                    self._wishes,
                    "Child's wishes and feelings",
                ),
                (
                    "wishes_not_gathered",
                    "If not gathered, &because:",
                    self._not_gathered,
                    "Why the child's wishes and feelings could not be gathered",
                ),
                ("observations", "&Observations:", self._observations, "Observations"),
                ("actions_agreed", "Act&ions agreed:", self._actions, "Actions agreed"),
            ],
        )
        self._concern.setAccessibleName("Welfare concern")
        form.addRow("", self._with_error("welfare_concern", self._concern))
        self._form = form

        self._attachments = QListWidget()
        self._attachments.setAccessibleName("Attached files")
        self._attachments.setMaximumHeight(self.fontMetrics().height() * 5)
        self._attach = QPushButton("A&ttach photo or document…")
        self._attach.setAccessibleName("Attach photo or document")
        self._attach_error = error_label()
        files = QGroupBox("Photos and documents")
        files_layout = QVBoxLayout(files)
        files_layout.addWidget(self._attachments)
        files_row = QHBoxLayout()
        files_row.addWidget(self._attach)
        files_row.addStretch(1)
        files_layout.addLayout(files_row)
        files_layout.addWidget(self._attach_error)

        self._addenda_group(
            placeholder="Write a correction or addition to this visit", caption="New addendu&m:"
        )
        self._finalise_button("&Finalise visit…", "Finalise visit")
        # Shown once the visit is signed off: only finalised visits leave Casebook.
        self._export = QPushButton("E&xport PDF…")
        self._export.setAccessibleName("Export visit to PDF")
        self._export.setVisible(False)
        self._tracked = VisitActions(self._store, self._record_id, self._actions.toPlainText)
        self.sig_saved.connect(lambda _id: self._tracked.visit_saved())
        self._body = self._scrolling([form, self._tracked, files], chars=130)
        self._header_page(self._title, [self._export])

        self._reason.setEnabled(False)
        for box in (self._type, self._seen_alone, self._reason, self._not_gathered):
            box.currentIndexChanged.connect(self._edited)
        self._not_gathered.currentIndexChanged.connect(self._not_gathered_changed)
        self._seen_alone.currentIndexChanged.connect(self._seen_alone_changed)
        self._date.dateChanged.connect(self._edited)
        self._who.textEdited.connect(self._edited)
        for text in (self._wishes, self._observations, self._actions):
            text.textChanged.connect(self._edited)
        self._concern.toggled.connect(self._edited)
        self._export.clicked.connect(lambda: export_visit(self, self._store, self._record_id))
        self._attach.clicked.connect(self._choose_files)

    def _word_for_household(self) -> None:
        """A visit to carers: their visit types, no child-only questions, words for a home."""
        self._type.clear()
        for code in visits.HOUSEHOLD_VISIT_TYPES:
            self._type.addItem(codes.label("visit_type", code), code)
        for name in ("seen_alone", "not_seen_alone_reason", "wishes_not_gathered"):
            self._form.setRowVisible(self._rows[name], False)
        for name, (caption, accessible) in _HOUSEHOLD_WORDS.items():
            self._labels[name].setText(caption)
            self._fields[name].setAccessibleName(accessible)
        self._who.setPlaceholderText("For example: Sandra and Mike Whitfield, and their son Leo")
        self._concern.setText(_HOUSEHOLD_CONCERN)
        self._concern.setAccessibleName("Concern about the standard of care")

    # ---- Private API: the record's lifecycle (``DraftForm``)

    def _apply_loaded(self, loaded: tuple[str, VisitState | None]) -> VisitState | None:
        name, state = loaded
        self._title.setText(f"Visit to {name}" if name else "Visit")
        if state is not None:
            self._fill(state.fields)
            self._show_files(state.attachments)
            self._tracked.visit_saved()
        return state

    def _fill(self, values: VisitFields) -> None:
        """Show stored values without counting them as edits."""
        self._loading = True
        index = self._type.findData(values.visit_type)
        if index < 0:
            self._type.addItem(codes.label("visit_type", values.visit_type), values.visit_type)
            index = self._type.count() - 1
        self._type.setCurrentIndex(index)
        if values.visit_date is not None:
            self._date.setDate(qdate(values.visit_date))
        self._who.setText(values.who_was_seen)
        self._seen_alone.setCurrentIndex(max(0, self._seen_alone.findData(values.seen_alone)))
        self._reason.setCurrentIndex(max(0, self._reason.findData(values.not_seen_alone_reason)))
        self._wishes.setPlainText(values.wishes_and_feelings)
        self._not_gathered.setCurrentIndex(
            max(0, self._not_gathered.findData(values.wishes_not_gathered))
        )
        self._observations.setPlainText(values.observations)
        self._actions.setPlainText(values.actions_agreed)
        self._concern.setChecked(values.welfare_concern)
        self._loading = False

    def _set_enabled(self, enabled: bool) -> None:
        super()._set_enabled(enabled)
        self._attach.setEnabled(enabled)
        self._reason.setEnabled(enabled and self._seen_alone.currentData() is False)

    def _not_gathered_changed(self) -> None:
        """A child too young to say: the observations are where their voice is recorded."""
        young = self._not_gathered.currentData() == "TOO_YOUNG"
        self._observations.setPlaceholderText(_OBSERVED_YOUNG if young else "")

    def _local_problems(self) -> list[FieldProblem]:
        """The sign-off rules of ``app.validation``, before the worker is asked to sign."""
        return visits.sign_off_problems(
            self.values(), child_id=self._child_id, household_id=self._household_id
        )

    def _seen_alone_changed(self) -> None:
        self._reason.setEnabled(not self._read_only and self._seen_alone.currentData() is False)

    def _snapshot(self) -> dict[str, Any]:
        return {"values": self.values()}

    def _lock_fields(self, state: RecordState) -> None:
        super()._lock_fields(state)
        self._export.setVisible(True)
        self._attach.setEnabled(True)

    # ---- Private API: attachments

    def _choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Attach photos or documents",
            "",
            "Photos and documents (*.jpg *.jpeg *.png *.heic *.pdf *.doc *.docx *.odt);;"
            "All files (*)",
        )
        for path in paths:
            self.attach_file(Path(path))

    def attach_file(self, path: Path) -> None:
        """Attach a file from disk (after saving the draft first if it was never saved, as an
        attachment must belong to a stored visit)."""
        store, visit_id = self._store, self._record_id

        def start() -> Callable[[], Any]:
            save = None if self._exists else self._save_call(self._snapshot())

            def work() -> AttachmentView:
                if save is not None:
                    save()
                return visits.attach_file(store, visit_id=visit_id, path=path)

            return work

        self._status.setText("Attaching…")
        self._writes.add(Job("attach", start, self._attached, self._attach_failed))

    def _attached(self, view: AttachmentView) -> None:
        self._exists = True
        self._attachments.addItem(f"{view.filename} ({_size(view.size)})")
        self._attach_error.setVisible(False)
        self._status.setText(f"Attached {view.filename}")
        self.sig_changed.emit()

    def _attach_failed(self, exc: BaseException) -> None:
        if isinstance(exc, OSError):
            message = "That file could not be read. Check it is not open in another program."
        else:
            message = message_for(exc)
        self._attach_error.setText(message)
        self._attach_error.setVisible(True)
        self._status.setText("Not attached")
        self.sig_failed.emit()

    def _show_files(self, files: tuple[AttachmentView, ...]) -> None:
        self._attachments.clear()
        for view in files:
            self._attachments.addItem(f"{view.filename} ({_size(view.size)})")


def _size(size: int) -> str:
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _to_date(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())
