"""The demo laptop's worker's own cases (``worker11``, whose laptop ``make run`` registers): one
of each thing the permanency workflow shows, set up on purpose rather than left to chance, so
every tab has something in it however few children the demo is built with.

As in a permanency team, the worker holds children and the kinship households around them:

- a child who came into care seven weeks ago, with an asset-based assessment finalised and
  approved by the team's manager, and a first looked-after review whose actions are done,
  overdue and due this fortnight;
- a child with an assessment still in draft, part-way through;
- a child in a long-term family and friends placement whose older assessment was made with
  version 1 of the form;
- a child placed three weeks ago with grandparents temporarily approved as connected persons
  (CPPCR 2010 reg 24), visited weekly;
- a child with an aunt and uncle approved twenty months ago who have not yet done the TSD
  standards (due within 18 months);
- the family friend whose unannounced visit is more than a year old (NMS 21.8);
- a child now under a special guardianship order to grandparents, with the guardians' support
  plan and a special guardianship support review with its actions;
- applicants to foster, part-way through their assessment;
- a household that enquired about fostering four days ago, their initial visit due within ten
  working days, to take from enquiry to approval in the app;
- the grandparents above, whose full assessment (Form C) goes on from their viability
  assessment while they are temporarily approved, to take through the connected-person route;
- a child who went home nine days ago when her care order was discharged (E4A), in support
  after return (``demo.service.return_home``).
"""

from __future__ import annotations

from datetime import date, timedelta

from demo.service.households import (
    KIN_TERMS,
    STREETS,
    Household,
    HouseholdPlan,
    write_household,
)
from demo.service.records import (
    Child,
    child_review,
    review_actions,
    write_assessment,
    write_child,
)
from demo.service.return_home import returned_home_child
from demo.service.writer import DemoWriter
from server.models import UserAccount

#: How many children ``showcase`` writes.
SHOWCASE_CHILDREN = 7
SGO_ACTIONS = (
    "Confirm the special guardianship allowance for the coming year",
    "Book the guardians a place on the kinship carers' group",
)
SGO_DECISIONS = (
    "The support plan continues to meet the family's needs. Family time with mum is going well "
    "at the family centre and moves to every three weeks. The allowance continues, reviewed "
    "on the annual statement."
)


