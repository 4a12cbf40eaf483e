"""Facts for a whole caseload in a handful of queries, then the engine over each subject.

The dashboard asks this for every child and household at once, so it never queries per child:
visits are aggregated in SQL (only the latest signed-off visit matters to the rules), and the
few rows per child of statuses, placements and reviews are read in one pass each.

The same queries can be narrowed to some subjects (``only_children``, ``only_households``: a
subquery of ids, such as the saved-deadline cache's list of subjects to redo), still one query
per table whatever the number of subjects, so redoing a handful of children costs a handful of
index lookups rather than a pass over the caseload.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, String, and_, func, select, type_coerce
from sqlalchemy.orm import Session

from app import codes
from app.carer_stages import stage_dates
from app.deadlines import periods, return_home
from app.deadlines import rules as rule_table
from app.deadlines.engine import DueItem, evaluate_child, evaluate_household
from app.deadlines.facts import (
    ActionFact,
    ChildFacts,
    HouseholdFacts,
    PlacementFacts,
    ReviewFact,
)
from app.deadlines.rules import Rule
from app.models import (
    Action,
    Assessment,
    CarePlan,
    CarerHousehold,
    Child,
    LegalStatus,
    Placement,
    Review,
    TrainingRecord,
    Visit,
)
from app.models.base import APPROVED, FINALISED

_SIGNED = (FINALISED, APPROVED)
_FLAGS = (
    "long_term_designated",
    "intended_until_18",
    "child_agrees_less_frequent_visits",
    "before_assessment_complete",
)

#: A subquery of subject ids (one ``Uuid`` column) to narrow the caseload queries to.
Subjects = Select[Any]


@dataclass
class CaseloadDeadlines:
    children: dict[uuid.UUID, list[DueItem]] = field(default_factory=dict)
    households: dict[uuid.UUID, list[DueItem]] = field(default_factory=dict)


def caseload_deadlines(
    session: Session,
    today: date,
    *,
    only_children: Subjects | None = None,
    only_households: Subjects | None = None,
) -> CaseloadDeadlines:
    """Every open child's and every carer household's due items as of ``today``, worked out
    afresh (or only those of the subjects given; the others are left out)."""
    return caseload_deadlines_until(
        session, today, only_children=only_children, only_households=only_households
    )[0]


def caseload_deadlines_until(
    session: Session,
    today: date,
    *,
    only_children: Subjects | None = None,
    only_households: Subjects | None = None,
) -> tuple[CaseloadDeadlines, dict[uuid.UUID, date]]:
    """As ``caseload_deadlines``, with, for each child whose answer could change on a later day
    with no record changing, the first such day (a household's never does: only its items'
    statuses move with the day, and those are worked out from the due dates)."""
    table = rule_table.load()
    result = CaseloadDeadlines()
    until: dict[uuid.UUID, date] = {}
    situations: dict[tuple[Any, ...], list[Rule]] = {}
    for facts, changes in child_facts_until(
        session, today, visit_types=table.child_visit_types, only=only_children, table=table
    ):
        result.children[facts.child_id] = evaluate_child(facts, today, table, situations)
        if changes is not None:
            until[facts.child_id] = changes
    for hfacts in household_facts(session, only=only_households):
        result.households[hfacts.household_id] = evaluate_household(hfacts, today, table)
    return result, until


def child_facts(
    session: Session, today: date, *, visit_types: frozenset[str], only: Subjects | None = None
) -> list[ChildFacts]:
    return [
        facts for facts, _ in child_facts_until(session, today, visit_types=visit_types, only=only)
    ]


def child_facts_until(
    session: Session,
    today: date,
    *,
    visit_types: frozenset[str],
    only: Subjects | None = None,
    table: rule_table.RuleTable | None = None,
) -> list[tuple[ChildFacts, date | None]]:
    """Each open child's facts as of ``today``, and the first later day on which they, or the
    rules that apply, could change without any record changing (None: never). Facts look at
    ``today`` only through which legal status and placement periods have begun or ended, and
    through the current placement's age in whole years (``placement_age_*`` rules); every
    other input is a record, whose changes the cache's triggers see."""
    looked_after_codes = set(codes.code_list("legal_status"))
    open_children = select(_hex(Child.id)).where(
        Child.deleted.is_(False), Child.case_open.is_(True), *_within(Child.id, only)
    )
    ids = list(session.scalars(open_children))  # hex strings, see _hex
    changes: dict[str, date] = {}

    reasons = (table or rule_table.load()).return_home_reasons
    statuses: dict[str, list[tuple[date, date | None, str]]] = defaultdict(list)
    ended: dict[str, list[return_home.Ended]] = defaultdict(list)
    # Periods starting after today are read too (and left out below), for when they begin.
    for child_id, code, start, end, reason in session.execute(
        select(
            _hex(LegalStatus.child_id),
            LegalStatus.code,
            LegalStatus.start_date,
            LegalStatus.end_date,
            LegalStatus.reason_ceased,
        )
        .where(LegalStatus.deleted.is_(False), *_within(LegalStatus.child_id, only))
        .order_by(LegalStatus.start_date)
    ):
        _note_change(changes, child_id, start, end, today)
        if start <= today:
            statuses[child_id].append((start, end, code))
            ended[child_id].append((start, end, code, reason))

    placements: dict[str, list[Any]] = defaultdict(list)
    for row in session.execute(
        select(
            _hex(Placement.child_id),
            Placement.placement_type,
            Placement.start_date,
            Placement.end_date,
            _hex(Placement.household_id),
            Placement.placement_plan_date,
            *(getattr(Placement, flag) for flag in _FLAGS),
        )
        .where(Placement.deleted.is_(False), *_within(Placement.child_id, only))
        .order_by(Placement.start_date)
    ):
        _note_change(changes, row.child_id, row.start_date, row.end_date, today)
        if row.start_date <= today:
            placements[row.child_id].append(row)

    temporary = set(
        session.scalars(
            select(_hex(CarerHousehold.id)).where(
                CarerHousehold.approval_status == "TEMPORARY", CarerHousehold.deleted.is_(False)
            )
        )
    )

    signed_visit = and_(
        Visit.deleted.is_(False),
        Visit.status.in_(_SIGNED),
        Visit.visit_type.in_(visit_types),
        Visit.child_id.is_not(None),
        *_within(Visit.child_id, only),
    )
    last_visit = _pairs(
        session.execute(
            select(_hex(Visit.child_id), func.max(Visit.visit_date))
            .where(signed_visit)
            .group_by(Visit.child_id)
        )
    )
    concern = _pairs(
        session.execute(
            select(_hex(Visit.child_id), func.max(Visit.visit_date))
            .where(signed_visit, Visit.welfare_concern.is_(True))
            .group_by(Visit.child_id)
        )
    )

    reviews: dict[str, dict[str, list[ReviewFact]]] = defaultdict(lambda: defaultdict(list))
    for reviewed, kind, on, weeks in session.execute(
        select(_hex(Review.child_id), Review.kind, Review.review_date, Review.visit_interval_weeks)
        .where(
            Review.deleted.is_(False),
            Review.status.in_(_SIGNED),
            Review.child_id.is_not(None),
            *_within(Review.child_id, only),
        )
        .order_by(Review.review_date)
    ):
        if reviewed is not None:
            reviews[reviewed][kind].append(ReviewFact(on, weeks))

    plans: dict[str, list[date]] = defaultdict(list)
    for child_id, on in session.execute(
        select(_hex(CarePlan.child_id), CarePlan.plan_date)
        .where(
            CarePlan.deleted.is_(False),
            CarePlan.status.in_(_SIGNED),
            *_within(CarePlan.child_id, only),
        )
        .order_by(CarePlan.plan_date)
    ):
        plans[child_id].append(on)

    actions = _open_actions(session, Action.child_id, only, child=True)
    plans_agreed = _support_plans_agreed(session, only)
    support_after, outcomes, decisions = _return_home_forms(session, only)

    out = []
    for child_id in ids:
        current = periods.current(statuses.get(child_id, []), today)
        looked_after = current is not None and current[2] in looked_after_codes
        la_start = periods.spell_start(statuses.get(child_id, []), current, looked_after_codes)
        child_placements = placements.get(child_id, [])
        now = next(
            (p for p in reversed(child_placements) if p.end_date is None or p.end_date >= today),
            None,
        )
        first = next(
            (
                p.start_date
                for p in child_placements
                if la_start is None or p.start_date >= la_start
            ),
            None,
        )
        latest = child_placements[-1] if child_placements else None
        agreed = [
            d
            for d in (
                plans_agreed.get(child_id),
                plans_agreed.get(latest.household_id) if latest and latest.household_id else None,
            )
            if d
        ]
        home = return_home.returned_home(
            ended.get(child_id, []), today, looked_after_codes, reasons
        )
        change = changes.get(child_id)
        if now is not None:
            birthday = _next_anniversary(now.start_date, today)
            change = birthday if change is None else min(change, birthday)
        out.append(
            (
                ChildFacts(
                    child_id=uuid.UUID(hex=child_id),
                    legal_status=current[2] if current else None,
                    legal_status_start=current[0] if current else None,
                    looked_after=looked_after,
                    looked_after_start=la_start if looked_after else None,
                    placement=PlacementFacts(
                        now.placement_type,
                        now.start_date,
                        frozenset(f for f in _FLAGS if getattr(now, f)),
                        now.placement_plan_date,
                    )
                    if now
                    else None,
                    first_placement_start=first if looked_after else None,
                    household_temporary=bool(now and now.household_id in temporary),
                    last_visit=last_visit.get(child_id),
                    last_welfare_concern=concern.get(child_id),
                    reviews={k: tuple(v) for k, v in reviews.get(child_id, {}).items()},
                    care_plan_dates=tuple(plans.get(child_id, ())),
                    actions=tuple(actions.get(child_id, ())),
                    support_plan_agreed=max(agreed) if agreed else None,
                    returned_home=home,
                    return_support_plan=max(support_after.get(child_id, ()), default=None),
                    return_outcomes=return_home.latest_outcomes(outcomes.get(child_id, ()), home),
                    parents_decision=max(decisions.get(child_id, ()), default=None),
                ),
                change,
            )
        )
    return out


