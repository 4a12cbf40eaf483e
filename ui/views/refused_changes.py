"""Changes the service refused: read them whole, copy or export them, retry, or mark dealt with.

Nothing here edits a record. A refused change stays on the laptop (and the record it is about
with it, if the service has removed that meanwhile) until the worker decides: retry it (once
the reason has been put right), or mark it dealt with, having copied or exported what they need
to hand on. Every decision is in the audit trail (``sync.refused``).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.exports.refused import HIDDEN, label, shown
from app.store import Store
from sync import refused
from sync.refused import RefusedChange
from ui.errors import message_for
from ui.exports.actions import Export
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive

NEXT_STEPS = (
    "This change is kept on this laptop, with the record it is about, until you decide. If "
    "the reason has been put right, choose Retry. Otherwise copy or export the text to hand "
    "it on (to the case's worker or your manager), then choose Mark dealt with."
)


def title_of(change: RefusedChange) -> str:
    about = f" about {change.about}" if change.about else ""
    return f"{change.noun.capitalize()}{about}, written {change.made_at:%d %b %Y}"


def change_html(change: RefusedChange) -> str:
    """The change in full: each field the worker wrote, beside the service's value when the
    change was an edit of a record the service holds."""
    names = [n for n in change.fields if n not in HIDDEN]
    theirs = change.service_fields
    rows = []
    for name in names:
        mine = html.escape(shown(change.record_type, name, change.fields[name]))
        mine = mine.replace("\n", "<br>")
        cells = (
            f"<td valign='top'><b>{html.escape(label(name))}</b></td><td valign='top'>{mine}</td>"
        )
        if theirs is not None:
            value = html.escape(shown(change.record_type, name, theirs.get(name)))
            value = value.replace("\n", "<br>")
            cells += f"<td valign='top'>{value}</td>"
        rows.append(f"<tr>{cells}</tr>")
    head = "<tr><th></th><th align='left'>What you wrote</th>"
    head += "<th align='left'>The service's version</th></tr>" if theirs is not None else "</tr>"
    return f"<table cellspacing='0' cellpadding='4' width='100%'>{head}{''.join(rows)}</table>"


class RefusedChangesDialog(QDialog):
    """Every refused change, one at a time, read-only, with what the worker can do."""

    sig_changed = Signal()
    """A change was retried or marked dealt with (the counts need reading again)."""

    sig_loaded = Signal()
    """The list has been (re)loaded; tests wait on this."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._changes: list[RefusedChange] = []
        self.setWindowTitle("Changes not accepted by the service")
        self.setAccessibleName("Changes not accepted by the service")
        self.setStyleSheet(FOCUS_STYLE)
        self._build()
        self.resize(900, 560)
        self.reload()

    # ---- Public API

    @property
    def changes(self) -> list[RefusedChange]:
        return list(self._changes)

    def reload(self) -> None:
        store = self._store
        run_task(lambda: refused.list_refused(store), self._loaded, self._failed)

    def select(self, row: int) -> None:
        self.list.setCurrentRow(row)

    def current(self) -> RefusedChange | None:
        row = self.list.currentRow()
        return self._changes[row] if 0 <= row < len(self._changes) else None

    def copy_text(self) -> None:
        change = self.current()
        if change is not None:
            QGuiApplication.clipboard().setText(refused.as_text(change))
            self.status.setText("The change's text is on the clipboard.")

    def export_pdf(self) -> Export | None:
        change = self.current()
        if change is None:
            return None
        store = self._store
        return Export(
            self, store, "Export refused change to PDF", lambda: refused.document(store, change)
        )

    def retry(self) -> None:
        change = self.current()
        if change is not None:
            self._decide(change.entry_id, refused.retry_change, "It will be sent at the next sync.")

    def ask_dealt_with(self) -> QMessageBox | None:
        """Ask before the change leaves the laptop for good (window-modal, not blocking)."""
        change = self.current()
        if change is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Mark dealt with",
            f"{title_of(change)}.\n\nHave you copied or exported what you need? Once marked "
            "dealt with, this change leaves this laptop and is not sent.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Mark dealt with")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        entry_id = change.entry_id
        box.accepted.connect(
            lambda: self._decide(entry_id, refused.deal_with, "Marked dealt with.")
        )
        box.open()
        return box

    # ---- Private API

    def _build(self) -> None:
        self.list = QListWidget(self)
        self.list.setAccessibleName("Changes not accepted")
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._show)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("The change shown")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName("Why the service did not accept it")
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_steps = QLabel(NEXT_STEPS, self)
        self.next_steps.setWordWrap(True)
        self.next_steps.setAccessibleName("What to do next")
        self.text = QTextBrowser(self)
        self.text.setAccessibleName("The change in full")
        self.text.setOpenLinks(False)
        self.copy_button = QPushButton("&Copy text", self)
        self.copy_button.clicked.connect(self.copy_text)
        self.export_button = QPushButton("&Export PDF…", self)
        self.export_button.clicked.connect(self.export_pdf)
        self.retry_button = QPushButton("&Retry", self)
        self.retry_button.clicked.connect(self.retry)
        self.dealt_button = QPushButton("&Mark dealt with…", self)
        self.dealt_button.clicked.connect(self.ask_dealt_with)
        self.status = QLabel(self)
        self.status.setAccessibleName("What just happened")
        self.status.setWordWrap(True)

        actions = QHBoxLayout()
        for button in (self.copy_button, self.export_button, self.retry_button, self.dealt_button):
            actions.addWidget(button)
        actions.addStretch(1)
        right = QWidget(self)
        detail = QVBoxLayout(right)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addWidget(self.heading)
        reason_caption = QLabel("<b>Why it was not accepted</b>", self)
        detail.addWidget(reason_caption)
        detail.addWidget(self.reason)
        detail.addWidget(self.next_steps)
        detail.addWidget(self.text, 1)
        detail.addLayout(actions)
        detail.addWidget(self.status)
        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([260, 640])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

    def _loaded(self, changes: list[RefusedChange]) -> None:
        if not alive(self):
            return
        keep = self.current()
        self._changes = changes
        self.list.clear()
        for change in changes:
            QListWidgetItem(title_of(change), self.list)
        row = 0
        if keep is not None:
            row = next((i for i, c in enumerate(changes) if c.entry_id == keep.entry_id), 0)
        self.list.setCurrentRow(row if changes else -1)
        self._show(self.list.currentRow())
        self.sig_loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self.status.setText(
                message_for(exc, "The changes could not be read just now. Close and try again.")
            )
            self.sig_loaded.emit()

    def _show(self, row: int) -> None:
        change = self._changes[row] if 0 <= row < len(self._changes) else None
        for button in (self.copy_button, self.export_button, self.retry_button, self.dealt_button):
            button.setEnabled(change is not None)
        if change is None:
            self.heading.setText("Nothing is waiting for your decision.")
            self.reason.setText("")
            self.text.setHtml("")
            return
        self.heading.setText(title_of(change))
        self.reason.setText(change.reason)
        self.text.setHtml(change_html(change))

    def _decide(
        self, entry_id: uuid.UUID, act: Callable[[Store, uuid.UUID], None], done: str
    ) -> None:
        store = self._store

        def work() -> None:
            act(store, entry_id)

        def finished(_result: object) -> None:
            if alive(self):
                self.status.setText(done)
                self.sig_changed.emit()
                self.reload()

        def failed(exc: BaseException) -> None:
            if alive(self):
                self.status.setText(str(exc) or "That could not be done just now.")
                self.reload()

        run_task(work, finished, failed)
