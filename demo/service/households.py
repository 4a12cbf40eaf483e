"""The demo service's carer households, as a supervising social worker's records show them.

Every kind of carer the service approves (foster carers, family and friends carers, fostering
for adoption, adopters, special guardians) in the approval states a real register holds: mostly
approved, some applicants being assessed, a temporarily approved connected person (CPPCR 2010
reg 24) and a household on hold. What each household has follows the rules its kind of carer is
held to (resources/rules/deadlines.toml): foster carers and connected persons get supervising
visits, a yearly unannounced visit (NMS 21.8), the TSD standards (12 months from approval, 18
for family and friends carers) and an annual review (FS(E)R 2011 reg 28) with the actions it
agreed; adopters and special guardians do not.

Mostly on track, so the few households deliberately behind (``HouseholdPlan.tsd_late`` and
``unannounced_late``) stand out on the dashboard as they would in a real service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from demo.carers import ADULTS, KIN, VIABILITY_DAYS
from demo.carers import approval_type as fostering_type
from demo.service.writer import DemoWriter, signed
from server.models import UserAccount

#: Kinds of carer who foster: supervised, visited unannounced, held to the TSD standards and
#: reviewed every year.
FOSTERING = ("MAINSTREAM_FOSTER", "CONNECTED_PERSON", "FOSTERING_FOR_ADOPTION")
#: Approval states in which a household can have a child placed.
CAN_CARE = ("APPROVED", "TEMPORARY")
#: The TSD standards' deadline from approval, in days (12 months; 18 for connected persons).
TSD_DAYS = {"CONNECTED_PERSON": 540}
TSD_DAYS_DEFAULT = 365

#: Approval terms of family and friends carers: approved for the children they took in.
KIN_TERMS = "The named children only (family and friends placement)."
STREETS = ("Mill Lane", "Church Road", "Station Road", "Park Avenue", "Victoria Street")
SUPERVISION_NOTES = (
    "Home clean and welcoming; bedrooms checked. Carers feel well supported.",
    "Talked through the children's routines, school runs and the carers' training plan.",
    "Safer caring policy reviewed and signed. Smoke alarms tested. No concerns.",
    "Carers tired after a hard fortnight; respite weekend offered and accepted.",
    "Discussed family time arrangements and how the children are after each visit.",
)
UNANNOUNCED_NOTES = (
    "Called unannounced at teatime. Children relaxed and eating together with the carers; "
    "house warm and tidy, bedrooms as agreed. No concerns.",
    "Unannounced visit after school. Carer helping with homework; younger child napping. "
    "Medication locked away and recorded. No concerns.",
)
COURSES = ("Safer caring", "Trauma-informed care", "Paediatric first aid", "Managing allegations")
CARER_ACTIONS = (
    "Complete the safer caring refresher course",
    "Update the household's safer caring policy",
    "Book the carers' medicals for the next review",
    "Renew the DBS check for the carers' adult son",
    "Arrange a respite weekend before the summer holidays",
    "Finish the TSD standards workbook with the supervising social worker",
)
CARERS_VIEWS = (
    "The carers say it has been a rewarding year. They would like more notice of family time "
    "changes and some help with the school run on Wednesdays.",
    "The carers feel well supported by their supervising social worker and value the support "
    "group. They asked about training on helping children manage big feelings.",
)
CHILDREN_VIEWS = (
    "The children placed said they feel safe and like the food. The older child would like "
    "to choose the colour of their bedroom.",
    "The child placed gave their views through their social worker: happy living here and "
    "wants to keep going to football on Saturdays.",
)
AUTHORITY_VIEWS = (
    "The placing social workers report good communication and that the carers attend every "
    "meeting and review.",
    "The placing authority is pleased with the care given and has no concerns.",
)
RECOMMENDATIONS = (
    "Approval to continue on the same terms. Next review in twelve months.",
    "Approval to continue; the carers to complete the training agreed below before the next "
    "review.",
)


@dataclass(frozen=True)
class HouseholdPlan:
    """What kind of household to make and how it has kept to its rules."""

    carer_type: str
    status: str
    approval_date: date | None
    temporary_approval_date: date | None = None
    temporary_extension_until: date | None = None
    #: The TSD standards not done though the deadline has passed.
    tsd_late: bool = False
    #: The latest unannounced visit more than a year ago.
    unannounced_late: bool = False
    max_children: int = 2
    terms: str = "Up to two children, boys or girls, aged 0 to 17."
    #: A prospective household's first enquiry (``ENQUIRY`` status: nothing more recorded yet).
    enquiry_date: date | None = None


@dataclass
class Household:
    """A household as written, for placing children and writing about it."""

    household_id: uuid.UUID
    owner: UserAccount
    plan: HouseholdPlan
    family: str
    carers: list[tuple[uuid.UUID, str]] = field(default_factory=list)

    @property
    def subject(self) -> tuple[str, uuid.UUID]:
        return ("carer_household", self.household_id)

    @property
    def names(self) -> str:
        return " and ".join(name for _id, name in self.carers)

    @property
    def can_care(self) -> bool:
        return self.plan.carer_type in FOSTERING and self.plan.status in CAN_CARE


def random_plan(w: DemoWriter) -> HouseholdPlan:
    """A household of the register's usual mix (most approved foster carers)."""
    rng = w.rng
    kind, status = rng.choices(
        (
            ("MAINSTREAM_FOSTER", "APPROVED"),
            ("CONNECTED_PERSON", "APPROVED"),
            ("CONNECTED_PERSON", "TEMPORARY"),
            ("FOSTERING_FOR_ADOPTION", "APPROVED"),
            ("ADOPTER", "APPROVED"),
            ("SPECIAL_GUARDIAN", "APPROVED"),
            ("MAINSTREAM_FOSTER", "APPLICANT"),
            ("MAINSTREAM_FOSTER", "ON_HOLD"),
        ),
        (40, 12, 4, 4, 5, 5, 4, 1),
    )[0]
    if status == "APPLICANT":
        return HouseholdPlan(kind, status, None, terms="")
    if status == "TEMPORARY":
        temporary = w.past(100, 5)
        extension = temporary + timedelta(weeks=24) if w.chance(0.3) else None
        return HouseholdPlan(kind, status, None, temporary, extension, terms=KIN_TERMS)
    approved = w.past(2500, 60)
    # A connected person is approved temporarily (reg 24) first, fully some months later.
    reg24 = approved - timedelta(days=rng.randint(90, 160)) if kind == "CONNECTED_PERSON" else None
    if kind in ("ADOPTER", "FOSTERING_FOR_ADOPTION"):
        return HouseholdPlan(kind, status, approved, max_children=1, terms="One child aged 0 to 4.")
    if kind != "MAINSTREAM_FOSTER":
        return HouseholdPlan(kind, status, approved, reg24, terms=KIN_TERMS)
    places = rng.choice((1, 2, 2, 3))
    return HouseholdPlan(
        kind,
        status,
        approved,
        max_children=places,
        terms=f"Up to {places} children, boys or girls, aged 0 to 17.",
    )