def household_facts(session: Session, *, only: Subjects | None = None) -> list[HouseholdFacts]:
    reviews: dict[uuid.UUID, dict[str, list[ReviewFact]]] = defaultdict(lambda: defaultdict(list))
    for household_id, kind, on in session.execute(
        select(Review.household_id, Review.kind, Review.review_date)
        .where(
            Review.deleted.is_(False),
            Review.status.in_(_SIGNED),
            Review.household_id.is_not(None),
            Review.child_id.is_(None),
            *_within(Review.household_id, only),
        )
        .order_by(Review.review_date)
    ):
        if household_id is not None:
            reviews[household_id][kind].append(ReviewFact(on))
    unannounced = _pairs(
        session.execute(
            select(Visit.household_id, func.max(Visit.visit_date))
            .where(
                Visit.deleted.is_(False),
                Visit.status.in_(_SIGNED),
                Visit.visit_type == "UNANNOUNCED",
                Visit.household_id.is_not(None),
                *_within(Visit.household_id, only),
            )
            .group_by(Visit.household_id)
        )
    )
    tsd = _pairs(
        session.execute(
            select(TrainingRecord.household_id, func.min(TrainingRecord.completed_date))
            .where(
                TrainingRecord.deleted.is_(False),
                TrainingRecord.kind == "TSD",
                TrainingRecord.completed_date.is_not(None),
                *_within(TrainingRecord.household_id, only),
            )
            .group_by(TrainingRecord.household_id)
        )
    )
    actions = _open_actions(session, Action.household_id, only, child=False)
    return [
        HouseholdFacts(
            household_id=h.id,
            carer_type=h.carer_type,
            approval_status=h.approval_status,
            approval_date=h.approval_date,
            temporary_approval_date=h.temporary_approval_date,
            temporary_extension_until=h.temporary_extension_until,
            reviews={k: tuple(v) for k, v in reviews.get(h.id, {}).items()},
            last_unannounced_visit=unannounced.get(h.id),
            tsd_completed=tsd.get(h.id),
            actions=tuple(actions.get(h.id.hex, ())),
            stages=stage_dates(h),
        )
        for h in session.scalars(
            select(CarerHousehold).where(
                CarerHousehold.deleted.is_(False), *_within(CarerHousehold.id, only)
            )
        )
    ]


