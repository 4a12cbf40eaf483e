"""The laptop demo's planner: one seeded random source for every choice, the day the demo is
dated, and the households children are placed with (reused while they have room, as a real
service's are), so a seed and a day always give the same caseload.

Each situation (``demo.laptop.situations``) asks it for dates, households and placements; the
records are made from its plans afterwards (``demo.laptop.child_records``,
``demo.laptop.household_records``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from app.models import Carer, CarerHousehold, Child
from demo.carers import ADULTS, KIN, VIABILITY_DAYS, approval_type
from demo.laptop.plans import ChildPlan, HouseholdPlan, Stay
from demo.laptop.scenarios import CARER_TYPES, Scenario
from demo.laptop.words import ABOUT_ME, BOYS, GIRLS, NICKNAMES, STREETS, SURNAMES, TOWN


class Planner:
    def __init__(self, rng: random.Random, today: date, worker: str) -> None:
        self.rng = rng
        self.today = today
        self.worker = worker
        self.households: list[HouseholdPlan] = []
        self._made = 0
        self._pools: dict[str, list[HouseholdPlan]] = {kind: [] for kind in CARER_TYPES}

    # ---- small helpers

    def ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def after(self, day: date, low: int, high: int) -> date:
        """A day ``low``-``high`` days after ``day``, never after today."""
        return min(day + timedelta(days=self.rng.randint(low, high)), self.today)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def age_on(self, born: date, day: date) -> int:
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    # ---- children

    def new_child(self, scenario: Scenario) -> ChildPlan:
        """A child of ``scenario`` and how their visits are to come out (on track, due soon,
        overdue); their situation (``demo.laptop.situations``) sets the rest."""
        rng = self.rng
        sex = rng.choice("FM")
        given = rng.choice(GIRLS if sex == "F" else BOYS)
        child = Child(
            given_name=given,
            family_name=rng.choice(SURNAMES),
            preferred_name=NICKNAMES.get(given) if self.chance(0.3) else None,
            date_of_birth=self.today,  # set by the scenario
            sex=sex,
            ethnicity=rng.choices(
                ("WBRI", "WOTH", "MWBC", "MOTH", "APKN", "BAFR", "BCRB", "WROM", "NOBT"),
                weights=(66, 6, 6, 5, 4, 5, 3, 2, 3),
            )[0],
            category_of_need=rng.choices(
                ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"),
                weights=(62, 4, 4, 8, 14, 2, 1, 5),
            )[0],
            allocated_worker=self.worker,
            about_me=rng.choice(ABOUT_ME),
        )
        plan = ChildPlan(scenario, child, self.today, [], [])
        # The first two children are always one overdue and one due soon (their situations
        # allow both), so even the smallest demo shows every state; then 80/12/8 in a hundred.
        plan.visit_target = rng.choices(("on_track", "due_soon", "overdue"), (80, 12, 8))[0]
        plan.visit_target = {0: "overdue", 1: "due_soon"}.get(self._made, plan.visit_target)
        self._made += 1
        return plan

    def born(self, plan: ChildPlan, on: date, age_low: int, age_high: int) -> None:
        """Set the date of birth so the child was aged ``age_low``-``age_high`` on ``on``, and
        is under 18 today."""
        earliest_birth = self.today - timedelta(days=18 * 365 - 5)
        days = self.rng.randint(age_low * 365, age_high * 365 + 300)
        plan.child.date_of_birth = max(on - timedelta(days=days), earliest_birth)
        if plan.child.date_of_birth > on:
            plan.child.date_of_birth = on

    def household(self, kind: str, *, reuse: float, first_used: date) -> HouseholdPlan:
        """A household of ``kind``: one with room, or (otherwise) a new one approved before
        ``first_used``."""
        pool = self._pools[kind]
        if pool and self.chance(reuse):
            roomy = [h for h in pool[-25:] if h.current_children < (h.household.max_children or 1)]
            if roomy:
                return self.rng.choice(roomy)
        return self.new_household(kind, first_used)

    def new_household(self, kind: str, first_used: date, status: str = "APPROVED") -> HouseholdPlan:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        lead = (60, 500) if kind in ("ADOPTER", "FOSTERING_FOR_ADOPTION") else (20, 1500)
        approved = first_used - timedelta(days=rng.randint(*lead))
        temporary = None
        if kind in ("CONNECTED_PERSON", "SPECIAL_GUARDIAN", "CAO_CARER"):
            # Kin carers are approved after the child arrives (reg 24, then the full assessment).
            temporary = first_used
            approved = first_used + timedelta(days=rng.randint(90, 160))
            if approved > self.today:
                status = "TEMPORARY"
        household = CarerHousehold(
            name=f"The {surname} household",
            carer_type=kind,
            approval_status=status,
            approval_date=approved if status in ("APPROVED", "ON_HOLD") else None,
            temporary_approval_date=temporary if kind == "CONNECTED_PERSON" else None,
            address=f"{rng.randint(1, 140)} {rng.choice(STREETS)}, {TOWN} "
            f"FB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            age_range_min=0,
            age_range_max=17,
            max_children=rng.choice((1, 2, 2, 3)) if kind == "MAINSTREAM_FOSTER" else 2,
            supervising_worker="sam.supervisor",
            approval_terms="Up to the number of children shown, aged 0 to 17.",
        )
        if household.approval_date is not None:
            household.approval_type = approval_type(kind, len(self.households))
        if status == "TEMPORARY" and temporary is not None and kind == "CONNECTED_PERSON":
            # Their viability assessment is their application (``carer_pipeline.start_connected``).
            household.application_date = temporary - timedelta(days=VIABILITY_DAYS)
        if status == "TEMPORARY" and self.chance(0.3):
            # One extension of up to 8 weeks (reg 25): 24 weeks from the temporary approval.
            household.temporary_extension_until = first_used + timedelta(weeks=24)
        carers = [
            Carer(
                household_id=household.id,
                given_name=rng.choice(ADULTS),
                family_name=surname,
                date_of_birth=self.today - timedelta(days=rng.randint(27 * 365, 66 * 365)),
                relationship_to_child=rng.choice(KIN) if temporary else "",
            )
            for _ in range(1 if self.chance(0.35) else 2)
        ]
        made = HouseholdPlan(household, carers)
        self.households.append(made)
        self._pools[kind].append(made)
        return made

    def place(
        self,
        plan: ChildPlan,
        place: str,
        start: date,
        household: HouseholdPlan | None,
        flags: Sequence[str] = (),
    ) -> Stay:
        if plan.stays and plan.stays[-1].end is None:
            plan.stays[-1].end = start
        stay = Stay(place, start, household, flags=frozenset(flags))
        plan.stays.append(stay)
        return stay

    def foster(self, plan: ChildPlan, start: date, place: str = "U6") -> Stay:
        return self.place(
            plan, place, start, self.household("MAINSTREAM_FOSTER", reuse=0.6, first_used=start)
        )

    def moves(self, plan: ChildPlan, start: date, until: date) -> date:
        """Some children move once or twice before their current placement; returns when the
        current one should start."""
        current = start
        for _ in range(self.rng.choice((0, 0, 1, 1, 2))):
            move = current + timedelta(days=self.rng.randint(20, 200))
            if move >= until:
                break
            self.place(
                plan,
                "U6",
                current,
                self.household("MAINSTREAM_FOSTER", reuse=0.9, first_used=current),
            )
            current = move
        return current

    def spare_households(self, count: int) -> None:
        """Households with no child placed today: a vacancy, an applicant, one on hold."""
        for i in range(count):
            status = ("APPROVED", "APPLICANT", "ON_HOLD")[i % 3]
            made = self.new_household("MAINSTREAM_FOSTER", self.ago(30, 900), status)
            if i == 0:  # approved 15 months ago, with its TSD and unannounced visit overdue
                made.late = True
                made.household.approval_date = self.today - timedelta(days=450)
            if status == "APPLICANT":  # on its way: applied two months ago, stage 1 due now
                applied(made.household, self.today - timedelta(days=60))
        if count:
            self._enquiry()

    def _enquiry(self) -> None:
        """A household that enquired three days ago (its initial visit due within ten working
        days), for taking from enquiry to approval in the app. Made without the random
        source, so the rest of the demo is the same as before it was added."""
        household = CarerHousehold(
            name="The Okonkwo household",
            carer_type="MAINSTREAM_FOSTER",
            approval_status="ENQUIRY",
            address=f"7 Mill Lane, {TOWN} FB2 4QT",
            supervising_worker="sam.supervisor",
            approval_terms="",
            enquiry_date=self.today - timedelta(days=3),
        )
        carer = Carer(
            household_id=household.id,
            given_name="Chidi",
            family_name="Okonkwo",
            date_of_birth=self.today - timedelta(days=39 * 365),
        )
        self.households.append(HouseholdPlan(household, [carer]))


def applied(household: CarerHousehold, on: date) -> None:
    """An applicant's way so far: enquired a fortnight before applying, visited a week after."""
    household.approval_date = None
    household.enquiry_date = on - timedelta(days=14)
    household.initial_visit_date = on - timedelta(days=7)
    household.application_date = on
