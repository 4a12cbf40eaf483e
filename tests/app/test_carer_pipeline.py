"""A prospective fostering household from enquiry to approval: each stage's deadline on worked
dates (rules FA1 to FA5), and the stages recorded in the store, checked, and reaching the saved
deadlines the dashboard reads."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from app import carer_pipeline, clock
from app.carer_pipeline import ApprovalTerms
from app.deadlines.engine import DueItem, Status, evaluate_household
from app.deadlines.facts import HouseholdFacts
from app.deadlines.rules import load
from app.errors import ValidationError
from app.households import open_household
from app.models import CarerHousehold
from app.store import Store

HOUSEHOLD = uuid.uuid4()


def prospective(status: str = "APPLICANT", **stages: date) -> HouseholdFacts:
    return HouseholdFacts(
        household_id=HOUSEHOLD,
        carer_type="MAINSTREAM_FOSTER",
        approval_status=status,
        stages=dict(stages),
    )


def item(facts: HouseholdFacts, today: date, obligation: str) -> DueItem:
    found = [i for i in evaluate_household(facts, today, load()) if i.obligation == obligation]
    assert len(found) == 1, [i.obligation for i in evaluate_household(facts, today, load())]
    return found[0]


WORKED: list[tuple[str, HouseholdFacts, str, date, str]] = [
    (
        "initial visit 10 working days after an enquiry, skipping Christmas and Boxing Day",
        prospective("ENQUIRY", enquiry_date=date(2026, 12, 14)),
        "initial_visit",
        date(2026, 12, 30),
        "FA1",
    ),
    (
        "stage 1 two months after the application",
        prospective(enquiry_date=date(2026, 1, 2), application_date=date(2026, 1, 15)),
        "assessment_stage1",
        date(2026, 3, 15),
        "FA2",
    ),
    (
        "stage 1 two months after 30 December: the end of February",
        prospective(application_date=date(2025, 12, 30)),
        "assessment_stage1",
        date(2026, 2, 28),
        "FA2",
    ),
    (
        "stage 2 report five months after the application",
        prospective(application_date=date(2026, 1, 15)),
        "assessment_stage2",
        date(2026, 6, 15),
        "FA3",
    ),
    (
        "panel six months after the application",
        prospective(application_date=date(2026, 1, 15)),
        "fostering_panel",
        date(2026, 7, 15),
        "FA4",
    ),
    (
        "decision 7 working days after panel, skipping the August bank holiday",
        prospective(application_date=date(2026, 1, 15), panel_date=date(2026, 8, 20)),
        "agency_decision",
        date(2026, 9, 1),
        "FA5",
    ),
]


@pytest.mark.parametrize(
    ("name", "facts", "obligation", "when", "ref"), WORKED, ids=[w[0] for w in WORKED]
)
def test_stage_deadlines_on_worked_dates(
    name: str, facts: HouseholdFacts, obligation: str, when: date, ref: str
) -> None:
    found = item(facts, date(2026, 1, 1), obligation)
    assert (found.due, found.rule_ref, found.unverified) == (when, ref, True)


def test_a_recorded_stage_is_done_and_the_next_is_due() -> None:
    facts = prospective(
        application_date=date(2026, 1, 15),
        stage1_completed=date(2026, 3, 2),
    )
    stage1 = item(facts, date(2026, 4, 1), "assessment_stage1")
    assert (stage1.status, stage1.last_done) == (Status.DONE, date(2026, 3, 2))
    stage2 = item(facts, date(2026, 6, 10), "assessment_stage2")
    assert (stage2.status, stage2.due) == (Status.DUE_SOON, date(2026, 6, 15))
    assert item(facts, date(2026, 6, 16), "assessment_stage2").status is Status.OVERDUE


def test_no_decision_is_due_before_a_panel_date() -> None:
    facts = prospective(application_date=date(2026, 1, 15))
    obligations = {i.obligation for i in evaluate_household(facts, date(2026, 2, 1), load())}
    assert "agency_decision" not in obligations


def test_approval_ends_the_assessment_deadlines_and_starts_the_carers_own() -> None:
    facts = HouseholdFacts(
        household_id=HOUSEHOLD,
        carer_type="MAINSTREAM_FOSTER",
        approval_status="APPROVED",
        approval_date=date(2026, 7, 20),
        stages={
            "enquiry_date": date(2026, 1, 2),
            "initial_visit_date": date(2026, 1, 9),
            "application_date": date(2026, 1, 15),
            "stage1_completed": date(2026, 3, 10),
            "stage2_completed": date(2026, 6, 12),
            "panel_date": date(2026, 7, 14),
            "decision_date": date(2026, 7, 20),
        },
    )
    items = {i.obligation: i for i in evaluate_household(facts, date(2026, 9, 2), load())}
    # The assessment's stages stay listed, as done (each was met by its recorded day).
    stages = ("initial_visit", "assessment_stage1", "assessment_stage2", "fostering_panel")
    assert all(items[s].status is Status.DONE for s in (*stages, "agency_decision"))
    assert items["agency_decision"].last_done == date(2026, 7, 20)
    assert items["carer_review"].due == date(2027, 7, 20)
    assert items["tsd"].due == date(2027, 7, 20)


def test_a_withdrawn_household_has_nothing_due() -> None:
    facts = prospective("WITHDRAWN", application_date=date(2026, 1, 15))
    assert evaluate_household(facts, date(2026, 2, 1), load()) == []


# ---- In the store


@pytest.fixture
def pinned() -> Any:
    with clock.frozen_at(datetime(2026, 12, 7, 12, tzinfo=UTC)):
        yield


def test_an_enquiry_taken_to_approval_in_the_store(store: Store, pinned: None) -> None:
    household_id = carer_pipeline.start_enquiry(
        store,
        name="The Okafor household",
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker="alice",
        enquiry_date=date(2026, 3, 2),
    )
    today = clock.today()
    first = open_household(store, household_id, today)
    assert first.pipeline is not None
    assert first.pipeline.next_stage is not None
    assert first.pipeline.next_stage.column == "initial_visit_date"
    visit_due = first.item("initial_visit")
    assert visit_due is not None and visit_due.due == date(2026, 3, 16)
    assert visit_due.status is Status.OVERDUE  # the saved deadlines the dashboard reads

    carer_pipeline.record_stage(store, household_id, "initial_visit_date", date(2026, 3, 9))
    carer_pipeline.record_stage(store, household_id, "application_date", date(2026, 4, 1))
    after = open_household(store, household_id, today)
    assert after.profile.approval_code == "APPLICANT"
    visited = after.item("initial_visit")
    assert visited is not None and visited.status is Status.DONE
    stage1 = after.item("assessment_stage1")
    assert stage1 is not None and stage1.due == date(2026, 6, 1)

    carer_pipeline.record_stage(store, household_id, "stage1_completed", date(2026, 5, 20))
    carer_pipeline.record_stage(store, household_id, "stage2_completed", date(2026, 8, 28))
    carer_pipeline.record_stage(
        store, household_id, "panel_date", date(2026, 9, 10), recommendation="APPROVE"
    )
    decision = open_household(store, household_id, today).item("agency_decision")
    assert decision is not None and decision.due == date(2026, 9, 21)
    carer_pipeline.record_decision(
        store,
        household_id,
        date(2026, 9, 15),
        "APPROVE",
        ApprovalTerms("SHORT_BREAKS", 2, 5, 12, "Two children aged 5 to 12, short breaks"),
    )
    approved = open_household(store, household_id, today)
    assert approved.profile.approval_code == "APPROVED"
    assert approved.profile.approval_date == date(2026, 9, 15)
    assert (approved.profile.max_children, approved.profile.age_range) == (2, "5 to 12")
    assert approved.pipeline is not None and approved.pipeline.next_stage is None
    assert approved.pipeline.outcome_words == "Approved on 15 Sep 2026"
    review = approved.item("carer_review")
    assert review is not None and review.due == date(2027, 9, 15)
    with pytest.raises(ValidationError):  # nothing more is recorded once decided
        carer_pipeline.withdraw(store, household_id, date(2026, 10, 1), "AW1")


def test_stages_in_order_and_dates_checked(store: Store, pinned: None) -> None:
    household_id = carer_pipeline.start_enquiry(
        store,
        name="The Hughes household",
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker="alice",
        enquiry_date=date(2026, 6, 1),
    )
    with pytest.raises(ValidationError) as skipped:
        carer_pipeline.record_stage(store, household_id, "stage1_completed", date(2026, 7, 1))
    assert skipped.value.problems[0].message == "Record the application received first."
    with pytest.raises(ValidationError) as early:
        carer_pipeline.record_stage(store, household_id, "initial_visit_date", date(2026, 5, 1))
    assert early.value.fields == ["initial_visit_date"]
    assert "cannot be before the enquiry (01/06/2026)" in str(early.value)
    with pytest.raises(ValidationError) as future:
        carer_pipeline.record_stage(store, household_id, "initial_visit_date", date(2027, 1, 4))
    assert "cannot be in the future" in str(future.value)
    with store.read() as session:
        household = session.get(CarerHousehold, household_id)
        assert household is not None and household.initial_visit_date is None  # nothing half-saved


def test_withdrawal_needs_ofsteds_reason(store: Store, pinned: None) -> None:
    household_id = carer_pipeline.start_enquiry(
        store,
        name="The Patel household",
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker="alice",
        enquiry_date=date(2026, 6, 1),
    )
    with pytest.raises(ValidationError) as wrong:
        carer_pipeline.withdraw(store, household_id, date(2026, 7, 1), "MOVED")
    assert wrong.value.fields == ["withdrawal_reason"]
    carer_pipeline.withdraw(store, household_id, date(2026, 7, 1), "AW3")
    found = open_household(store, household_id, clock.today())
    assert found.pipeline is not None and not found.pipeline.open
    assert found.pipeline.outcome_words.startswith(
        "Withdrew on 01 Jul 2026: Household circumstances"
    )
    assert found.due == ()


def test_deregistration_ends_approval_with_ofsteds_reason_and_stops_the_carers_deadlines(
    store: Store, pinned: None
) -> None:
    household_id = carer_pipeline.start_enquiry(
        store,
        name="The Murray household",
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker="alice",
        enquiry_date=date(2025, 1, 6),
    )
    with pytest.raises(ValidationError) as not_yet:  # an enquiry is withdrawn, not deregistered
        carer_pipeline.deregister(store, household_id, date(2025, 2, 1), "DR1")
    assert not_yet.value.fields == ["approval_status"]
    for column, on in (
        ("initial_visit_date", date(2025, 1, 10)),
        ("application_date", date(2025, 2, 3)),
        ("stage1_completed", date(2025, 4, 1)),
        ("stage2_completed", date(2025, 6, 2)),
    ):
        carer_pipeline.record_stage(store, household_id, column, on)
    carer_pipeline.record_stage(
        store, household_id, "panel_date", date(2025, 7, 1), recommendation="APPROVE"
    )
    carer_pipeline.record_decision(
        store,
        household_id,
        date(2025, 7, 8),
        "APPROVE",
        ApprovalTerms("SHORT_TERM", 1, 0, 17, "One child"),
    )
    assert open_household(store, household_id, clock.today()).item("carer_review") is not None
    with pytest.raises(ValidationError) as no_reason:
        carer_pipeline.deregister(store, household_id, date(2026, 11, 30), "")
    assert no_reason.value.fields == ["deregistration_reason"]
    with pytest.raises(ValidationError) as before:
        carer_pipeline.deregister(store, household_id, date(2025, 7, 1), "DR1")
    assert "cannot end before it began (08/07/2025)" in str(before.value)

    carer_pipeline.deregister(store, household_id, date(2026, 11, 30), "DR1")
    ended = open_household(store, household_id, clock.today())
    assert ended.profile.approval_code == "ENDED"
    assert ended.pipeline is not None
    assert ended.pipeline.outcome_words == "Approval ended on 30 Nov 2026: Retirement"
    # No annual review, TSD or unannounced visit is due for a household no longer approved.
    assert {i.obligation for i in ended.due if i.status is not Status.DONE} == set()
    with pytest.raises(ValidationError):  # once only
        carer_pipeline.deregister(store, household_id, date(2026, 12, 1), "DR0")


def test_a_connected_person_from_temporary_approval_through_an_extension_to_approval(
    store: Store, pinned: None
) -> None:
    """Viability assessment and reg 24 approval; the 16 weeks end (T1) is what is due; an
    extension needs the panel's views and the nominated officer's approval, and moves the end
    to its own date (T2); the full assessment goes on to panel and decision."""
    household_id = carer_pipeline.start_connected(
        store,
        name="The Boateng household",
        supervising_worker="alice",
        viability_date=date(2026, 7, 1),
        temporary_approval_date=date(2026, 7, 3),
    )
    today = clock.today()
    first = open_household(store, household_id, today)
    assert first.pipeline is not None and first.pipeline.connected
    assert first.pipeline.next_stage is not None
    assert first.pipeline.next_stage.column == "stage1_completed"  # no enquiry or visit
    ends = first.item("temporary_approval_expiry")
    assert ends is not None and (ends.due, ends.rule_ref) == (date(2026, 10, 23), "T1")

    carer_pipeline.record_stage(store, household_id, "stage1_completed", date(2026, 8, 14))
    with pytest.raises(ValidationError) as missing:
        carer_pipeline.extend_temporary_approval(
            store,
            household_id,
            carer_pipeline.Extension(date(2026, 12, 18), None, "", "", None),
        )
    assert missing.value.fields == [
        "extension_panel_date",
        "extension_panel_view",
        "extension_decided_by",
        "extension_decided_on",
    ]
    with pytest.raises(ValidationError) as too_long:  # 3 Jul + 24 weeks = 18 Dec
        carer_pipeline.extend_temporary_approval(
            store,
            household_id,
            carer_pipeline.Extension(
                date(2026, 12, 21),
                date(2026, 10, 8),
                "Supports it.",
                "J. Officer",
                date(2026, 10, 9),
            ),
        )
    assert too_long.value.fields == ["temporary_extension_until"]
    carer_pipeline.extend_temporary_approval(
        store,
        household_id,
        carer_pipeline.Extension(
            date(2026, 12, 11),
            date(2026, 10, 8),
            "Panel supports an extension: Form C is nearly complete.",
            "J. Officer (nominated officer)",
            date(2026, 10, 9),
        ),
    )
    extended = open_household(store, household_id, today).item("temporary_approval_expiry")
    assert extended is not None and (extended.due, extended.rule_ref) == (date(2026, 12, 11), "T2")
    with pytest.raises(ValidationError) as twice:
        carer_pipeline.extend_temporary_approval(
            store,
            household_id,
            carer_pipeline.Extension(
                date(2026, 12, 18), date(2026, 10, 8), "Again.", "J. Officer", date(2026, 10, 9)
            ),
        )
    assert "only once" in str(twice.value)

    carer_pipeline.record_stage(store, household_id, "stage2_completed", date(2026, 11, 2))
    carer_pipeline.record_stage(
        store, household_id, "panel_date", date(2026, 11, 19), recommendation="APPROVE"
    )
    carer_pipeline.record_decision(
        store,
        household_id,
        date(2026, 11, 24),
        "APPROVE",
        ApprovalTerms("CONNECTED_PERSON", 1, 6, 6, "For Kofi only"),
    )
    approved = open_household(store, household_id, today)
    assert approved.profile.approval_code == "APPROVED"
    assert approved.item("temporary_approval_expiry") is None
    tsd = approved.item("tsd")
    assert tsd is not None and (tsd.due, tsd.rule_ref) == (date(2028, 5, 24), "F3b")


def test_a_connected_persons_decision_is_due_seven_working_days_after_their_panel() -> None:
    """Panel on Thursday 20 August 2026: 7 working days, skipping the weekend and the August
    bank holiday (Monday 31 August), is Tuesday 1 September (21, 24, 25, 26, 27, 28 August, 1
    September); the temporary approval's own end (T1) stands beside it."""
    facts = HouseholdFacts(
        household_id=HOUSEHOLD,
        carer_type="CONNECTED_PERSON",
        approval_status="TEMPORARY",
        temporary_approval_date=date(2026, 6, 1),
        stages={"application_date": date(2026, 5, 28), "panel_date": date(2026, 8, 20)},
    )
    due = item(facts, date(2026, 8, 21), "agency_decision")
    assert (due.rule_ref, due.due) == ("FA5", date(2026, 9, 1))
    expiry = item(facts, date(2026, 8, 21), "temporary_approval_expiry")
    assert (expiry.rule_ref, expiry.due) == ("T1", date(2026, 9, 21))  # 16 weeks from 1 June
