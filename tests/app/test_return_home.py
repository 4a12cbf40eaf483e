"""Support after a child returns home: worked dates for each rule (RH1 to RH6), re-entry to care,
and the same answers from the laptop's store as from the engine's facts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from app import clock
from app.chronology import load_case
from app.deadlines import from_documents
from app.deadlines.engine import DueItem, Status, evaluate_child
from app.deadlines.facts import ChildFacts, PlacementFacts, ReviewFact
from app.deadlines.from_store import caseload_deadlines
from app.deadlines.return_home import ReturnHome, returned_home, returns_home
from app.deadlines.rules import load
from app.models import RECORD_TYPES, LegalStatus, Placement
from app.serialize import record_fields
from app.services import assessments
from app.store import Store
from tests.app import factories

CHILD = uuid.uuid4()
HOME = date(2026, 3, 2)  # a Monday
LA = {"C2", "V2", "C1"}


def home(**kw: Any) -> ChildFacts:
    """A child who went home on 2 March 2026 after a care order was discharged (E4A)."""
    values: dict[str, Any] = {"child_id": CHILD, "returned_home": HOME}
    values.update(kw)
    return ChildFacts(**values)


def items(facts: ChildFacts, today: date) -> dict[str, DueItem]:
    return {i.obligation: i for i in evaluate_child(facts, today, load())}


CASES: list[tuple[str, ChildFacts, date, str, str, date, Status]] = [
    (
        "support plan within ten working days of going home",
        home(),
        date(2026, 3, 3),
        "return_home_support_plan",
        "RH1",
        date(2026, 3, 16),
        Status.DUE_SOON,
    ),
    (
        "support plan signed off meets it",
        home(return_support_plan=date(2026, 3, 10)),
        date(2026, 3, 20),
        "return_home_support_plan",
        "RH1",
        date(2026, 3, 16),
        Status.DONE,
    ),
    (
        "a support plan from before the return does not count",
        home(return_support_plan=date(2025, 11, 1)),
        date(2026, 3, 17),
        "return_home_support_plan",
        "RH1",
        date(2026, 3, 16),
        Status.OVERDUE,
    ),
    (
        "first support visit within a week of going home",
        home(),
        date(2026, 3, 3),
        "child_visit",
        "RH2",
        date(2026, 3, 9),
        Status.DUE_SOON,
    ),
    (
        "a visit while still in care does not count",
        home(last_visit=date(2026, 2, 27)),
        date(2026, 3, 10),
        "child_visit",
        "RH2",
        date(2026, 3, 9),
        Status.OVERDUE,
    ),
    (
        "then every four weeks from the last visit",
        home(last_visit=date(2026, 3, 6)),
        date(2026, 3, 10),
        "child_visit",
        "RH3",
        date(2026, 4, 3),
        Status.UPCOMING,
    ),
    (
        "first support review three months after going home",
        home(),
        date(2026, 5, 25),
        "return_home_review",
        "RH4",
        date(2026, 6, 2),
        Status.DUE_SOON,
    ),
    (
        "then three months after the last support review",
        home(reviews={"RETURN_HOME_SUPPORT": (ReviewFact(date(2026, 5, 20)),)}),
        date(2026, 6, 1),
        "return_home_review",
        "RH4",
        date(2026, 8, 20),
        Status.UPCOMING,
    ),
    (
        "a support review before the return does not count",
        home(reviews={"RETURN_HOME_SUPPORT": (ReviewFact(date(2025, 12, 1)),)}),
        date(2026, 6, 3),
        "return_home_review",
        "RH4",
        date(2026, 6, 2),
        Status.OVERDUE,
    ),
    (
        "outcome six months after going home",
        home(),
        date(2026, 8, 25),
        "return_home_outcome_6",
        "RH5",
        date(2026, 9, 2),
        Status.DUE_SOON,
    ),
    (
        "six-month outcome recorded",
        home(return_outcomes={"SIX_MONTHS": date(2026, 9, 1)}),
        date(2026, 9, 3),
        "return_home_outcome_6",
        "RH5",
        date(2026, 9, 2),
        Status.DONE,
    ),
    (
        "outcome twelve months after going home, not met by the six-month one",
        home(return_outcomes={"SIX_MONTHS": date(2026, 9, 1)}),
        date(2027, 3, 3),
        "return_home_outcome_12",
        "RH6",
        date(2027, 3, 2),
        Status.OVERDUE,
    ),
]


@pytest.mark.parametrize(
    ("facts", "today", "obligation", "ref", "expected", "status"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_support_after_return_home_worked_dates(
    facts: ChildFacts, today: date, obligation: str, ref: str, expected: date, status: Status
) -> None:
    item = items(facts, today)[obligation]
    assert (item.rule_ref, item.due, item.status) == (ref, expected, status)
    assert item.unverified  # the service's own timescales, to confirm locally


def test_no_support_items_for_a_child_who_did_not_go_home() -> None:
    """A child looked after, or one whose case is open for another reason, has none of them."""
    looked_after = ChildFacts(
        child_id=CHILD,
        legal_status="C2",
        legal_status_start=date(2026, 1, 5),
        looked_after=True,
        looked_after_start=date(2026, 1, 5),
    )
    found = items(looked_after, date(2026, 3, 3))
    assert not {"return_home_support_plan", "return_home_review"} & set(found)
    assert "RH" not in {i.rule_ref[:2] for i in found.values()}


D = date


def test_the_return_and_a_re_entry_are_read_from_the_legal_status_history() -> None:
    reasons = {"E4A"}
    history = [
        (D(2024, 5, 1), D(2025, 1, 10), "C2", "E4A"),
        (D(2025, 9, 1), D(2026, 3, 2), "V2", "E4A"),
    ]
    # Went home in January 2025, back in care in September (within 12 months), home again.
    assert returns_home(history, LA, reasons) == [
        ReturnHome(D(2025, 1, 10), D(2025, 9, 1)),
        ReturnHome(D(2026, 3, 2), None),
    ]
    assert returns_home(history, LA, reasons)[0].reentered_within(12)
    assert returned_home(history, D(2026, 3, 3), LA, reasons) == D(2026, 3, 2)
    # The day the status ends the child is still looked after (as for every other rule).
    assert returned_home(history, D(2026, 3, 2), LA, reasons) is None
    # Back in care: no longer at home.
    again = [*history, (D(2026, 5, 1), None, "C1", None)]
    assert returned_home(again, D(2026, 6, 1), LA, reasons) is None
    assert returns_home(again, LA, reasons)[-1] == ReturnHome(D(2026, 3, 2), D(2026, 5, 1))
    # Ending any other way (an SGO, E45) is not a return home.
    assert (
        returned_home([(D(2024, 5, 1), D(2025, 1, 10), "C2", "E45")], D(2025, 2, 1), LA, reasons)
        is None
    )


def test_a_return_after_more_than_twelve_months_is_not_a_re_entry() -> None:
    back = ReturnHome(D(2025, 1, 10), D(2026, 1, 11))
    assert not back.reentered_within(12)
    assert ReturnHome(D(2025, 1, 10), D(2026, 1, 10)).reentered_within(12)


def _sign(store: Store, child_id: uuid.UUID, template_id: str, answers: dict[str, Any]) -> None:
    assessments.finalise(
        store,
        assessment_id=uuid.uuid4(),
        template_id=template_id,
        template_version=1,
        child_id=child_id,
        household_id=None,
        answers=answers,
    )


SUPPORT_PLAN = {
    "returned_on": "2026-03-02",
    "living_with": "Mum (Kerry) and her brother Liam",
    "going_well": "Back at her school; mornings are calm.",
    "support_items": [
        {"what": "Family support worker", "who": "Early help", "how_often": "Weekly"}
    ],
    "visit_plan": "Every four weeks, seen alone each time.",
    "warning_signs": "Missed school, Kerry not answering calls.",
    "contingency": "Kerry calls the duty team; a visit the same day.",
    "child_knows_who_to_tell": "YES",
    "child_trusted_adult": "Mrs Patel at school",
    "parents_view": "Kerry agrees with it.",
    "child_view": "She wants the visits to be after school.",
}


def _due(store: Store, child_id: uuid.UUID, day: date) -> dict[str, DueItem]:
    """The child's items from the laptop's tables, checked equal to the service's (the same
    records as documents, as the manager's Team page reads them)."""
    with store.read() as session:
        found = caseload_deadlines(session, day).children[child_id]
        documents = [
            from_documents.Document(obj.id, record_type, record_fields(obj))
            for record_type, cls in RECORD_TYPES.items()
            for obj in session.scalars(select(cls).where(cls.deleted.is_(False)))
        ]
    assert from_documents.caseload_deadlines(documents, day).children[child_id] == found
    return {i.obligation: i for i in found}