def write_household(
    w: DemoWriter,
    owner: UserAccount,
    plan: HouseholdPlan,
    *,
    family: str,
    address: str,
    carers: list[tuple[str, str]] | None = None,
) -> Household:
    """The household, its carers (given name, relationship to the child) and everything the
    plan says it has done: training, visits, annual reviews and their actions."""
    rng = w.rng
    hid = w.new_id()
    household = Household(hid, owner, plan, family)
    w.allocate(household.subject, owner)
    w.write(
        "carer_household",
        {
            "name": f"The {family} household",
            "carer_type": plan.carer_type,
            "approval_status": plan.status,
            "approval_date": _iso(plan.approval_date),
            "temporary_approval_date": _iso(plan.temporary_approval_date),
            "temporary_extension_until": _iso(plan.temporary_extension_until),
            "approval_type": approval_type(plan, hid),
            "approval_terms": plan.terms,
            "age_range_min": 0,
            "age_range_max": 4 if plan.max_children == 1 else 17,
            "max_children": plan.max_children,
            "address": address,
            "supervising_worker": owner.username,
            **_stages(w, plan),
        },
        owner,
        household.subject,
        hid,
    )
    kin = plan.carer_type not in ("MAINSTREAM_FOSTER", "ADOPTER", "FOSTERING_FOR_ADOPTION")
    if carers is None:
        relationship = rng.choice(KIN) if kin else ""
        carers = [(rng.choice(ADULTS), relationship) for _ in range(1 if w.chance(0.35) else 2)]
    for given, relationship in carers:
        # A grandparent is of a grandparent's age; other carers are 27 to 66.
        oldest, youngest = (76, 50) if "grand" in relationship.lower() else (66, 27)
        carer_id = w.write(
            "carer",
            {
                "household_id": str(hid),
                "given_name": given,
                "family_name": family,
                "date_of_birth": w.past(oldest * 365, youngest * 365).isoformat(),
                "relationship_to_child": relationship,
            },
            owner,
            household.subject,
        )
        household.carers.append((carer_id, f"{given} {family}"))
    _training(w, household)
    if household.can_care:
        _visits(w, household)
    _annual_reviews(w, household)
    return household


