"""Carer households as a supervising social worker reads them: the list of households, and one
household's whole file (approval and its terms, carers, children placed, supervising and
unannounced visits, training against the TSD standards, reviews, support plans, due items).

Qt-free so the household pages show exactly what is tested here, the same for every kind of
carer (foster carers, connected persons, adopters, special guardians...).

The due items are the deadline engine's answers as saved by ``app.deadlines.cache`` (read in a
session from ``cache.current``, as the dashboard reads them, by ``app.household_due``), never
worked out again here: the TSD deadline, for one, depends on the kind of carer (12 months from
approval for foster carers, 18 for family and friends carers), and that rule lives in the rule
table only. Everything is read in a fixed handful of queries, never one per household or per
record.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import carer_pipeline, codes
from app.carer_pipeline import Pipeline
from app.chronology import summarise
from app.deadlines import cache
from app.deadlines import rules as rule_table
from app.deadlines.engine import DueItem, Status
from app.household_due import item_words as item_words
from app.household_due import next_open, rule_words, saved_items, urgency, worst
from app.models import (
    Assessment,
    Carer,
    CarerHousehold,
    Child,
    Placement,
    Review,
    TrainingRecord,
    Visit,
)
from app.models.base import APPROVED, FINALISED

if TYPE_CHECKING:
    from app.store import Store

#: Visits about a household: supervision, the yearly unannounced visit (NMS 21.8) and special
#: guardianship support visits to the guardians' home.
HOUSEHOLD_VISIT_TYPES = ("SUPERVISING", "UNANNOUNCED", "SGO_SUPPORT")
#: The assessment kind (and form template) of a household's support plan.
SUPPORT_PLAN_KIND = "SUPPORT_PLAN"
SUPPORT_PLAN_TEMPLATE = "support_plan"
#: Review kinds held against a household.
HOUSEHOLD_REVIEW_KINDS = ("CARER_ANNUAL", "SGO_SUPPORT")

#: The deadline engine's obligations this module names.
TSD = "tsd"
UNANNOUNCED = "unannounced_visit"

_SIGNED = (FINALISED, APPROVED)
_STATUS_WORDS = {"draft": "Draft", "finalised": "Finalised", "approved": "Approved"}
#: What a placement row says when the child's record is not on this laptop (the child is on
#: another worker's caseload, so only the placement itself has reached this laptop).
CHILD_NOT_HERE = "A child on another worker's caseload"


class HouseholdNotFound(LookupError):
    """The household is not (or no longer) on this laptop."""


@dataclass(frozen=True)
class HouseholdRow:
    """One household in the list. ``items`` are its due items, most urgent first."""

    household_id: uuid.UUID
    name: str
    carer_type_code: str
    carer_type: str
    approval_code: str
    approval_status: str
    supervising_worker: str
    children_placed: int
    items: tuple[DueItem, ...]
    worst: Status
    next_item: DueItem | None

    @property
    def next_due(self) -> date | None:
        return self.next_item.due if self.next_item else None

    @property
    def next_words(self) -> str:
        """The next open item in words, status spelt out (never colour alone)."""
        return item_words(self.next_item) if self.next_item else "Nothing due"

    @property
    def sort_key(self) -> tuple[int, date, str]:
        """Most urgent first, then the soonest due date, then by name."""
        return urgency(self.worst), self.next_due or date.max, self.name.casefold()


@dataclass(frozen=True)
class HouseholdProfile:
    household_id: uuid.UUID
    name: str
    carer_type_code: str
    carer_type: str
    approval_code: str
    approval_status: str
    approval_date: date | None
    temporary_approval_date: date | None
    temporary_extension_until: date | None
    approval_terms: str
    age_range_min: int | None
    age_range_max: int | None
    max_children: int | None
    address: str
    supervising_worker: str
    #: When and why the household's approval ended (a deregistration), in words ("" if not).
    deregistration_words: str = ""

    @property
    def temporary_approval_words(self) -> str:
        """A connected person's temporary approval in words, with the dates the rule table
        works out from it (CPPCR reg 24, 25): when the 16 weeks end and the latest one
        extension can run to, or the extension and that latest date."""
        started = self.temporary_approval_date
        if started is None:
            return "None"
        words = f"From {started:%d %b %Y}"
        ends = rule_table.temporary_approval_ends(rule_table.load(), started)
        extended = self.temporary_extension_until
        if extended is not None:
            words += f", extended until {extended:%d %b %Y}"
        if ends is None or self.approval_code != "TEMPORARY":
            return words
        first, latest = ends
        if extended is None:
            return words + (
                f"; ends {first:%d %b %Y} unless extended (once, to {latest:%d %b %Y} at the"
                " latest)"
            )
        return words + f" (the latest allowed is {latest:%d %b %Y})"

    @property
    def age_range(self) -> str:
        """The approved age range in words ("0 to 17", "from 5", "not recorded")."""
        low, high = self.age_range_min, self.age_range_max
        if low is None and high is None:
            return "Not recorded"
        if low is None:
            return f"Up to {high}"
        if high is None:
            return f"From {low}"
        return f"{low} to {high}"


@dataclass(frozen=True)
class CarerView:
    carer_id: uuid.UUID
    name: str
    date_of_birth: date | None
    relationship_to_child: str


@dataclass(frozen=True)
class PlacedChild:
    """A placement with this household. ``child_id`` is None and ``name`` is
    ``CHILD_NOT_HERE`` when the child's record is not on this laptop."""

    placement_id: uuid.UUID
    child_id: uuid.UUID | None
    name: str
    placement_type: str
    placement_label: str
    start: date
    end: date | None
    current: bool


