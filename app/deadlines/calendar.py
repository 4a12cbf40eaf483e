"""Date arithmetic in the units the regulations use, kept distinct on purpose.

"Within 20 working days" is not "within 4 weeks": working days skip weekends and English bank
holidays. Months and years clamp to the end of a shorter month (31 January + 1 month is 28 or
29 February), which never lets a deadline slip past the month it belongs to.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from datetime import date, timedelta
from functools import cache

import resources

UNITS = ("days", "weeks", "working_days", "months", "years")


@cache
def bank_holidays() -> frozenset[date]:
    data = resources.load_toml("calendars", "england-bank-holidays.toml")
    return frozenset(entry["date"] for entry in data["holidays"])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@cache
def _working_days() -> tuple[int, ...]:
    """Ordinals of every working day the holiday data covers, plus a year either side."""
    holidays = bank_holidays()
    first = date(min(holidays).year - 1, 1, 1).toordinal()
    last = date(max(holidays).year + 2, 1, 1).toordinal()
    return tuple(
        n
        for n in range(first, last)
        if date.fromordinal(n).weekday() < 5 and date.fromordinal(n) not in holidays
    )


def add_working_days(day: date, count: int) -> date:
    """The date ``count`` working days after ``day`` (``day`` itself is not counted).

    A binary search over the precomputed working days: the dashboard asks this thousands of
    times. Outside the years the holiday data covers, it counts weekdays only.
    """
    days = _working_days()
    if count <= 0:
        return day
    index = bisect_right(days, day.toordinal()) + count - 1
    if days[0] <= day.toordinal() and index < len(days):
        return date.fromordinal(days[index])
    current = day
    while count > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            count -= 1
    return current


def add(day: date, amount: int, unit: str) -> date:
    if unit == "days":
        return day + timedelta(days=amount)
    if unit == "weeks":
        return day + timedelta(weeks=amount)
    if unit == "working_days":
        return add_working_days(day, amount)
    if unit == "months":
        return add_months(day, amount)
    if unit == "years":
        return add_months(day, 12 * amount)
    raise ValueError(f"unknown interval unit {unit!r}")
