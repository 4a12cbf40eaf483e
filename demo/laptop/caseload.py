"""A believable, entirely fictional permanency caseload, for trying the app and for benchmarks.

Why it is built this way:

- **Through the real store.** Every record is saved with ``Store.write()``, so the demo passes the
  same validation, outbox, audit and search-index path as a worker's own records. A demo that
  bypassed the store could hold data the app would refuse, and a benchmark over it would measure
  the wrong thing.
- **Deterministic.** One seeded ``random.Random`` makes every choice, so a seed and a day always
  give the same children, names, dates and texts (benchmarks stay comparable between runs). Record
  ids are still fresh UUIDs made where the record is created, like every other record's, so two
  demo profiles never claim to hold the same records.
- **Planned, then written.** The whole caseload is planned in memory first (cheap), then written
  in large transactions (the store's per-record cost dominates; one transaction per record would
  add a durable commit each). Planning first also lets visits be shared out to hit an exact total,
  which the benchmark's "5,000 children with 50,000 visits" relies on.
- **Nothing in the future.** Validation refuses future dates, so every event is on or before
  ``today``. The only later dates are the due dates of open actions (plans, not events) and the end
  of a connected person's extended temporary approval (a limit set in advance).
- **Every legal status.** Children cover every SSDA903 legal status except D1 (freeing orders were
  abolished in December 2005, so no child can hold one today) and the permanence orders the
  service supports after care (SGO, CAO, adoption). The first children take one situation each, so
  even a small demo shows them all; the rest follow a mix like a permanency team's caseload.
- **Mostly on track.** Statutory visits and reviews are spaced as the rules require; a few
  children are deliberately overdue or due soon so the dashboard has something to say.

The steps live beside this module: ``planner`` (the seeded choices and the households),
``situations`` (how each kind of child got where they are), ``schedule`` (when reviews and visits
fall), ``child_records`` and ``household_records`` (the plans turned into records) and
``assessments``. Names, streets and the town are invented (``words``).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from app import clock
from app.models import Action, CaseNote, Child, Review, Visit
from app.store import Store
from demo.laptop import assessments, schedule
from demo.laptop.child_records import finish_child
from demo.laptop.household_records import finish_household
from demo.laptop.planner import Planner
from demo.laptop.plans import ChildPlan, HouseholdPlan
from demo.laptop.scenarios import SCENARIOS, Scenario
from demo.laptop.situations import SITUATIONS

#: Records per write transaction: big enough that commits are a small share of the cost (the
#: store's per-record work dominates beyond a few hundred), small enough that one session's
#: objects stay a few tens of megabytes.
BATCH_RECORDS = 8000


@dataclass(frozen=True)
class DemoSummary:
    """What ``populate`` wrote. ``child_visits`` includes drafts; ``visits`` is every visit."""

    children: int
    households: int
    carers: int
    child_visits: int
    household_visits: int
    draft_visits: int
    reviews: int
    actions: int
    case_notes: int
    legal_statuses: Mapping[str, int]
    carer_types: Mapping[str, int]
    records: int

    @property
    def visits(self) -> int:
        return self.child_visits + self.household_visits


def has_children(store: Store) -> bool:
    """Whether the profile holds any child (a demo whose damaged database was set aside comes
    back empty, and is filled again)."""
    with store.read() as session:
        return bool(session.scalar(select(exists().where(Child.id.is_not(None)))))


def populate(
    store: Store, *, children: int, visits_per_child: int, seed: int, today: date
) -> DemoSummary:
    """Write a fictional caseload of ``children`` children with, between them, exactly
    ``children * visits_per_child`` visits (fewer only if the children's time in care cannot
    hold that many), plus carer households and their own visits, reviews and training.

    ``today`` must not be after the store's clock: the records are events that happened.
    The records go in several transactions of ``BATCH_RECORDS``; if interrupted, what was
    committed stays (``ui.main`` builds its demo in a folder aside for that reason).
    """
    if children < 0 or visits_per_child < 0:
        raise ValueError("children and visits_per_child cannot be negative")
    if today > clock.today():
        raise ValueError("the demo cannot be dated after today: visits cannot be in the future")
    planner = Planner(random.Random(seed), today, store.worker or "demo.worker")
    plans = [_plan_child(planner, s) for s in _scenario_order(planner.rng, children)]
    _share_out_visits(planner.rng, plans, children * visits_per_child)
    _choose_drafts(planner.rng, plans)
    for plan in plans:
        finish_child(planner, plan)
    planner.spare_households(max(1, children // 25) if children else 0)
    for household in planner.households:
        finish_household(planner, household)
    made = assessments.for_caseload(
        [p.child for p in plans], [h.household for h in planner.households], today
    )
    for plan in plans:
        plan.records += made.get(plan.child.id, [])
    for household in planner.households:
        household.records += made.get(household.household.id, [])

    summary = _summary(plans, planner.households)
    # Households first, then each child's records after the child: any cut between two
    # transactions leaves every record's foreign keys pointing at rows already written.
    records = [r for h in planner.households for r in h.records]
    records += [r for p in plans for r in p.records]
    del plans, planner  # from here on only ``records`` holds the objects...
    while records:
        with store.write() as session:
            session.add_all(records[:BATCH_RECORDS])
        del records[:BATCH_RECORDS]  # ...so each batch is freed once it is written
    return summary


def _plan_child(planner: Planner, scenario: Scenario) -> ChildPlan:
    """A child of ``scenario`` in their situation, with their reviews and candidate visits."""
    plan = planner.new_child(scenario)
    SITUATIONS[scenario.key](planner, plan)
    current = plan.current_stay
    if current is not None and current.household is not None:
        current.household.current_children += 1
    schedule.reviews(planner, plan)
    schedule.visit_candidates(planner, plan)
    return plan


def _scenario_order(rng: random.Random, children: int) -> list[Scenario]:
    """One child of each kind first (so every legal status shows), then the weighted mix."""
    first = list(SCENARIOS[: min(children, len(SCENARIOS))])
    rest = rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS], k=children - len(first))
    return first + rest


def _share_out_visits(rng: random.Random, plans: list[ChildPlan], total: int) -> None:
    """Give each child up to ``total / children`` visits from their candidates, then hand the
    shortfall (children new to care have few) to children with longer histories, one at a
    time, so the caseload holds exactly ``total`` visits whenever the histories allow."""
    if not plans:
        return
    each = total // len(plans)
    for plan in plans:
        plan.visit_count = min(each, len(plan.candidates))
    short = total - sum(p.visit_count for p in plans)
    order = list(plans)
    rng.shuffle(order)
    while short > 0:
        roomy = [p for p in order if p.visit_count < len(p.candidates)]
        if not roomy:
            break
        for plan in roomy[:short]:
            plan.visit_count += 1
        short -= min(short, len(roomy))


def _choose_drafts(rng: random.Random, plans: list[ChildPlan]) -> None:
    """About one child in thirty (at least one) has a visit written up but not yet signed off,
    so the demo shows drafts, which do not count towards deadlines until finalised."""
    eligible = [
        p
        for p in plans
        if p.visit_count >= 2 and p.order_date is None and p.candidates[0][1] != "SGO_SUPPORT"
    ]
    for plan in rng.sample(eligible, min(len(eligible), max(1, len(plans) // 30))):
        plan.draft = True


def _summary(plans: list[ChildPlan], households: list[HouseholdPlan]) -> DemoSummary:
    child_visits = [r for p in plans for r in p.records if isinstance(r, Visit)]
    household_records = [r for h in households for r in h.records]
    all_records = [r for p in plans for r in p.records] + household_records
    return DemoSummary(
        children=len(plans),
        households=len(households),
        carers=sum(len(h.carers) for h in households),
        child_visits=len(child_visits),
        household_visits=sum(isinstance(r, Visit) for r in household_records),
        draft_visits=sum(v.status == "draft" for v in child_visits),
        reviews=sum(isinstance(r, Review) for r in all_records),
        actions=sum(isinstance(r, Action) for r in all_records),
        case_notes=sum(isinstance(r, CaseNote) for r in all_records),
        legal_statuses=dict(Counter(p.statuses[-1][0] for p in plans)),
        carer_types=dict(Counter(h.household.carer_type for h in households)),
        records=len(all_records),
    )