@dataclass(frozen=True)
class HouseholdVisit:
    visit_id: uuid.UUID
    visit_type: str
    label: str
    visit_date: date
    who_was_seen: str
    summary: str
    status: str
    signed_off: bool


@dataclass(frozen=True)
class TrainingView:
    record_id: uuid.UUID
    carer_id: uuid.UUID | None
    #: The carer's name, or "Household" for training recorded for the household as a whole.
    who: str
    kind: str
    kind_label: str
    title: str
    completed_date: date | None
    notes: str
    #: A booking on one of the service's courses: its day and ``course_booking_status``.
    course_date: date | None = None
    booking_status: str | None = None

    @property
    def completed_words(self) -> str:
        """When it was completed, or where a booking stands ("Booked for 20/01/2027")."""
        if self.completed_date is not None:
            return f"{self.completed_date:%d %b %Y}"
        if self.booking_status and self.course_date is not None:
            status = codes.label("course_booking_status", self.booking_status)
            joiner = " for " if self.booking_status == "BOOKED" else ": course on "
            return f"{status}{joiner}{self.course_date:%d %b %Y}"
        return "Not completed yet"


@dataclass(frozen=True)
class ReviewView:
    review_id: uuid.UUID
    kind: str
    label: str
    review_date: date
    chair: str
    decisions: str
    status: str


@dataclass(frozen=True)
class AssessmentView:
    assessment_id: uuid.UUID
    kind: str
    label: str
    template_id: str
    started_date: date
    status: str
    approved_at: datetime | None
    #: Finalised or approved (``status`` is in words).
    signed_off: bool = False


@dataclass(frozen=True)
class HouseholdFile:
    profile: HouseholdProfile
    carers: tuple[CarerView, ...]
    placements: tuple[PlacedChild, ...]
    visits: tuple[HouseholdVisit, ...]
    #: The latest signed-off unannounced visit (what the deadline engine counts).
    last_unannounced: date | None
    training: tuple[TrainingView, ...]
    reviews: tuple[ReviewView, ...]
    support_plans: tuple[AssessmentView, ...]
    assessments: tuple[AssessmentView, ...]
    #: Every due item, most urgent first, as the deadline engine gave it.
    due: tuple[DueItem, ...]
    #: The TSD deadline for this kind of carer in words ("within 18 months of approval"),
    #: from the rule the engine applied; None when the standards do not apply.
    tsd_deadline: str | None = None
    #: A prospective fostering household's stages from enquiry to decision (None for a
    #: household recorded without them).
    pipeline: Pipeline | None = None

    @property
    def tsd(self) -> DueItem | None:
        """The TSD standards item for this kind of carer (None: the standards do not apply,
        e.g. to adopters, or not yet, to applicants)."""
        return self.item(TSD)

    @property
    def next_unannounced(self) -> DueItem | None:
        """When the next unannounced visit is due (None: not required for this household)."""
        return self.item(UNANNOUNCED)

    @property
    def children_placed_now(self) -> tuple[PlacedChild, ...]:
        return tuple(p for p in self.placements if p.current)

    def item(self, obligation: str) -> DueItem | None:
        return next((i for i in self.due if i.obligation == obligation), None)


# ---- Public API


def households(store: Store, today: date) -> list[HouseholdRow]:
    """``list_households`` in a session where the saved deadlines hold for ``today`` (those
    that need it are redone first): what the households page loads on a worker thread."""
    with cache.current(store, today) as session:
        return list_households(session, today)


def open_household(store: Store, household_id: uuid.UUID, today: date) -> HouseholdFile:
    """``load_household`` in a session where the saved deadlines hold for ``today``."""
    with cache.current(store, today) as session:
        return load_household(session, household_id, today)


