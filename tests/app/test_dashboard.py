"""Dashboard rows: each child's next statutory items in words, the most urgent child first."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from app import clock
from app.dashboard import NAME, NEXT_DUE, RANK, build, caseload, caseload_of, rows
from app.deadlines.engine import Status
from app.models import CarePlan, LegalStatus, Placement, Review, TrainingRecord, Visit
from app.store import Store
from tests.app import factories

TODAY = date(2026, 6, 15)
PLACED = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """Save and judge everything as of one fixed day."""
    with clock.frozen_at(datetime(2026, 6, 15, 12, 0).astimezone()):
        yield


def _placed_child(
    store: Store,
    name: str,
    *,
    placed: date = PLACED,
    last_visit: date | None = None,
    household_id: uuid.UUID | None = None,
    **child: object,
) -> uuid.UUID:
    """A child on a care order in foster care since ``placed``, with care and placement plans."""
    with store.write() as session:
        made = factories.child(given_name=name, **child)
        session.add(made)
        session.add(LegalStatus(child_id=made.id, code="C2", start_date=placed))
        session.add(
            Placement(
                child_id=made.id,
                household_id=household_id,
                placement_type="U6",
                start_date=placed,
                placement_plan_date=placed,
            )
        )
        session.add(
            CarePlan(
                child_id=made.id,
                plan_date=placed,
                status="finalised",
                permanence_plan="LONG_TERM_FOSTERING",
            )
        )
        if last_visit:
            session.add(factories.finalised_visit(made.id, visit_date=last_visit))
        return made.id


def test_a_child_waiting_for_a_first_visit_shows_it_overdue_in_words(store: Store) -> None:
    """A child placed four weeks ago and never visited has the first visit overdue, said in
    words with its due date, alongside their legal status and placement."""
    _placed_child(store, "Waiting")
    (row,) = rows(store, TODAY)
    assert row.name == "Waiting Okafor" and row.age == 9
    assert row.worst is Status.OVERDUE
    assert row.legal_status_code == "C2" and row.legal_status == "Full care order (s31)"
    assert row.placement_code == "U6"
    assert row.placement.startswith("Foster placement with other foster carer")
    assert row.summary().startswith("First statutory visit after placement: Overdue (due 27 May")
    assert row.next_due == date(2026, 5, 27)
    # The table's line for the child: raw values, the same as the row's.
    (line,) = caseload(store, TODAY).lines
    assert line[:9] == (
        "child",
        row.child_id.hex,
        "Waiting Okafor",
        9,
        "C2",
        None,
        "U6",
        None,
        "2026-05-27",
    )
    assert line[RANK] == 0
    assert line == caseload_of(build(store, TODAY), TODAY).lines[0]


def test_a_visited_child_is_due_soon_for_the_first_review(store: Store) -> None:
    """Once visited, the child's worst item is the first looked-after review (20 working days
    from becoming looked after), due within two weeks, and the visit shows as done."""
    _placed_child(store, "Visited", last_visit=date(2026, 6, 10))
    (row,) = rows(store, TODAY)
    assert row.worst is Status.DUE_SOON
    assert row.open_items[0].title == "First looked-after review"
    assert "Overdue" not in row.summary()
    assert "Statutory visit (first year of placement): Upcoming (due 22 Jul 2026)" in row.summary()


def test_overdue_first_then_due_soon_then_soonest_due_then_name(store: Store) -> None:
    """Rows run overdue first, then due soon (the earliest due date first, ties by name), then
    children with nothing due."""
    _placed_child(store, "Later", placed=date(2026, 5, 26), last_visit=date(2026, 6, 10))
    _placed_child(store, "Bea", last_visit=date(2026, 6, 10))
    _placed_child(store, "Abe", last_visit=date(2026, 6, 12))
    _placed_child(store, "Waiting")
    with store.write() as session:
        adopted = factories.child(given_name="Adopted")
        session.add(adopted)
        session.add(LegalStatus(child_id=adopted.id, code="AO", start_date=date(2025, 1, 10)))
    found = rows(store, TODAY)
    assert [r.name.split()[0] for r in found] == ["Waiting", "Abe", "Bea", "Later", "Adopted"]
    assert [r.worst for r in found] == [Status.OVERDUE] + [Status.DUE_SOON] * 3 + [Status.DONE]
    assert found[-1].summary() == "Nothing due" and found[-1].placement == "Adopted"
    # The table's lines carry the same urgency, and sort the same way.
    lines = sorted(
        caseload(store, TODAY).lines, key=lambda r: (r[RANK], r[NEXT_DUE] or "9999", r[NAME])
    )
    assert [r[NAME].split()[0] for r in lines] == ["Waiting", "Abe", "Bea", "Later", "Adopted"]
    assert [r[RANK] for r in lines] == [0, 1, 1, 1, 3]


def test_closed_and_deleted_children_are_left_out(store: Store) -> None:
    """Only open cases appear: a closed case or a deleted record is not on the dashboard."""
    _placed_child(store, "Open")
    _placed_child(store, "Closed", case_open=False)
    _placed_child(store, "Deleted", deleted=True)
    assert [r.name for r in rows(store, TODAY)] == ["Open Okafor"]


def test_carers_are_named_and_households_with_late_training_come_first(store: Store) -> None:
    """A child's row names their carers' household; households are listed most urgent first,
    one whose TSD training is overdue before one that has completed it."""
    with store.write() as session:
        late = factories.household(name="The Late household", approval_date=date(2025, 1, 6))
        done = factories.household(name="The Done household", approval_date=date(2025, 1, 6))
        session.add_all([late, done])
        for household in (late, done):  # both reviewed and visited on time
            session.add(
                Review(
                    household_id=household.id,
                    kind="CARER_ANNUAL",
                    review_date=date(2026, 1, 5),
                    decisions="Approval continues.",
                    status="finalised",
                )
            )
            session.add(
                Visit(
                    household_id=household.id,
                    visit_type="UNANNOUNCED",
                    visit_date=date(2026, 1, 5),
                    who_was_seen="Both carers",
                    status="finalised",
                )
            )
        session.add(
            TrainingRecord(
                household_id=done.id, kind="TSD", title="TSD", completed_date=date(2025, 9, 1)
            )
        )
    _placed_child(store, "Placed", household_id=late.id, last_visit=date(2026, 6, 10))
    dashboard = build(store, TODAY)
    assert sorted(caseload(store, TODAY).lines) == sorted(caseload_of(dashboard, TODAY).lines)
    assert dashboard.children[0].carers == "The Late household"
    assert [h.name for h in dashboard.households] == ["The Late household", "The Done household"]
    assert dashboard.households[0].worst is Status.OVERDUE
    assert dashboard.households[0].open_items[0].obligation == "tsd"
