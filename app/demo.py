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

Names, streets and the town (Fennbridge, postcode area FB, which does not exist) are invented.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from app import clock, demo_assessments
from app.models import (
    Action,
    CarePlan,
    Carer,
    CarerHousehold,
    CaseNote,
    Child,
    LegalStatus,
    Placement,
    Record,
    Review,
    TrainingRecord,
    Visit,
)
from app.store import Store

# ---- Built-in lists (UK-plausible, invented)

GIRLS = (
    "Amara", "Leah", "Zainab", "Maya", "Aisha", "Poppy", "Isla", "Ruby", "Nia", "Sofia",
    "Freya", "Imani", "Lily", "Chloe", "Hana", "Evie", "Maisie", "Ava", "Summer", "Kacey",
    "Layla", "Niamh", "Ellie", "Tia", "Ola", "Zofia", "Rosie", "Skye", "Amelia", "Mia",
)  # fmt: skip
BOYS = (
    "Oliver", "Kai", "Finley", "Tyler", "Jayden", "Reuben", "Dylan", "Callum", "Harvey", "Logan",
    "Mason", "Archie", "Ezra", "Riley", "Ellis", "Alfie", "Kian", "Musa", "Tomasz", "Jake",
    "Ibrahim", "Corey", "Leon", "Noah", "Frankie", "Zayn", "Theo", "Reggie", "Kofi", "Jacob",
)  # fmt: skip
NICKNAMES = {
    "Alfie": "Alf", "Amelia": "Millie", "Jacob": "Jake", "Theo": "Teddy", "Zofia": "Zosia",
    "Callum": "Cal", "Frankie": "Frank", "Ellie": "El", "Reggie": "Reg", "Oliver": "Ollie",
}  # fmt: skip
ADULTS = (
    "Sandra", "Gary", "Paula", "Dean", "Bernadette", "Wayne", "Shirley", "Colin", "Yasmin",
    "Tariq", "Joanne", "Andrzej", "Grace", "Emeka", "Sharon", "Lee", "Parveen", "Martin",
    "Denise", "Kwame", "Gemma", "Stuart", "Rukhsana", "Trevor", "Agnieszka", "Carl",
)  # fmt: skip
SURNAMES = (
    "Okafor", "Whitfield", "Patel", "Nowak", "Hughes", "Begum", "Murphy", "Clarke", "Ahmed",
    "Kowalski", "Bennett", "Osei", "Fletcher", "Doyle", "Khan", "Marsh", "Adeyemi", "Price",
    "Shaw", "Lewandowski", "Grant", "Rahman", "Ellison", "Boateng", "Wright", "Farrow",
    "Hollis", "Mensah", "Tranter", "Quigley", "Achterberg", "Dunmore", "Siddiqui", "Pennock",
    "Lowther", "Varga", "Ashdown", "Kerrigan", "Mabey", "Oduya", "Thorne", "Castell",
)  # fmt: skip
STREETS = (
    "Mill Lane", "Park Road", "Church Street", "Orchard Close", "Fen View", "Willow Way",
    "Station Road", "Bramble Court", "Nene Walk", "Chapel Row", "Heron Drive", "Market Hill",
)  # fmt: skip
TOWN = "Fennbridge"
IROS = ("Janet Rowe", "Femi Adebayo", "Claire Whitlock", "Hassan Mirza", "Ruth Penhale")
KIN = (
    "Maternal grandmother", "Paternal grandmother", "Maternal aunt", "Paternal uncle",
    "Older sister", "Family friend", "Godmother", "Maternal grandfather",
)  # fmt: skip

