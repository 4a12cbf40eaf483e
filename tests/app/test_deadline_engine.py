"""Worked examples: a child's or household's circumstances → what is due next, and when."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from app.deadlines.engine import DueItem, Status, evaluate_child, evaluate_household
from app.deadlines.facts import ChildFacts, HouseholdFacts, PlacementFacts, ReviewFact
from app.deadlines.rules import load

CHILD = uuid.uuid4()
HOUSEHOLD = uuid.uuid4()


def child(**kw: Any) -> ChildFacts:
    values: dict[str, Any] = {
        "child_id": CHILD,
        "legal_status": "C2",
        "legal_status_start": date(2026, 3, 2),
        "looked_after": True,
        "looked_after_start": date(2026, 3, 2),
        "first_placement_start": date(2026, 3, 2),
    }
    values.update(kw)
    return ChildFacts(**values)


def placed(kind: str = "U6", start: date = date(2026, 3, 2), *flags: str) -> PlacementFacts:
    return PlacementFacts(kind, start, frozenset(flags))


def due(facts: ChildFacts | HouseholdFacts, today: date, obligation: str) -> DueItem:
    items = (
        evaluate_child(facts, today, load())
        if isinstance(facts, ChildFacts)
        else evaluate_household(facts, today, load())
    )
    found = [i for i in items if i.obligation == obligation]
    assert len(found) == 1, items
    return found[0]


LAC = {"CHILD_LAC": (ReviewFact(date(2026, 3, 25)),)}

VISITS: list[tuple[str, ChildFacts, date, date, Status, str]] = [
    (
        "placement with no visit yet: first visit within a week",
        child(placement=placed()),
        date(2026, 3, 5),
        date(2026, 3, 9),
        Status.DUE_SOON,
        "V1",
    ),
    (
        "first visit missed",
        child(placement=placed()),
        date(2026, 3, 12),
        date(2026, 3, 9),
        Status.OVERDUE,
        "V1",
    ),
    (
        "first year: six weeks after the last visit",
        child(placement=placed(), last_visit=date(2026, 3, 6)),
        date(2026, 3, 10),
        date(2026, 4, 17),
        Status.UPCOMING,
        "V2",
    ),
    (
        "a visit before this placement does not count",
        child(placement=placed("U6", date(2026, 6, 1)), last_visit=date(2026, 5, 20)),
        date(2026, 6, 2),
        date(2026, 6, 8),
        Status.DUE_SOON,
        "V1",
    ),
    (
        "over a year, intended until 18: three months",
        child(
            placement=placed("U4", date(2024, 1, 8), "intended_until_18"),
            last_visit=date(2026, 1, 10),
        ),
        date(2026, 2, 1),
        date(2026, 4, 10),
        Status.UPCOMING,
        "V3",
    ),
    (
        "over a year, long-term and the child agrees: six months",
        child(
            placement=placed(
                "U4",
                date(2024, 1, 8),
                "intended_until_18",
                "long_term_designated",
                "child_agrees_less_frequent_visits",
            ),
            last_visit=date(2026, 1, 10),
        ),
        date(2026, 2, 1),
        date(2026, 7, 10),
        Status.UPCOMING,
        "V5",
    ),
    (
        "over a year, otherwise: six weeks",
        child(placement=placed("U6", date(2024, 1, 8)), last_visit=date(2026, 1, 10)),
        date(2026, 2, 1),
        date(2026, 2, 21),
        Status.UPCOMING,
        "V4",
    ),
    (
        "connected person, temporarily approved, before the first review: weekly",
        child(placement=placed("U3"), household_temporary=True, last_visit=date(2026, 3, 6)),
        date(2026, 3, 10),
        date(2026, 3, 13),
        Status.DUE_SOON,
        "V7a",
    ),
    (
        "connected person after the first review: four-weekly",
        child(
            placement=placed("U3"),
            household_temporary=True,
            last_visit=date(2026, 3, 27),
            reviews=LAC,
        ),
        date(2026, 3, 30),
        date(2026, 4, 24),
        Status.UPCOMING,
        "V7c",
    ),
    (
        "interim care order living at home: weekly until the first review",
        child(legal_status="C1", placement=placed("P1"), last_visit=date(2026, 3, 6)),
        date(2026, 3, 10),
        date(2026, 3, 13),
        Status.DUE_SOON,
        "V7b",
    ),
    (
        "placed with parents before assessment: weekly",
        child(
            placement=placed("P1", date(2026, 3, 2), "before_assessment_complete"),
            last_visit=date(2026, 3, 4),
        ),
        date(2026, 3, 5),
        date(2026, 3, 11),
        Status.DUE_SOON,
        "V6a",
    ),
    (
        "care order made while at home: within a week of the order",
        child(
            legal_status_start=date(2026, 5, 4),
            placement=placed("P1", date(2025, 1, 6)),
            last_visit=date(2026, 4, 20),
        ),
        date(2026, 5, 5),
        date(2026, 5, 11),
        Status.DUE_SOON,
        "V8",
    ),
    (
        "tie: a connected-person placement's first visit is reg 28(4)'s weekly visit, not V1",
        child(placement=placed("U3", date(2026, 3, 2)), household_temporary=True),
        date(2026, 3, 3),
        date(2026, 3, 9),
        Status.DUE_SOON,
        "V7a",
    ),
    (
        "tie: placed at home on the day the care order is made is reg 28(5), not V1",
        child(legal_status_start=date(2026, 3, 2), placement=placed("P1", date(2026, 3, 2))),
        date(2026, 3, 3),
        date(2026, 3, 9),
        Status.DUE_SOON,
        "V8",
    ),
    (
        "care order at home after the first visit: six weeks under reg 28(5), not V2",
        child(
            legal_status_start=date(2026, 3, 2),
            placement=placed("P1", date(2026, 3, 2)),
            last_visit=date(2026, 3, 6),
        ),
        date(2026, 3, 10),
        date(2026, 4, 17),
        Status.UPCOMING,
        "V8b",
    ),
    (
        "placed for adoption: weekly until the first adoption review",
        child(
            legal_status="E1", placement=placed("A5", date(2026, 2, 2)), last_visit=date(2026, 2, 5)
        ),
        date(2026, 2, 6),
        date(2026, 2, 12),
        Status.DUE_SOON,
        "A1b",
    ),
    (
        "placed for adoption: the review sets the frequency",
        child(
            legal_status="E1",
            placement=placed("A5", date(2026, 2, 2)),
            last_visit=date(2026, 3, 5),
            reviews={"ADOPTION_PLACEMENT": (ReviewFact(date(2026, 3, 1), 3),)},
        ),
        date(2026, 3, 6),
        date(2026, 3, 26),
        Status.UPCOMING,
        "A1c",
    ),
    (
        "placed for adoption: no frequency recorded falls back to six weeks",
        child(
            legal_status="E1",
            placement=placed("A5", date(2026, 2, 2)),
            last_visit=date(2026, 3, 5),
            reviews={"ADOPTION_PLACEMENT": (ReviewFact(date(2026, 3, 1)),)},
        ),
        date(2026, 3, 6),
        date(2026, 4, 16),
        Status.UPCOMING,
        "A1c",
    ),
]


@pytest.mark.parametrize(
    ("name", "facts", "today", "when", "status", "ref"), VISITS, ids=[v[0] for v in VISITS]
)
def test_statutory_visit_examples(
    name: str, facts: ChildFacts, today: date, when: date, status: Status, ref: str
) -> None:
    """The next statutory visit is due on the date the regulation gives, with its status."""
    item = due(facts, today, "child_visit")
    assert (item.due, item.status, item.rule_ref) == (when, status, ref)
    assert item.regulation == next(r.regulation for r in load().rules if r.ref == ref)


def test_tied_rules_show_the_specific_regulation() -> None:
    """Where the default rule gives the same date, the worker sees the regulation that
    governs the case: reg 28(4) for a connected person, reg 28(5) for a care order at home."""
    connected = due(
        child(placement=placed("U3"), household_temporary=True), date(2026, 3, 3), "child_visit"
    )
    at_home = due(child(placement=placed("P1")), date(2026, 3, 3), "child_visit")
    assert connected.regulation == "CPPCR 2010 reg 28(4)"
    assert at_home.regulation == "CPPCR 2010 reg 28(5)"
    # The default still applies where nothing more specific does.
    assert due(child(placement=placed("U6")), date(2026, 3, 3), "child_visit").regulation == (
        "CPPCR 2010 reg 28(2)(a)"
    )


REVIEWS: list[tuple[str, ChildFacts, date, str, date, str]] = [
    (
        "first review within 20 working days of becoming looked after",
        child(looked_after_start=date(2026, 12, 17), placement=placed("U6", date(2026, 12, 17))),
        date(2026, 12, 18),
        "child_review",
        date(2027, 1, 19),
        "R1",
    ),
    (
        "second review within three months of the first",
        child(placement=placed(), reviews={"CHILD_LAC": (ReviewFact(date(2026, 3, 25)),)}),
        date(2026, 4, 1),
        "child_review",
        date(2026, 6, 25),
        "R2",
    ),
    (
        "later reviews within six months",
        child(
            placement=placed(),
            reviews={"CHILD_LAC": (ReviewFact(date(2026, 3, 25)), ReviewFact(date(2026, 6, 20)))},
        ),
        date(2026, 7, 1),
        "child_review",
        date(2026, 12, 20),
        "R3",
    ),
    (
        "a welfare concern at a visit brings the review forward",
        child(
            placement=placed(),
            last_visit=date(2026, 7, 2),
            last_welfare_concern=date(2026, 7, 2),
            reviews={"CHILD_LAC": (ReviewFact(date(2026, 3, 25)), ReviewFact(date(2026, 6, 20)))},
        ),
        date(2026, 7, 3),
        "child_review",
        date(2026, 7, 2),
        "R4",
    ),
    (
        "adoption placement: first review within four weeks",
        child(legal_status="E1", placement=placed("A5", date(2026, 2, 2))),
        date(2026, 2, 3),
        "adoption_review",
        date(2026, 3, 2),
        "A2a",
    ),
    (
        "placement order, not yet placed: review within three months",
        child(legal_status="E1", legal_status_start=date(2026, 1, 12), placement=placed("U6")),
        date(2026, 3, 3),
        "adoption_review",
        date(2026, 4, 12),
        "A3a",
    ),
    (
        "care plan within ten working days of the first placement",
        child(placement=placed()),
        date(2026, 3, 3),
        "care_plan",
        date(2026, 3, 16),
        "P1",
    ),
    (
        "special guardianship: support review at least yearly",
        child(
            legal_status="SGO",
            legal_status_start=date(2025, 6, 1),
            looked_after=False,
            looked_after_start=None,
            first_placement_start=None,
        ),
        date(2026, 5, 1),
        "sgo_support_review",
        date(2026, 6, 1),
        "S1",
    ),
    (
        "special guardianship: a year after the support plan was agreed",
        child(
            legal_status="SGO",
            legal_status_start=date(2025, 6, 1),
            looked_after=False,
            looked_after_start=None,
            first_placement_start=None,
            support_plan_agreed=date(2025, 7, 15),
        ),
        date(2026, 5, 1),
        "sgo_support_review",
        date(2026, 7, 15),
        "S1",
    ),
    (
        "special guardianship: a review after the plan restarts the year",
        child(
            legal_status="SGO",
            legal_status_start=date(2025, 6, 1),
            looked_after=False,
            looked_after_start=None,
            first_placement_start=None,
            support_plan_agreed=date(2025, 7, 15),
            reviews={"SGO_SUPPORT": (ReviewFact(date(2026, 2, 10)),)},
        ),
        date(2026, 5, 1),
        "sgo_support_review",
        date(2027, 2, 10),
        "S1",
    ),
    (
        "special guardianship: a plan revised after the last review restarts the year",
        child(
            legal_status="SGO",
            legal_status_start=date(2025, 6, 1),
            looked_after=False,
            looked_after_start=None,
            first_placement_start=None,
            support_plan_agreed=date(2026, 4, 20),
            reviews={"SGO_SUPPORT": (ReviewFact(date(2026, 2, 10)),)},
        ),
        date(2026, 5, 1),
        "sgo_support_review",
        date(2027, 4, 20),
        "S1",
    ),
]


@pytest.mark.parametrize(
    ("name", "facts", "today", "obligation", "when", "ref"), REVIEWS, ids=[r[0] for r in REVIEWS]
)
def test_review_and_plan_examples(
    name: str, facts: ChildFacts, today: date, obligation: str, when: date, ref: str
) -> None:
    """Reviews and plans fall due on the regulation's date, counting working days right."""
    item = due(facts, today, obligation)
    assert (item.due, item.rule_ref) == (when, ref)


