"""Reading a date as a UK worker types it.

Why not a ``QDateEdit``: it always holds *some* date, so a question nobody has answered would
quietly read as today (or 1 January 1752), and a wrong date that looks plausible is worse than a
blank. A line of text that is empty until the worker writes a date keeps "not answered" real.
Dates are read day first, as written in England; a year must have four digits, because a
carer born in '58 and a child born in '08 are both plausible.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Final

from ui.views.common import uk_date

_MONTHS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})\s*$")
_WORDS = re.compile(r"^\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")

#: What the worker is shown when a date cannot be read.
EXAMPLE = "for example 03/11/2026 or 3 Nov 2026"


def parse_uk_date(text: str) -> date | None:
    """The date written in ``text`` (``03/11/2026``, ``3.11.2026``, ``3 Nov 2026``,
    ``2026-11-03``), or None if it is not a real date in one of those shapes."""
    try:
        if match := _NUMERIC.match(text):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := _WORDS.match(text):
            named = _MONTHS.get(match.group(2).lower())
            if named is None:
                return None
            return date(int(match.group(3)), named, int(match.group(1)))
        if match := _ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:  # 31/02/2026 and the like
        return None
    return None


_MONTH_NAMES: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_problem(text: str, label: str) -> str:
    """What is wrong with a typed date, in the worker's words ("" when nothing is): a date in
    a shape Casebook reads but that no calendar has (31/02/2026) is named as such, with the
    month's length, rather than called unreadable."""
    if not text.strip() or parse_uk_date(text) is not None:
        return ""
    parts = _parts(text)
    if parts is not None:
        day, month, year = parts
        if not 1 <= month <= 12:
            return f"'{label}': there is no month {month}. Write the day first, {EXAMPLE}."
        length = calendar.monthrange(year, month)[1]
        name = _MONTH_NAMES[month - 1]
        return f"'{label}': {day} {name} {year} does not exist ({name} {year} has {length} days)."
    return f"'{label}' is not a date Casebook can read: write it as {EXAMPLE}."


def _parts(text: str) -> tuple[int, int, int] | None:
    """Day, month and year of text in one of the readable shapes, not yet checked against a
    calendar; None for any other shape (or a month name Casebook does not know)."""
    if match := _NUMERIC.match(text):
        day, month, year = (int(part) for part in match.groups())
        return day, month, year
    if match := _WORDS.match(text):
        named = _MONTHS.get(match.group(2).lower())
        return None if named is None else (int(match.group(1)), named, int(match.group(3)))
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
        return day, month, year
    return None


def show_date(day: date) -> str:
    """How a date is written back into the box: unambiguous, with the month in words."""
    return uk_date(day)
