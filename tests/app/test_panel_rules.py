"""The fostering panel's due items on worked dates: the panel due on the day the household is
booked for (FA6, replacing the six-month target FA4 once booked), and the agency decision maker's
decision after it (FA5); and the checks the laptop and the service share before a
recommendation or a decision changes a household."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from app import carer_pipeline, clock
from app.carer_pipeline import ApprovalTerms, decision_changes, recommendation_changes
from app.dashboard import build
from app.deadlines.engine import DueItem, Status, evaluate_household
from app.deadlines.facts import HouseholdFacts
from app.deadlines.rules import load
from app.errors import ValidationError
from app.models import CarerHousehold
from app.store import Store

HOUSEHOLD = uuid.uuid4()


def facts(status: str = "APPLICANT", carer_type: str = "MAINSTREAM_FOSTER", **stages: date):
    return HouseholdFacts(
        household_id=HOUSEHOLD, carer_type=carer_type, approval_status=status, stages=stages
    )


def panel(f: HouseholdFacts, today: date, obligation: str = "fostering_panel") -> DueItem:
    found = [i for i in evaluate_household(f, today, load()) if i.obligation == obligation]
    assert len(found) == 1
    return found[0]


def test_a_booked_panel_is_due_on_its_day_in_place_of_the_target() -> None:
    # Applied 15 Jan 2026: the target (FA4) was 15 Jul 2026; booked for Thursday 14 Jan 2027.
    booked = facts(application_date=date(2026, 1, 15), panel_booked_date=date(2027, 1, 14))
    found = panel(booked, date(2026, 12, 30))
    assert (found.due, found.rule_ref, found.unverified) == (date(2027, 1, 14), "FA6", False)
    assert found.status is Status.UPCOMING  # 15 days before
    assert panel(booked, date(2026, 12, 31)).status is Status.DUE_SOON  # 14 days before
    assert panel(booked, date(2027, 1, 14)).status is Status.DUE_SOON
    assert panel(booked, date(2027, 1, 15)).status is Status.OVERDUE
    unbooked = facts(application_date=date(2026, 1, 15))
    assert panel(unbooked, date(2026, 12, 30)).rule_ref == "FA4"


def test_the_panel_held_meets_it_and_the_decision_falls_due_seven_working_days_on() -> None:
    held = facts(
        application_date=date(2026, 1, 15),
        stage1_completed=date(2026, 3, 2),
        stage2_completed=date(2026, 11, 30),
        panel_booked_date=date(2027, 1, 14),
        panel_date=date(2027, 1, 14),
    )
    done = panel(held, date(2027, 1, 15))
    assert (done.status, done.last_done) == (Status.DONE, date(2027, 1, 14))
    decision = panel(held, date(2027, 1, 15), "agency_decision")
    # Thursday 14 Jan: Fri 15, Mon 18 ... Mon 25 is the seventh working day.
    assert (decision.due, decision.rule_ref) == (date(2027, 1, 25), "FA5")


def test_a_connected_persons_booked_panel_is_due_while_temporarily_approved() -> None:
    booked = facts(
        "TEMPORARY",
        "CONNECTED_PERSON",
        application_date=date(2026, 11, 2),
        panel_booked_date=date(2027, 2, 11),
    )
    found = panel(booked, date(2027, 2, 1))
    assert (found.due, found.rule_ref, found.status) == (date(2027, 2, 11), "FA6", Status.DUE_SOON)


RECORD = {
    "approval_status": "APPLICANT",
    "carer_type": "MAINSTREAM_FOSTER",
    "enquiry_date": date(2026, 1, 2),
    "initial_visit_date": date(2026, 1, 9),
    "application_date": date(2026, 1, 15),
    "stage1_completed": date(2026, 3, 2),
    "stage2_completed": date(2026, 11, 30),
    "panel_date": None,
}


def test_a_recommendation_needs_the_report_complete_and_a_known_recommendation() -> None:
    assert recommendation_changes(RECORD, date(2027, 1, 14), "APPROVE") == {
        "panel_date": date(2027, 1, 14),
        "panel_recommendation": "APPROVE",
    }
    with pytest.raises(ValidationError) as refused:
        recommendation_changes({**RECORD, "stage2_completed": None}, date(2027, 1, 14), "APPROVE")
    assert refused.value.problems[0].field == "panel_date"
    with pytest.raises(ValidationError):
        recommendation_changes(RECORD, date(2026, 11, 1), "APPROVE")
    with pytest.raises(ValidationError):
        recommendation_changes(RECORD, date(2027, 1, 14), "MAYBE")


def test_approval_sets_the_terms_and_a_closed_household_is_refused() -> None:
    held = {**RECORD, "panel_date": date(2027, 1, 14)}
    terms = ApprovalTerms("SHORT_TERM", 2, 0, 10, "Siblings welcome")
    changes = decision_changes(held, date(2027, 1, 20), "APPROVE", terms)
    assert changes["approval_status"] == "APPROVED"
    assert (changes["approval_date"], changes["max_children"]) == (date(2027, 1, 20), 2)
    assert (changes["age_range_min"], changes["age_range_max"]) == (0, 10)
    with pytest.raises(ValidationError):  # before the panel sat
        decision_changes(held, date(2027, 1, 13), "APPROVE", terms)
    with pytest.raises(ValidationError):  # ages the wrong way round
        decision_changes(held, date(2027, 1, 20), "APPROVE", ApprovalTerms("SHORT_TERM", 2, 9, 3))
    assert decision_changes(held, date(2027, 1, 20), "NOT_APPROVE", None)["approval_status"] == (
        "NOT_APPROVED"
    )
    with pytest.raises(ValidationError) as closed:
        decision_changes(
            {**held, "approval_status": "APPROVED"}, date(2027, 1, 20), "APPROVE", terms
        )
    assert closed.value.problems[0].field == "approval_status"


def test_the_booked_panel_reaches_the_dashboard_and_follows_a_moved_date(store: Store) -> None:
    """The booking arrives on the household's record by sync; the dashboard lists the panel as
    due soon on the day booked, and when the service moves the household to a later panel the
    saved deadlines are redone (migration 0026's trigger) and the dashboard follows."""
    today = clock.today()
    household = carer_pipeline.start_enquiry(
        store,
        name="Booked household",
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker=store.worker,
        enquiry_date=today - timedelta(days=230),
    )
    for column, ago in (("initial_visit_date", 220), ("application_date", 200)):
        carer_pipeline.record_stage(store, household, column, today - timedelta(days=ago))

    def book(on: date) -> None:
        with store.write(remote=True) as session:
            found = session.get(CarerHousehold, household)
            assert found is not None
            found.panel_booked_date = on

    def panel_item() -> DueItem:
        [row] = [h for h in build(store, today).households if h.household_id == household]
        [found] = [i for i in row.items if i.obligation == "fostering_panel"]
        return found

    # Unbooked: the six-month target (FA4) is already past.
    assert (panel_item().rule_ref, panel_item().status) == ("FA4", Status.OVERDUE)
    book(today + timedelta(days=10))
    assert (panel_item().rule_ref, panel_item().due) == ("FA6", today + timedelta(days=10))
    assert panel_item().status is Status.DUE_SOON
    book(today + timedelta(days=40))
    assert (panel_item().due, panel_item().status) == (today + timedelta(days=40), Status.UPCOMING)