OBSERVATIONS = {
    "baby": (
        "Asleep when I arrived; woke and fed well. Carer keeps a clear feeding and sleep diary.",
        "Alert and smiling, reaching for toys. Health visitor seen last week; weight on track.",
        "Settles quickly with the carer; a little unsettled after contact, easing by evening.",
        "Rolling over now. Carer has noticed a nappy rash and is seeing the GP on Friday.",
    ),
    "young": (
        "Settled and chatty; showed me the new bike and talked about football club.",
        "A little withdrawn at first; relaxed after we went for a walk to the park.",
        "Proud of a school certificate for reading; carer reports a good sleep routine.",
        "Talked about missing mum before contact; agreed to ask about an extra phone call.",
        "Enjoying cooking with the carers; school attendance has improved this term.",
        "Drew a picture of everyone at home and named the dog first. Speech is coming on well.",
    ),
    "teen": (
        "Quiet but polite; wants more time on the phone to friends. Agreed a later curfew trial.",
        "Doing well at college on the motor vehicle course; wants help opening a bank account.",
        "Angry about a cancelled contact; we talked it through and rebooked it for next week.",
        "Has joined the boxing club and is sleeping better. School report mostly positive.",
        "Worried about moving schools; we went through the plan together and it helped.",
        "Wants to learn to cook before turning 18; carer will start with two meals a week.",
    ),
}
#: What a child said, by age band and where they live ("{home}": "the carers", "mum" or "the
#: staff"): a four-year-old does not ask for more time at the youth club.
WISHES = {
    "young": (
        "Likes living with {home}; wants to keep seeing their brother on Saturdays.",
        "Wants mum to come to the school play.",
        "Would like a bedroom of their own and to keep the cat.",
        "Happy where they are; asked that the next visit is after school, not during it.",
        "Asked why they cannot live with mum; life-story work agreed.",
        "Wants to keep going to swimming lessons and to bring a friend to tea.",
    ),
    "teen": (
        "Would like more time at the youth club and a say in the summer plans.",
        "Wants to stay with {home} until finishing college.",
        "Wants to know more about why they came into care; life-story work agreed.",
        "Worried about moving to sixth form; wants to stay at the same school.",
        "Wants more say in when family time with dad happens, and to travel there alone.",
        "Would like a later curfew at weekends and a phone contract of their own.",
    ),
}
#: A child's own words about themselves, for any age. (Each list here has six entries, as the
#: lists before them did, so the seeded demo draws the same numbers and keeps its shape.)
ABOUT_ME = (
    "Loves animals and being outdoors.",
    "Enjoys music and making things.",
    "Likes stories, cooking and time with friends.",
    "Into football and drawing.",
    "Enjoys swimming and building things.",
    "Likes dancing and looking after the family's pets.",
)
ACTIONS_AGREED = (
    "Social worker to confirm contact dates with mum by Friday.",
    "Carer to book the dentist; social worker to chase the health assessment.",
    "Arrange a life-story session before the next review.",
    "",
    "",
)
DECISIONS = (
    "Plan endorsed; contact arrangements continue unchanged.",
    "Placement meets the child's needs; education plan to be updated before next review.",
    "Permanence plan confirmed; later-life letter to be drafted.",
    "Contact with father to move to monthly, supervised, reviewed in three months.",
)
NOTES = (
    ("MEETING", "School meeting", "Met the designated teacher; attendance now 94%."),
    ("CONTACT", "Contact arrangements", "Supervised contact with mum moved to Thursdays."),
    (
        "MANAGEMENT_OVERSIGHT",
        "Management oversight",
        "Plan discussed in supervision; no change agreed.",
    ),
    ("CASE_NOTE", "Health", "Initial health assessment completed; dental check booked."),
    ("PHONE_CALL", "Telephone call with carer", "Carer reports a settled week; no concerns."),
)
HOUSEHOLD_NOTES = (
    ("NOTIFIABLE_EVENT", "Police called to the home", "Neighbour dispute; no concern about care."),
    (
        "NOTIFIABLE_EVENT",
        "Child missing overnight",
        "Returned next morning; return interview done.",
    ),
    ("SUPERVISION", "Supervision", "Carers asked for a training place on trauma-informed care."),
)
ACTION_TEXTS = (
    "Complete the later-life letter",
    "Apply for the child's passport",
    "Chase the initial health assessment",
    "Update the chronology",
    "Book a life-story work session",
    "Send the care plan to the IRO",
    "Refer to the virtual school for tutoring",
)
CARER_ACTION_TEXTS = (
    "Complete the TSD portfolio",
    "Book a place on safer caring training",
    "Update the household's safer caring policy",
    "Renew the DBS check for the carers' adult son",
)

# ---- The caseload mix