def test_a_status_change_inside_care_does_not_restart_the_review_clock() -> None:
    """Reviews are counted over the whole looked-after spell; met obligations show as done."""
    facts = child(
        placement=placed(),
        care_plan_dates=(date(2026, 3, 10),),
        reviews={"CHILD_LAC": (ReviewFact(date(2026, 3, 25)),)},
    )
    assert due(facts, date(2026, 4, 1), "care_plan").status is Status.DONE
    assert due(facts, date(2026, 4, 1), "care_plan").last_done == date(2026, 3, 10)


def test_children_not_looked_after_have_no_looked_after_duties() -> None:
    """A child on an SGO has no statutory visits or LAC reviews; only SGO support reviews."""
    facts = child(
        legal_status="SGO",
        legal_status_start=date(2025, 6, 1),
        looked_after=False,
        looked_after_start=None,
        first_placement_start=None,
        placement=placed("U1"),
    )
    obligations = {i.obligation for i in evaluate_child(facts, date(2026, 1, 1), load())}
    assert obligations == {"sgo_support_review"}


def household(**kw: Any) -> HouseholdFacts:
    values: dict[str, Any] = {
        "household_id": HOUSEHOLD,
        "carer_type": "MAINSTREAM_FOSTER",
        "approval_status": "APPROVED",
        "approval_date": date(2025, 1, 10),
    }
    values.update(kw)
    return HouseholdFacts(**values)


