"""The life of a record typed on a laptop with no signal: a draft that is never lost, a sign-off
that checks first, and addenda after. Visits, reviews, assessments and case notes are each a
``DraftForm`` that says only what is particular to them.

How a draft is kept safe:

- Every edit starts a short timer (``AUTOSAVE_MS``) if it is not running; when it fires it waits
  on while the worker is still typing, and saves once they pause. Leaving a field saves at
  once: the worker may be about to close the lid. The draft is a real row with its status still
  "draft", so it survives the app being killed or the laptop running flat.
- Writes for one form run strictly one after another through a ``WriteQueue``: never two at
  once, each taking its snapshot of the fields when it *starts*, so the last edit always wins;
  save requests that pile up while one write runs collapse into one.
- The record's id is made when the form opens, so the first save creates it and every later
  save updates the same row.

Signing off (finalising) first runs the checks the form can make by itself, so the worker puts
things right before being asked "once signed off it cannot be changed"; then asks; then saves
and signs in one transaction and makes the form read-only. Corrections go in the addendum box
underneath. Problems come back in plain English beside the field they are about; those of a
sign-off stay up while the worker fixes them (autosaving as they go), and each clears as soon
as its field is put right.

A subclass builds its page (with the helpers of ``ui.views.form_page`` and ``_addenda_group``)
and says how to load, snapshot, save, sign off and add an addendum to its record; the lifecycle
above is this module's alone.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from types import ModuleType
from typing import Any, ClassVar

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import FieldProblem, RecordFinalised, ValidationError
from app.ids import new_id
from app.services.visits import AddendumView
from app.store import Store
from ui.changes import ChangeHub, Origin, RecordsChanged
from ui.errors import load_message, message_for
from ui.tasks import run_task
from ui.views.addenda import AddendaBox
from ui.views.common import FOCUS_STYLE, alive, local_time, uk_date
from ui.views.form_page import FormPage
from ui.views.reading import READING_STYLE, reading_label
from ui.views.record_state import RecordState, Saved
from ui.views.write_queue import Job, WriteQueue

UNSAVED = "Unsaved changes"


class DraftForm(FormPage):
    """One record's form; see the module docstring for the lifecycle it owns."""

    sig_saved = Signal(uuid.UUID)
    """A draft save reached the store.

    Parameters
    ----------
    record_id : uuid.UUID
    """

    sig_finalised = Signal(uuid.UUID)
    """The record was signed off and is now read-only.

    Parameters
    ----------
    record_id : uuid.UUID
    """

    #: The form has its data (a new form at once; an existing record once it has loaded).
    sig_ready = Signal()
    #: An addendum (or attachment) was added, or the record was read again.
    sig_changed = Signal()
    #: A write failed; the message is on screen.
    sig_failed = Signal()

    #: Autosave this long after the last edit.
    AUTOSAVE_MS = 3000
    #: The record in words, for status lines and messages ("visit", "case note"...).
    NOUN: ClassVar[str] = "record"
    #: The record's type as the store and sync name it (``Record.record_type``), for the
    #: change announced after a save.
    KIND: ClassVar[str] = ""
    #: The record's service in ``app.services`` and the keyword that names the record there.
    SERVICE: ClassVar[ModuleType]
    ID_KEY: ClassVar[str]
    #: The sign-off question: its title and its words.
    FINALISE_TITLE: ClassVar[str] = "Finalise"
    FINALISE_QUESTION: ClassVar[str] = ""
    #: Run the sign-off checks again on every edit once they have found something, so each
    #: problem goes as soon as it is put right (off where showing problems moves the focus).
    RECHECK_AS_TYPED: ClassVar[bool] = True

    def __init__(
        self,
        store: Store,
        record_id: uuid.UUID | None,
        parent: QWidget | None,
        *,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        changes: ChangeHub | None = None,
    ) -> None:
        """A record about the child ``child_id`` or, when that is None, the carer household
        ``household_id`` (both None: the load says whom). The subclass then builds its page
        and calls ``_start_loading``. Each save and sign-off is announced on ``changes``."""
        super().__init__(parent)
        self._store = store
        self._changes = changes
        self._child_id = child_id
        self._household_id = household_id if child_id is None else None
        self._record_id = record_id or new_id()
        self._exists = record_id is not None
        self._read_only = False
        self._loading = True
        self._edits = 0
        self._saved_edits = 0
        self._last_edit = 0.0
        self._writes = WriteQueue(self, self._set_writing)
        self._status = QLabel("Not saved yet")
        self._status.setAccessibleName("Save status")
        self._status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._save = QPushButton("&Save draft now")
        self._save.setAccessibleName("Save draft now")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._autosave_due)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    # ---- Public API

    @property
    def record_id(self) -> uuid.UUID:
        return self._record_id

    @property
    def child_id(self) -> uuid.UUID | None:
        return self._child_id

    @property
    def household_id(self) -> uuid.UUID | None:
        """The carer household the record is about (None for a record about a child)."""
        return self._household_id

    @property
    def saved(self) -> SignalInstance:
        """``sig_saved`` by the name the visit and review forms first gave it."""
        return self.sig_saved

    @property
    def finalised(self) -> SignalInstance:
        """``sig_finalised`` by the name the visit and review forms first gave it."""
        return self.sig_finalised

    @property
    def is_dirty(self) -> bool:
        """Edits not yet in the store."""
        return self._edits != self._saved_edits

    @property
    def is_read_only(self) -> bool:
        return self._read_only

    @property
    def is_stored(self) -> bool:
        """The record is in the store, or will be once the edits on screen are saved."""
        return self._exists or self.is_dirty

    @property
    def is_busy(self) -> bool:
        """A write is running or waiting its turn."""
        return self._writes.busy

    @property
    def save_status_text(self) -> str:
        return self._status.text()

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
        """The control for a field (tests and the shell's "go to problem")."""
        return self._fields[name]

    def error_text(self, name: str) -> str:
        """The problem shown beside a field ("" when there is none)."""
        label = self._errors.get(name)
        return label.text() if label is not None else ""

    def save_now(self) -> None:
        """Save the draft now if anything changed (the shell calls this before closing)."""
        self._timer.stop()
        if self._read_only or self._loading:
            return
        if self._writes.waiting("save"):
            return  # a save is already waiting its turn; it will take the latest fields
        self._writes.add(Job("save", self._start_save, self._save_done, self._save_failed))

    def finalise(self) -> None:
        """Check what can be checked here, ask, then save and sign off in one transaction."""
        if self._read_only or self._loading or not self._can_finalise():
            return
        problems = self._local_problems()
        if problems:
            self._show_problems(problems, source="check")
            self._status.setText("Not finalised: see the problems shown in red")
            self._focus_first(problems)
            self.sig_failed.emit()
            return
        answer = QMessageBox.question(
            self,
            self.FINALISE_TITLE,
            self._finalise_question(),
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

    # ---- What a subclass says about its record

    def _finalise_question(self) -> str:
        """What finalising asks: ``FINALISE_QUESTION``, unless what is on screen does more."""
        return self.FINALISE_QUESTION

    def _snapshot(self) -> dict[str, Any]:
        """The fields as they are on screen, as the service's keyword arguments (taken when a
        write starts): ``{"values": ...}``."""
        raise NotImplementedError

    def _record_keys(self) -> dict[str, Any]:
        """The keyword arguments naming this record and whom it is about in the service's
        calls (every record service takes the same shape: ``save_draft``, ``finalise`` and
        ``add_addendum`` with the store and keywords)."""
        return {
            self.ID_KEY: self._record_id,
            "child_id": self._child_id,
            "household_id": self._household_id,
        }

    def _save_call(self, snapshot: dict[str, Any]) -> Callable[[], Saved]:
        """The draft save of ``snapshot``, to run on a worker thread."""
        return partial(self.SERVICE.save_draft, self._store, **self._record_keys(), **snapshot)

    def _finalise_call(self, snapshot: dict[str, Any]) -> Callable[[], RecordState]:
        """The save-and-sign-off of ``snapshot``, to run on a worker thread."""
        return partial(self.SERVICE.finalise, self._store, **self._record_keys(), **snapshot)

    def _addendum_call(self, text: str) -> Callable[[], AddendumView]:
        """The addendum's write, to run on a worker thread."""
        keys = {self.ID_KEY: self._record_id}
        return partial(self.SERVICE.add_addendum, self._store, **keys, text=text)

    def _apply_loaded(self, loaded: Any) -> RecordState | None:
        """Show what the load found (the fields, without counting them as edits); the record's
        state, or None for a new record."""
        raise NotImplementedError

    def _local_problems(self) -> list[FieldProblem]:
        """What stops a sign-off that the form can tell without the store."""
        return []

    def _can_finalise(self) -> bool:
        return True

    def _lock_fields(self, state: RecordState) -> None:
        """Signed off: fields stay readable and focusable (for screen readers) but not
        editable."""
        for name, widget in self._fields.items():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(True)
            else:
                widget.setEnabled(False)
            if name in self._errors:
                self._errors[name].setVisible(False)
            self._show_reading(name, widget)
        # What stays a box (an assessment's answers, a review's actions) reads as text too.
        self.setStyleSheet(FOCUS_STYLE + READING_STYLE)

    def _show_reading(self, name: str, widget: QWidget) -> None:
        """A signed-off field as the words of a document in the control's place (not a greyed
        control beside a box that looks editable); selectable, and reachable by Tab for a
        screen reader. Controls with no plain reading are left as they are."""
        row = self._rows.get(name)
        layout = row.layout() if row is not None else None
        if layout is None or not isinstance(layout, QVBoxLayout):
            return
        shown = reading_label(widget, name)
        if shown is None:
            return
        layout.insertWidget(0, shown)
        widget.hide()
        caption = self._labels.get(name)
        if caption is not None:
            caption.setBuddy(shown)

    def _finalised_words(self, state: RecordState) -> str:
        """The save status line of a signed-off record."""
        when = state.finalised_at or state.saved_at
        by = f" by {state.finalised_by}" if state.finalised_by else ""
        return f"Finalised {uk_date(when.astimezone().date())} {local_time(when)}{by}"

    def _after_save(self, saved: Any) -> str | None:
        """A draft save reached the store; a status line other than the usual one, if any."""
        return None

    def _after_finalise(self, state: Any) -> None:
        """The sign-off reached the store (before the form turns read-only)."""

    def _after_load(self) -> None:
        """The load has been shown and the form is ready to edit (if a draft)."""

    def _load_failed_too(self) -> None:
        """The load failed (the message is on screen)."""

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (*self._fields.values(), self._save, self._finalise):
            widget.setEnabled(enabled)

    def _set_writing(self, writing: bool) -> None:
        """A write of this form started (True) or finished (False)."""

    # ---- Building

    def _addenda_group(self, *, placeholder: str, caption: str) -> AddendaBox:
        """The addenda of a signed-off record and the box to add one (hidden while a draft);
        ``caption`` is the new-addendum label with its shortcut marker."""
        self._addenda_box = AddendaBox(self._text_box(5), placeholder=placeholder, caption=caption)
        self._addendum = self._addenda_box.text_box
        self._add_addendum = self._addenda_box.add_button
        self._addenda_box.sig_add.connect(self._add_addendum_clicked)
        return self._addenda_box

    def _scrolling(self, parts: Sequence[QWidget | QLayout], chars: int) -> QVBoxLayout:
        """The page's body as every form page has it, with the addenda at the end."""
        return super()._scrolling([*parts, self._addenda_box], chars)

    def _header_page(self, title: QLabel, buttons: Sequence[QPushButton]) -> None:
        """The usual page: the title, the save status and the buttons on one line, the
        scrolling body (``_scrolling``) underneath."""
        header = QHBoxLayout()
        header.addWidget(title, 1)
        header.addWidget(self._status)
        header.addSpacing(12)
        for button in (self._save, self._finalise, *buttons):
            header.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._scroll, 1)

    def _finalise_button(self, words: str, accessible: str) -> QPushButton:
        self._finalise = QPushButton(words)
        self._finalise.setAccessibleName(accessible)
        self._save.clicked.connect(self.save_now)
        self._finalise.clicked.connect(self.finalise)
        return self._finalise

    # ---- Loading

    def _start_loading(self, load: Callable[[], Any]) -> None:
        self._set_enabled(False)
        run_task(load, self._loaded, self._load_failed)

    def _loaded(self, loaded: Any) -> None:
        if not alive(self):
            return
        state = self._apply_loaded(loaded)
        if state is not None:
            self._addenda_box.show_addenda(state.addenda)
            if state.finalised:
                self._make_read_only(state)
            else:
                self._status.setText(f"Draft saved {local_time(state.saved_at)}")
        self._loading = False
        self._after_load()
        if not self._read_only:
            self._set_enabled(True)
            if state is None:
                self._focus_first_field()
        self.sig_ready.emit()

    def _focus_first_field(self) -> None:
        """A new record: the cursor waits in its first field, so the worker can start typing
        (unless they have already gone somewhere else)."""
        now = QApplication.focusWidget()
        if not self.isVisible() or (
            now is not None and now is not self and not self.isAncestorOf(now)
        ):
            return
        body = self._scroll.widget()
        candidate = body.nextInFocusChain() if body is not None else None
        seen = 0
        while candidate is not None and candidate is not body and seen < 500:
            seen += 1
            if (
                body is not None
                and body.isAncestorOf(candidate)
                and candidate.isVisible()
                and candidate.isEnabled()
                and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                candidate.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            candidate = candidate.nextInFocusChain()

    def _load_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._show_general(load_message(exc, self.NOUN))
        self._status.setText("Not loaded")
        self.sig_failed.emit()
        self._load_failed_too()

    # ---- Editing and autosave

    def _edited(self, *_args: object) -> None:
        """Runs on every keystroke, so it touches as little as it can: the timer is started
        once and, when it fires, waits on if the worker has typed since."""
        if self._loading or self._read_only:
            return
        self._edits += 1
        self._last_edit = time.monotonic()
        if self._status.text() != UNSAVED:
            self._status.setText(UNSAVED)
        if self._problems_from == "check" and self.RECHECK_AS_TYPED:
            self._recheck()
        if not self._timer.isActive():
            self._timer.start(self.AUTOSAVE_MS)

    def _autosave_due(self) -> None:
        """Save once the worker has paused for ``AUTOSAVE_MS``."""
        quiet_ms = (time.monotonic() - self._last_edit) * 1000
        if quiet_ms < self.AUTOSAVE_MS:
            self._timer.start(max(1, int(self.AUTOSAVE_MS - quiet_ms)))
            return
        self.save_now()

    def _recheck(self) -> None:
        """The sign-off checks again as the worker puts things right: a problem goes as soon
        as its field is fixed."""
        problems = self._local_problems()
        if problems:
            self._show_problems(problems, source="check")
        else:
            self._clear_problems()

    def _focus_changed(self, old: QWidget | None, _new: QWidget | None) -> None:
        """Leaving a field saves at once: the worker may be about to close the lid."""
        if not alive(self) or old is None or not self.is_dirty:
            return
        if old is self or self.isAncestorOf(old):
            self.save_now()

    def _start_save(self) -> Callable[[], Any] | None:
        if not self.is_dirty or self._read_only:
            return None
        save, edits = self._save_call(self._snapshot()), self._edits
        self._status.setText("Saving…")

        def work() -> tuple[Saved, int]:
            return save(), edits

        return work

    def _save_done(self, result: tuple[Saved, int]) -> None:
        saved, edits = result
        self._exists = True
        self._saved_edits = max(self._saved_edits, edits)
        if self._problems_from == "save":
            self._clear_problems()
        words = self._after_save(saved)
        if words is None:
            words = f"Draft saved {local_time(saved.saved_at)}"
            if self.is_dirty:
                words += "; newer changes to save"
        self._status.setText(words)
        self._announce()
        self.sig_saved.emit(self._record_id)

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._show_problems(exc.problems, source="save")
            self._status.setText("Not saved: see the problems shown in red")
        elif isinstance(exc, RecordFinalised):
            self._status.setText(f"This {self.NOUN} has been finalised elsewhere")
            self._show_general(str(exc))
        else:
            self._status.setText("Not saved yet: Casebook will try again on your next change")
        self.sig_failed.emit()

    # ---- Signing off

    def _start_finalise(self) -> Callable[[], Any] | None:
        finalise, edits = self._finalise_call(self._snapshot()), self._edits

        def work() -> tuple[RecordState, int]:
            return finalise(), edits

        return work

    def _finalise_done(self, result: tuple[RecordState, int]) -> None:
        state, edits = result
        self._exists = True
        self._saved_edits = max(self._saved_edits, edits)
        self._clear_problems()
        self._after_finalise(state)
        self._make_read_only(state)
        # After the layout has made room for the addendum box, bring it into view.
        QTimer.singleShot(0, self, self._show_addenda_box)
        self._addendum.setFocus()
        self._announce()
        self.sig_finalised.emit(self._record_id)

    def _announce(self) -> None:
        """Tell the pages showing records that this one changed (its child's case, the
        dashboard...), whether on show or waiting underneath."""
        if self._changes is None:
            return
        self._changes.announce(
            RecordsChanged(
                Origin.LOCAL,
                kinds=frozenset({self.KIND}) if self.KIND else frozenset(),
                child_ids=frozenset({self._child_id}) if self._child_id else frozenset(),
                household_ids=(
                    frozenset({self._household_id}) if self._household_id else frozenset()
                ),
            )
        )

    def _finalise_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._show_problems(exc.problems, source="finalise")
            self._status.setText("Not finalised: see the problems shown in red")
            self._focus_first(exc.problems)
        elif isinstance(exc, RecordFinalised):
            self._status.setText(f"This {self.NOUN} has been finalised elsewhere")
            self._show_general(str(exc))
        else:
            self._status.setText("Not finalised")
            self._show_general(message_for(exc))
        self.sig_failed.emit()

    def _make_read_only(self, state: RecordState) -> None:
        """Signed off: the addendum box takes the fields' place as the way to add anything."""
        self._read_only = True
        self._timer.stop()
        self._lock_fields(state)
        self._save.setVisible(False)
        self._finalise.setVisible(False)
        self._addenda_box.setVisible(True)
        self._status.setText(self._finalised_words(state))

    # ---- Addenda

    def _show_addenda_box(self) -> None:
        if alive(self):
            self._scroll.ensureWidgetVisible(self._addenda_box)

    def _add_addendum_clicked(self, text: str) -> None:
        write = self._addendum_call(text)
        self._writes.add(
            Job("addendum", lambda: write, self._addendum_added, self._addendum_failed)
        )

    def _addendum_added(self, added: AddendumView) -> None:
        self._addenda_box.added(added)
        self.sig_changed.emit()

    def _addendum_failed(self, exc: BaseException) -> None:
        self._addenda_box.failed(message_for(exc))
        self.sig_failed.emit()
