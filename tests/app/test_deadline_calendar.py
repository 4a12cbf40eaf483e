"""Regulation date arithmetic: weeks, months and working days are different units."""

from __future__ import annotations

from datetime import date

import pytest

from app.deadlines.calendar import add, add_months, add_working_days, bank_holidays, is_working_day


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        (date(2026, 3, 2), 1, "weeks", date(2026, 3, 9)),
        (date(2026, 3, 2), 6, "weeks", date(2026, 4, 13)),
        (date(2026, 1, 31), 1, "months", date(2026, 2, 28)),
        (date(2028, 1, 31), 1, "months", date(2028, 2, 29)),
        (date(2026, 8, 31), 6, "months", date(2027, 2, 28)),
        (date(2024, 2, 29), 1, "years", date(2025, 2, 28)),
        (date(2026, 11, 30), 3, "months", date(2027, 2, 28)),
        (date(2026, 5, 1), 0, "days", date(2026, 5, 1)),
        # 20 working days over Christmas: skips 25 Dec, the Boxing Day substitute on Monday
        # 28 Dec, New Year's Day and the weekends.
        (date(2026, 12, 17), 20, "working_days", date(2027, 1, 19)),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April are not working days.
        (date(2026, 4, 2), 1, "working_days", date(2026, 4, 7)),
        (date(2026, 3, 2), 10, "working_days", date(2026, 3, 16)),
        (date(2026, 5, 1), 5, "working_days", date(2026, 5, 11)),  # early May bank holiday
    ],
)
def test_worked_examples(start: date, amount: int, unit: str, due: date) -> None:
    """Each worked example lands on the date a social worker would count to."""
    assert add(start, amount, unit) == due


def test_bank_holiday_data_has_the_one_off_days() -> None:
    """The calendar knows the one-off holidays and the substitute days."""
    holidays = bank_holidays()
    for day in (
        date(2020, 5, 8),
        date(2022, 6, 3),
        date(2022, 9, 19),
        date(2023, 5, 8),
        date(2026, 12, 28),
        date(2027, 12, 27),
        date(2027, 12, 28),
    ):
        assert day in holidays
    assert not is_working_day(date(2026, 12, 26))  # Saturday
    assert is_working_day(date(2026, 12, 29))
    assert all(h.weekday() < 5 for h in holidays)  # substitutes never fall at weekends
    assert len([h for h in holidays if h.year == 2030]) == 8


def test_unknown_units_are_refused() -> None:
    """A unit the engine does not know is an error, never silently days."""
    with pytest.raises(ValueError, match="fortnights"):
        add(date(2026, 1, 1), 1, "fortnights")
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_working_days(date(2026, 1, 2), 0) == date(2026, 1, 2)
