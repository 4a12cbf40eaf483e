"""Deadlines computed from the encrypted store for a whole caseload."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app import clock
from app.deadlines.engine import Status
from app.deadlines.from_store import caseload_deadlines
from app.models import LegalStatus, Placement, Review
from app.store import Store
from tests.app import factories

TODAY = date(2026, 6, 15)


def _looked_after_child(store: Store, *, placed_on: date) -> object:
    with store.write() as session:
        child = factories.child()
        session.add(child)
        session.flush()
        session.add(LegalStatus(child_id=child.id, code="C2", start_date=placed_on))
        session.add(Placement(child_id=child.id, placement_type="U6", start_date=placed_on))
    return child.id


def test_only_signed_off_visits_count(store: Store) -> None:
    """A draft or deleted visit does not meet the visiting duty; a signed-off one does."""
    with clock.frozen_at(datetime(2026, 6, 15, 12, 0).astimezone()):
        child_id = _looked_after_child(store, placed_on=date(2026, 6, 1))
        with store.write() as session:
            session.add(factories.visit(child_id, visit_date=date(2026, 6, 3)))
            session.add(
                factories.finalised_visit(child_id, visit_date=date(2026, 6, 4), deleted=True)
            )
        with store.read() as session:
            [visit] = [
                i
                for i in caseload_deadlines(session, TODAY).children[child_id]
                if i.obligation == "child_visit"
            ]
        assert (visit.rule_ref, visit.status, visit.due) == ("V1", Status.OVERDUE, date(2026, 6, 8))
        with store.write() as session:
            session.add(factories.finalised_visit(child_id, visit_date=date(2026, 6, 5)))
        with store.read() as session:
            [visit] = [
                i
                for i in caseload_deadlines(session, TODAY).children[child_id]
                if i.obligation == "child_visit"
            ]
        assert (visit.rule_ref, visit.due, visit.last_done) == (
            "V2",
            date(2026, 6, 5) + timedelta(weeks=6),
            date(2026, 6, 5),
        )


def test_reviews_and_households_come_from_the_store(store: Store) -> None:
    """Signed-off reviews move the review clock; households get their own items."""
    with clock.frozen_at(datetime(2026, 6, 15, 12, 0).astimezone()):
        child_id = _looked_after_child(store, placed_on=date(2026, 3, 2))
        with store.write() as session:
            household = factories.household(approval_date=date(2025, 7, 1))
            session.add(household)
            session.add(
                Review(
                    child_id=child_id,
                    kind="CHILD_LAC",
                    review_date=date(2026, 3, 25),
                    decisions="Plan agreed.",
                    status="finalised",
                )
            )
            session.add(
                Review(
                    child_id=child_id,
                    kind="CHILD_LAC",
                    review_date=date(2026, 6, 1),
                    decisions="Draft only.",
                )
            )
        with store.read() as session:
            result = caseload_deadlines(session, TODAY)
    [review] = [i for i in result.children[child_id] if i.obligation == "child_review"]
    assert (review.rule_ref, review.due) == ("R2", date(2026, 6, 25))
    assert {i.obligation for i in result.households[household.id]} >= {
        "carer_review",
        "tsd",
        "unannounced_visit",
    }


def test_closed_and_deleted_children_are_left_out(store: Store) -> None:
    """Only open, undeleted cases appear on the dashboard."""
    with store.write() as session:
        closed = factories.child(case_open=False)
        gone = factories.child(deleted=True)
        session.add_all([closed, gone])
    with store.read() as session:
        result = caseload_deadlines(session, clock.today())
    assert closed.id not in result.children and gone.id not in result.children