def test_the_store_gives_a_returned_child_support_items_that_signed_forms_meet(
    store: Store,
) -> None:
    """A care order discharged with E4A: the child's open case has the support items; a
    signed-off support plan and six-month outcome meet theirs; re-entry stops them."""
    with clock.frozen_at(datetime(2026, 3, 4, 12, 0).astimezone()):
        with store.write() as session:
            made = factories.child()
            session.add(made)
            session.flush()
            session.add(
                LegalStatus(
                    child_id=made.id,
                    code="C2",
                    start_date=D(2025, 6, 2),
                    end_date=HOME,
                    reason_ceased="E4A",
                )
            )
            session.add(
                Placement(
                    child_id=made.id,
                    placement_type="U4",
                    start_date=D(2025, 6, 2),
                    end_date=HOME,
                    reason_changed="CARPL",
                )
            )
        child_id = made.id
        found = _due(store, child_id, D(2026, 3, 4))
        assert found["return_home_support_plan"].due == D(2026, 3, 16)
        assert (found["child_visit"].rule_ref, found["child_visit"].due) == ("RH2", D(2026, 3, 9))
        assert found["return_home_outcome_6"].due == D(2026, 9, 2)
        assert not any(i.obligation == "child_review" for i in found.values())

        _sign(store, child_id, "return_home_support_plan", SUPPORT_PLAN)
        found = _due(store, child_id, D(2026, 3, 4))
        assert found["return_home_support_plan"].status is Status.DONE

    with clock.frozen_at(datetime(2026, 9, 1, 12, 0).astimezone()):
        _sign(
            store,
            child_id,
            "return_home_outcome",
            {
                "point": "SIX_MONTHS",
                "where": "AT_HOME",
                "how_going": "Settled.",
                "support_next": "CONTINUE",
            },
        )
        found = _due(store, child_id, D(2026, 9, 1))
        assert found["return_home_outcome_6"].status is Status.DONE
        assert found["return_home_outcome_12"].status is Status.UPCOMING

        # Back into care on an interim care order: the looked-after rules take over.
        with store.write() as session:
            session.add(LegalStatus(child_id=child_id, code="C1", start_date=D(2026, 9, 1)))
        found = _due(store, child_id, D(2026, 9, 1))
        assert "return_home_outcome_12" not in found
        assert found["child_review"].rule_ref == "R1"
        # The child's record says so, for the worker and the manager.
        with store.read() as session:
            profile = load_case(session, child_id, D(2026, 9, 1)).profile
        assert profile.reentered
        assert profile.return_home == (
            "Came back into care on 1 September 2026, within 12 months after going home on "
            "2 March 2026"
        )


