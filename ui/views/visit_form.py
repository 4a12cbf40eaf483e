"""The statutory visit form: typed on a laptop with no signal, and never losing a word.

How a draft is kept safe:

- Every edit restarts a short timer (``AUTOSAVE_MS``); when it fires, and whenever focus leaves
  a field, the form saves a draft to the encrypted store (``app.services.visits.save_draft``) on
  a worker thread. The draft is a real ``Visit`` row with its status still "draft", so it
  survives the app being killed, the laptop running flat, or the worker closing the lid.
- Writes for one form run strictly one after another through a small queue: never two at once,
  and a save takes its snapshot of the fields when it *starts*, so the last edit always wins.
  Several save requests that pile up while one write runs collapse into one.
- The visit's id is made when the form opens, so the first save creates it and every later save
  updates the same row (see ``app.services.visits``).

The same form records a visit to carers (a supervising visit, the yearly unannounced visit, a
special guardianship support visit) when it is opened for a household instead of a child: it
then offers those visit types, leaves out the questions that only make sense for one child
(seen alone, and why not: reg 29) and words the rest for a visit to a home.

Finalising (signing off) asks first, saves and signs in one transaction, then makes the form
read-only; corrections go in the addendum box underneath. Validation problems come back in
plain English and are shown next to the field they are about.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import clock, codes
from app.chronology import child_names
from app.errors import CasebookError, FieldProblem, RecordFinalised, ValidationError
from app.households import household_names
from app.ids import new_id
from app.services import visits
from app.services.visits import AddendumView, AttachmentView, VisitFields, VisitState
from app.store import Store
from ui.exports.actions import export_visit
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font, local_time, qdate, uk_date
from ui.views.write_queue import GENERIC_SAVE, Job, WriteQueue, addendum_problem

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
_HOUSEHOLD_CONCERN = (
    "&Concern about the standard of care in this household (to be followed up with your manager)"
)


def _load(
    store: Store,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    visit_id: uuid.UUID | None,
) -> tuple[str, Any]:
    """Runs on a worker thread: the child's (or household's) name and, for an existing visit,
    the visit."""
    with store.read() as session:
        if child_id is not None:
            name = child_names(session, {child_id}).get(child_id, "")
        elif household_id is not None:
            name = household_names(session, {household_id}).get(household_id, "")
        else:
            name = ""
    state = visits.load(store, visit_id=visit_id) if visit_id is not None else None
    return name, state


class VisitForm(QWidget):
    saved = Signal(uuid.UUID)
    """A draft save reached the store.

    Parameters
    ----------
    visit_id : uuid.UUID
    """

    finalised = Signal(uuid.UUID)
    """The visit was signed off and is now read-only.

    Parameters
    ----------
    visit_id : uuid.UUID
    """

    #: The form has its data (a new form at once; an existing visit once it has loaded).
    sig_ready = Signal()
    #: An addendum or attachment was added (the lists below the form have been updated).
    sig_changed = Signal()
    #: A write failed; the message is on screen.
    sig_failed = Signal()

    #: Autosave this long after the last edit.
    AUTOSAVE_MS = 3000

    def __init__(
        self,
        store: Store,
        child_id: uuid.UUID | None = None,
        visit_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
        *,
        household_id: uuid.UUID | None = None,
        visit_type: str | None = None,
    ) -> None:
        """A visit to the child ``child_id`` or, when that is None, to the carer household
        ``household_id``; ``visit_type`` chooses the type a new visit starts with."""
        super().__init__(parent)
        if child_id is None and household_id is None:
            raise ValueError("a visit form needs a child or a carer household")
        self._store = store
        self._child_id = child_id
        self._household_id = household_id if child_id is None else None
        self._visit_id = visit_id or new_id()
        self._exists = visit_id is not None
        self._read_only = False
        self._loading = True
        self._edits = 0
        self._saved_edits = 0
        self._writes = WriteQueue(self)
        self._addenda: list[AddendumView] = []
        self._errors: dict[str, QLabel] = {}
        #: Which write the problems on screen came from: a draft save clears only its own, so
        #: the sign-off problems stay up while the worker fixes them (autosaving as they go).
        self._problems_from = ""
        self._fields: dict[str, QWidget] = {}
        self._rows: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}
        self._build()
        if self._household_id is not None:
            self._word_for_household()
        if visit_type is not None:
            self._type.setCurrentIndex(max(0, self._type.findData(visit_type)))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save_now)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self._set_enabled(False)
        run_task(
            lambda: _load(self._store, self._child_id, self._household_id, visit_id),
            self._loaded,
            self._load_failed,
        )

    # ---- Public API

    @property
    def visit_id(self) -> uuid.UUID:
        return self._visit_id

    @property
    def household_id(self) -> uuid.UUID | None:
        """The carer household a visit to carers is about (None for a visit to a child)."""
        return self._household_id

    def question_shown(self, name: str) -> bool:
        """Whether the form asks this question (a visit to carers leaves some out)."""
        return not self._rows[name].isHidden()

    def caption(self, name: str) -> str:
        """The words beside a field, without the shortcut marker."""
        return self._labels[name].text().replace("&", "")

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

    def field(self, name: str) -> QWidget:
        """The control for a ``VisitFields`` field (tests and the shell's "go to problem")."""
        return self._fields[name]

    def error_text(self, name: str) -> str:
        return self._errors[name].text() if name in self._errors else ""

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
            observations=self._observations.toPlainText(),
            actions_agreed=self._actions.toPlainText(),
            welfare_concern=self._concern.isChecked(),
        )

    def save_now(self) -> None:
        """Save the draft now if anything changed (the shell calls this before closing)."""
        self._timer.stop()
        if self._read_only or self._loading:
            return
        if self._writes.waiting("save"):
            return  # a save is already waiting its turn; it will take the latest fields
        self._writes.add(Job("save", self._start_save, self._save_done, self._save_failed))

    def finalise(self) -> None:
        """Ask, then save and sign off in one transaction."""
        if self._read_only or self._loading:
            return
        answer = QMessageBox.question(
            self,
            "Finalise visit",
            "Finalise (sign off) this visit?\n\nOnce finalised it cannot be changed. "
            "Any correction is added as an addendum.",
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
        self.setAccessibleName("Visit form")
        uk = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)

        self._title = QLabel("Visit")
        self._title.setFont(heading_font(self.font()))
        self._title.setAccessibleName("Visit form title")
        self._status = QLabel("Not saved yet")
        self._status.setAccessibleName("Save status")
        self._status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._general = self._error_label()

        self._type = QComboBox()
        for code in _CHILD_VISIT_TYPES:
            self._type.addItem(codes.label("visit_type", code), code)
        self._date = QDateEdit()
        self._date.setLocale(uk)
        self._date.setDisplayFormat("dd MMM yyyy")
        self._date.setCalendarPopup(True)
        self._date.setMaximumDate(qdate(clock.today()))
        self._date.setDate(qdate(clock.today()))
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
        self._observations = self._text_box()
        self._actions = self._text_box()
        self._concern = QCheckBox(
            "&Welfare concern: the child's welfare is not adequately safeguarded "
            "(an early review is needed)"
        )

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        rows: list[tuple[str, str, QWidget, str]] = [
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
            ("observations", "&Observations:", self._observations, "Observations"),
            ("actions_agreed", "Actions a&greed:", self._actions, "Actions agreed"),
        ]
        for name, caption, widget, accessible in rows:
            widget.setAccessibleName(accessible)
            label = QLabel(caption)
            label.setBuddy(widget)
            self._labels[name] = label
            self._rows[name] = self._with_error(name, widget)
            form.addRow(label, self._rows[name])
        self._concern.setAccessibleName("Welfare concern")
        self._rows["welfare_concern"] = self._with_error("welfare_concern", self._concern)
        form.addRow("", self._rows["welfare_concern"])
        self._form = form

        self._attachments = QListWidget()
        self._attachments.setAccessibleName("Attached files")
        self._attachments.setMaximumHeight(self.fontMetrics().height() * 5)
        self._attach = QPushButton("A&ttach photo or document…")
        self._attach.setAccessibleName("Attach photo or document")
        self._attach_error = self._error_label()
        files = QGroupBox("Photos and documents")
        files_layout = QVBoxLayout(files)
        files_layout.addWidget(self._attachments)
        files_row = QHBoxLayout()
        files_row.addWidget(self._attach)
        files_row.addStretch(1)
        files_layout.addLayout(files_row)
        files_layout.addWidget(self._attach_error)

        self._addenda_list = QLabel("")
        self._addenda_list.setWordWrap(True)
        self._addenda_list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._addenda_list.setAccessibleName("Addenda")
        self._addendum = self._text_box()
        self._addendum.setAccessibleName("New addendum")
        self._addendum.setPlaceholderText("Write a correction or addition to this visit")
        self._add_addendum = QPushButton("Add adde&ndum")
        self._add_addendum.setAccessibleName("Add addendum")
        self._addendum_error = self._error_label()
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

        self._save = QPushButton("&Save draft now")
        self._save.setAccessibleName("Save draft now")
        self._finalise = QPushButton("&Finalise visit…")
        self._finalise.setAccessibleName("Finalise visit")
        # Shown once the visit is signed off: only finalised visits leave Casebook.
        self._export = QPushButton("E&xport PDF…")
        self._export.setAccessibleName("Export visit to PDF")
        self._export.setVisible(False)

        body = QWidget()
        # A readable line length on a wide screen; narrower windows simply use what they have.
        body.setMaximumWidth(self.fontMetrics().averageCharWidth() * 130)
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self._general)
        body_layout.addLayout(form)
        body_layout.addWidget(files)
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
        header.addWidget(self._export)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)

        self._fields = {
            "visit_type": self._type,
            "visit_date": self._date,
            "who_was_seen": self._who,
            "seen_alone": self._seen_alone,
            "not_seen_alone_reason": self._reason,
            "wishes_and_feelings": self._wishes,
            "observations": self._observations,
            "actions_agreed": self._actions,
            "welfare_concern": self._concern,
        }
        self._reason.setEnabled(False)
        for box in (self._type, self._seen_alone, self._reason):
            box.currentIndexChanged.connect(self._edited)
        self._seen_alone.currentIndexChanged.connect(self._seen_alone_changed)
        self._date.dateChanged.connect(self._edited)
        self._who.textEdited.connect(self._edited)
        for text in (self._wishes, self._observations, self._actions):
            text.textChanged.connect(self._edited)
        self._concern.toggled.connect(self._edited)
        self._save.clicked.connect(self.save_now)
        self._finalise.clicked.connect(self.finalise)
        self._export.clicked.connect(lambda: export_visit(self, self._store, self._visit_id))
        self._attach.clicked.connect(self._choose_files)
        self._add_addendum.clicked.connect(self._add_addendum_clicked)

    def _word_for_household(self) -> None:
        """A visit to carers: their visit types, no child-only questions, words for a home."""
        self._type.clear()
        for code in visits.HOUSEHOLD_VISIT_TYPES:
            self._type.addItem(codes.label("visit_type", code), code)
        for name in ("seen_alone", "not_seen_alone_reason"):
            self._form.setRowVisible(self._rows[name], False)
        for name, (caption, accessible) in _HOUSEHOLD_WORDS.items():
            self._labels[name].setText(caption)
            self._fields[name].setAccessibleName(accessible)
        self._who.setPlaceholderText("For example: Sandra and Mike Whitfield, and their son Leo")
        self._concern.setText(_HOUSEHOLD_CONCERN)
        self._concern.setAccessibleName("Concern about the standard of care")

    def _text_box(self) -> QPlainTextEdit:
        box = QPlainTextEdit()
        # Tab moves to the next control: a keyboard user must be able to leave the box.
        box.setTabChangesFocus(True)
        # Heights follow the font, so a worker using large text still sees five lines.
        line = self.fontMetrics().lineSpacing()
        box.setMinimumHeight(line * 5 + 12)
        box.setMaximumHeight(line * 8 + 12)
        return box

    def _error_label(self) -> QLabel:
        label = QLabel("")
        label.setProperty("role", "error")
        label.setWordWrap(True)
        label.setVisible(False)
        return label

    def _with_error(self, name: str, widget: QWidget) -> QWidget:
        """The field with its own error line underneath, so a problem sits beside its field.
        The box spans the form's width (so the message has room) while a narrow control such
        as a drop-down keeps its natural size."""
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

    # ---- Private API: loading

    def _loaded(self, result: tuple[str, VisitState | None]) -> None:
        if not alive(self):
            return
        name, state = result
        self._title.setText(f"Visit to {name}" if name else "Visit")
        if state is not None:
            self._fill(state.fields)
            self._show_files(state.attachments)
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
        self._show_general(
            str(exc) if isinstance(exc, CasebookError | LookupError) else _GENERIC_LOAD
        )
        self._status.setText("Not loaded")
        self.sig_failed.emit()

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
        self._observations.setPlainText(values.observations)
        self._actions.setPlainText(values.actions_agreed)
        self._concern.setChecked(values.welfare_concern)
        self._loading = False

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (*self._fields.values(), self._save, self._finalise, self._attach):
            widget.setEnabled(enabled)
        self._reason.setEnabled(enabled and self._seen_alone.currentData() is False)

    # ---- Private API: editing and autosave

    def _edited(self, *_args: object) -> None:
        if self._loading or self._read_only:
            return
        self._edits += 1
        self._status.setText("Unsaved changes")
        self._timer.start(self.AUTOSAVE_MS)

    def _seen_alone_changed(self) -> None:
        self._reason.setEnabled(not self._read_only and self._seen_alone.currentData() is False)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """Leaving a field saves at once: the worker may be about to close the lid."""
        if not alive(self) or old is None or not self.is_dirty:
            return
        if old is self or self.isAncestorOf(old):
            self.save_now()

    def _start_save(self) -> Callable[[], Any] | None:
        if not self.is_dirty or self._read_only:
            return None
        values, edits = self.values(), self._edits
        self._status.setText("Saving…")
        store, visit_id, child_id = self._store, self._visit_id, self._child_id
        household_id = self._household_id

        def work() -> tuple[visits.Saved, int]:
            saved = visits.save_draft(
                store,
                visit_id=visit_id,
                child_id=child_id,
                household_id=household_id,
                values=values,
            )
            return saved, edits

        return work

    def _save_done(self, result: tuple[visits.Saved, int]) -> None:
        saved, edits = result
        self._exists = True
        self._saved_edits = max(self._saved_edits, edits)
        if self._problems_from == "save":
            self._clear_problems()
        if self.is_dirty:
            self._status.setText(f"Draft saved {local_time(saved.saved_at)}; newer changes to save")
        else:
            self._status.setText(f"Draft saved {local_time(saved.saved_at)}")
        self.saved.emit(saved.visit_id)

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._show_problems(exc.problems, source="save")
            self._status.setText("Not saved: see the problems shown in red")
        elif isinstance(exc, RecordFinalised):
            self._status.setText("This visit has been finalised elsewhere")
            self._show_general(str(exc))
        else:
            self._status.setText("Not saved yet: Casebook will try again on your next change")
        self.sig_failed.emit()

    # ---- Private API: finalising

    def _start_finalise(self) -> Callable[[], Any] | None:
        values = self.values()
        store, visit_id, child_id = self._store, self._visit_id, self._child_id
        household_id, edits = self._household_id, self._edits

        def work() -> tuple[VisitState, int]:
            state = visits.finalise(
                store,
                visit_id=visit_id,
                child_id=child_id,
                household_id=household_id,
                values=values,
            )
            return state, edits

        return work

    def _finalise_done(self, result: tuple[VisitState, int]) -> None:
        state, edits = result
        self._exists = True
        self._saved_edits = max(self._saved_edits, edits)
        self._clear_problems()
        self._make_read_only(state)
        # After the layout has made room for the addendum box, bring it into view.
        QTimer.singleShot(0, self._show_addenda_box)
        self._addendum.setFocus()
        self.finalised.emit(state.visit_id)

    def _finalise_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._show_problems(exc.problems, source="finalise")
            self._status.setText("Not finalised: see the problems shown in red")
            first = next((p.field for p in exc.problems if p.field in self._fields), None)
            if first is not None:
                self._fields[first].setFocus()
        else:
            self._status.setText("Not finalised")
            self._show_general(str(exc) if isinstance(exc, CasebookError) else GENERIC_SAVE)
        self.sig_failed.emit()

    def _make_read_only(self, state: VisitState) -> None:
        """Signed off: fields stay readable and focusable (for screen readers) but not
        editable; the addendum box takes their place as the way to add anything."""
        self._read_only = True
        self._timer.stop()
        for name, widget in self._fields.items():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(True)
            else:
                widget.setEnabled(False)
            self._errors[name].setVisible(False)
        self._save.setVisible(False)
        self._finalise.setVisible(False)
        self._export.setVisible(True)
        self._addenda_box.setVisible(True)
        when = state.finalised_at or state.saved_at
        by = f" by {state.finalised_by}" if state.finalised_by else ""
        self._status.setText(
            f"Finalised {uk_date(when.astimezone().date())} {local_time(when)}{by}"
        )
        self._attach.setEnabled(True)

    # ---- Private API: addenda and attachments

    def _show_addenda_box(self) -> None:
        if alive(self):
            self._scroll.ensureWidgetVisible(self._addenda_box)

    def _add_addendum_clicked(self) -> None:
        text = self._addendum.toPlainText()
        visit_id, store = self._visit_id, self._store
        self._writes.add(
            Job(
                "addendum",
                lambda: lambda: visits.add_addendum(store, visit_id=visit_id, text=text),
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
        store, visit_id, child_id = self._store, self._visit_id, self._child_id
        household_id = self._household_id

        def start() -> Callable[[], Any]:
            needs_saving = not self._exists
            values = self.values()

            def work() -> AttachmentView:
                if needs_saving:
                    visits.save_draft(
                        store,
                        visit_id=visit_id,
                        child_id=child_id,
                        household_id=household_id,
                        values=values,
                    )
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
        if isinstance(exc, ValidationError):
            message = " ".join(p.message for p in exc.problems)
        elif isinstance(exc, OSError):
            message = "That file could not be read. Check it is not open in another program."
        else:
            message = GENERIC_SAVE
        self._attach_error.setText(message)
        self._attach_error.setVisible(True)
        self._status.setText("Not attached")
        self.sig_failed.emit()

    def _show_files(self, files: tuple[AttachmentView, ...]) -> None:
        self._attachments.clear()
        for view in files:
            self._attachments.addItem(f"{view.filename} ({_size(view.size)})")

    # ---- Private API: problems

    def _show_problems(self, problems: list[FieldProblem], *, source: str) -> None:
        self._clear_problems()
        self._problems_from = source
        general: list[str] = []
        for problem in problems:
            label = self._errors.get(problem.field)
            if label is None:
                general.append(problem.message)
                continue
            label.setText(problem.message)
            label.setVisible(True)
            self._fields[problem.field].setAccessibleDescription(problem.message)
        if general:
            self._show_general(" ".join(general))

    def _clear_problems(self) -> None:
        self._problems_from = ""
        for name, label in self._errors.items():
            label.clear()
            label.setVisible(False)
            self._fields[name].setAccessibleDescription("")
        self._general.setVisible(False)

    def _show_general(self, message: str) -> None:
        self._general.setText(message)
        self._general.setVisible(True)


_GENERIC_LOAD = "This visit could not be opened. Try again; if it keeps happening, contact the "
_GENERIC_LOAD += "service desk."


def _size(size: int) -> str:
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _to_date(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())
