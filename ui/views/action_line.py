"""One action being agreed on a form: what, who, by when.

A repeating row editor rather than an editable table, so each line's problem is shown beside it
in words and every field is an ordinary control a keyboard and a screen reader reach by Tab.
While its record is a draft a line can be removed; once the record is signed the line keeps its
words and only "Mark done" remains (completing an action is not changing the record).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.services.actions import ActionView
from app.services.reviews import ActionLine
from ui.views.common import qdate, uk_date

#: The date an action's "Due by" box shows as "No date set".
_NO_DATE = QDate(2000, 1, 1)


class ActionLineEditor(QWidget):
    """One action being agreed: what, who, by when; Remove while the review is a draft,
    Mark done once it is signed."""

    #: A field of the line was edited.
    sig_edited = Signal()
    #: The worker asked to take this line off the review.
    sig_remove = Signal()
    #: The worker asked to mark this (signed) action done.
    sig_mark_done = Signal()

    def __init__(self, line: ActionLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._line = line
        uk = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
        self.description = QLineEdit(line.description)
        self.description.setPlaceholderText("What will be done")
        self.description.setAccessibleName("Action")
        self.owner = QLineEdit(line.owner)
        self.owner.setPlaceholderText("Who")
        self.owner.setAccessibleName("Who is responsible")
        self.owner.setMaximumWidth(self.fontMetrics().averageCharWidth() * 26)
        self.due = QDateEdit()
        self.due.setLocale(uk)
        self.due.setDisplayFormat("dd MMM yyyy")
        self.due.setCalendarPopup(True)
        self.due.setMinimumDate(_NO_DATE)
        self.due.setSpecialValueText("No date set")
        self.due.setDate(qdate(line.due_date) if line.due_date else _NO_DATE)
        self.due.setAccessibleName("Due by")
        self.due.calendarWidget().installEventFilter(self)
        self.state = QLabel("")
        self.state.setAccessibleName("Action state")
        self.remove = QPushButton("Remove")
        self.remove.setAccessibleName("Remove this action")
        self.mark_done = QPushButton("Mark done")
        self.mark_done.setAccessibleName("Mark this action done")
        self.mark_done.setVisible(False)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.error.setAccessibleName("Problem with this action")

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.description, 3)
        row.addWidget(self.owner, 1)
        row.addWidget(self.due)
        row.addWidget(self.state)
        row.addWidget(self.remove)
        row.addWidget(self.mark_done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self._show_state()

        self.description.textEdited.connect(lambda _t: self.sig_edited.emit())
        self.owner.textEdited.connect(lambda _t: self.sig_edited.emit())
        self.due.dateChanged.connect(lambda _d: self.sig_edited.emit())
        self.remove.clicked.connect(self.sig_remove.emit)
        self.mark_done.clicked.connect(self.sig_mark_done.emit)

    @property
    def action_id(self) -> uuid.UUID:
        return self._line.action_id

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        """The calendar of a line with no date yet opens on this month, not on the date that
        stands for "No date set"."""
        if (
            watched is self.due.calendarWidget()
            and event.type() == QEvent.Type.Show
            and self.due.date() == _NO_DATE
        ):
            today = clock.today()
            self.due.calendarWidget().setCurrentPage(today.year, today.month)
        return super().eventFilter(watched, event)

    def line(self) -> ActionLine:
        due = self.due.date()
        return ActionLine(
            self._line.action_id,
            self.description.text(),
            self.owner.text(),
            None if due == _NO_DATE else to_date(due),
            self._line.completed_date,
        )

    def set_read_only(self) -> None:
        for box in (self.description, self.owner):
            box.setReadOnly(True)
        self.due.setReadOnly(True)
        self.due.setCalendarPopup(False)
        self.remove.setVisible(False)
        self.error.setVisible(False)
        self.mark_done.setVisible(self._line.completed_date is None)

    def completed(self, view: ActionView) -> None:
        self._line = replace(self._line, completed_date=view.completed)
        self.mark_done.setVisible(False)
        self._show_state()

    def show_problems(self, messages: list[str]) -> None:
        self.error.setText(" ".join(messages))
        self.error.setVisible(bool(messages))

    def _show_state(self) -> None:
        done = self._line.completed_date
        self.state.setText(f"Done {uk_date(done)}" if done else "")
        self.state.setVisible(done is not None)


def to_date(day: QDate) -> date:
    """A Python date from a Qt one."""
    return date(day.year(), day.month(), day.day())
