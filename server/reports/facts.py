"""A subject's facts for the deadline engine as they stood on a given day.

The laptop builds :class:`~app.deadlines.facts.ChildFacts` from its store for today
(``app.deadlines.from_store``); the service's figures need them for any day of a period, from
its records' histories (``casefile``), knowing only what had happened before a given day. Both
read a legal status history through ``app.deadlines.periods``, so they agree on what is current
and when a looked-after spell began.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from functools import cache

from app import codes
from app.deadlines import periods
from app.deadlines.facts import ChildFacts, HouseholdFacts, PlacementFacts, ReviewFact
from server.reports.casefile import ChildHistory, HouseholdHistory, PlacementPeriod


@cache
def looked_after_codes() -> frozenset[str]:
    return frozenset(codes.code_list("legal_status"))


def status_periods(child: ChildHistory, day: date) -> list[periods.Period]:
    return [(s.start, s.end, s.code) for s in child.statuses if s.start <= day]


def placement_on(child: ChildHistory, day: date) -> PlacementPeriod | None:
    """The placement the child was in on ``day`` (the latest begun, if records overlap)."""
    return next(
        (
            p
            for p in reversed(child.placements)
            if p.start <= day and (p.end is None or p.end >= day)
        ),
        None,
    )


def lasting_placement_on(
    child: ChildHistory, day: date, temporary_types: frozenset[str]
) -> PlacementPeriod | None:
    """The child's placement on ``day``, looking through a temporary move (903 T0-T4) to the
    placement the child is away from."""
    now = placement_on(child, day)
    if now is None or now.placement_type not in temporary_types:
        return now
    earlier = [
        p
        for p in child.placements
        if p.placement_type not in temporary_types
        and p.start <= now.start
        and (p.end is None or p.end >= now.start)
    ]
    return earlier[-1] if earlier else None


def child_facts(
    child: ChildHistory,
    day: date,
    *,
    before: date,
    temporary: frozenset[object],
    household_plans: Mapping[uuid.UUID, list[date]] | None = None,
) -> ChildFacts:
    """The child's facts on ``day``, counting only visits, reviews and plans dated before
    ``before`` (the day itself, to ask what was due when something was done; the day after,
    to ask what was left outstanding at the end of it)."""
    found = status_periods(child, day)
    now = periods.current(found, day)
    la_codes = looked_after_codes()
    looked_after = now is not None and now[2] in la_codes
    la_start = periods.spell_start(found, now, la_codes)
    placement = placement_on(child, day)
    first = next(
        (
            p.start
            for p in child.placements
            if p.start <= day and (la_start is None or p.start >= la_start)
        ),
        None,
    )
    visits = [v for v in child.visits if v.on < before]
    concerns = [v.on for v in visits if v.welfare_concern]
    # As the laptop: the latest support plan on the child, or on the household of the child's
    # latest placement (the special guardians').
    latest = next((p for p in reversed(child.placements) if p.start <= day), None)
    plans = [on for on in child.support_plans if on < before]
    if latest is not None and latest.household_id is not None and household_plans:
        plans += [on for on in household_plans.get(latest.household_id, ()) if on < before]
    reviews: dict[str, tuple[ReviewFact, ...]] = {}
    for kind, done in child.reviews.items():
        earlier = tuple(r for r in done if r.on < before)
        if earlier:
            reviews[kind] = earlier
    return ChildFacts(
        child_id=child.child_id,
        legal_status=now[2] if now else None,
        legal_status_start=now[0] if now else None,
        looked_after=looked_after,
        looked_after_start=la_start if looked_after else None,
        placement=PlacementFacts(
            placement.placement_type, placement.start, placement.flags, placement.plan_date
        )
        if placement
        else None,
        first_placement_start=first if looked_after else None,
        household_temporary=bool(placement and placement.household_id in temporary),
        last_visit=visits[-1].on if visits else None,
        last_welfare_concern=concerns[-1] if concerns else None,
        reviews=reviews,
        care_plan_dates=tuple(on for on, _plan in child.care_plans if on < before),
        support_plan_agreed=max(plans) if plans else None,
    )


def household_facts(household: HouseholdHistory, *, before: date) -> HouseholdFacts:
    """The household's facts, counting only what was done before ``before``. Its approval is
    read as it is now: the service keeps no dated history of approval changes."""
    reviews = {
        kind: tuple(ReviewFact(on) for on in dates if on < before)
        for kind, dates in household.reviews.items()
    }
    unannounced = [on for on in household.unannounced_visits if on < before]
    tsd = [on for on in household.tsd_completed if on < before]
    return HouseholdFacts(
        household_id=household.household_id,
        carer_type=household.carer_type,
        approval_status=household.approval_status,
        approval_date=household.approval_date,
        temporary_approval_date=household.temporary_approval_date,
        temporary_extension_until=household.temporary_extension_until,
        reviews={kind: found for kind, found in reviews.items() if found},
        last_unannounced_visit=unannounced[-1] if unannounced else None,
        tsd_completed=tsd[0] if tsd else None,
        stages={column: on for column, on in household.stages.items() if on < before},
    )
