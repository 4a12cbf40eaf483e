"""The parts of the service's records the figures read, as plain histories per subject.

Records are JSON documents (``server.models.records``), so each read picks out only the fields
it needs (``fields["visit_date"]`` is ``json_extract`` on SQLite and ``->>`` on PostgreSQL):
a visit's text never leaves the database for a report. Deleted records are left out, and
visits and reviews count only once signed off, as on the laptop
(``app.deadlines.from_store``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.carer_stages import STAGES
from app.deadlines.facts import ReviewFact
from server.models import Allocation, Record, UserAccount

#: A support plan (``app.households``: SUPPORT_PLAN_KIND, SUPPORT_PLAN_TEMPLATE), whose
#: sign-off starts a special guardianship support plan period (deadline rule S1).
SUPPORT_PLAN_KIND, SUPPORT_PLAN_TEMPLATE = "SUPPORT_PLAN", "support_plan"
#: The statuses of a signed-off record (``app.models.base``: FINALISED, APPROVED).
SIGNED = ("finalised", "approved")
#: Flags of a placement the deadline rules read (``app.deadlines.rules.PLACEMENT_FLAGS``).
FLAGS = (
    "long_term_designated",
    "intended_until_18",
    "child_agrees_less_frequent_visits",
    "before_assessment_complete",
)
CHILD, HOUSEHOLD = "child", "carer_household"
T = TypeVar("T")


@dataclass(frozen=True)
class StatusPeriod:
    code: str
    start: date
    end: date | None
    reason_ceased: str | None = None


@dataclass(frozen=True)
class PlacementPeriod:
    placement_type: str
    start: date
    end: date | None = None
    provider: str | None = None
    household_id: uuid.UUID | None = None
    flags: frozenset[str] = frozenset()
    plan_date: date | None = None


@dataclass(frozen=True)
class VisitEvent:
    on: date
    welfare_concern: bool = False


@dataclass
class ChildHistory:
    child_id: uuid.UUID
    date_of_birth: date | None = None
    statuses: list[StatusPeriod] = field(default_factory=list)
    placements: list[PlacementPeriod] = field(default_factory=list)
    visits: list[VisitEvent] = field(default_factory=list)
    reviews: dict[str, list[ReviewFact]] = field(default_factory=dict)
    #: Signed-off care plans: (date, permanence plan code).
    care_plans: list[tuple[date, str]] = field(default_factory=list)
    #: Days signed-off support plans recorded on the child took effect (signed off).
    support_plans: list[date] = field(default_factory=list)


@dataclass
class HouseholdHistory:
    household_id: uuid.UUID
    carer_type: str
    approval_status: str
    approval_date: date | None = None
    temporary_approval_date: date | None = None
    temporary_extension_until: date | None = None
    reviews: dict[str, list[date]] = field(default_factory=dict)
    unannounced_visits: list[date] = field(default_factory=list)
    #: Completion dates of TSD training records (the first one meets the standard).
    tsd_completed: list[date] = field(default_factory=list)
    #: A prospective household's assessment stages as recorded (``app.carer_stages``).
    stages: dict[str, date] = field(default_factory=dict)


@dataclass
class Casefile:
    children: dict[uuid.UUID, ChildHistory] = field(default_factory=dict)
    households: dict[uuid.UUID, HouseholdHistory] = field(default_factory=dict)
    #: Households, in scope or not, that are temporarily approved connected persons now
    #: (the laptop reads the same: a child's carers' current approval).
    temporary_households: frozenset[uuid.UUID] = frozenset()
    #: Every household's kind of carer, in scope or not (where a child was placed).
    household_types: dict[uuid.UUID, str] = field(default_factory=dict)
    #: Days signed-off support plans recorded on a household took effect, for every household
    #: (a special guardians' plan is on their household; ``facts`` finds it from the child).
    household_support_plans: dict[uuid.UUID, list[date]] = field(default_factory=dict)


def subjects_of_team(team_id: int) -> Select[Any]:
    """The ids of the subjects (children and households) allocated to a team's members now."""
    return (
        select(Allocation.subject_id)
        .join(UserAccount, UserAccount.id == Allocation.worker_id)
        .where(UserAccount.team_id == team_id)
    )


