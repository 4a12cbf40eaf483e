"""When the laptop demo's reviews and visits fall: reviews at the statutory gaps from each
status's start, and visits spaced by how often the child must be seen now, with the latest one
placed so the child comes out on track, due soon or overdue as planned. The spacing is the
demo's own estimate; judging it is the deadline engine's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from demo.laptop.planner import Planner
from demo.laptop.plans import ChildPlan, Stay

ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
_LAC_REVIEWS = ((12, 27), (55, 88), (140, 178))  # R1 20 working days, R2 3 months, R3 6 months
_ADOPTION_REVIEWS = ((14, 27), (55, 88), (140, 178))  # AAR reg 36(3): 4 weeks, 3 and 6 months
_ATP_REVIEWS = ((60, 88), (140, 178))  # AAR reg 36(1): 3 then 6 months
YEARLY = ((300, 360),)


def series(
    p: Planner, start: date, gaps: Sequence[tuple[int, int]], until: date, late: float
) -> list[date]:
    """Review dates from ``start`` at the given gaps (the last gap repeats) up to ``until``;
    with probability ``late`` the latest one has not happened yet (it is overdue)."""
    out: list[date] = []
    day = start
    while True:
        low, high = gaps[min(len(out), len(gaps) - 1)]
        day = day + timedelta(days=p.rng.randint(low, high))
        if day > until:
            break
        out.append(day)
    if out and until >= p.today and p.chance(late):
        out.pop()
    return out


def reviews(p: Planner, plan: ChildPlan) -> None:
    until = plan.order_date or p.today
    plan.reviews["CHILD_LAC"] = series(p, plan.looked_after_start, _LAC_REVIEWS, until, 0.04)
    codes = [code for code, _ in plan.statuses]
    if "E1" in codes:
        hearing = next(start for code, start in plan.statuses if code == "E1")
        placed = next((s.start for s in plan.stays if s.place in ADOPTION_PLACEMENTS), None)
        plan.reviews["AUTHORITY_TO_PLACE"] = series(p, hearing, _ATP_REVIEWS, placed or until, 0.04)
        if placed is not None:
            plan.reviews["ADOPTION_PLACEMENT"] = series(p, placed, _ADOPTION_REVIEWS, until, 0.04)
    if plan.scenario.legal_status == "SGO" and plan.order_date is not None:
        plan.reviews["SGO_SUPPORT"] = series(p, plan.order_date, YEARLY, p.today, 0.05)


def _cadence(p: Planner, plan: ChildPlan, stay: Stay) -> int:
    """Roughly how often this child must be visited now, in days (CPPCR reg 28, AAR reg 36);
    used to space the demo's visits, not to judge them (that is the deadline engine's job)."""
    lac_reviews = len(plan.reviews.get("CHILD_LAC", ()))
    if stay.place in ADOPTION_PLACEMENTS:
        return 42 if plan.reviews.get("ADOPTION_PLACEMENT") else 7
    temporary = stay.household is not None and stay.household.household.approval_status == (
        "TEMPORARY"
    )
    if temporary or (plan.statuses[-1][0] == "C1" and stay.place == "P1"):
        return 28 if lac_reviews else 7
    if "before_assessment_complete" in stay.flags and not lac_reviews:
        return 7
    if p.age_on(stay.start, p.today) >= 1:
        if {"long_term_designated", "child_agrees_less_frequent_visits"} <= stay.flags:
            return 181
        if "intended_until_18" in stay.flags:
            return 89
    return 42


def _last_visit(p: Planner, plan: ChildPlan, stay: Stay, cadence: int) -> date | None:
    """The latest visit, placed so the child comes out on track, due soon or overdue."""
    since = (p.today - stay.start).days
    target = plan.visit_target
    if target == "overdue":
        if since > cadence + 1:
            return p.ago(cadence + 1, min(cadence + 30, since))
        if since > 8:
            return None  # not yet visited in this placement: the first visit is late
        target = "due_soon"
    if target == "due_soon" and max(cadence - 14, 0) <= min(cadence - 1, since):
        return p.ago(max(cadence - 14, 0), min(cadence - 1, since))
    return p.ago(0, max(0, min(since, int(cadence * 0.6))))


def visit_candidates(p: Planner, plan: ChildPlan) -> None:
    start = plan.looked_after_start
    stay = plan.current_stay
    if plan.order_date is not None:
        last = plan.order_date - timedelta(days=p.rng.randint(3, 30))
        cadence = 42
    elif stay is not None:
        cadence = _cadence(p, plan, stay)
        # Not yet visited in this placement: the latest visit was in the one before.
        last = _last_visit(p, plan, stay, cadence) or stay.start - timedelta(
            days=p.rng.randint(1, 20)
        )
    else:
        return
    found: list[tuple[date, str]] = []
    if plan.scenario.legal_status == "SGO" and plan.order_date is not None:
        support = series(p, plan.order_date, ((60, 200),), p.today, 0.0)
        found += [(d, "SGO_SUPPORT") for d in reversed(support)]
    gap_high = min(cadence, 42)
    day = last
    while day >= start:
        kind = "STATUTORY_CHILD"
        if any(s.place in ADOPTION_PLACEMENTS and s.start <= day for s in plan.stays):
            kind = "ADOPTION_PLACEMENT"
        found.append((day, kind))
        day -= timedelta(days=p.rng.randint(max(4, gap_high // 2), gap_high))
    plan.candidates = found
