"""Permanence: how long children waited, from entering care, for the decision on their
permanent home and to move in with their permanent family, for the orders made in a period.

In the style of the adoption scorecard (A1, A2, A10), and the same measures for special
guardianship and child arrangements orders, from what the records hold:

- the **order** ends a looked-after legal status with its reason (903 REC: E11/E12 adopted,
  E45-E48 special guardianship, E41 child arrangements), on that status's last day; or, where
  that was not recorded, the order's own status (AO, SGO, CAO) begins;
- **entering care** is the start of the unbroken looked-after spell the order ended
  (``app.deadlines.periods``, as the deadlines count it);
- the **permanence decision** is the first signed-off care plan in that spell with that plan
  (ADOPTION, SPECIAL_GUARDIANSHIP, CHILD_ARRANGEMENTS);
- **moving in** with the adoptive family (A1) is the start of the adoptive placement (903
  A3-A6). A10 counts from when the child moved in with the foster carers who adopted them (an
  A3/A5 placement continuing one with the same household), as the scorecard does;
- for special guardianship or a child arrangements order to former foster carers (E45/E46, or
  carers recorded as special guardians or CAO carers), moving in is the start of the child's
  time with that household; otherwise the child moved in on the order's day;
- **A2-like**: from the placement order (E1/D1 begins) to moving in. The scorecard's A2 ends at
  the match, which Casebook does not record, so this is labelled for what it is.

A measure with no recorded dates for a child leaves that child out of that measure's average
(its ``children`` says how many it covers), rather than guessing.
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from server.reports.casefile import Casefile, ChildHistory, PlacementPeriod, StatusPeriod
from server.reports.facts import looked_after_codes
from server.reports.period import Period

#: route -> (label, REC codes, order status code, care plan code)
ROUTES: dict[str, tuple[str, frozenset[str], str, str]] = {
    "adoption": ("Adoption", frozenset({"E11", "E12"}), "AO", "ADOPTION"),
    "special_guardianship": (
        "Special guardianship",
        frozenset({"E45", "E46", "E47", "E48"}),
        "SGO",
        "SPECIAL_GUARDIANSHIP",
    ),
    "child_arrangements": (
        "Child arrangements order",
        frozenset({"E41"}),
        "CAO",
        "CHILD_ARRANGEMENTS",
    ),
}
ADOPTIVE = frozenset({"A3", "A4", "A5", "A6"})
WITH_FOSTER_CARERS = frozenset({"A3", "A5"})
FORMER_FOSTER_CARERS = frozenset({"E45", "E46"})
PERMANENT_CARER_TYPES = frozenset({"SPECIAL_GUARDIAN", "CAO_CARER", "ADOPTER"})
AUTHORITY_TO_PLACE = frozenset({"E1", "D1"})

#: measure -> label, in the order shown; "a10" and "authority_to_moved_in" are adoption's.
MEASURES: dict[str, str] = {
    "entered_care_to_decision": "Entering care to the permanence decision",
    "entered_care_to_moved_in": (
        "Entering care to moving in with the permanent family (A1, for adoption)"
    ),
    "entered_care_to_moved_in_a10": (
        "Entering care to moving in, counting foster carers who adopt from when the child "
        "moved in with them (A10)"
    ),
    "authority_to_moved_in": (
        "Placement order to moving in (A2-like; the match date is not recorded)"
    ),
    "entered_care_to_order": "Entering care to the order",
}
ADOPTION_ONLY = frozenset({"entered_care_to_moved_in_a10", "authority_to_moved_in"})


@dataclass(frozen=True)
class PermanenceExit:
    """One child's order in the period, with the dates the measures count between."""

    child_id: uuid.UUID
    route: str
    order: date
    entered_care: date
    decision: date | None
    moved_in: date | None
    moved_in_a10: date | None
    authority: date | None


@dataclass(frozen=True)
class DurationFigure:
    measure: str
    label: str
    #: Children this measure could be worked out for.
    children: int
    average_days: float | None
    median_days: float | None


@dataclass(frozen=True)
class PermanenceFigures:
    route: str
    label: str
    #: Orders made in the period.
    children: int
    measures: tuple[DurationFigure, ...]