def load(session: Session, *, team_id: int | None = None) -> Casefile:
    """Every child and household in scope (a team's, or the whole service's) with the history
    the figures need."""
    scope = subjects_of_team(team_id) if team_id is not None else None
    out = Casefile()
    temporary: set[uuid.UUID] = set()

    def rows(record_type: str, *names: str, subject: bool = True) -> Iterable[Any]:
        query = select(
            Record.record_id,
            Record.subject_id,
            *(Record.fields[name].as_string().label(name) for name in names),
        ).where(Record.record_type == record_type, Record.deleted.is_(False))
        if scope is not None and subject:
            query = query.where(Record.subject_id.in_(scope))
        # Plain rows through the connection: the ORM's result machinery cost more than the read.
        return session.connection().execute(query)

    for row in rows(CHILD, "date_of_birth"):
        out.children[row.record_id] = ChildHistory(row.record_id, _day(row.date_of_birth))
    for row in rows(
        HOUSEHOLD,
        "carer_type",
        "approval_status",
        "approval_date",
        "temporary_approval_date",
        "temporary_extension_until",
        *(stage.column for stage in STAGES),
    ):
        out.households[row.record_id] = HouseholdHistory(
            row.record_id,
            row.carer_type or "",
            row.approval_status or "",
            _day(row.approval_date),
            _day(row.temporary_approval_date),
            _day(row.temporary_extension_until),
            stages={
                stage.column: day
                for stage in STAGES
                if (day := _day(getattr(row, stage.column))) is not None
            },
        )
    for row in rows(HOUSEHOLD, "carer_type", "approval_status", subject=False):
        out.household_types[row.record_id] = row.carer_type or ""
        if row.approval_status == "TEMPORARY":
            temporary.add(row.record_id)
    out.temporary_households = frozenset(temporary)

    children = out.children
    for row in rows("legal_status", "child_id", "code", "start_date", "end_date", "reason_ceased"):
        child = _lookup(children, row.child_id)
        start = _day(row.start_date)
        if child is not None and start is not None:
            child.statuses.append(
                StatusPeriod(row.code, start, _day(row.end_date), row.reason_ceased)
            )
    placement_fields = (
        "child_id",
        "household_id",
        "placement_type",
        "provider",
        "start_date",
        "end_date",
        "placement_plan_date",
        *FLAGS,
    )
    for row in rows("placement", *placement_fields):
        child = _lookup(children, row.child_id)
        start = _day(row.start_date)
        if child is not None and start is not None:
            child.placements.append(
                PlacementPeriod(
                    row.placement_type,
                    start,
                    _day(row.end_date),
                    row.provider,
                    _uuid(row.household_id),
                    frozenset(flag for flag in FLAGS if _true(getattr(row, flag))),
                    _day(row.placement_plan_date),
                )
            )
    for row in rows("care_plan", "child_id", "plan_date", "permanence_plan", "status"):
        child = _lookup(children, row.child_id)
        on = _day(row.plan_date)
        if child is not None and on is not None and row.status in SIGNED:
            child.care_plans.append((on, row.permanence_plan or ""))

    visit_types = _child_visit_types()
    for row in rows(
        "visit",
        "child_id",
        "household_id",
        "visit_type",
        "visit_date",
        "welfare_concern",
        "status",
        subject=False,
    ):
        on = _day(row.visit_date)
        if on is None or row.status not in SIGNED:
            continue
        child = _lookup(children, row.child_id) if row.child_id else None
        if child is not None and row.visit_type in visit_types:
            child.visits.append(VisitEvent(on, _true(row.welfare_concern)))
        household = _lookup(out.households, row.household_id) if row.household_id else None
        if household is not None and row.visit_type == "UNANNOUNCED":
            household.unannounced_visits.append(on)
    for row in rows(
        "review",
        "child_id",
        "household_id",
        "kind",
        "review_date",
        "visit_interval_weeks",
        "status",
        subject=False,
    ):
        on = _day(row.review_date)
        if on is None or row.status not in SIGNED:
            continue
        if row.child_id:
            child = _lookup(children, row.child_id)
            if child is not None:
                weeks = int(row.visit_interval_weeks) if row.visit_interval_weeks else None
                child.reviews.setdefault(row.kind, []).append(ReviewFact(on, weeks))
        elif row.household_id:
            household = _lookup(out.households, row.household_id)
            if household is not None:
                household.reviews.setdefault(row.kind, []).append(on)
    for row in rows("training_record", "household_id", "kind", "completed_date"):
        household = _lookup(out.households, row.household_id)
        on = _day(row.completed_date)
        if household is not None and on is not None and row.kind == "TSD":
            household.tsd_completed.append(on)

    for row in rows(
        "assessment",
        "child_id",
        "household_id",
        "kind",
        "template_id",
        "status",
        "finalised_at",
        subject=False,
    ):
        signed = _day(row.finalised_at)
        is_plan = row.kind == SUPPORT_PLAN_KIND or row.template_id == SUPPORT_PLAN_TEMPLATE
        if not is_plan or signed is None or row.status not in SIGNED:
            continue
        child = _lookup(children, row.child_id) if row.child_id else None
        if child is not None:
            child.support_plans.append(signed)
        household_id = _uuid(row.household_id)
        if household_id is not None:
            out.household_support_plans.setdefault(household_id, []).append(signed)

    for child in children.values():
        child.support_plans.sort()
        child.statuses.sort(key=lambda s: s.start)
        child.placements.sort(key=lambda p: p.start)
        child.visits.sort(key=lambda v: v.on)
        child.care_plans.sort()
        for found in child.reviews.values():
            found.sort(key=lambda r: r.on)
    for dates in out.household_support_plans.values():
        dates.sort()
    for household in out.households.values():
        household.unannounced_visits.sort()
        household.tsd_completed.sort()
        for dates in household.reviews.values():
            dates.sort()
    return out


def _child_visit_types() -> frozenset[str]:
    from app.deadlines import rules

    return rules.load().child_visit_types


def _day(text: str | None) -> date | None:
    """A date field, or None where it is empty or not a date (the push validates dates; a
    report never fails on one record that somehow is not)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _uuid(text: Any) -> uuid.UUID | None:
    if text is None:
        return None
    if isinstance(text, uuid.UUID):
        return text
    return _parsed(str(text))


@lru_cache(maxsize=1 << 16)
def _parsed(text: str) -> uuid.UUID | None:
    """Each id as JSON text parsed once: a child's id is on every one of its records."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _lookup(found: dict[uuid.UUID, T], text: Any) -> T | None:
    key = _uuid(text)
    return None if key is None else found.get(key)


def _true(value: Any) -> bool:
    """A JSON boolean read as text: ``true`` on PostgreSQL (``->>``), ``1`` on SQLite."""
    return str(value).lower() in ("true", "1")
