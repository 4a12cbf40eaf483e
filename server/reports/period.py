"""The period a report covers: whole days, both ends included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.deadlines.calendar import add_months

#: The years a report's dates may fall in: anything else is a typing mistake (and date
#: arithmetic near the calendar's ends fails).
FIRST_YEAR, LAST_YEAR = 1900, 2999
#: The longest period a report may cover: longer runs read a decade of history for nothing.
MOST_YEARS = 5


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if not (self.start.year >= FIRST_YEAR and self.end.year <= LAST_YEAR):
            raise ValueError(f"a report's dates must fall between {FIRST_YEAR} and {LAST_YEAR}")
        if self.start > self.end:
            raise ValueError("the period must start on or before its last day")
        if self.end > add_months(self.start, 12 * MOST_YEARS):
            raise ValueError(f"a report covers at most {MOST_YEARS} years")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @classmethod
    def year_to(cls, end: date) -> Period:
        """The twelve months ending on ``end``."""
        if not FIRST_YEAR < end.year <= LAST_YEAR:
            raise ValueError(f"a report's dates must fall between {FIRST_YEAR} and {LAST_YEAR}")
        return cls(add_months(end, -12) + timedelta(days=1), end)

    @property
    def after(self) -> date:
        """The day after the period."""
        return self.end + timedelta(days=1)