def _open_actions(
    session: Session, subject: Any, only: Subjects | None, *, child: bool
) -> dict[str, list[ActionFact]]:
    """Open actions with a due date, by subject (its id as stored, 32 hex digits), soonest
    first. An action's subject is its child if it names one, else its household, as for every
    record; an action with no due date is on the case page but is no deadline."""
    where = [
        Action.deleted.is_(False),
        Action.completed_date.is_(None),
        Action.due_date.is_not(None),
        subject.is_not(None),
        *_within(subject, only),
    ]
    if not child:
        where.append(Action.child_id.is_(None))
    found: dict[str, list[ActionFact]] = defaultdict(list)
    for key, action_id, description, owner, due in session.execute(
        select(_hex(subject), Action.id, Action.description, Action.owner, Action.due_date)
        .where(*where)
        .order_by(Action.due_date, Action.id)
    ):
        found[key].append(ActionFact(action_id, description, owner, due))
    return found


def _support_plans_agreed(session: Session, only: Subjects | None) -> dict[str, date]:
    """When the latest signed-off support plan was agreed, by the child or the household it is
    recorded on (its id as stored). A special guardians' plan is recorded on their household,
    and the child's last placement names that household; the date is the day it was signed
    off, the day the plan took effect."""
    from app.households import SUPPORT_PLAN_KIND, SUPPORT_PLAN_TEMPLATE

    where = [
        Assessment.deleted.is_(False),
        Assessment.status.in_(_SIGNED),
        Assessment.finalised_at.is_not(None),
        (Assessment.kind == SUPPORT_PLAN_KIND) | (Assessment.template_id == SUPPORT_PLAN_TEMPLATE),
    ]
    if only is not None:
        placed_with = select(Placement.household_id).where(Placement.child_id.in_(only))
        where.append(Assessment.child_id.in_(only) | Assessment.household_id.in_(placed_with))
    found: dict[str, date] = {}
    for child_id, household_id, signed in session.execute(
        select(_hex(Assessment.child_id), _hex(Assessment.household_id), Assessment.finalised_at)
        .where(*where)
        .order_by(Assessment.finalised_at)
    ):
        for key in (child_id, household_id):
            if key is not None:
                found[key] = signed.date()
    return found


