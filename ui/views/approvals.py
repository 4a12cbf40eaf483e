"""The Approvals page: assessments and reviews waiting for the manager (``app.approvals``).

Oldest first, with how long each has waited and whether it was returned. The manager opens the
record to read it, approves it (with a comment kept as a management oversight note if they
write one), or returns it with comments (an action for the worker and an oversight note); and
can write an oversight note on the child's record at any time. Everything is saved on this
laptop in one transaction, off the GUI thread, and reaches the worker at the next sync.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import approvals, clock
from app.approvals import Waiting
from app.store import Store
from ui.errors import message_for
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font, qdate, uk_date
from ui.views.record_table import behave_as_record_list
from ui.views.wrapped_label import WrappedLabel

COLUMNS = ("Signed off", "Child or household", "Record", "Signed off by", "Waiting", "Returned")
#: The due date a return suggests: two weeks to put it right.
RETURN_DAYS = 14


class ApprovalsView(QWidget):
    sig_open_assessment = Signal(object, object, uuid.UUID)
    """Open an assessment (child id or None, household id or None, assessment id)."""

    sig_open_review = Signal(object, object, uuid.UUID)
    """Open a review (child id or None, household id or None, review id)."""

    sig_loaded = Signal()
    """The list is on screen."""

    sig_saved = Signal(str)
    """An approval, return or note was saved (its kind: approved, returned, note)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._items: list[Waiting] = []
        self._seq = 0
        self._shown_once = False
        self._build()
        self.refresh()

    # ---- Public API

    @property
    def table(self) -> QTableWidget:
        return self._table

    @property
    def items(self) -> list[Waiting]:
        return list(self._items)

    @property
    def message(self) -> QLabel:
        return self._message

    def refresh(self) -> None:
        self._seq += 1
        seq = self._seq
        store = self._store
        run_task(
            lambda: approvals.waiting(store),
            lambda items: self._show(seq, items),
            lambda exc: self._failed(exc),
        )

    def select(self, row: int) -> None:
        self._table.setCurrentCell(row, 0)

    def open_selected(self) -> None:
        item = self._selected()
        if item is None:
            return
        signal = self.sig_open_assessment if item.kind == "assessment" else self.sig_open_review
        signal.emit(item.child_id, item.household_id, item.record_id)

    def approve_selected(self) -> CommentDialog | None:
        item = self._selected()
        if item is None:
            return None
        dialog = CommentDialog(item, returning=False, parent=self)
        dialog.sig_done.connect(
            lambda text, _due: self._save(
                lambda: approvals.approve(self._store, item, comment=text),
                f"Approved: {item.title} for {item.subject}.",
                "approved",
            )
        )
        dialog.open()
        return dialog

    def return_selected(self) -> CommentDialog | None:
        item = self._selected()
        if item is None:
            return None
        dialog = CommentDialog(item, returning=True, parent=self)
        dialog.sig_done.connect(
            lambda text, due: self._save(
                lambda: approvals.return_with_comments(self._store, item, comments=text, due=due),
                f"Returned to {item.finalised_by_name}: {item.title} for {item.subject}.",
                "returned",
            )
        )
        dialog.open()
        return dialog

    def note_selected(self) -> NoteDialog | None:
        item = self._selected()
        if item is None:
            return None
        dialog = NoteDialog(item.subject, parent=self)
        dialog.sig_done.connect(
            lambda subject, text: self._save(
                lambda: approvals.oversight_note(
                    self._store,
                    child_id=item.child_id,
                    household_id=item.household_id,
                    subject=subject,
                    text=text,
                ),
                f"Oversight note saved on {item.subject}'s record.",
                "note",
            )
        )
        dialog.open()
        return dialog

    # ---- Qt methods

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        """Back from a record (approved there, say): read the list again."""
        super().showEvent(event)
        if self._shown_once:
            self.refresh()
        self._shown_once = True

    # ---- Private API

    def _build(self) -> None:
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName("Approvals")
        title = QLabel("Approvals")
        title.setFont(heading_font(self.font()))
        self._count = QLabel("Loading…")
        self._message = WrappedLabel("")
        self._message.setWordWrap(True)
        self._message.setAccessibleName("What happened")
        table = self._table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(list(COLUMNS))
        behave_as_record_list(table, "Waiting for your approval")
        table.cellActivated.connect(lambda _r, _c: self.open_selected())
        table.cellDoubleClicked.connect(lambda _r, _c: self.open_selected())
        table.itemSelectionChanged.connect(self._update_buttons)
        self._open = QPushButton("&Open record")
        self._open.clicked.connect(self.open_selected)
        self._approve = QPushButton("A&pprove…")
        self._approve.clicked.connect(self.approve_selected)
        self._return = QPushButton("&Return with comments…")
        self._return.clicked.connect(self.return_selected)
        self._note = QPushButton("Oversight &note…")
        self._note.setToolTip("A management oversight note on the child's or household's record")
        self._note.clicked.connect(self.note_selected)
        buttons = QHBoxLayout()
        for button in (self._open, self._approve, self._return, self._note):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self._count)
        layout.addLayout(buttons)
        layout.addWidget(self._message)
        layout.addWidget(table, 1)
        self._update_buttons()

    def _show(self, seq: int, items: list[Waiting]) -> None:
        if seq != self._seq or not alive(self):
            return
        chosen = self._selected()
        self._items = items
        today = clock.today()
        self._count.setText(
            "Nothing is waiting for your approval."
            if not items
            else f"{len(items)} waiting for your approval, oldest first."
        )
        table = self._table
        table.setRowCount(len(items))
        for row, item in enumerate(items):
            days = item.age_days(today)
            values = (
                uk_date(item.finalised_at.date()),
                item.subject,
                item.title,
                item.finalised_by_name,
                f"{days} day{'s' if days != 1 else ''}",
                f"Returned {uk_date(item.returned_on)}" if item.returned_on else "",
            )
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                table.setItem(row, column, cell)
        table.resizeColumnsToContents()
        if chosen is not None:
            for row, item in enumerate(items):
                if item.record_id == chosen.record_id:
                    table.setCurrentCell(row, 0)
        self._update_buttons()
        self.sig_loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self._count.setText(
                message_for(exc, "The list could not be read. Try again from the Go menu.")
            )
            self.sig_loaded.emit()

    def _selected(self) -> Waiting | None:
        row = self._table.currentRow()
        return self._items[row] if 0 <= row < len(self._items) else None

    def _update_buttons(self) -> None:
        chosen = self._selected() is not None
        for button in (self._open, self._approve, self._return, self._note):
            button.setEnabled(chosen)

    def _save(self, work: object, done_text: str, kind: str) -> None:
        assert callable(work)
        self._message.set_warning(False)
        self._message.setText("Saving…")

        def done(_result: object) -> None:
            if not alive(self):
                return
            self._message.setText(f"{done_text} It reaches the worker at the next sync.")
            self.sig_saved.emit(kind)
            self.refresh()

        def failed(exc: BaseException) -> None:
            if not alive(self):
                return
            reason = message_for(exc, "It could not be saved.")
            self._message.set_warning(True)
            self._message.setText(f"Not saved. {reason}")

        run_task(work, done, failed)