HOUSEHOLDS: list[tuple[str, HouseholdFacts, str, date, str]] = [
    (
        "first carer review within a year of approval",
        household(),
        "carer_review",
        date(2026, 1, 10),
        "F1",
    ),
    (
        "annual reviews after that",
        household(reviews={"CARER_ANNUAL": (ReviewFact(date(2025, 12, 1)),)}),
        "carer_review",
        date(2026, 12, 1),
        "F2",
    ),
    ("TSD within 12 months for mainstream carers", household(), "tsd", date(2026, 1, 10), "F3a"),
    (
        "TSD within 18 months for family and friends carers",
        household(carer_type="CONNECTED_PERSON"),
        "tsd",
        date(2026, 7, 10),
        "F3b",
    ),
    (
        "an unannounced visit every year",
        household(last_unannounced_visit=date(2025, 9, 3)),
        "unannounced_visit",
        date(2026, 9, 3),
        "F4",
    ),
    (
        "temporary approval lasts 16 weeks",
        household(
            carer_type="CONNECTED_PERSON",
            approval_status="TEMPORARY",
            approval_date=None,
            temporary_approval_date=date(2026, 1, 5),
        ),
        "temporary_approval_expiry",
        date(2026, 4, 27),
        "T1",
    ),
    (
        "an extension replaces the 16-week end date",
        household(
            carer_type="CONNECTED_PERSON",
            approval_status="TEMPORARY",
            approval_date=None,
            temporary_approval_date=date(2026, 1, 5),
            temporary_extension_until=date(2026, 6, 22),
        ),
        "temporary_approval_expiry",
        date(2026, 6, 22),
        "T2",
    ),
    (
        "an extension of less than 8 weeks ends on its own date",
        household(
            carer_type="CONNECTED_PERSON",
            approval_status="TEMPORARY",
            approval_date=None,
            temporary_approval_date=date(2026, 1, 5),
            temporary_extension_until=date(2026, 5, 25),
        ),
        "temporary_approval_expiry",
        date(2026, 5, 25),
        "T2",
    ),
    (
        "an extension recorded past 24 weeks (from sync) ends at 24 weeks: 5 Jan + 24 = 22 Jun",
        household(
            carer_type="CONNECTED_PERSON",
            approval_status="TEMPORARY",
            approval_date=None,
            temporary_approval_date=date(2026, 1, 5),
            temporary_extension_until=date(2026, 9, 1),
        ),
        "temporary_approval_expiry",
        date(2026, 6, 22),
        "T2",
    ),
    (
        "reg 25(6): the placement ends when the 16 weeks run out, 5 Jan + 16 = 27 Apr",
        household(
            carer_type="CONNECTED_PERSON",
            approval_status="TEMPORARY",
            approval_date=None,
            temporary_approval_date=date(2026, 1, 5),
        ),
        "temporary_placement_end",
        date(2026, 4, 27),
        "T4a",
    ),
    (
        "reg 25(6) after an extension: the placement ends with the extension (25 May)",
        household(
            carer_type="CONNECTED_PERSON",
            approval_status="TEMPORARY",
            approval_date=None,
            temporary_approval_date=date(2026, 1, 5),
            temporary_extension_until=date(2026, 5, 25),
        ),
        "temporary_placement_end",
        date(2026, 5, 25),
        "T4b",
    ),
    (
        "reg 25(6) after an extension recorded past 24 weeks: 5 Jan + 24 = 22 Jun",
        household(
            carer_type="CONNECTED_PERSON",
            approval_status="TEMPORARY",
            approval_date=None,
            temporary_approval_date=date(2026, 1, 5),
            temporary_extension_until=date(2026, 9, 1),
        ),
        "temporary_placement_end",
        date(2026, 6, 22),
        "T4b",
    ),
]


