"""Booking a household's carers onto the service's courses, and recording who attended.

The courses are the service's (``sync.courses``: fetched on a worker thread when the service
can be reached, else the list kept from last time, shown "as of" when it was sent). A booking is
the household's own training record (``app.services.training.book``), saved on a worker thread
and synced like any other; marking it attended completes the training on the course's day, so
it shows at the household's annual review. Problems are said in plain words on the dialog.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock, codes
from app.households import CarerView
from app.services import training
from app.services.training import ATTENDED, CANCELLED, DID_NOT_ATTEND, Booking, CourseChoice
from app.settings import Settings
from app.store import Store
from sync import courses as course_list
from sync.courses import CoursesAnswer
from sync.protocol.courses import Course
from ui.errors import message_for
from ui.models.chronology_model import RowsModel
from ui.tasks import run_task
from ui.views.common import alive, local_time, uk_date
from ui.views.record_table import record_table


class CourseBookingsDialog(QDialog):
    #: A booking or an attendance was saved: the household page should read its training again.
    sig_changed = Signal()
    #: The courses and the household's bookings are on screen (or the reason they are not).
    sig_loaded = Signal()
    #: A save failed; the reason is on screen.
    sig_failed = Signal()

    def __init__(
        self,
        store: Store,
        household_id: uuid.UUID,
        carers: tuple[CarerView, ...],
        settings: Settings | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._household_id = household_id
        self._settings = settings
        self._courses: list[Course] = []
        self._bookings: list[Booking] = []
        self._busy = False
        self.setWindowTitle("Courses and bookings")
        self.setAccessibleName("Courses and bookings")
        self._build(carers)
        self.reload()

    # ---- Public API

    @property
    def courses_table(self) -> QTableView:
        return self._course_table

    @property
    def bookings_table(self) -> QTableView:
        return self._booking_table

    @property
    def who(self) -> QComboBox:
        return self._who

    @property
    def as_of_label(self) -> QLabel:
        return self._as_of

    @property
    def message(self) -> QLabel:
        return self._message

    def button(self, name: str) -> QPushButton:
        return self._buttons[name]

    def course_titles(self) -> list[str]:
        return [c.title for c in self._courses]

    def booking_rows(self) -> list[tuple[str, ...]]:
        return [_booking_row(b, self._names) for b in self._bookings]

    def reload(self) -> None:
        store, settings, household_id = self._store, self._settings, self._household_id

        def work() -> tuple[CoursesAnswer | str, list[Booking]]:
            found: CoursesAnswer | str
            try:
                if settings is not None:
                    found = course_list.fetch(store, settings)
                else:
                    kept = course_list.kept(store)
                    found = CoursesAnswer(kept, live=False) if kept else course_list.OFFLINE
            except course_list.NoFigures as exc:
                found = str(exc)
            return found, training.bookings(store, household_id)

        run_task(work, self._loaded, self._failed)

    def book(self, row: int) -> None:
        """Book the chosen carer (or the household) onto the course on ``row``."""
        if not 0 <= row < len(self._courses):
            return
        course = self._courses[row]
        if course.cancelled:
            self._say("That course has been cancelled: choose another.", problem=True)
            return
        choice = CourseChoice(course.course_id, course.title, course.starts_on)
        chosen = self._who.currentData()
        carer = uuid.UUID(str(chosen)) if chosen else None
        store, household_id = self._store, self._household_id
        self._save(
            lambda: training.book(store, household_id=household_id, course=choice, carer_id=carer),
            f"Booked onto {course.title} ({uk_date(course.starts_on)}).",
        )

    def mark(self, row: int, status: str) -> None:
        """Record whether the carer went to the course booked on ``row``."""
        if not 0 <= row < len(self._bookings):
            return
        booking = self._bookings[row]
        store = self._store
        words = codes.label("course_booking_status", status)
        self._save(
            lambda: training.record_attendance(store, record_id=booking.record_id, status=status),
            f"{booking.title}: {words.lower()}.",
        )

    # ---- Private API

    def _build(self, carers: tuple[CarerView, ...]) -> None:
        self._names = {c.carer_id: c.name for c in carers}
        self._as_of = QLabel("Looking for the service's courses…")
        self._as_of.setAccessibleName("Courses as of")
        self._as_of.setWordWrap(True)
        self._message = QLabel("")
        self._message.setAccessibleName("Booking message")
        self._message.setWordWrap(True)
        self._message.setVisible(False)
        self._course_model = RowsModel(("Day", "Course", "Venue", "Places", "What it covers"), self)
        self._course_table = record_table("The service's courses", self._course_model)
        self._who = QComboBox()
        self._who.setAccessibleName("Who is booked")
        self._who.addItem("The household (both carers)", None)
        for carer in carers:
            self._who.addItem(carer.name, str(carer.carer_id))
        self._booking_model = RowsModel(("Day", "Course", "Who", "Booking"), self)
        self._booking_table = record_table("This household's bookings", self._booking_model)
        self._buttons = {
            "book": QPushButton("&Book onto the chosen course"),
            ATTENDED: QPushButton("&Attended"),
            DID_NOT_ATTEND: QPushButton("Did &not attend"),
            CANCELLED: QPushButton("&Cancel booking"),
        }
        for name, button in self._buttons.items():
            button.setAccessibleName(button.text().replace("&", ""))
            button.setAutoDefault(False)
            if name == "book":
                button.clicked.connect(lambda: self.book(_row(self._course_table)))
            else:
                button.clicked.connect(
                    lambda _c=False, s=name: self.mark(_row(self._booking_table), s)
                )
        courses = QGroupBox("Courses the service runs for carers")
        top = QVBoxLayout(courses)
        top.addWidget(self._as_of)
        top.addWidget(self._course_table, 1)
        book_row = QHBoxLayout()
        book_row.addWidget(QLabel("Who:"))
        book_row.addWidget(self._who)
        book_row.addWidget(self._buttons["book"])
        book_row.addStretch(1)
        top.addLayout(book_row)

        booked = QGroupBox("This household's bookings")
        bottom = QVBoxLayout(booked)
        bottom.addWidget(self._booking_table, 1)
        mark_row = QHBoxLayout()
        for name in (ATTENDED, DID_NOT_ATTEND, CANCELLED):
            mark_row.addWidget(self._buttons[name])
        mark_row.addStretch(1)
        bottom.addLayout(mark_row)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._message)
        layout.addWidget(courses, 3)
        layout.addWidget(booked, 2)
        layout.addWidget(close)
        self.setMinimumSize(
            self.fontMetrics().averageCharWidth() * 110, self.fontMetrics().lineSpacing() * 30
        )

    def _loaded(self, found: tuple[CoursesAnswer | str, list[Booking]]) -> None:
        if not alive(self):
            return
        answer, self._bookings = found
        if isinstance(answer, str):
            self._courses = []
            self._as_of.setText(answer)
        else:
            today = clock.today()
            self._courses = list(answer.courses.courses)
            when = f"{uk_date(answer.courses.as_of.date())} {local_time(answer.courses.as_of)}"
            self._as_of.setText(
                f"From the service, as of {when}."
                if answer.live
                else f"The list kept from {when}: {answer.reason or 'the service was not asked'}"
            )
            self._course_model.set_rows(
                [_course_row(c) for c in self._courses],
                strong={n for n, c in enumerate(self._courses) if c.starts_on >= today},
            )
        self._booking_model.set_rows(self.booking_rows())
        for table in (self._course_table, self._booking_table):
            table.resizeColumnsToContents()
        self.sig_loaded.emit()

    def _save(self, work: Callable[[], object], done: str) -> None:
        if self._busy:
            return
        self._busy = True

        def saved(_result: object) -> None:
            if not alive(self):
                return
            self._busy = False
            self._say(done)
            self.sig_changed.emit()
            self.reload()

        def failed(exc: BaseException) -> None:
            if not alive(self):
                return
            self._busy = False
            self._failed(exc)

        run_task(work, saved, failed)

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._say(message_for(exc, "That could not be done. Try again in a moment."), problem=True)
        self.sig_failed.emit()

    def _say(self, words: str, *, problem: bool = False) -> None:
        self._message.setProperty("role", "error" if problem else "")
        self._message.style().unpolish(self._message)
        self._message.style().polish(self._message)
        self._message.setText(words)
        self._message.setVisible(True)


def _course_row(course: Course) -> tuple[str, ...]:
    places = str(course.places) if course.places else "No limit"
    title = f"{course.title} (cancelled)" if course.cancelled else course.title
    return (uk_date(course.starts_on), title, course.venue, places, course.summary)


def _booking_row(booking: Booking, names: dict[uuid.UUID, str]) -> tuple[str, ...]:
    who = names.get(booking.carer_id, "A former carer") if booking.carer_id else "Household"
    return (
        uk_date(booking.course_date),
        booking.title,
        who,
        codes.label("course_booking_status", booking.status),
    )


def _row(table: QTableView) -> int:
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else -1


__all__ = ["CourseBookingsDialog"]
