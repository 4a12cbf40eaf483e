"""Returns home and whether they lasted, by the child's legal status before the return.

The service is judged partly on returns home that last. A **return home** is a looked-after
status that ended with one of the service's return-home reasons (903 REC E4A, the rule table's
``return_home_reasons``); read by ``app.deadlines.return_home``, as the workers' support items
and the child's record read it. Counted for a period, as cohorts:

- **returned**: returns home on a day in the period;
- **at six (twelve) months**: returns whose six- (twelve-) month point falls in the period, and of
  those, the children **still home** then (no looked-after status began between the return and
  that point). A twelve-month figure for a year is about the children who went home the year
  before, as it must be;
- **re-entered**: children who came back into care on a day in the period, within the rule
  table's ``reentry_months`` of going home. The legal status before
return groups them (a care order discharged, s20 accommodation ended...), because the service
is asked how returns from each kind of status last.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import codes
from app.deadlines import return_home
from app.deadlines import rules as rule_table
from app.deadlines.calendar import add
from server.reports.casefile import Casefile
from server.reports.facts import looked_after_codes
from server.reports.period import Period

#: The key and words of the row that adds up every legal status.
ALL = ("ALL", "All returns home")


@dataclass(frozen=True)
class ReturnHomeFigure:
    legal_status: str
    label: str
    returned: int
    #: Returns whose six-month point falls in the period, and of those, still home then.
    six_months_of: int
    home_at_six_months: int
    twelve_months_of: int
    home_at_twelve_months: int
    #: Children back in care in the period within the service's window after going home.
    reentered: int


def figures(found: Casefile, period: Period) -> list[ReturnHomeFigure]:
    """One row per legal status before return (most returns first), then the total."""
    table = rule_table.load()
    la_codes = looked_after_codes()
    counts: dict[str, list[int]] = {}
    for child in found.children.values():
        periods = [(s.start, s.end, s.code, s.reason_ceased) for s in child.statuses]
        for back in return_home.returns_home(periods, la_codes, table.return_home_reasons):
            before = next(
                s.code for s in child.statuses if s.end == back.returned and s.code in la_codes
            )
            row = counts.setdefault(before, [0] * 6)
            row[0] += back.returned in period
            for i, months in ((1, 6), (3, 12)):
                point = add(back.returned, months, "months")
                if point in period:
                    row[i] += 1
                    row[i + 1] += back.came_back is None or back.came_back > point
            window = add(back.returned, table.reentry_months, "months")
            row[5] += (
                back.came_back is not None
                and back.came_back in period
                and (back.came_back <= window)
            )
    counts = {code: row for code, row in counts.items() if any(row)}
    rows = [
        ReturnHomeFigure(code, _words(code), *values)
        for code, values in sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))
    ]
    total = [sum(r[i] for r in counts.values()) for i in range(6)]
    return [*rows, ReturnHomeFigure(*ALL, *total)]


def _words(code: str) -> str:
    return f"{code}: {codes.label('legal_status', code)}"