@pytest.mark.parametrize(
    ("name", "facts", "obligation", "when", "ref"), HOUSEHOLDS, ids=[h[0] for h in HOUSEHOLDS]
)
def test_carer_household_examples(
    name: str, facts: HouseholdFacts, obligation: str, when: date, ref: str
) -> None:
    """Carer reviews, training and approval limits fall due as the regulations say."""
    item = due(facts, date(2025, 12, 15), obligation)
    assert (item.due, item.rule_ref) == (when, ref)


def test_a_connected_person_fully_approved_has_no_placement_to_end() -> None:
    """Once approved (T4 no longer applies), nothing says the placement must end, even past
    the old 16 weeks; while still temporary and past them, it is overdue."""
    temporary = household(
        carer_type="CONNECTED_PERSON",
        approval_status="TEMPORARY",
        approval_date=None,
        temporary_approval_date=date(2026, 1, 5),
    )
    late = due(temporary, date(2026, 5, 1), "temporary_placement_end")
    assert (late.due, late.status) == (date(2026, 4, 27), Status.OVERDUE)
    approved = household(
        carer_type="CONNECTED_PERSON",
        approval_status="APPROVED",
        approval_date=date(2026, 4, 20),
        temporary_approval_date=date(2026, 1, 5),
    )
    items = evaluate_household(approved, date(2026, 5, 1), load())
    assert "temporary_placement_end" not in {i.obligation for i in items}


def test_tsd_completed_shows_done() -> None:
    """Completed TSD is shown as done with its date."""
    item = due(household(tsd_completed=date(2025, 9, 30)), date(2025, 12, 15), "tsd")
    assert (item.status, item.last_done) == (Status.DONE, date(2025, 9, 30))


def test_overdue_items_come_first() -> None:
    """A subject's items are ordered overdue, due soon, upcoming, done."""
    items = evaluate_child(
        child(placement=placed(), care_plan_dates=(date(2026, 3, 3),)), date(2026, 3, 12), load()
    )
    order = [i.status for i in items]
    assert order == sorted(
        order, key=[Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.DONE].index
    )
    assert order[0] is Status.OVERDUE and order[-1] is Status.DONE
