"""Reading a date as a UK worker types it.

Why not a ``QDateEdit``: it always holds *some* date, so a question nobody has answered would
quietly read as today (or 1 January 1752), and a wrong date that looks plausible is worse than a
blank. A line of text that is empty until the worker writes a date keeps "not answered" real.
Dates are read day first, as written in England; a year must have four digits, because a
carer born in '58 and a child born in '08 are both plausible.
"""

from __future__ import annotations

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


def show_date(day: date) -> str:
    """How a date is written back into the box: unambiguous, with the month in words."""
    return uk_date(day)
