"""The dialog that records a child leaving care: the day and the SSDA903 reason, which end the
current legal status and placement together (``app.leaving_care``).

Saved on a worker thread; each problem is shown beside its own field in plain English, and
what the worker chose stays in the dialog until it is saved.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import clock, leaving_care
from app.errors import CasebookError, ValidationError
from app.store import Store
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, date_box, uk_date

TITLE = "Record leaving care"


class LeavingCareDialog(QDialog):
    #: The legal status (and placement) ended; the dialog closes.
    sig_saved = Signal()
    #: A save failed; the problems are on screen beside their fields.
    sig_failed = Signal()

    def __init__(
        self,
        store: Store,
        child_id: uuid.UUID,
        *,
        name: str,
        status: str,
        started: date,
        parent: QWidget | None = None,
    ) -> None:
        """``status`` and ``started`` are the current legal status's words and first day, as
        the case shows them."""
        super().__init__(parent)
        self._store = store
        self._child_id = child_id
        self._busy = False
        self.setWindowTitle(f"{TITLE}: {name}")
        self.setAccessibleName(TITLE)
        self.setStyleSheet(FOCUS_STYLE)
        self._build(name, status, started)

    # ---- Public API

    @property
    def date_box(self) -> QDateEdit:
        return self._date

    @property
    def reason_box(self) -> QComboBox:
        return self._reason

    @property
    def save_button(self) -> QPushButton:
        return self._save_button

    def error_text(self, name: str) -> str:
        label = {"end_date": self._date_error, "reason_ceased": self._reason_error}.get(name)
        return label.text() if label is not None and label.isVisible() else self._general.text()

    def save(self) -> None:
        if self._busy:
            return
        self._busy = True
        store, child_id = self._store, self._child_id
        day = self._date.date()
        on = date(day.year(), day.month(), day.day())
        reason = str(self._reason.currentData() or "")
        run_task(
            lambda: leaving_care.record_leaving_care(store, child_id, on, reason),
            self._saved,
            self._failed,
        )

    # ---- Private API

    def _build(self, name: str, status: str, started: date) -> None:
        intro = QLabel(
            f"{name}'s current legal status: {status}, since {uk_date(started)}. Saving ends "
            "this legal status and the current "
            "placement on the day you give; the case stays open for any support after."
        )
        intro.setWordWrap(True)
        self._general = QLabel("")
        self._general.setProperty("role", "error")
        self._general.setWordWrap(True)
        self._general.setVisible(False)
        self._date = date_box(
            latest=clock.today(),
            why="The day the child left care cannot be in the future.",
        )
        self._date.setAccessibleName("Day the child left care")
        self._reason = QComboBox()
        self._reason.setAccessibleName("Why the child left care")
        self._reason.addItem("Choose a reason…", None)
        for code, words in leaving_care.reasons().items():
            self._reason.addItem(f"{words} ({code})", code)
        self._reason.setCurrentIndex(1)  # going home as planned, the commonest
        self._date_error = _error("Problem with the day")
        self._reason_error = _error("Problem with the reason")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for caption, control, error in (
            ("&Day they left care:", self._date, self._date_error),
            ("&Why they left:", self._reason, self._reason_error),
        ):
            label = QLabel(caption)
            label.setBuddy(control)
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(control)
            column.addWidget(error)
            form.addRow(label, box)
        self._save_button = QPushButton("&Save")
        self._save_button.setAccessibleName("Save leaving care")
        self._save_button.setAutoDefault(False)
        self._save_button.setDefault(True)
        buttons = QDialogButtonBox()
        buttons.addButton(self._save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self._save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        # Never smaller than what it holds, so a problem shown beside a field has its room.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addWidget(self._general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 100)

    def _clear(self) -> None:
        for label in (self._general, self._date_error, self._reason_error):
            label.clear()
            label.setVisible(False)
        self._date.setAccessibleDescription("")
        self._reason.setAccessibleDescription("")

    def _saved(self, _result: object) -> None:
        if not alive(self):
            return
        self._busy = False
        self._clear()
        self.sig_saved.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._busy = False
        self._clear()
        if isinstance(exc, ValidationError):
            general: list[str] = []
            first: QWidget | None = None
            for problem in exc.problems:
                pair = {
                    "end_date": (self._date_error, self._date),
                    "reason_ceased": (self._reason_error, self._reason),
                }.get(problem.field)
                if pair is None:
                    general.append(problem.message)
                    continue
                pair[0].setText(problem.message)
                pair[0].setVisible(True)
                pair[1].setAccessibleDescription(problem.message)
                first = first or pair[1]
            if general:
                self._general.setText(" ".join(general))
                self._general.setVisible(True)
            if first is not None:
                first.setFocus()
        elif isinstance(exc, CasebookError | LookupError):
            self._general.setText(str(exc))
            self._general.setVisible(True)
        else:
            self._general.setText("That could not be saved. Try again in a moment.")
            self._general.setVisible(True)
        self.adjustSize()  # room for the words just shown
        self.sig_failed.emit()


def _error(name: str) -> QLabel:
    label = QLabel("")
    label.setProperty("role", "error")
    label.setVisible(False)  # one line (no word wrap), so the form makes room for it
    label.setAccessibleName(name)
    return label