def approval_type(plan: HouseholdPlan, household_id: uuid.UUID) -> str | None:
    """The type of fostering an approved fostering household is approved for (None for one not
    yet approved, or not a fostering household): what the agency decision maker's approval
    records (``app.carer_pipeline.decision_changes``) and the carer register matches on."""
    if plan.approval_date is None:
        return None
    return fostering_type(plan.carer_type, household_id.int)


def carer_review_decisions(
    *,
    panel: bool,
    carers_views: str,
    children_views: str,
    authorities_views: str,
    recommendation: str,
) -> str:
    """A foster carer annual review's considerations under the headings the laptop's review
    form reads them back from (``app.services.carer_review.carer_parts``): continued
    suitability, the terms of approval, whether it goes to panel, then the views of the
    carers, the children placed and the placing authorities, and the recommendation."""
    to_panel = "goes" if panel else "does not go"
    return (
        "Continued suitability: The carers and their household continue to be suitable.\n"
        "Terms of approval: The terms of approval remain appropriate.\n"
        f"Fostering panel: The review {to_panel} to the fostering panel.\n\n"
        f"Carers' views:\n{carers_views}\n\n"
        f"Views of children placed (as their age and understanding allow):\n{children_views}\n\n"
        f"Views of the authorities that placed children in the last year:\n{authorities_views}"
        f"\n\nRecommendation and other decisions:\n{recommendation}"
    )


