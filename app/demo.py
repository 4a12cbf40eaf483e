"""A believable, entirely fictional caseload, for trying the app and for benchmarks.

Everything is written through the real store (validation, outbox, audit), so the demo exercises
the same path as a worker's own records. It is deterministic for a seed: the same seed gives the
same children, names and dates, which keeps benchmarks comparable between runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.models import (
    CarePlan,
    Carer,
    CarerHousehold,
    Child,
    LegalStatus,
    Placement,
    Review,
    TrainingRecord,
    Visit,
)
from app.store import Store

FIRST = [
    "Amara",
    "Oliver",
    "Leah",
    "Kai",
    "Zainab",
    "Finley",
    "Maya",
    "Tyler",
    "Aisha",
    "Jayden",
    "Poppy",
    "Reuben",
    "Isla",
    "Dylan",
    "Ruby",
    "Callum",
    "Nia",
    "Harvey",
    "Sofia",
    "Logan",
    "Freya",
    "Mason",
    "Imani",
    "Archie",
    "Lily",
    "Ezra",
    "Chloe",
    "Riley",
    "Hana",
    "Ellis",
]
LAST = [
    "Okafor",
    "Whitfield",
    "Patel",
    "Nowak",
    "Hughes",
    "Begum",
    "Murphy",
    "Clarke",
    "Ahmed",
    "Kowalski",
    "Bennett",
    "Osei",
    "Fletcher",
    "Doyle",
    "Khan",
    "Marsh",
    "Adeyemi",
    "Price",
    "Shaw",
    "Lewandowski",
    "Grant",
    "Rahman",
    "Ellison",
    "Boateng",
    "Wright",
    "Farrow",
]
OBSERVATIONS = [
    "Settled and chatty; showed me the new bike and talked about football club.",
    "A little withdrawn at first; relaxed after we went for a walk to the park.",
    "Proud of a school certificate for reading; carer reports good sleep routine.",
    "Talked about missing mum before contact; agreed to ask about an extra phone call.",
    "Enjoying cooking with the carers; school attendance has improved this term.",
]
WISHES = [
    "Wants to stay with the carers and keep seeing their brother on Saturdays.",
    "Would like more time at the youth club and a say in the summer plans.",
    "Wants mum to come to the school play.",
]

# (legal status, placement type, share of the caseload)
MIX = [
    ("C2", "U6", 0.25),
    ("C2", "U4", 0.15),
    ("V2", "U6", 0.12),
    ("C1", "U3", 0.08),
    ("C1", "P1", 0.04),
    ("E1", "A5", 0.08),
    ("E1", "U6", 0.04),
    ("C2", "U1", 0.08),
    ("SGO", "U1", 0.10),
    ("CAO", "U1", 0.06),
]
HOUSEHOLD_KINDS = [
    ("MAINSTREAM_FOSTER", "APPROVED"),
    ("MAINSTREAM_FOSTER", "APPROVED"),
    ("CONNECTED_PERSON", "TEMPORARY"),
    ("CONNECTED_PERSON", "APPROVED"),
    ("ADOPTER", "APPROVED"),
    ("SPECIAL_GUARDIAN", "APPROVED"),
    ("FOSTERING_FOR_ADOPTION", "APPROVED"),
]
BATCH = 250


@dataclass(frozen=True)
class DemoSummary:
    children: int
    households: int
    visits: int
    reviews: int


def populate(
    store: Store, *, children: int, visits_per_child: int, seed: int, today: date
) -> DemoSummary:
    rng = random.Random(seed)
    households = max(len(HOUSEHOLD_KINDS), children // 4)
    household_rows = _households(store, rng, households, today)
    visits = reviews = 0
    for start in range(0, children, BATCH):
        with store.write() as session:
            for _ in range(min(BATCH, children - start)):
                made = _child(rng, today, household_rows, visits_per_child)
                session.add_all(made)
                visits += sum(isinstance(m, Visit) for m in made)
                reviews += sum(isinstance(m, Review) for m in made)
    return DemoSummary(children, households, visits, reviews)


def _households(store: Store, rng: random.Random, count: int, today: date) -> list[CarerHousehold]:
    made: list[CarerHousehold] = []
    with store.write() as session:
        for i in range(count):
            kind, status = HOUSEHOLD_KINDS[i % len(HOUSEHOLD_KINDS)]
            surname = rng.choice(LAST)
            approved = today - timedelta(days=rng.randint(60, 2500))
            household = CarerHousehold(
                name=f"The {surname} household",
                carer_type=kind,
                approval_status=status,
                approval_date=approved if status == "APPROVED" else None,
                temporary_approval_date=today - timedelta(days=rng.randint(5, 100))
                if status == "TEMPORARY"
                else None,
                address=f"{rng.randint(1, 120)} {rng.choice(['Mill', 'Park', 'Church'])} Road",
                age_range_min=0,
                age_range_max=17,
                max_children=rng.randint(1, 3),
                supervising_worker="sam.supervisor",
            )
            session.add(household)
            session.flush()
            session.add(
                Carer(household_id=household.id, given_name=rng.choice(FIRST), family_name=surname)
            )
            if status == "APPROVED" and rng.random() < 0.7:
                session.add(
                    TrainingRecord(
                        household_id=household.id,
                        kind="TSD",
                        title="TSD standards workbook",
                        completed_date=approved + timedelta(days=200)
                        if approved + timedelta(days=200) <= today
                        else today,
                    )
                )
            made.append(household)
    return made


def _child(
    rng: random.Random, today: date, households: list[CarerHousehold], visits_per_child: int
) -> list[object]:
    status, place, _ = rng.choices(MIX, weights=[m[2] for m in MIX])[0]
    born = today - timedelta(days=rng.randint(365, 17 * 365))
    child = Child(
        given_name=rng.choice(FIRST),
        family_name=rng.choice(LAST),
        date_of_birth=born,
        sex=rng.choice(["M", "F"]),
        allocated_worker="demo.worker",
        about_me=rng.choice(WISHES),
    )
    placed = max(born + timedelta(days=30), today - timedelta(days=rng.randint(3, 1400)))
    out: list[object] = [child]
    out.append(LegalStatus(child_id=child.id, code=status, start_date=placed))
    fitting = [h for h in households if (h.approval_status == "TEMPORARY") == (place == "U3")]
    household = rng.choice(fitting or households)
    out.append(
        Placement(
            child_id=child.id,
            household_id=None if place == "P1" else household.id,
            placement_type=place,
            start_date=placed,
            intended_until_18=place in ("U1", "U4"),
            long_term_designated=place in ("U1", "U4"),
            child_agrees_less_frequent_visits=place == "U4" and rng.random() < 0.5,
            placement_plan_date=placed + timedelta(days=3)
            if rng.random() < 0.9 and placed + timedelta(days=3) <= today
            else None,
        )
    )
    looked_after = status not in ("SGO", "CAO")
    if looked_after:
        out.append(
            CarePlan(
                child_id=child.id,
                plan_date=placed,
                status="finalised",
                permanence_plan="ADOPTION"
                if status == "E1"
                else rng.choice(["LONG_TERM_FOSTERING", "RETURN_HOME", "KINSHIP"]),
                summary="Plan agreed at the planning meeting.",
            )
        )
    # Visits every 4-7 weeks back from a recent date; a tenth of children are overdue.
    last = today - timedelta(days=rng.randint(50, 80) if rng.random() < 0.1 else rng.randint(1, 35))
    for _ in range(visits_per_child):
        if last < placed:
            break
        out.append(
            Visit(
                child_id=child.id,
                visit_type="STATUTORY_CHILD",
                visit_date=last,
                who_was_seen=f"{child.given_name} and carers",
                seen_alone=True,
                observations=rng.choice(OBSERVATIONS),
                wishes_and_feelings=rng.choice(WISHES),
                status="finalised",
            )
        )
        last -= timedelta(days=rng.randint(28, 49))
    kinds = {"SGO": ["SGO_SUPPORT"], "CAO": []}.get(status, ["CHILD_LAC"])
    if status == "E1":  # still looked after: LAC reviews and adoption reviews both apply
        kinds.append("ADOPTION_PLACEMENT" if place == "A5" else "AUTHORITY_TO_PLACE")
    for kind in kinds:
        review_day = placed + timedelta(days=25)
        while review_day <= today - timedelta(days=10):
            out.append(
                Review(
                    child_id=child.id,
                    kind=kind,
                    review_date=review_day,
                    chair="IRO",
                    decisions="Plan endorsed; contact arrangements continue.",
                    status="finalised",
                    participation="PN1" if (review_day - born).days > 4 * 366 else "PN0",
                )
            )
            review_day += timedelta(days=rng.randint(80, 170))
    return out