def showcase(
    w: DemoWriter, worker: UserAccount, manager: UserAccount, foster_homes: list[Household]
) -> list[Child]:
    """Write the worker's showcase cases; ``foster_homes`` are approved mainstream foster
    carers (another team's) who can take a child. Returns the children written."""

    def household(family: str, plan: HouseholdPlan, carers: list[tuple[str, str]]) -> Household:
        address = f"{w.rng.randint(1, 120)} {w.rng.choice(STREETS)}, Fennbridge"
        return write_household(w, worker, plan, family=family, address=address, carers=carers)

    grandparents = household(
        "Okafor",
        HouseholdPlan(
            "CONNECTED_PERSON",
            "TEMPORARY",
            None,
            temporary_approval_date=w.ago(21),
            terms=KIN_TERMS,
        ),
        [("Grace", "Maternal grandmother"), ("Emeka", "Maternal grandfather")],
    )
    aunt = household(
        "Whitfield",
        HouseholdPlan(
            "CONNECTED_PERSON",
            "APPROVED",
            w.ago(610),
            temporary_approval_date=w.ago(740),
            tsd_late=True,
            terms=KIN_TERMS,
        ),
        [("Paula", "Paternal aunt"), ("Dean", "Paternal uncle")],
    )
    friend = household(
        "Hollis",
        HouseholdPlan(
            "CONNECTED_PERSON",
            "APPROVED",
            w.ago(1150),
            temporary_approval_date=w.ago(1275),
            unannounced_late=True,
            terms=KIN_TERMS,
        ),
        [("Denise", "Family friend")],
    )
    guardians = household(
        "Begum",
        HouseholdPlan(
            "SPECIAL_GUARDIAN",
            "APPROVED",
            w.ago(420),
            terms="The named children only (special guardianship order).",
        ),
        [("Parveen", "Maternal grandmother"), ("Tariq", "Maternal grandfather")],
    )
    applicants = household(
        "Ashdown",
        HouseholdPlan("MAINSTREAM_FOSTER", "APPLICANT", None, terms=""),
        [("Gemma", ""), ("Stuart", "")],
    )

    def foster_home() -> Household:
        return w.rng.choice(foster_homes)

    new_in_care = write_child(
        w,
        worker,
        family="Marsh",
        born=_born(w, 9, 100),
        entered=w.ago(55),
        legal=[("C1", w.ago(55))],
        household=foster_home(),
        placement_type="U6",
        plan="LONG_TERM_FOSTERING",
    )
    review_actions(w, new_in_care, states=("done", "overdue", "soon"))
    write_assessment(w, "approved_asset_based", worker, child=new_in_care, approver=manager)

    settled = write_child(
        w,
        worker,
        family="Fletcher",
        born=_born(w, 8, 40),
        entered=w.ago(700),
        legal=[("C1", w.ago(700)), ("C2", w.ago(580))],
        household=foster_home(),
        placement_type="U4",
        plan="LONG_TERM_FOSTERING",
    )
    review_actions(w, settled, states=("done", "overdue", "upcoming"))
    write_assessment(w, "draft_asset_based", worker, child=settled)

    long_term = write_child(
        w,
        worker,
        family="Doyle",
        born=_born(w, 11, 200),
        entered=w.ago(1275),
        legal=[("C1", w.ago(1275)), ("C2", w.ago(1150))],
        household=friend,
        placement_type="U1",
        plan="KINSHIP",
    )
    review_actions(w, long_term, states=("done", "upcoming"))
    write_assessment(w, "first_version_asset_based", worker, child=long_term)

    kinship = write_child(
        w,
        worker,
        family="Okafor",
        born=_born(w, 4, 60),
        entered=w.ago(21),
        legal=[("C1", w.ago(21))],
        household=grandparents,
        placement_type="U3",
        plan="KINSHIP",
        visit_every=7,
    )

    with_aunt = write_child(
        w,
        worker,
        family="Whitfield",
        born=_born(w, 13, 10),
        entered=w.ago(760),
        legal=[("V2", w.ago(760)), ("C2", w.ago(650))],
        household=aunt,
        placement_type="U1",
        plan="KINSHIP",
    )
    review_actions(w, with_aunt, states=("done", "soon"))

    order = w.ago(420)
    under_order = write_child(
        w,
        worker,
        family="Begum",
        born=_born(w, 7, 150),
        entered=w.ago(1200),
        legal=[("C1", w.ago(1200)), ("C2", w.ago(1050)), ("SGO", order)],
        left_care=(order, "E45"),
        household=guardians,
        placement_type="U3",
        plan="SPECIAL_GUARDIANSHIP",
    )
    support_review = w.ago(45)
    under_order.reviews.append(
        (
            child_review(
                w,
                under_order,
                "SGO_SUPPORT",
                support_review,
                household=guardians,
                decisions=SGO_DECISIONS,
            ),
            support_review,
        )
    )
    review_actions(w, under_order, states=("done", "upcoming"), texts=SGO_ACTIONS)
    write_assessment(w, "special_guardians_support_plan", worker, household=guardians)
    write_assessment(w, "applicant_household_summary", worker, household=applicants)
    household(
        "Adeyemi",
        HouseholdPlan("MAINSTREAM_FOSTER", "ENQUIRY", None, terms="", enquiry_date=w.ago(4)),
        [("Tunde", ""), ("Ngozi", "")],
    )
    gone_home = returned_home_child(w, worker, manager, foster_home(), _born(w, 8, 75))
    return [new_in_care, settled, long_term, kinship, with_aunt, under_order, gone_home]


def _born(w: DemoWriter, years: int, days: int) -> date:
    """The birthday of someone ``years`` years and ``days`` days old today."""
    try:
        birthday = w.today.replace(year=w.today.year - years)
    except ValueError:  # 29 February
        birthday = w.today.replace(year=w.today.year - years, day=28)
    return birthday - timedelta(days=days)