def write_action(
    w: DemoWriter,
    author: UserAccount,
    subject: tuple[str, uuid.UUID],
    description: str,
    *,
    owner: str,
    due: date,
    completed: date | None,
    review_id: uuid.UUID,
    child_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """An action agreed at a review (``source_type="review"``), as the review form stores it."""
    return w.write(
        "action",
        {
            "description": description,
            "owner": owner,
            "due_date": due.isoformat(),
            "completed_date": completed.isoformat() if completed else None,
            "source_type": "review",
            "source_id": str(review_id),
            "child_id": str(child_id) if child_id else None,
            "household_id": str(household_id) if household_id else None,
        },
        author,
        subject,
    )


# ---- Private API


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _training(w: DemoWriter, h: Household) -> None:
    plan, rng = h.plan, w.rng
    first_carer = str(h.carers[0][0])
    approved = plan.approval_date
    began = approved or plan.temporary_approval_date

    def record(kind: str, title: str, day: date, carer: str | None, notes: str = "") -> None:
        w.write(
            "training_record",
            {
                "household_id": str(h.household_id),
                "carer_id": carer,
                "kind": kind,
                "title": title,
                "completed_date": day.isoformat(),
                "notes": notes,
            },
            h.owner,
            h.subject,
        )

    if approved is not None and plan.carer_type in ("MAINSTREAM_FOSTER", "FOSTERING_FOR_ADOPTION"):
        record(
            "PREPARATION",
            "Skills to Foster",
            approved - timedelta(days=rng.randint(40, 200)),
            first_carer,
        )
    if plan.carer_type == "CONNECTED_PERSON" and began is not None:
        record(
            "INDUCTION",
            "Induction for family and friends carers",
            min(w.today, began + timedelta(days=rng.randint(5, 14))),
            first_carer,
        )
    if approved is None or plan.carer_type not in FOSTERING or plan.status != "APPROVED":
        return
    limit = TSD_DAYS.get(plan.carer_type, TSD_DAYS_DEFAULT)
    since = (w.today - approved).days
    if not plan.tsd_late and since > 90:
        done = approved + timedelta(days=rng.randint(90, min(limit - 20, since)))
        for carer_id, _name in h.carers:
            record(
                "TSD",
                "TSD standards workbook",
                done,
                str(carer_id),
                "Workbook signed off by the supervising social worker.",
            )
    if since > 60 and w.chance(0.6):
        record(
            "COURSE",
            rng.choice(COURSES),
            approved + timedelta(days=rng.randint(30, since)),
            None,
        )


def _visits(w: DemoWriter, h: Household) -> None:
    """Supervision every month or two, and an unannounced visit within the year (NMS 21.8)."""
    rng = w.rng
    began = h.plan.approval_date or h.plan.temporary_approval_date or w.today
    day = w.past(40, 5) if (w.today - began).days > 40 else w.today - timedelta(days=1)
    for _ in range(rng.randint(2, 4)):
        if day <= began:
            break
        _visit(w, h, "SUPERVISING", day, rng.choice(SUPERVISION_NOTES))
        day -= timedelta(days=rng.randint(25, 60))
    since = (w.today - began).days
    if h.plan.unannounced_late:
        day = w.today - timedelta(days=min(since, rng.randint(390, 430)))
    else:
        day = w.today - timedelta(days=rng.randint(1, max(1, min(since, 330))))
    if day >= began:
        _visit(w, h, "UNANNOUNCED", day, rng.choice(UNANNOUNCED_NOTES))


def _visit(w: DemoWriter, h: Household, kind: str, day: date, notes: str) -> None:
    w.write(
        "visit",
        {
            "visit_type": kind,
            "visit_date": day.isoformat(),
            "who_was_seen": h.names,
            "seen_alone": None,
            "not_seen_alone_reason": None,
            "wishes_and_feelings": "",
            "observations": notes,
            "actions_agreed": "",
            "welfare_concern": False,
            **signed(day, h.owner),
            "child_id": None,
            "household_id": str(h.household_id),
        },
        h.owner,
        h.subject,
    )


def _annual_reviews(w: DemoWriter, h: Household) -> None:
    """A review within each year of approval; the first always goes to the fostering panel."""
    plan, rng = h.plan, w.rng
    approved = plan.approval_date
    if approved is None or plan.carer_type not in FOSTERING or plan.status != "APPROVED":
        return
    day = approved + timedelta(days=rng.randint(320, 360))
    latest: tuple[uuid.UUID, date] | None = None
    first = True
    while day <= w.today:
        review_id = w.write(
            "review",
            {
                "kind": "CARER_ANNUAL",
                "review_date": day.isoformat(),
                "chair": "Fostering independent reviewing officer",
                "attendees": f"{h.names} (carers); supervising social worker",
                "participation": None,
                "decisions": carer_review_decisions(
                    panel=first or w.chance(0.2),
                    carers_views=rng.choice(CARERS_VIEWS),
                    children_views=rng.choice(CHILDREN_VIEWS),
                    authorities_views=rng.choice(AUTHORITY_VIEWS),
                    recommendation=rng.choice(RECOMMENDATIONS),
                ),
                "visit_interval_weeks": None,
                **signed(day, h.owner),
                "child_id": None,
                "household_id": str(h.household_id),
            },
            h.owner,
            h.subject,
        )
        latest, first = (review_id, day), False
        day += timedelta(days=rng.randint(330, 362))
    if latest is not None:
        review_id, review_day = latest
        texts = rng.sample(CARER_ACTIONS, rng.choice((1, 2, 2, 3)))
        owners = ("Carers", h.owner.display_name, "Carers")
        for n, text in enumerate(texts):
            due = review_day + timedelta(days=rng.randint(30, 150))
            done = (
                due - timedelta(days=rng.randint(0, 20))
                if due <= w.today and w.chance(0.7)
                else None
            )
            write_action(
                w,
                h.owner,
                h.subject,
                text,
                owner=owners[n],
                due=due,
                completed=max(review_day, done) if done else None,
                review_id=review_id,
                household_id=h.household_id,
            )


def _stages(w: DemoWriter, plan: HouseholdPlan) -> dict[str, str | None]:
    """A prospective household's way so far, as ``app.carer_pipeline`` records it: an enquiry
    (``start_enquiry``) is only its first day; a connected person temporarily approved
    (``start_connected``) has their viability assessment as their application; an applicant
    has enquired, been visited and applied, with stage 1 of the assessment due about now. Fixed
    days, not the random source, so the rest of the demo stays as it was."""
    if plan.status == "ENQUIRY":
        return {"enquiry_date": _iso(plan.enquiry_date)}
    if plan.status == "TEMPORARY" and plan.temporary_approval_date is not None:
        viability = plan.temporary_approval_date - timedelta(days=VIABILITY_DAYS)
        return {"application_date": _iso(viability)}
    if plan.status != "APPLICANT":
        return {}
    return {
        "enquiry_date": _iso(w.ago(74)),
        "initial_visit_date": _iso(w.ago(67)),
        "application_date": _iso(w.ago(60)),
    }