@dataclass(frozen=True)
class Scenario:
    """One kind of child on a permanency caseload: their current legal status and how they
    got there. ``weight`` is its share of the caseload beyond the first child of each kind."""

    key: str
    legal_status: str
    weight: float
    description: str


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("care_order_foster", "C2", 22, "Care order, in foster care (some now long-term)"),
    Scenario("care_order_kin", "C2", 8, "Care order, with approved connected-person carers"),
    Scenario("care_order_home", "C2", 3, "Care order, placed with parents"),
    Scenario("care_order_residential", "C2", 3, "Care order, in a children's home"),
    Scenario("interim_foster", "C1", 7, "Interim care order, in foster care"),
    Scenario("interim_home", "C1", 2, "Interim care order, living with parents"),
    Scenario(
        "interim_connected", "C1", 4, "Interim care order, with temporarily approved kin carers"
    ),
    Scenario("accommodated", "V2", 10, "Accommodated under s20"),
    Scenario("short_breaks_episodes", "V3", 1, "Short breaks, episodes recorded"),
    Scenario("short_breaks_agreement", "V4", 1, "Short breaks, agreement recorded"),
    Scenario("placed_for_adoption", "E1", 5.5, "Placement order, placed with adopters"),
    Scenario(
        "fostering_for_adoption",
        "E1",
        2.5,
        "Placement order, placed with the foster-to-adopt carers",
    ),
    Scenario("awaiting_adoption", "E1", 4, "Placement order, waiting for a match"),
    Scenario("police_protection", "L1", 0.4, "Police protection, in emergency foster care"),
    Scenario("emergency_protection", "L2", 0.4, "Emergency protection order"),
    Scenario("assessment_order", "L3", 0.2, "Child assessment order, accommodated"),
    Scenario("remanded", "J1", 0.4, "Remanded to local authority accommodation"),
    Scenario("pace", "J2", 0.2, "Accommodated overnight under PACE"),
    Scenario("youth_rehabilitation", "J3", 0.3, "Youth rehabilitation order, intensive fostering"),
    Scenario("special_guardianship", "SGO", 12, "Special guardianship order, support continues"),
    Scenario("child_arrangements", "CAO", 5, "Child arrangements order (lives with)"),
    Scenario("adopted", "AO", 3, "Adopted, adoption support continues"),
)
#: The kinds of carer household the demo makes, each with the placements it takes.
CARER_TYPES = (
    "MAINSTREAM_FOSTER",
    "CONNECTED_PERSON",
    "FOSTERING_FOR_ADOPTION",
    "ADOPTER",
    "SPECIAL_GUARDIAN",
    "CAO_CARER",
)
#: Records per write transaction: big enough that commits are a small share of the cost (the
#: store's per-record work dominates beyond a few hundred), small enough that one session's
#: objects stay a few tens of megabytes.
BATCH_RECORDS = 8000
_ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
_LAC_REVIEWS = ((12, 27), (55, 88), (140, 178))  # R1 20 working days, R2 3 months, R3 6 months
_ADOPTION_REVIEWS = ((14, 27), (55, 88), (140, 178))  # AAR reg 36(3): 4 weeks, 3 and 6 months
_ATP_REVIEWS = ((60, 88), (140, 178))  # AAR reg 36(1): 3 then 6 months
_YEARLY = ((300, 360),)


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
    planner = _Planner(random.Random(seed), today, store.worker or "demo.worker")
    plans = [planner.child(s) for s in _scenario_order(planner.rng, children)]
    _share_out_visits(planner.rng, plans, children * visits_per_child)
    _choose_drafts(planner.rng, plans)
    for plan in plans:
        planner.finish_child(plan)
    planner.spare_households(max(1, children // 25) if children else 0)
    for household in planner.households:
        planner.finish_household(household)
    made = demo_assessments.for_caseload(
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


# ---- Planning


@dataclass
class _HouseholdPlan:
    household: CarerHousehold
    carers: list[Carer]
    current_children: int = 0
    records: list[Record] = field(default_factory=list)
    #: Behind with its TSD standards and its unannounced visit, so every demo shows both.
    late: bool = False


@dataclass
class _Stay:
    """A placement while it is being planned."""

    place: str
    start: date
    household: _HouseholdPlan | None
    end: date | None = None
    flags: frozenset[str] = frozenset()


@dataclass
class _ChildPlan:
    scenario: Scenario
    child: Child
    looked_after_start: date
    statuses: list[tuple[str, date]]  # (code, start) in order; each ends when the next starts
    stays: list[_Stay]
    #: When a permanence order ended the child's time in care (SGO, CAO, adoption).
    order_date: date | None = None
    order_reason: str = ""
    visit_target: str = "on_track"
    #: Candidate visits, newest first: (date, visit type). The first ``visit_count`` are made.
    candidates: list[tuple[date, str]] = field(default_factory=list)
    visit_count: int = 0
    draft: bool = False
    reviews: dict[str, list[date]] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)

    @property
    def current_stay(self) -> _Stay | None:
        last = self.stays[-1] if self.stays else None
        return last if last is not None and last.end is None else None


class _Planner:
    def __init__(self, rng: random.Random, today: date, worker: str) -> None:
        self.rng = rng
        self.today = today
        self.worker = worker
        self.households: list[_HouseholdPlan] = []
        self._made = 0
        self._pools: dict[str, list[_HouseholdPlan]] = {kind: [] for kind in CARER_TYPES}
        self._builders: dict[str, Callable[[_ChildPlan], None]] = {
            "care_order_foster": self._care_order_foster,
            "care_order_kin": self._care_order_kin,
            "care_order_home": self._care_order_home,
            "care_order_residential": self._care_order_residential,
            "interim_foster": self._interim_foster,
            "interim_home": self._interim_home,
            "interim_connected": self._interim_connected,
            "accommodated": self._accommodated,
            "short_breaks_episodes": self._short_breaks,
            "short_breaks_agreement": self._short_breaks,
            "placed_for_adoption": self._placed_for_adoption,
            "fostering_for_adoption": self._placed_for_adoption,
            "awaiting_adoption": self._awaiting_adoption,
            "police_protection": self._emergency,
            "emergency_protection": self._emergency,
            "assessment_order": self._emergency,
            "remanded": self._youth_justice,
            "pace": self._youth_justice,
            "youth_rehabilitation": self._youth_justice,
            "special_guardianship": self._permanence_order,
            "child_arrangements": self._permanence_order,
            "adopted": self._adopted,
        }

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

    def child(self, scenario: Scenario) -> _ChildPlan:
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
        plan = _ChildPlan(scenario, child, self.today, [], [])
        # The first two children are always one overdue and one due soon (their situations
        # allow both), so even the smallest demo shows every state; then 80/12/8 in a hundred.
        plan.visit_target = rng.choices(("on_track", "due_soon", "overdue"), (80, 12, 8))[0]
        plan.visit_target = {0: "overdue", 1: "due_soon"}.get(self._made, plan.visit_target)
        self._made += 1
        self._builders[scenario.key](plan)
        current = plan.current_stay
        if current is not None and current.household is not None:
            current.household.current_children += 1
        self._reviews(plan)
        self._visit_candidates(plan)
        return plan

    def born(self, plan: _ChildPlan, on: date, age_low: int, age_high: int) -> None:
        """Set the date of birth so the child was aged ``age_low``-``age_high`` on ``on``, and
        is under 18 today."""
        earliest_birth = self.today - timedelta(days=18 * 365 - 5)
        days = self.rng.randint(age_low * 365, age_high * 365 + 300)
        plan.child.date_of_birth = max(on - timedelta(days=days), earliest_birth)
        if plan.child.date_of_birth > on:
            plan.child.date_of_birth = on

    def household(self, kind: str, *, reuse: float, first_used: date) -> _HouseholdPlan:
        """A household of ``kind``: one with room, or (otherwise) a new one approved before
        ``first_used``."""
        pool = self._pools[kind]
        if pool and self.chance(reuse):
            roomy = [h for h in pool[-25:] if h.current_children < (h.household.max_children or 1)]
            if roomy:
                return self.rng.choice(roomy)
        return self._new_household(kind, first_used)

    def _new_household(
        self, kind: str, first_used: date, status: str = "APPROVED"
    ) -> _HouseholdPlan:
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
        made = _HouseholdPlan(household, carers)
        self.households.append(made)
        self._pools[kind].append(made)
        return made

    def place(
        self,
        plan: _ChildPlan,
        place: str,
        start: date,
        household: _HouseholdPlan | None,
        flags: Sequence[str] = (),
    ) -> _Stay:
        if plan.stays and plan.stays[-1].end is None:
            plan.stays[-1].end = start
        stay = _Stay(place, start, household, flags=frozenset(flags))
        plan.stays.append(stay)
        return stay

    def foster(self, plan: _ChildPlan, start: date, place: str = "U6") -> _Stay:
        return self.place(
            plan, place, start, self.household("MAINSTREAM_FOSTER", reuse=0.6, first_used=start)
        )

    def moves(self, plan: _ChildPlan, start: date, until: date) -> date:
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
            made = self._new_household("MAINSTREAM_FOSTER", self.ago(30, 900), status)
            if i == 0:  # approved 15 months ago, with its TSD and unannounced visit overdue
                made.late = True
                made.household.approval_date = self.today - timedelta(days=450)
            if status == "APPLICANT":  # on its way: applied two months ago, stage 1 due now
                _applied(made.household, self.today - timedelta(days=60))
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
        self.households.append(_HouseholdPlan(household, [carer]))

    # ---- scenarios: each sets the date of birth, legal statuses and placements

    def _care_order_foster(self, plan: _ChildPlan) -> None:
        start = self.ago(200, 2600)
        self.born(plan, start, 0, 12)
        plan.looked_after_start = start
        plan.statuses = [("C1", start), ("C2", self.after(start, 120, 300))]
        current = self.moves(plan, start, self.today - timedelta(days=30))
        if (self.today - start).days > 700 and self.chance(0.5):
            flags = ["long_term_designated", "intended_until_18"]
            if self.age_on(plan.child.date_of_birth, self.today) >= 8 and self.chance(0.4):
                flags.append("child_agrees_less_frequent_visits")
            self.place(
                plan,
                "U4",
                current,
                self.household("MAINSTREAM_FOSTER", reuse=0.3, first_used=current),
                flags,
            )
        else:
            self.foster(plan, current)

    def _care_order_kin(self, plan: _ChildPlan) -> None:
        start = self.ago(200, 2400)
        self.born(plan, start, 0, 12)
        plan.looked_after_start = start
        plan.statuses = [("C1", start), ("C2", self.after(start, 120, 300))]
        kin = self._new_household("CONNECTED_PERSON", start)
        self.place(plan, "U3", start, kin)
        approved = kin.household.approval_date
        if approved is not None and approved < self.today - timedelta(days=30):
            # Once approved and the plan is long-term, the same placement changes type.
            self.place(plan, "U1", approved, kin, ["long_term_designated", "intended_until_18"])

    def _care_order_home(self, plan: _ChildPlan) -> None:
        start = self.ago(150, 1200)
        self.born(plan, start, 0, 10)
        plan.looked_after_start = start
        order = self.after(start, 90, 250)
        plan.statuses = [("C1", start), ("C2", order)]
        self.foster(plan, start)
        home = self.after(order, 0, 150)
        recent = (self.today - home).days < 90
        flags = ["before_assessment_complete"] if recent and self.chance(0.4) else []
        self.place(plan, "P1", home, None, flags)

    def _care_order_residential(self, plan: _ChildPlan) -> None:
        start = self.ago(200, 2000)
        self.born(plan, start, 9, 14)
        plan.looked_after_start = start
        plan.statuses = [("C1", start), ("C2", self.after(start, 120, 300))]
        current = self.moves(plan, start, self.today - timedelta(days=60))
        self.place(plan, "K2", current, None)

    def _interim_foster(self, plan: _ChildPlan) -> None:
        start = self.ago(3, 250)
        self.born(plan, start, 0, 15)
        plan.looked_after_start = start
        plan.statuses = [("C1", start)]
        self.foster(plan, start)

    def _interim_home(self, plan: _ChildPlan) -> None:
        start = self.ago(3, 150)
        self.born(plan, start, 0, 12)
        plan.looked_after_start = start
        plan.statuses = [("C1", start)]
        self.place(plan, "P1", start, None)

    def _interim_connected(self, plan: _ChildPlan) -> None:
        start = self.ago(3, 170)
        self.born(plan, start, 0, 14)
        plan.looked_after_start = start
        plan.statuses = [("C1", start)]
        kin = self._new_household("CONNECTED_PERSON", start)
        self.place(plan, "U3", start, kin)

    def _accommodated(self, plan: _ChildPlan) -> None:
        start = self.ago(5, 1500)
        self.born(plan, start, 1, 16)
        plan.looked_after_start = start
        plan.statuses = [("V2", start)]
        if self.age_on(plan.child.date_of_birth, start) >= 12 and self.chance(0.25):
            self.place(plan, "K2", start, None)
        else:
            self.foster(plan, start)

    def _short_breaks(self, plan: _ChildPlan) -> None:
        start = self.ago(60, 1200)
        self.born(plan, start, 4, 14)
        plan.child.category_of_need = "N2"
        plan.looked_after_start = start
        plan.statuses = [(plan.scenario.legal_status, start)]
        self.foster(plan, start)

    def _placed_for_adoption(self, plan: _ChildPlan) -> None:
        placed = self.ago(2, 330)
        hearing = placed - timedelta(days=self.rng.randint(40, 300))
        start = hearing - timedelta(days=self.rng.randint(120, 280))
        self.born(plan, start, 0, 3)
        plan.looked_after_start = start
        plan.statuses = [("C1", start), ("E1", hearing)]
        if plan.scenario.key == "fostering_for_adoption":
            # The same carers foster first (U5), then the child is placed with them for
            # adoption once the placement order is made (A5).
            ffa = self._new_household("FOSTERING_FOR_ADOPTION", start)
            self.place(plan, "U5", start, ffa)
            self.place(plan, "A5", placed, ffa)
        else:
            self.foster(plan, start)
            adopters = self._new_household("ADOPTER", placed)
            self.place(plan, "A6", placed, adopters)

    def _awaiting_adoption(self, plan: _ChildPlan) -> None:
        hearing = self.ago(10, 600)
        start = hearing - timedelta(days=self.rng.randint(120, 280))
        self.born(plan, start, 0, 5)
        plan.looked_after_start = start
        plan.statuses = [("C1", start), ("E1", hearing)]
        self.foster(plan, self.moves(plan, start, self.today - timedelta(days=30)))

    def _emergency(self, plan: _ChildPlan) -> None:
        longest = {"L1": 2, "L2": 12, "L3": 6}[plan.scenario.legal_status]
        start = self.ago(0, longest)
        self.born(plan, start, 0, 16)
        plan.looked_after_start = start
        plan.statuses = [(plan.scenario.legal_status, start)]
        self.foster(plan, start)

    def _youth_justice(self, plan: _ChildPlan) -> None:
        code = plan.scenario.legal_status
        start = {"J1": self.ago(3, 120), "J2": self.ago(0, 1), "J3": self.ago(30, 300)}[code]
        self.born(plan, start, 12, 16)
        plan.looked_after_start = start
        plan.statuses = [(code, start)]
        if code == "J2":
            self.place(plan, "K2", start, None)
        else:
            self.foster(plan, start)

    def _permanence_order(self, plan: _ChildPlan) -> None:
        code = plan.scenario.legal_status
        order = self.ago(20, 2900)
        start = order - timedelta(days=self.rng.randint(150, 700))
        self.born(plan, start, 0, 11)
        plan.looked_after_start = start
        final_hearing = self.chance(0.5)
        plan.statuses = [("C1", start)]
        if not final_hearing:
            plan.statuses.append(("C2", start + timedelta(days=self.rng.randint(100, 140))))
        plan.statuses.append((code, order))
        kind = "SPECIAL_GUARDIAN" if code == "SGO" else "CAO_CARER"
        carers = self._new_household(kind, start)
        roll = self.rng.random()
        if code == "CAO":
            plan.order_reason = "E41"
            self.place(plan, "U3", start, carers)
        elif roll < 0.7:  # SGO to the relatives who fostered the child
            plan.order_reason = "E45"
            self.place(plan, "U3", start, carers)
        elif roll < 0.85:  # SGO to the unrelated foster carers
            plan.order_reason = "E46"
            self.place(plan, "U4", start, carers, ["long_term_designated"])
        else:  # SGO to relatives the child had not lived with
            plan.order_reason = "E47"
            self.foster(plan, start)
        plan.order_date = order
        plan.stays[-1].end = order

    def _adopted(self, plan: _ChildPlan) -> None:
        order = self.ago(30, 2500)
        placed = order - timedelta(days=self.rng.randint(70, 300))
        hearing = placed - timedelta(days=self.rng.randint(40, 250))
        start = hearing - timedelta(days=self.rng.randint(120, 280))
        self.born(plan, start, 0, 3)
        plan.looked_after_start = start
        plan.statuses = [("C1", start), ("E1", hearing), ("AO", order)]
        plan.order_reason = self.rng.choice(("E11", "E12", "E12"))
        self.foster(plan, start)
        adopters = self._new_household("ADOPTER", placed)
        self.place(plan, "A6", placed, adopters)
        plan.order_date = order
        plan.stays[-1].end = order

    # ---- reviews and visits, from the plan's dates

    def _series(
        self, start: date, gaps: Sequence[tuple[int, int]], until: date, late: float
    ) -> list[date]:
        """Review dates from ``start`` at the given gaps (the last gap repeats) up to ``until``;
        with probability ``late`` the latest one has not happened yet (it is overdue)."""
        out: list[date] = []
        day = start
        while True:
            low, high = gaps[min(len(out), len(gaps) - 1)]
            day = day + timedelta(days=self.rng.randint(low, high))
            if day > until:
                break
            out.append(day)
        if out and until >= self.today and self.chance(late):
            out.pop()
        return out

    def _reviews(self, plan: _ChildPlan) -> None:
        until = plan.order_date or self.today
        plan.reviews["CHILD_LAC"] = self._series(plan.looked_after_start, _LAC_REVIEWS, until, 0.04)
        codes = [code for code, _ in plan.statuses]
        if "E1" in codes:
            hearing = next(start for code, start in plan.statuses if code == "E1")
            placed = next((s.start for s in plan.stays if s.place in _ADOPTION_PLACEMENTS), None)
            plan.reviews["AUTHORITY_TO_PLACE"] = self._series(
                hearing, _ATP_REVIEWS, placed or until, 0.04
            )
            if placed is not None:
                plan.reviews["ADOPTION_PLACEMENT"] = self._series(
                    placed, _ADOPTION_REVIEWS, until, 0.04
                )
        if plan.scenario.legal_status == "SGO" and plan.order_date is not None:
            plan.reviews["SGO_SUPPORT"] = self._series(plan.order_date, _YEARLY, self.today, 0.05)

    def _cadence(self, plan: _ChildPlan, stay: _Stay) -> int:
        """Roughly how often this child must be visited now, in days (CPPCR reg 28, AAR reg 36);
        used to space the demo's visits, not to judge them (that is the deadline engine's job)."""
        lac_reviews = len(plan.reviews.get("CHILD_LAC", ()))
        if stay.place in _ADOPTION_PLACEMENTS:
            return 42 if plan.reviews.get("ADOPTION_PLACEMENT") else 7
        temporary = stay.household is not None and stay.household.household.approval_status == (
            "TEMPORARY"
        )
        if temporary or (plan.statuses[-1][0] == "C1" and stay.place == "P1"):
            return 28 if lac_reviews else 7
        if "before_assessment_complete" in stay.flags and not lac_reviews:
            return 7
        if self.age_on(stay.start, self.today) >= 1:
            if {"long_term_designated", "child_agrees_less_frequent_visits"} <= stay.flags:
                return 181
            if "intended_until_18" in stay.flags:
                return 89
        return 42

    def _last_visit(self, plan: _ChildPlan, stay: _Stay, cadence: int) -> date | None:
        """The latest visit, placed so the child comes out on track, due soon or overdue."""
        since = (self.today - stay.start).days
        target = plan.visit_target
        if target == "overdue":
            if since > cadence + 1:
                return self.ago(cadence + 1, min(cadence + 30, since))
            if since > 8:
                return None  # not yet visited in this placement: the first visit is late
            target = "due_soon"
        if target == "due_soon" and max(cadence - 14, 0) <= min(cadence - 1, since):
            return self.ago(max(cadence - 14, 0), min(cadence - 1, since))
        return self.ago(0, max(0, min(since, int(cadence * 0.6))))

    def _visit_candidates(self, plan: _ChildPlan) -> None:
        start = plan.looked_after_start
        stay = plan.current_stay
        if plan.order_date is not None:
            last = plan.order_date - timedelta(days=self.rng.randint(3, 30))
            cadence = 42
        elif stay is not None:
            cadence = self._cadence(plan, stay)
            # Not yet visited in this placement: the latest visit was in the one before.
            last = self._last_visit(plan, stay, cadence) or stay.start - timedelta(
                days=self.rng.randint(1, 20)
            )
        else:
            return
        found: list[tuple[date, str]] = []
        if plan.scenario.legal_status == "SGO" and plan.order_date is not None:
            support = self._series(plan.order_date, ((60, 200),), self.today, 0.0)
            found += [(d, "SGO_SUPPORT") for d in reversed(support)]
        gap_high = min(cadence, 42)
        day = last
        while day >= start:
            kind = "STATUTORY_CHILD"
            if any(s.place in _ADOPTION_PLACEMENTS and s.start <= day for s in plan.stays):
                kind = "ADOPTION_PLACEMENT"
            found.append((day, kind))
            day -= timedelta(days=self.rng.randint(max(4, gap_high // 2), gap_high))
        plan.candidates = found

    # ---- records

    def finish_child(self, plan: _ChildPlan) -> None:
        """Turn the plan into records: child, statuses, placements, plans, reviews, visits,
        notes and actions, in that order (foreign keys are checked at commit)."""
        rng, child = self.rng, plan.child
        out: list[Record] = [child]
        for i, (code, start) in enumerate(plan.statuses):
            nxt = plan.statuses[i + 1] if i + 1 < len(plan.statuses) else None
            reason = None
            if nxt is not None:
                permanence = nxt[0] in ("SGO", "CAO", "AO")
                reason = plan.order_reason if permanence else "X1"
            out.append(
                LegalStatus(
                    child_id=child.id,
                    code=code,
                    start_date=start,
                    end_date=nxt[1] if nxt else None,
                    reason_ceased=reason,
                )
            )
        for stay in plan.stays:
            plan_date: date | None = stay.start + timedelta(days=rng.randint(0, 5))
            if stay.start + timedelta(days=5) > self.today or (
                stay.end is None and (self.today - stay.start).days > 10 and self.chance(0.01)
            ):
                plan_date = None  # not written yet (a few late ones show as overdue)
            out.append(
                Placement(
                    child_id=child.id,
                    household_id=stay.household.household.id if stay.household else None,
                    placement_type=stay.place,
                    provider=_provider(stay),
                    start_date=stay.start,
                    end_date=stay.end,
                    reason_changed="CARPL" if stay.end else None,
                    long_term_designated="long_term_designated" in stay.flags,
                    intended_until_18="intended_until_18" in stay.flags,
                    child_agrees_less_frequent_visits=(
                        "child_agrees_less_frequent_visits" in stay.flags
                    ),
                    before_assessment_complete="before_assessment_complete" in stay.flags,
                    placement_plan_date=plan_date,
                )
            )
        out += self._care_plans(plan)
        for kind, dates in plan.reviews.items():
            for day in dates:
                out.append(self._review(plan, kind, day))
        out += self._child_visits(plan)
        for _ in range(rng.choice((0, 1, 1, 2))):
            kind, subject, text = rng.choice(NOTES)
            out.append(
                CaseNote(
                    child_id=child.id,
                    kind=kind,
                    event_date=self.ago(0, 120),
                    subject=subject,
                    text=text,
                    status="draft" if self.chance(0.05) else "finalised",
                )
            )
        out += self._review_actions([r for r in out if isinstance(r, Review)])
        if self.chance(0.15):
            due = self.today + timedelta(days=rng.randint(-20, 40))
            done = due if due <= self.today and self.chance(0.5) else None
            out.append(
                Action(
                    child_id=child.id,
                    description=rng.choice(ACTION_TEXTS),
                    owner=self.worker,
                    due_date=due,
                    completed_date=done,
                )
            )
        plan.records = out

    def _review_actions(self, reviews: list[Review], *, chance: float = 0.4) -> list[Record]:
        """Actions agreed at the latest signed review, due some weeks after it: most done by
        now or not yet due, a few overdue, so the dashboard shows actions in every state."""
        rng = self.rng
        latest = max(reviews, key=lambda r: r.review_date, default=None)
        if latest is None or latest.status != "finalised" or not self.chance(chance):
            return []
        out: list[Record] = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            due = latest.review_date + timedelta(days=rng.randint(14, 120))
            done = None
            if due <= self.today and self.chance(0.8):
                done = max(latest.review_date, due - timedelta(days=rng.randint(0, 10)))
            out.append(
                Action(
                    child_id=latest.child_id,
                    household_id=latest.household_id,
                    description=rng.choice(ACTION_TEXTS if latest.child_id else CARER_ACTION_TEXTS),
                    owner=rng.choice((self.worker, "Carers", "Reviewing officer")),
                    due_date=due,
                    completed_date=done,
                    source_type="review",
                    source_id=latest.id,
                )
            )
        return out

    def _care_plans(self, plan: _ChildPlan) -> list[Record]:
        """The first plan within 10 working days of the first placement, then a new version
        after the latest review."""
        codes = [code for code, _ in plan.statuses]
        place = plan.stays[-1].place if plan.stays else ""
        if "E1" in codes:
            wanted = "ADOPTION"
        elif codes[-1] in ("SGO", "CAO"):
            wanted = "SPECIAL_GUARDIANSHIP" if codes[-1] == "SGO" else "CHILD_ARRANGEMENTS"
        elif place in ("P1", "U1", "U3", "U4"):
            wanted = {"P1": "RETURN_HOME", "U4": "LONG_TERM_FOSTERING"}.get(place, "KINSHIP")
        else:
            wanted = self.rng.choice(("RETURN_HOME", "LONG_TERM_FOSTERING", "KINSHIP"))
        left_care = plan.order_date or self.today
        first = plan.looked_after_start + timedelta(days=self.rng.randint(0, 9))
        days = [first] if first <= self.today else []
        latest = plan.reviews.get("CHILD_LAC", [])
        if latest:
            days.append(min(self.after(latest[-1], 1, 10), left_care))
        return [
            CarePlan(
                child_id=plan.child.id,
                plan_date=day,
                status="finalised",
                permanence_plan=wanted,
                iro_name=self.rng.choice(IROS),
                summary="Plan agreed at the planning meeting; see the review decisions.",
            )
            for day in days
        ]

    def _review(self, plan: _ChildPlan, kind: str, day: date) -> Review:
        age = self.age_on(plan.child.date_of_birth, day)
        participation = None
        if kind == "CHILD_LAC":
            participation = (
                "PN0"
                if age < 4
                else self.rng.choices(
                    ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"), (40, 10, 5, 5, 20, 10, 10)
                )[0]
            )
        return Review(
            child_id=plan.child.id,
            kind=kind,
            review_date=day,
            chair=self.rng.choice(IROS),
            attendees="Child's social worker, carers, IRO",
            participation=participation,
            decisions=self.rng.choice(DECISIONS),
            status="finalised",
        )

    def _child_visits(self, plan: _ChildPlan) -> list[Record]:
        chosen = plan.candidates[: plan.visit_count]
        draft = None
        if plan.draft:
            # A visit made but not yet written up and signed off: it does not count yet.
            draft = (
                min(self.today, chosen[0][0] + timedelta(days=self.rng.randint(1, 20))),
                chosen[0][1],
            )
            chosen = chosen[:-1]
        out: list[Record] = []
        for day, kind in chosen:
            out.append(self._visit(plan, day, kind, final=True))
        if draft is not None:
            out.append(self._visit(plan, *draft, final=False))
        return out

    def _visit(self, plan: _ChildPlan, day: date, kind: str, *, final: bool) -> Visit:
        rng, child = self.rng, plan.child
        age = self.age_on(child.date_of_birth, day)
        band = "baby" if age < 3 else "young" if age < 11 else "teen"
        stay = next(
            (s for s in reversed(plan.stays) if s.start <= day and (s.end is None or day <= s.end)),
            None,
        )
        household = stay.household if stay else None
        name = child.preferred_name or child.given_name
        if household is not None:
            carer = household.carers[0]
            who = f"{name} and {carer.given_name} {carer.family_name} (carer)"
        elif stay is not None and stay.place == "P1":
            who = f"{name} and mum"
        else:
            who = f"{name} and key worker"
        child_visit = kind != "SGO_SUPPORT"
        seen_alone: bool | None = None
        reason = None
        if child_visit:
            seen_alone = age >= 3 and rng.random() < 0.93
            if not seen_alone:
                reason = "INAPPROPRIATE" if age < 3 else rng.choice(("CHILD_REFUSED", "UNABLE"))
        visit = Visit(
            child_id=child.id,
            household_id=household.household.id if household else None,
            visit_type=kind,
            visit_date=day,
            who_was_seen=who,
            seen_alone=seen_alone,
            not_seen_alone_reason=reason,
            observations=rng.choice(OBSERVATIONS[band]),
            wishes_and_feelings=""
            if band == "baby"
            else rng.choice(WISHES[band]).format(
                home="the carers" if household else "mum" if who.endswith("mum") else "the staff"
            ),
            wishes_not_gathered="TOO_YOUNG" if band == "baby" and child_visit else None,
            actions_agreed=rng.choice(ACTIONS_AGREED),
            status="finalised" if final else "draft",
        )
        if not final and rng.random() < 0.5:
            visit.seen_alone = None  # still being written up
        return visit

    # ---- households

    def finish_household(self, plan: _HouseholdPlan) -> None:
        """The household, its carers and their training, reviews, visits and notes."""
        rng, h = self.rng, plan.household
        out: list[Record] = [h, *plan.carers]
        fostering = h.carer_type in (
            "MAINSTREAM_FOSTER",
            "CONNECTED_PERSON",
            "FOSTERING_FOR_ADOPTION",
        )
        approved = h.approval_date
        first_carer = plan.carers[0]
        if approved is not None and h.carer_type == "MAINSTREAM_FOSTER":
            out.append(
                TrainingRecord(
                    household_id=h.id,
                    carer_id=first_carer.id,
                    kind="PREPARATION",
                    title="Skills to Foster",
                    completed_date=approved - timedelta(days=rng.randint(40, 200)),
                )
            )
        if approved is not None and fostering:
            # TSD within 12 months of approval (18 for connected persons); a few recently
            # approved carers are late.
            limit = 540 if h.carer_type == "CONNECTED_PERSON" else 365
            done = approved + timedelta(days=rng.randint(90, limit - 20))
            recent = (self.today - approved).days < 730
            if done <= self.today and not (recent and self.chance(0.08)) and not plan.late:
                out.append(
                    TrainingRecord(
                        household_id=h.id,
                        carer_id=first_carer.id,
                        kind="TSD",
                        title="TSD standards workbook",
                        completed_date=done,
                    )
                )
            if self.chance(0.5):
                out.append(
                    TrainingRecord(
                        household_id=h.id,
                        kind="COURSE",
                        title=rng.choice(
                            ("Safer caring", "Trauma-informed care", "Paediatric first aid")
                        ),
                        completed_date=self.after(approved, 30, 900),
                    )
                )
            for day in self._series(approved, _YEARLY, self.today, 0.04):
                out.append(
                    Review(
                        household_id=h.id,
                        kind="CARER_ANNUAL",
                        review_date=day,
                        chair="Fostering reviewing officer",
                        attendees="Carers, supervising social worker",
                        decisions="Approval continues on the same terms.",
                        status="finalised",
                    )
                )
            carer_reviews = [r for r in out if isinstance(r, Review)]
            out += self._review_actions(carer_reviews, chance=0.3)
        if fostering and h.approval_status in ("APPROVED", "TEMPORARY"):
            out += self._household_visits(plan)
        if self.chance(0.06):
            kind, subject, text = rng.choice(HOUSEHOLD_NOTES)
            out.append(
                CaseNote(
                    household_id=h.id,
                    kind=kind,
                    event_date=self.ago(0, 200),
                    subject=subject,
                    text=text,
                    status="finalised",
                )
            )
        plan.records = out

    def _household_visits(self, plan: _HouseholdPlan) -> list[Record]:
        h = plan.household
        began = h.approval_date or h.temporary_approval_date or self.today
        names = " and ".join(f"{c.given_name} {c.family_name}" for c in plan.carers)
        out: list[Record] = []
        day = self.ago(0, 40)
        for _ in range(self.rng.randint(2, 4)):  # supervision every month or two
            if day < began:
                break
            out.append(self._carer_visit(h, "SUPERVISING", day, names))
            day -= timedelta(days=self.rng.randint(25, 60))
        # At least one unannounced visit a year (NMS 21.8); a few households are late.
        day = self.ago(380, 420) if self.chance(0.04) else self.ago(10, 330)
        if plan.late:
            day = began
        if day >= began:
            out.append(self._carer_visit(h, "UNANNOUNCED", day, names))
        return out

    def _carer_visit(self, h: CarerHousehold, kind: str, day: date, names: str) -> Visit:
        return Visit(
            household_id=h.id,
            visit_type=kind,
            visit_date=day,
            who_was_seen=names,
            observations=self.rng.choice(
                (
                    "Home clean and welcoming; bedrooms checked. Carers well supported.",
                    "Discussed the children's routines and the carers' training plan.",
                    "Safer caring policy reviewed and signed. No concerns.",
                )
            ),
            status="finalised",
        )


def _provider(stay: _Stay) -> str:
    if stay.place == "P1":
        return "PR0"
    if stay.place == "K2":
        return "PR4"
    return "PR1"


def _scenario_order(rng: random.Random, children: int) -> list[Scenario]:
    """One child of each kind first (so every legal status shows), then the weighted mix."""
    first = list(SCENARIOS[: min(children, len(SCENARIOS))])
    rest = rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS], k=children - len(first))
    return first + rest


def _share_out_visits(rng: random.Random, plans: list[_ChildPlan], total: int) -> None:
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


def _choose_drafts(rng: random.Random, plans: list[_ChildPlan]) -> None:
    """About one child in thirty (at least one) has a visit written up but not yet signed off,
    so the demo shows drafts, which do not count towards deadlines until finalised."""
    eligible = [
        p
        for p in plans
        if p.visit_count >= 2 and p.order_date is None and p.candidates[0][1] != "SGO_SUPPORT"
    ]
    for plan in rng.sample(eligible, min(len(eligible), max(1, len(plans) // 30))):
        plan.draft = True


def _summary(plans: list[_ChildPlan], households: list[_HouseholdPlan]) -> DemoSummary:
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


def _applied(household: CarerHousehold, on: date) -> None:
    """An applicant's way so far: enquired a fortnight before applying, visited a week after."""
    household.approval_date = None
    household.enquiry_date = on - timedelta(days=14)
    household.initial_visit_date = on - timedelta(days=7)
    household.application_date = on