def list_households(session: Session, today: date) -> list[HouseholdRow]:
    """Every carer household on this laptop, most urgent first. Three queries whatever the
    number of households: the households, the children placed with each today, and every
    household's saved due items. ``session`` must be one in which the saved deadlines hold
    for ``today`` (``cache.current``)."""
    placed_now = dict(
        session.execute(
            select(Placement.household_id, func.count())
            .where(
                Placement.deleted.is_(False),
                Placement.household_id.is_not(None),
                Placement.start_date <= today,
                Placement.end_date.is_(None) | (Placement.end_date >= today),
            )
            .group_by(Placement.household_id)
        ).all()
    )
    saved = saved_items(session, today)
    out: list[HouseholdRow] = []
    for h in session.execute(
        select(
            CarerHousehold.id,
            CarerHousehold.name,
            CarerHousehold.carer_type,
            CarerHousehold.approval_status,
            CarerHousehold.supervising_worker,
        ).where(CarerHousehold.deleted.is_(False))
    ).all():
        items = tuple(saved.get(h.id, ()))
        out.append(
            HouseholdRow(
                household_id=h.id,
                name=h.name,
                carer_type_code=h.carer_type,
                carer_type=codes.label("carer_type", h.carer_type),
                approval_code=h.approval_status,
                approval_status=codes.label("approval_status", h.approval_status),
                supervising_worker=h.supervising_worker,
                children_placed=placed_now.get(h.id, 0),
                items=items,
                worst=worst(items),
                next_item=next_open(items),
            )
        )
    out.sort(key=lambda r: r.sort_key)
    return out


def load_household(session: Session, household_id: uuid.UUID, today: date) -> HouseholdFile:
    """Everything the household page shows, in one query per record table. ``session`` must
    be one in which the saved deadlines hold for ``today`` (``cache.current``)."""
    household = session.get(CarerHousehold, household_id)
    if household is None or household.deleted:
        raise HouseholdNotFound("This carer household's record is not on this laptop.")
    carers = list(
        session.scalars(
            select(Carer)
            .where(Carer.household_id == household_id, Carer.deleted.is_(False))
            .order_by(Carer.created_at)
        )
    )
    carer_names = {c.id: f"{c.given_name} {c.family_name}" for c in carers}
    visits = _visits(session, household_id)
    last_unannounced = max(
        (v.visit_date for v in visits if v.visit_type == "UNANNOUNCED" and v.signed_off),
        default=None,
    )
    support_plans, others = _assessments(session, household_id)
    due = tuple(saved_items(session, today, household_id=household_id).get(household_id, ()))
    tsd = next((i for i in due if i.obligation == TSD), None)
    return HouseholdFile(
        profile=_profile(household),
        carers=tuple(
            CarerView(c.id, carer_names[c.id], c.date_of_birth, c.relationship_to_child)
            for c in carers
        ),
        placements=_placements(session, household_id, today),
        visits=visits,
        last_unannounced=last_unannounced,
        training=_training(session, household_id, carer_names),
        reviews=_reviews(session, household_id),
        support_plans=support_plans,
        assessments=others,
        due=due,
        tsd_deadline=rule_words(tsd.rule_ref) if tsd else None,
        pipeline=carer_pipeline.pipeline_of(household, due),
    )


