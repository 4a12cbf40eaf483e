"""Stability of children's placements, as at the last day of a period (the DfE's measures):

- **three or more placements in twelve months**: of the children looked after on the day,
  those with three or more placements during the twelve months ending then (temporary moves,
  903 T0-T4, are not placements; ``resources/reports/figures.toml``);
- **long-term stability**: of the children under 16 looked after on the day who had been
  looked after for two and a half years or more, those who had lived with the same carers for
  two years or more (placement changes with the same household, such as becoming placed for
  adoption with their foster carers, do not break it; a placement with no household recorded
  counts on its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.deadlines import periods
from app.deadlines.calendar import add_months
from server.reports import groups
from server.reports.casefile import Casefile, ChildHistory, PlacementPeriod
from server.reports.facts import lasting_placement_on, looked_after_codes, status_periods


@dataclass(frozen=True)
class ShareFigure:
    measure: str
    label: str
    count: int
    of: int

    @property
    def share(self) -> float | None:
        return self.count / self.of if self.of else None


def figures(casefile: Casefile, day: date) -> list[ShareFigure]:
    temporary = groups.load().temporary_placement_types
    year_start = add_months(day, -12) + timedelta(days=1)
    looked_after = 0
    three_plus = 0
    long_term_of = 0
    long_term = 0
    for child in casefile.children.values():
        spell = _spell_start(child, day)
        if spell is None:
            continue
        looked_after += 1
        in_year = [
            p
            for p in child.placements
            if p.placement_type not in temporary
            and p.start <= day
            and (p.end is None or p.end >= year_start)
        ]
        if len(in_year) >= 3:
            three_plus += 1
        if (
            child.date_of_birth is not None
            and add_months(child.date_of_birth, 16 * 12) > day
            and spell <= add_months(day, -30)
        ):
            long_term_of += 1
            since = _with_same_carers_since(child, day, temporary)
            if since is not None and since <= add_months(day, -24):
                long_term += 1
    return [
        ShareFigure(
            "three_or_more_placements",
            "Children looked after with three or more placements in the last twelve months",
            three_plus,
            looked_after,
        ),
        ShareFigure(
            "long_term_stability",
            "Children under 16 looked after for 2.5 years or more who have lived with the "
            "same carers for 2 years or more",
            long_term,
            long_term_of,
        ),
    ]


def _spell_start(child: ChildHistory, day: date) -> date | None:
    found = status_periods(child, day)
    return periods.spell_start(found, periods.current(found, day), looked_after_codes())


def _with_same_carers_since(
    child: ChildHistory, day: date, temporary: frozenset[str]
) -> date | None:
    now = lasting_placement_on(child, day, temporary)
    if now is None:
        return None
    lasting = [p for p in child.placements if p.placement_type not in temporary]
    since = now.start
    for placement in reversed(lasting[: lasting.index(now)]):
        if not _same_carers(placement, now) or placement.end is None:
            break
        if (since - placement.end).days > 1:
            break
        since = placement.start
    return since


def _same_carers(a: PlacementPeriod, b: PlacementPeriod) -> bool:
    return a.household_id is not None and a.household_id == b.household_id
