"""The dialogs about the day a child left care (``app.leaving_care``): recording it, with the
SSDA903 reason, which ends the current legal status and placement together; and correcting a day
recorded by mistake, with why.

Saved on a worker thread; each problem is shown beside its own field in plain English, and
what the worker chose or typed stays in the dialog until it is saved.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import clock, leaving_care
from app.store import Store
from ui.views.common import date_box, uk_date
from ui.views.fields_dialog import FieldsDialog

TITLE = "Record leaving care"
CORRECT_TITLE = "Correct the day they left care"


class LeavingCareDialog(FieldsDialog):
    #: The legal status (and placement) ended; the dialog closes.
    sig_saved = Signal()

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
        super().__init__("", f"{TITLE}: {name}", parent)
        self.setAccessibleName(TITLE)
        self._store = store
        self._child_id = child_id
        self._build(name, status, started)

    # ---- Public API

    @property
    def date_box(self) -> QDateEdit:
        return self._date

    @property
    def reason_box(self) -> QComboBox:
        return self._reason

    def error_text(self, name: str) -> str:
        """The problem shown under the field, else the one shown above the form."""
        return super().error_text(name) or self._general.text()

    def save(self) -> None:
        store, child_id = self._store, self._child_id
        day = self._date.date()
        on = date(day.year(), day.month(), day.day())
        reason = str(self._reason.currentData() or "")
        self._run_save(lambda: leaving_care.record_leaving_care(store, child_id, on, reason))

    # ---- Private API

    def _build(self, name: str, status: str, started: date) -> None:
        intro = QLabel(
            f"{name}'s current legal status: {status}, since {uk_date(started)}. Saving ends "
            "this legal status and the current placement on the day you give, their last day "
            "in care; from the next day they are no longer looked after, and the case stays "
            "open for any support after."
        )
        intro.setWordWrap(True)
        self._date = date_box(
            latest=clock.today(),
            why="The day the child left care cannot be in the future.",
        )
        self._reason = QComboBox()
        self._reason.addItem("Choose a reason…", None)
        for code, words in leaving_care.reasons().items():
            self._reason.addItem(f"{words} ({code})", code)
        self._reason.setCurrentIndex(1)  # going home as planned, the commonest
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self._add_row(
            form,
            "end_date",
            "&Day they left care:",
            self._date,
            "Day the child left care",
            problem_with="the day",
        )
        self._add_row(
            form,
            "reason_ceased",
            "&Why they left:",
            self._reason,
            "Why the child left care",
            problem_with="the reason",
        )
        for line in self._errors.values():
            line.setWordWrap(False)  # one line, so the form makes room for it
        buttons = self._save_buttons("Save leaving care")
        layout = QVBoxLayout(self)
        # Never smaller than what it holds, so a problem shown beside a field has its room.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addWidget(self._general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 100)

    def _announce_saved(self, _result: object) -> None:
        self.sig_saved.emit()


class CorrectLeavingDateDialog(FieldsDialog):
    """Correct the day the child left care, recorded by mistake, saying why: the legal status
    and placement that ended that day move to the new day, what is due after it is worked out
    again, and the chronology keeps both days and the reason."""

    #: The day was corrected; the dialog closes.
    sig_saved = Signal()

    def __init__(
        self,
        store: Store,
        child_id: uuid.UUID,
        *,
        name: str,
        recorded: date,
        parent: QWidget | None = None,
    ) -> None:
        """``recorded`` is the day the record now says, where the date starts."""
        super().__init__("", f"{CORRECT_TITLE}: {name}", parent)
        self.setAccessibleName(CORRECT_TITLE)
        self._store = store
        self._child_id = child_id
        self._build(name, recorded)

    # ---- Public API

    @property
    def date_box(self) -> QDateEdit:
        return self._date

    @property
    def reason_edit(self) -> QLineEdit:
        return self._reason

    def error_text(self, name: str) -> str:
        """The problem shown under the field, else the one shown above the form."""
        return super().error_text(name) or self._general.text()

    def save(self) -> None:
        store, child_id = self._store, self._child_id
        day = self._date.date()
        on = date(day.year(), day.month(), day.day())
        reason = self._reason.text()
        self._run_save(lambda: leaving_care.correct_leaving_date(store, child_id, on, reason))

    # ---- Private API

    def _build(self, name: str, recorded: date) -> None:
        intro = QLabel(
            f"The record says {name} left care on {uk_date(recorded)}. If that day was "
            "recorded by mistake, give the right day and why: the legal status and the "
            "placement that ended that day move to it, the support due after it is worked out "
            "again, and the chronology keeps both days and your reason."
        )
        intro.setWordWrap(True)
        self._date = date_box(
            latest=clock.today(),
            start=recorded,
            why="The day the child left care cannot be in the future.",
        )
        self._reason = QLineEdit()
        self._reason.setPlaceholderText(
            "For example: the day of the review was typed, not the discharge"
        )
        self._reason.setMaxLength(500)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self._add_row(
            form,
            "end_date",
            "&Day they left care:",
            self._date,
            "Day the child left care",
            problem_with="the day",
        )
        self._add_row(
            form,
            "reason",
            "&Why it is corrected:",
            self._reason,
            "Why the day is corrected",
            problem_with="the reason",
        )
        for line in self._errors.values():
            line.setWordWrap(False)  # one line, so the form makes room for it
        buttons = self._save_buttons("Save the corrected day")
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addWidget(self._general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 100)

    def _announce_saved(self, _result: object) -> None:
        self.sig_saved.emit()