def household_names(session: Session, household_ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Names for a set of households in one query (forms name the household they are about)."""
    wanted = {h for h in household_ids if h is not None}
    if not wanted:
        return {}
    query = select(CarerHousehold.id, CarerHousehold.name).where(
        CarerHousehold.id.in_(wanted), CarerHousehold.deleted.is_(False)
    )
    return {household_id: name for household_id, name in session.execute(query).all()}


# ---- Private API


def _profile(h: CarerHousehold) -> HouseholdProfile:
    return HouseholdProfile(
        household_id=h.id,
        name=h.name,
        carer_type_code=h.carer_type,
        carer_type=codes.label("carer_type", h.carer_type),
        approval_code=h.approval_status,
        approval_status=codes.label("approval_status", h.approval_status),
        approval_date=h.approval_date,
        temporary_approval_date=h.temporary_approval_date,
        temporary_extension_until=h.temporary_extension_until,
        approval_terms=h.approval_terms,
        age_range_min=h.age_range_min,
        age_range_max=h.age_range_max,
        max_children=h.max_children,
        address=h.address,
        supervising_worker=h.supervising_worker,
        deregistration_words=(
            carer_pipeline.deregistration_words(h.deregistered_date, h.deregistration_reason)
            if h.deregistered_date is not None
            else ""
        ),
    )


def _placements(session: Session, household_id: uuid.UUID, today: date) -> tuple[PlacedChild, ...]:
    """Children placed now first (latest start first), then earlier placements. An outer
    join: a placement whose child is not on this laptop still shows what is known."""
    rows = session.execute(
        select(Placement, Child)
        .outerjoin(Child, (Child.id == Placement.child_id) & Child.deleted.is_(False))
        .where(Placement.household_id == household_id, Placement.deleted.is_(False))
        .order_by(Placement.start_date.desc())
    ).all()
    out = []
    for placement, child in rows:
        current = placement.start_date <= today and (
            placement.end_date is None or placement.end_date >= today
        )
        out.append(
            PlacedChild(
                placement_id=placement.id,
                child_id=child.id if child is not None else None,
                name=child.display_name if child is not None else CHILD_NOT_HERE,
                placement_type=placement.placement_type,
                placement_label=codes.label("placement_type", placement.placement_type),
                start=placement.start_date,
                end=placement.end_date,
                current=current,
            )
        )
    out.sort(key=lambda p: not p.current)  # stable: each group keeps latest start first
    return tuple(out)


def _visits(session: Session, household_id: uuid.UUID) -> tuple[HouseholdVisit, ...]:
    """The household's own visits (not the children's statutory visits), newest first."""
    rows = session.scalars(
        select(Visit)
        .where(
            Visit.household_id == household_id,
            Visit.child_id.is_(None),
            Visit.visit_type.in_(HOUSEHOLD_VISIT_TYPES),
            Visit.deleted.is_(False),
        )
        .order_by(Visit.visit_date.desc(), Visit.created_at.desc())
    )
    return tuple(
        HouseholdVisit(
            visit_id=v.id,
            visit_type=v.visit_type,
            label=codes.label("visit_type", v.visit_type),
            visit_date=v.visit_date,
            who_was_seen=v.who_was_seen,
            summary=summarise(v.observations, v.actions_agreed),
            status=_status(v.status),
            signed_off=v.status in _SIGNED,
        )
        for v in rows
    )


def _training(
    session: Session, household_id: uuid.UUID, carer_names: dict[uuid.UUID, str]
) -> tuple[TrainingView, ...]:
    """Newest completion first; training not completed yet (in progress) at the top."""
    rows = list(
        session.scalars(
            select(TrainingRecord).where(
                TrainingRecord.household_id == household_id, TrainingRecord.deleted.is_(False)
            )
        )
    )
    rows.sort(
        key=lambda t: (t.completed_date is not None, -(t.completed_date or date.min).toordinal())
    )
    return tuple(
        TrainingView(
            record_id=t.id,
            carer_id=t.carer_id,
            who=carer_names.get(t.carer_id, "A former carer") if t.carer_id else "Household",
            kind=t.kind,
            kind_label=codes.label("training_kind", t.kind),
            title=t.title,
            completed_date=t.completed_date,
            notes=t.notes,
            course_date=t.course_date,
            booking_status=t.booking_status,
        )
        for t in rows
    )


def _reviews(session: Session, household_id: uuid.UUID) -> tuple[ReviewView, ...]:
    rows = session.scalars(
        select(Review)
        .where(
            Review.household_id == household_id,
            Review.child_id.is_(None),
            Review.kind.in_(HOUSEHOLD_REVIEW_KINDS),
            Review.deleted.is_(False),
        )
        .order_by(Review.review_date.desc())
    )
    return tuple(
        ReviewView(
            review_id=r.id,
            kind=r.kind,
            label=codes.label("review_kind", r.kind),
            review_date=r.review_date,
            chair=r.chair,
            decisions=summarise(r.decisions),
            status=_status(r.status),
        )
        for r in rows
    )


def _assessments(
    session: Session, household_id: uuid.UUID
) -> tuple[tuple[AssessmentView, ...], tuple[AssessmentView, ...]]:
    """Support plans, and the household's other assessments, each newest first."""
    rows = session.scalars(
        select(Assessment)
        .where(
            Assessment.household_id == household_id,
            Assessment.child_id.is_(None),
            Assessment.deleted.is_(False),
        )
        .order_by(Assessment.started_date.desc(), Assessment.created_at.desc())
    )
    plans: list[AssessmentView] = []
    others: list[AssessmentView] = []
    for a in rows:
        view = AssessmentView(
            assessment_id=a.id,
            kind=a.kind,
            label=_kind_label(a.kind),
            template_id=a.template_id,
            started_date=a.started_date,
            status=_status(a.status),
            approved_at=a.approved_at,
            signed_off=a.is_finalised,
        )
        is_plan = a.kind == SUPPORT_PLAN_KIND or a.template_id == SUPPORT_PLAN_TEMPLATE
        (plans if is_plan else others).append(view)
    return tuple(plans), tuple(others)


def _kind_label(kind: str) -> str:
    if kind in codes.code_list("assessment_kind"):
        return codes.label("assessment_kind", kind)
    return "Support plan" if kind == SUPPORT_PLAN_KIND else kind.replace("_", " ").capitalize()


def _status(value: str) -> str:
    return _STATUS_WORDS.get(value, value.capitalize())