def _with_parents(**kw: Any) -> ChildFacts:
    """On an interim care order, placed urgently with mum on Monday 2 March 2026 (reg 19)."""
    values: dict[str, Any] = {
        "child_id": CHILD,
        "legal_status": "C1",
        "legal_status_start": D(2026, 1, 5),
        "looked_after": True,
        "looked_after_start": D(2026, 1, 5),
        "first_placement_start": D(2026, 1, 5),
        "placement": PlacementFacts("P1", HOME, frozenset({"before_assessment_complete"})),
    }
    values.update(kw)
    return ChildFacts(**values)


def test_an_urgent_placement_with_parents_needs_the_decision_within_ten_working_days() -> None:
    item = items(_with_parents(), D(2026, 3, 3))["parents_placement_decision"]
    assert (item.rule_ref, item.due, item.status) == ("PW1", D(2026, 3, 16), Status.DUE_SOON)
    assert item.regulation == "CPPCR 2010 reg 19" and item.unverified
    late = items(_with_parents(), D(2026, 3, 17))["parents_placement_decision"]
    assert late.status is Status.OVERDUE
    # A decision signed before this placement (an earlier one) does not count; one after does.
    old = items(_with_parents(parents_decision=D(2025, 12, 1)), D(2026, 3, 17))
    assert old["parents_placement_decision"].status is Status.OVERDUE
    done = items(_with_parents(parents_decision=D(2026, 3, 12)), D(2026, 3, 17))
    assert done["parents_placement_decision"].status is Status.DONE
    # Placed after the assessment (no reg 19 flag): nothing of this kind is due.
    assessed = _with_parents(placement=PlacementFacts("P1", HOME))
    assert "parents_placement_decision" not in items(assessed, D(2026, 3, 3))


def test_the_signed_decision_form_meets_the_urgent_placement_item(store: Store) -> None:
    with clock.frozen_at(datetime(2026, 3, 4, 12, 0).astimezone()):
        with store.write() as session:
            made = factories.child()
            session.add(made)
            session.flush()
            session.add(LegalStatus(child_id=made.id, code="C1", start_date=D(2026, 1, 5)))
            session.add(
                Placement(
                    child_id=made.id,
                    placement_type="P1",
                    start_date=HOME,
                    before_assessment_complete=True,
                )
            )
        assert _due(store, made.id, D(2026, 3, 4))["parents_placement_decision"].due == D(
            2026, 3, 16
        )
        _sign(
            store,
            made.id,
            "placement_with_parents",
            {
                "route": "URGENT",
                "urgent_reason": "Foster placement ended; mum's home already assessed as safe.",
                "placed_with": "Kerry Osei (mother)",
                "placement_date": "2026-03-02",
                "assessment_done": "NO",
                "assessment_summary": "Home visit and checks done; parenting assessment under way.",
                "nominated_officer": "Dana Whitlock, head of service",
                "decision": "APPROVED",
                "decision_date": "2026-03-04",
                "reasons": "Safety plan agreed; daily contact with the family support worker.",
                "iro_informed": "YES",
                "placement_plan": "YES",
            },
        )
        found = _due(store, made.id, D(2026, 3, 4))
        assert found["parents_placement_decision"].status is Status.DONE
