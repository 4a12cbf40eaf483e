"""A child's whole record for the case view, without Qt: profile, legal status history,
placements, actions and a chronology of everything recorded, newest first, in a few queries."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import event

from app import clock
from app.chronology import (
    ChildNotFound,
    filter_kinds,
    load_case,
    summarise,
)
from app.models import (
    Action,
    Addendum,
    CarePlan,
    CaseNote,
    LegalStatus,
    Placement,
    Review,
)
from app.store import Store
from tests.app import factories

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with clock.frozen_at(datetime(2026, 6, 15, 12, 0).astimezone()):
        yield


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    """A child with a history: two legal statuses, two placements, visits, a review, a note,
    actions and an addendum to a finalised visit."""
    household = factories.household()
    with store.write() as session:
        child = factories.child(preferred_name="Mara")
        session.add_all([household, child])
        session.flush()
        session.add_all(
            [
                LegalStatus(
                    child_id=child.id,
                    code="C1",
                    start_date=date(2025, 1, 10),
                    end_date=date(2025, 7, 1),
                    reason_ceased="X1",
                ),
                LegalStatus(child_id=child.id, code="C2", start_date=date(2025, 7, 1)),
                Placement(
                    child_id=child.id,
                    placement_type="U6",
                    start_date=date(2025, 1, 10),
                    end_date=date(2025, 9, 1),
                    reason_changed="CARPL",
                ),
                Placement(
                    child_id=child.id,
                    household_id=household.id,
                    placement_type="U4",
                    start_date=date(2025, 9, 1),
                ),
                CarePlan(
                    child_id=child.id,
                    plan_date=date(2025, 1, 20),
                    permanence_plan="LONG_TERM_FOSTERING",
                ),
                Review(child_id=child.id, kind="CHILD_LAC", review_date=date(2026, 3, 2)),
                CaseNote(
                    child_id=child.id,
                    event_date=date(2026, 6, 1),
                    subject="Call from school",
                    text="Teacher rang about a trip.",
                ),
                Action(
                    child_id=child.id,
                    description="Book dentist",
                    owner="alice",
                    due_date=date(2026, 6, 1),
                ),
                Action(
                    child_id=child.id,
                    description="Life story book",
                    owner="Carer",
                    due_date=date(2026, 9, 1),
                ),
                Action(
                    child_id=child.id,
                    description="Passport",
                    owner="alice",
                    completed_date=date(2026, 5, 1),
                ),
            ]
        )
        signed = factories.finalised_visit(
            child.id, visit_date=date(2026, 5, 20), observations="Settled and chatty."
        )
        draft = factories.visit(child.id, visit_date=date(2026, 6, 10), welfare_concern=True)
        session.add_all([signed, draft])
        session.flush()
        session.add(
            Addendum(
                child_id=child.id,
                target_type="visit",
                target_id=signed.id,
                text="Also met the carer's son.",
            )
        )
    return child.id


def test_profile_legal_status_and_placements(store: Store, child_id: uuid.UUID) -> None:
    """The header reads in words, history is newest first, the current placement is marked."""
    with store.read() as session:
        case = load_case(session, child_id, TODAY)
    assert case.profile.name == "Mara Okafor" and case.profile.age == 9
    assert case.profile.legal_status == "Full care order (s31)"
    assert [s.code for s in case.legal_statuses] == ["C2", "C1"]
    assert case.legal_statuses[1].reason_ended is not None
    assert [(p.placement_type, p.current) for p in case.placements] == [
        ("U4", True),
        ("U6", False),
    ]
    assert case.placements[0].carers == "The Whitfield household"


def test_actions_open_first_soonest_first(store: Store, child_id: uuid.UUID) -> None:
    """Open actions come first by due date, overdue ones flagged; completed ones last."""
    with store.read() as session:
        actions = load_case(session, child_id, TODAY).actions
    assert [a.description for a in actions] == ["Book dentist", "Life story book", "Passport"]
    assert [a.overdue for a in actions] == [True, False, False]


def test_chronology_is_everything_newest_first(store: Store, child_id: uuid.UUID) -> None:
    """Every kind of record appears once, ordered by when it happened, newest first; an
    addendum names the visit it corrects."""
    with store.read() as session:
        entries = load_case(session, child_id, TODAY).chronology
    kinds = [e.kind for e in entries]
    assert sorted(kinds) == sorted(
        ["visit", "visit", "review", "case_note", "action", "action", "action", "addendum"]
        + ["care_plan"]
    )
    days = [e.on for e in entries]
    assert days == sorted(days, reverse=True)
    draft = next(e for e in entries if e.kind == "visit" and e.status == "Draft")
    assert "welfare concern" in draft.title
    addendum = next(e for e in entries if e.kind == "addendum")
    assert addendum.title == "Addendum to visit of 20 May 2026"
    assert addendum.target_kind == "visit" and addendum.target_id is not None
    only = filter_kinds(entries, {"visit", "addendum"})
    assert {e.kind for e in only} == {"visit", "addendum"} and len(only) == 3


def test_whole_child_in_a_few_queries(store: Store, child_id: uuid.UUID) -> None:
    """The case view costs a fixed number of queries however long the child's history."""
    with store.write() as session:
        session.add_all(
            factories.visit(child_id, visit_date=date(2026, 1, 1 + n)) for n in range(25)
        )
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.read() as session:
            case = load_case(session, child_id, TODAY)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len(case.chronology) > 30
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 12  # one per table and one for the names, however many visits


def test_unknown_child_is_reported(store: Store) -> None:
    """A child no longer on the laptop is a clear error."""
    with store.read() as session, pytest.raises(ChildNotFound):
        load_case(session, uuid.uuid4(), TODAY)


def test_summaries_are_one_line_and_cut_at_a_word() -> None:
    """Summaries fold line breaks and stop at a word with an ellipsis."""
    assert summarise("Line one\nline  two", None, "") == "Line one line two"
    cut = summarise("word " * 100, limit=22)
    assert cut.endswith("…") and len(cut) <= 23 and "wor…" not in cut
