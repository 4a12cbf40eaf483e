"""Dates a worker cannot use are explained: a future day clicked in a visit's calendar says
why it cannot be chosen, and a typed date that does not exist is named as such."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView, QToolTip
from pytestqt.qtbot import QtBot

from app import clock
from app.forms import registry
from ui.forms.dates import date_problem, parse_uk_date
from ui.forms.inputs import DateInput
from ui.forms.renderer import FormRenderer
from ui.views.common import calendar_day_at, date_box, qdate


def test_a_future_day_in_the_calendar_says_why_it_cannot_be_chosen(qtbot: QtBot) -> None:
    """The calendar greys out days after today; clicking one keeps the date as it was and
    says, where the worker clicked, that the day has not happened yet."""
    today = clock.today()
    box = date_box(latest=today)
    qtbot.addWidget(box)
    box.show()
    calendar = box.calendarWidget()
    calendar.setCurrentPage(today.year, today.month)
    calendar.show()
    view = calendar.findChild(QTableView)
    assert view is not None
    qtbot.waitExposed(calendar)
    future: tuple[QPoint, QDate] | None = None
    for row in range(view.model().rowCount()):
        for column in range(view.model().columnCount()):
            centre = view.visualRect(view.model().index(row, column)).center()
            day = calendar_day_at(calendar, centre)
            if day is not None and day > qdate(today):
                future = centre, day
                break
        if future is not None:
            break
    assert future is not None, "a month's grid always shows some later days"
    point, day = future
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(QToolTip.isVisible, timeout=3000)
    assert day.toString("dd MMM yyyy") in QToolTip.text()
    assert "has not happened yet" in QToolTip.text()
    assert box.date() == qdate(today)
    QToolTip.hideText()
    QApplication.processEvents()


def test_a_date_that_does_not_exist_is_named_as_such() -> None:
    """31/02/2026 is a date in the right shape that no calendar has: the worker is told so,
    not that the format is unreadable; a shape Casebook cannot read still says how to write
    it; a good date has no problem."""
    assert parse_uk_date("31/02/2026") is None
    assert date_problem("31/02/2026", "Date of birth") == (
        "'Date of birth': 31 February 2026 does not exist (February 2026 has 28 days)."
    )
    assert "does not exist" in date_problem("31 Apr 2026", "Date of birth")
    assert "there is no month 13" in date_problem("01/13/2026", "Date of birth")
    unreadable = date_problem("next Tuesday", "Date of birth")
    assert "not a date Casebook can read" in unreadable and "03/11/2026" in unreadable
    assert date_problem("29/02/2028", "Date of birth") == ""
    assert date_problem("", "Date of birth") == ""


def test_a_future_looked_after_date_is_named_under_its_box(qtbot: QtBot) -> None:
    """Typing next week into "Date the child became looked after" says at once, under the box,
    that it has not happened yet; the problem holds sign-off back and goes when fixed."""
    template = next(t for t in registry.bundled() if t.key == ("child_asset_based", 2))
    form = FormRenderer(template)
    qtbot.addWidget(form)
    form.show()
    date_input = form.input("looked_after_from")
    assert isinstance(date_input, DateInput)
    box = date_input.focus_target()
    assert isinstance(box, QLineEdit)
    next_week = clock.today() + timedelta(days=7)
    box.setFocus()
    qtbot.keyClicks(box, next_week.strftime("%d/%m/%Y"))
    qtbot.keyClick(box, Qt.Key.Key_Return)  # leaves the box as Tab does: editing finished
    wanted = f"{next_week.day} {next_week:%B %Y} has not happened yet"
    shown = [w.text() for w in date_input.findChildren(QLabel) if w.isVisible()]
    assert any(wanted in text for text in shown), shown
    assert [p.field for p in form.local_problems()] == ["answers.looked_after_from"]
    box.clear()
    qtbot.keyClicks(box, (clock.today() - timedelta(days=7)).strftime("%d/%m/%Y"))
    qtbot.keyClick(box, Qt.Key.Key_Return)  # leaves the box as Tab does: editing finished
    assert form.local_problems() == []
