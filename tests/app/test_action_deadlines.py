"""Agreed actions on the deadline engine and the dashboard: an open action with a due date is its
subject's due item (overdue, due soon or upcoming by the statutory thresholds), worded as an
action; the saved deadlines follow every change to it (triggers) and still equal the engine's;
completing or deleting it takes it off."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.dashboard import ITEMS, KEY, NEXT_DUE, RANK, build, caseload, caseload_of, worked_out
from app.deadlines import cache
from app.deadlines.engine import (
    ACTION_SOURCE,
    DueItem,
    Status,
    action_title,
    evaluate_child,
    is_action,
)
from app.deadlines.facts import ActionFact, ChildFacts
from app.deadlines.rules import load as load_rules
from app.models import Action, DeadlineStale
from app.models.due_cache import CHILD, HOUSEHOLD
from app.services import actions
from app.store import Store
from demo.laptop import populate

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with clock.frozen_at(datetime(2026, 6, 15, 12, 0).astimezone()):
        yield


@pytest.fixture
def demo(store: Store) -> Store:
    populate(store, children=30, visits_per_child=4, seed=7, today=TODAY)
    with store.write() as session:
        cache.refresh(session, TODAY)
    return store


def _action_items(items: tuple[DueItem, ...] | list[DueItem]) -> list[DueItem]:
    return [i for i in items if is_action(i.obligation)]


def _same_as_engine(store: Store) -> None:
    saved = build(store, TODAY)
    with store.read() as session:
        engine = worked_out(session, TODAY)
    assert saved == engine
    assert sorted(caseload(store, TODAY).lines) == sorted(caseload_of(engine, TODAY).lines)


def _first_child(store: Store) -> uuid.UUID:
    return build(store, TODAY).children[0].child_id


def _child_items(store: Store, child_id: uuid.UUID) -> tuple[DueItem, ...]:
    return next(r.items for r in build(store, TODAY).children if r.child_id == child_id)


def test_an_open_action_is_due_by_the_statutory_thresholds() -> None:
    """Overdue before today, due soon within the rule table's days, upcoming after; worded as
    an action with its owner, and its source named where a regulation would be."""
    table = load_rules()
    child_id = uuid.uuid4()
    facts = ChildFacts(
        child_id=child_id,
        actions=(
            ActionFact(uuid.uuid4(), "Book a dental check-up", "Sam Reid", TODAY - timedelta(1)),
            ActionFact(uuid.uuid4(), "Ring school", "Sam Reid", TODAY + timedelta(14)),
            ActionFact(uuid.uuid4(), "Life story work", "Carers", TODAY + timedelta(15)),
        ),
    )
    found = _action_items(evaluate_child(facts, TODAY, table))
    assert [(i.title, i.status) for i in found] == [
        ("Action: Book a dental check-up (Sam Reid)", Status.OVERDUE),
        ("Action: Ring school (Sam Reid)", Status.DUE_SOON),
        ("Action: Life story work (Carers)", Status.UPCOMING),
    ]
    assert {i.regulation for i in found} == {ACTION_SOURCE}


def test_a_long_description_is_cut_to_one_line_in_the_title() -> None:
    """The dashboard shows one line; the whole text stays on the case page."""
    title = action_title("Arrange " + "a very long meeting " * 10 + "\nsecond line", "Sam")
    assert title.startswith("Action: Arrange a very long meeting") and title.endswith("… (Sam)")
    assert "\n" not in title and len(title) < 100


def test_packed_titles_survive_spaces_semicolons_and_percent_signs() -> None:
    """An action's own title is packed with it and read back exactly."""
    ref = "action:" + uuid.uuid4().hex
    title = "Action: Pay 50% of fees; ring 0800 100 (Sam)"
    item = DueItem(uuid.uuid4(), ref, title, TODAY, Status.OVERDUE, ref, ACTION_SOURCE)
    assert cache.unpack(cache.pack([item])) == [(ref, TODAY, False, title)]


def test_adding_an_action_redoes_only_its_child_and_equals_the_engine(demo: Store) -> None:
    """The trigger lists the child; after the refresh the action is its overdue item and the
    saved dashboard is still the engine's, row for row."""
    child_id = _first_child(demo)
    made = actions.add(
        demo,
        child_id=child_id,
        description="Chase the health assessment; ring GP",
        owner="Sam Reid",
        due_date=TODAY,
    )
    with demo.write() as session:  # due yesterday: as if agreed earlier at a review
        action = session.get(Action, made.action_id)
        assert action is not None
        action.due_date = TODAY - timedelta(days=1)
    with demo.read() as session:
        stale = {(k, i) for k, i in session.execute(select(DeadlineStale.__table__))}
    assert stale == {(CHILD, child_id)}
    _same_as_engine(demo)
    found = _action_items(_child_items(demo, child_id))
    assert [(i.title, i.status, i.due) for i in found] == [
        (
            "Action: Chase the health assessment; ring GP (Sam Reid)",
            Status.OVERDUE,
            TODAY - timedelta(days=1),
        )
    ]
    line = next(x for x in caseload(demo, TODAY).lines if x[KEY] == child_id.hex)
    assert line[RANK] == 0 and line[NEXT_DUE] <= (TODAY - timedelta(days=1)).isoformat()
    assert "Chase%20the%20health%20assessment%3B%20ring%20GP" in line[ITEMS]


def test_completing_or_deleting_an_action_takes_it_off(demo: Store) -> None:
    """Done is done: a completed action is no longer a due item, nor a deleted one."""
    child_id = _first_child(demo)
    done = actions.add(demo, child_id=child_id, description="A", owner="Sam", due_date=TODAY)
    gone = actions.add(demo, child_id=child_id, description="B", owner="Sam", due_date=TODAY)
    assert len(_action_items(_child_items(demo, child_id))) == 2
    actions.complete(demo, action_id=done.action_id)
    with demo.write() as session:
        action = session.get(Action, gone.action_id)
        assert action is not None
        action.deleted = True
    assert _action_items(_child_items(demo, child_id)) == []
    _same_as_engine(demo)


def test_an_undated_action_is_not_a_deadline(demo: Store) -> None:
    """An action with no due date is on the case page but not on the dashboard."""
    child_id = _first_child(demo)
    before = _child_items(demo, child_id)
    actions.add(demo, child_id=child_id, description="Someday", owner="Sam", due_date=None)
    assert _child_items(demo, child_id) == before


def test_a_households_action_is_its_due_item(demo: Store) -> None:
    """An action about carers is the household's item, redone by the trigger."""
    household = build(demo, TODAY).households[0]
    actions.add(
        demo,
        household_id=household.household_id,
        description="Book TSD workshop",
        owner="Bob",
        due_date=TODAY + timedelta(days=3),
    )
    with demo.read() as session:
        stale = {(k, i) for k, i in session.execute(select(DeadlineStale.__table__))}
    assert (HOUSEHOLD, household.household_id) in stale
    row = next(r for r in build(demo, TODAY).households if r.household_id == household.household_id)
    assert [(i.title, i.status) for i in _action_items(row.items)] == [
        ("Action: Book TSD workshop (Bob)", Status.DUE_SOON)
    ]
    _same_as_engine(demo)