def _return_home_forms(
    session: Session, only: Subjects | None
) -> tuple[dict[str, list[date]], dict[str, list[tuple[str, date]]], dict[str, list[date]]]:
    """The signed-off return-home support plans and outcomes, and decisions to place with
    parents, of each child (its id as stored), by the day each was signed off: the day the plan
    or decision took effect, or the outcome was recorded. An outcome's point (six or twelve
    months) is its "point" answer."""
    plans: dict[str, list[date]] = defaultdict(list)
    outcomes: dict[str, list[tuple[str, date]]] = defaultdict(list)
    decisions: dict[str, list[date]] = defaultdict(list)
    for child_id, kind, answers, signed in session.execute(
        select(
            _hex(Assessment.child_id), Assessment.kind, Assessment.answers, Assessment.finalised_at
        ).where(
            Assessment.deleted.is_(False),
            Assessment.status.in_(_SIGNED),
            Assessment.finalised_at.is_not(None),
            Assessment.child_id.is_not(None),
            Assessment.kind.in_(
                (
                    return_home.SUPPORT_PLAN_KIND,
                    return_home.OUTCOME_KIND,
                    return_home.PARENTS_DECISION_KIND,
                )
            ),
            *_within(Assessment.child_id, only),
        )
    ):
        if kind == return_home.SUPPORT_PLAN_KIND:
            plans[child_id].append(signed.date())
        elif kind == return_home.PARENTS_DECISION_KIND:
            decisions[child_id].append(signed.date())
        else:
            outcomes[child_id].append((str((answers or {}).get("point")), signed.date()))
    return plans, outcomes, decisions


def _within(column: Any, only: Subjects | None) -> tuple[Any, ...]:
    """The condition narrowing a query to the given subjects, or none for the whole caseload."""
    return () if only is None else (column.in_(only),)


def _note_change(
    changes: dict[str, date], child_id: str, start: date, end: date | None, today: date
) -> None:
    """Keep the first day after ``today`` on which this period begins, or stops covering the
    day (a period ending today still covers today)."""
    if start > today:
        day = start
    elif end is not None and end >= today:
        day = end + timedelta(days=1)
    else:
        return
    if child_id not in changes or day < changes[child_id]:
        changes[child_id] = day


def _next_anniversary(start: date, today: date) -> date:
    """The first day after ``today`` on which a placement that began on ``start`` is a whole
    year older, counted as the engine counts (a 29 February start turns on 1 March in other
    years)."""
    years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    year = start.year + years + 1
    try:
        return date(year, start.month, start.day)
    except ValueError:  # 29 February in a year without one
        return date(year, 3, 1)


def _pairs(rows: Any) -> dict[Any, Any]:
    return {key: value for key, value in rows}


def _hex(column: Any) -> Any:
    """The id as stored (32 hex digits): building 35,000 UUID objects for dictionary keys was
    the dashboard's largest single cost; only the children's own ids are converted."""
    return type_coerce(column, String(32)).label(column.key)