def exits(
    casefile: Casefile, period: Period, household_types: dict[uuid.UUID, str]
) -> list[PermanenceExit]:
    out: list[PermanenceExit] = []
    for child in casefile.children.values():
        for route, (_label, reasons, order_code, plan) in ROUTES.items():
            found = _order(child, period, reasons, order_code)
            if found is None:
                continue
            order, spell_end, reason = found
            spell = _spell(child.statuses, spell_end)
            if not spell:
                continue
            entered = spell[0].start
            decision = next(
                (on for on, code in child.care_plans if code == plan and entered <= on <= order),
                None,
            )
            placements = [p for p in child.placements if entered <= p.start <= order] or [
                p for p in child.placements if p.start <= order and (p.end or order) >= entered
            ]
            moved_in, a10 = _moved_in(route, placements, order, reason, household_types)
            authority = next((s.start for s in spell if s.code in AUTHORITY_TO_PLACE), None)
            out.append(
                PermanenceExit(
                    child.child_id,
                    route,
                    order,
                    entered,
                    decision,
                    moved_in,
                    a10,
                    authority if route == "adoption" else None,
                )
            )
            break
    return out


def figures(found: Iterable[PermanenceExit]) -> list[PermanenceFigures]:
    by_route: dict[str, list[PermanenceExit]] = {route: [] for route in ROUTES}
    for item in found:
        by_route[item.route].append(item)
    out = []
    for route, items in by_route.items():
        measures = []
        for measure, label in MEASURES.items():
            if measure in ADOPTION_ONLY and route != "adoption":
                continue
            days = [d for d in (_days(measure, item) for item in items) if d is not None]
            measures.append(
                DurationFigure(
                    measure,
                    label,
                    len(days),
                    statistics.fmean(days) if days else None,
                    float(statistics.median(days)) if days else None,
                )
            )
        out.append(PermanenceFigures(route, ROUTES[route][0], len(items), tuple(measures)))
    return out


def _days(measure: str, item: PermanenceExit) -> int | None:
    start, end = {
        "entered_care_to_decision": (item.entered_care, item.decision),
        "entered_care_to_moved_in": (item.entered_care, item.moved_in),
        "entered_care_to_moved_in_a10": (item.entered_care, item.moved_in_a10),
        "authority_to_moved_in": (item.authority, item.moved_in),
        "entered_care_to_order": (item.entered_care, item.order),
    }[measure]
    if start is None or end is None:
        return None
    return max(0, (end - start).days)


def _order(
    child: ChildHistory, period: Period, reasons: frozenset[str], order_code: str
) -> tuple[date, StatusPeriod, str | None] | None:
    """The order in the period: (its date, the looked-after status it ended, the reason)."""
    la_codes = looked_after_codes()
    for status in child.statuses:
        if (
            status.code in la_codes
            and status.reason_ceased in reasons
            and status.end is not None
            and status.end in period
        ):
            return status.end, status, status.reason_ceased
    for status in child.statuses:
        if status.code == order_code and status.start in period:
            before = [
                s
                for s in child.statuses
                if s.code in la_codes
                and s.end is not None
                and 0 <= (status.start - s.end).days <= 1
            ]
            if before:
                return status.start, before[-1], before[-1].reason_ceased
    return None


def _spell(statuses: list[StatusPeriod], last: StatusPeriod) -> list[StatusPeriod]:
    """The unbroken run of looked-after statuses ending with ``last``, earliest first."""
    la_codes = looked_after_codes()
    spell = [last]
    for status in reversed(statuses):
        if status is last or status.start >= spell[0].start or status.code not in la_codes:
            continue
        if status.end is not None and 0 <= (spell[0].start - status.end).days <= 1:
            spell.insert(0, status)
    return spell


def _moved_in(
    route: str,
    placements: list[PlacementPeriod],
    order: date,
    reason: str | None,
    household_types: dict[uuid.UUID, str],
) -> tuple[date | None, date | None]:
    if route == "adoption":
        adoptive = [p for p in placements if p.placement_type in ADOPTIVE]
        if not adoptive:
            return None, None
        last = adoptive[-1]
        a10 = last.start
        if last.placement_type in WITH_FOSTER_CARERS and last.household_id is not None:
            a10 = _with_household_since(placements, last)
        return last.start, a10
    if not placements:
        return order, None
    last = placements[-1]
    former_carers = reason in FORMER_FOSTER_CARERS or (
        last.household_id is not None
        and household_types.get(last.household_id) in PERMANENT_CARER_TYPES
    )
    if former_carers and last.household_id is not None:
        return _with_household_since(placements, last), None
    if former_carers:
        return last.start, None
    return order, None


def _with_household_since(placements: list[PlacementPeriod], last: PlacementPeriod) -> date:
    """When the child's unbroken time with ``last``'s household began."""
    since = last.start
    for placement in reversed(placements[: placements.index(last)]):
        if placement.household_id != last.household_id or placement.end is None:
            break
        if (since - placement.end).days > 1:
            break
        since = placement.start
    return since