class CommentDialog(QDialog):
    """Approve (an optional comment) or return (comments and a due date are needed)."""

    sig_done = Signal(str, object)
    """The manager confirmed: the comment text and (for a return) the due date."""

    def __init__(self, item: Waiting, *, returning: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._returning = returning
        verb = "Return" if returning else "Approve"
        self.setWindowTitle(f"{verb}: {item.title}")
        self.comments = QPlainTextEdit()
        self.comments.setAccessibleName("Comments")
        self.comments.setTabChangesFocus(True)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("dd/MM/yyyy")
        self.due.setDate(qdate(clock.today() + timedelta(days=RETURN_DAYS)))
        self.due.setMinimumDate(qdate(clock.today()))
        self.due.setAccessibleName("Due date")
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        form = QFormLayout()
        record = QLabel(f"{item.title}, {item.subject}")
        record.setWordWrap(True)
        form.addRow("Record:", record)
        form.addRow("Signed off by:", QLabel(item.finalised_by_name))
        if returning:
            form.addRow("&What needs to change:", self.comments)
            form.addRow("&Due by:", self.due)
            help_text = (
                "The worker gets an action with your comments and this due date; the record "
                "stays waiting until you approve it. A management oversight note records the "
                "return on the child's record."
            )
        else:
            form.addRow("&Comment (optional):", self.comments)
            self.due.hide()
            help_text = "A comment is kept as a management oversight note on the record."
        self.ok = _lay_out(
            self,
            form,
            help_text,
            "&Return" if returning else "&Approve",
            self.comments,
            self.error,
            self._accept,
        )
        self.resize(520, 320)

    def _accept(self) -> None:
        text = self.comments.toPlainText().strip()
        if self._returning and not text:
            self.error.setText("Say what needs to change before it can be approved.")
            self.comments.setFocus()
            return
        picked = self.due.date()
        due = date(picked.year(), picked.month(), picked.day())
        self.sig_done.emit(text, due)
        self.accept()


class NoteDialog(QDialog):
    """A management oversight note on a child's or household's record."""

    sig_done = Signal(str, str)
    """The subject line and the note's text."""

    def __init__(self, subject: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Management oversight: {subject}")
        self.subject = QLineEdit("Management oversight")
        self.subject.setAccessibleName("Subject")
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Oversight note")
        self.text.setTabChangesFocus(True)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        form = QFormLayout()
        form.addRow("&Subject:", self.subject)
        form.addRow("&Note:", self.text)
        self.ok = _lay_out(
            self,
            form,
            "Signed off in your name as saved; it reaches the worker at the next sync.",
            "&Save note",
            self.text,
            self.error,
            self._accept,
        )
        self.resize(520, 300)

    def _accept(self) -> None:
        text = self.text.toPlainText().strip()
        if not text:
            self.error.setText("Write the oversight note first.")
            return
        self.sig_done.emit(self.subject.text(), text)
        self.accept()


def _lay_out(
    dialog: QDialog,
    form: QFormLayout,
    help_text: str,
    ok_text: str,
    text: QPlainTextEdit,
    error: QLabel,
    accept: Callable[[], None],
) -> QPushButton:
    """A manager's comment dialog below its form: what happens next, the problem (cleared as
    soon as the text changes), OK (named for what it does) and Cancel; the cursor in the
    text. Returns the OK button."""
    note = QLabel(help_text)
    note.setWordWrap(True)
    note.setProperty("role", "help")
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(note)
    layout.addWidget(error)
    layout.addWidget(buttons)
    text.textChanged.connect(lambda: error.setText(""))
    text.setFocus()
    return ok
