"""Agreed actions without Qt: listing open and done, adding one on its own with plain-English
checks, marking done (and undoing it), for a child and for a carer household."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from app import clock
from app.errors import FieldProblem, ValidationError
from app.services import actions, reviews
from app.services.reviews import ActionLine, ReviewFields
from app.store import Store
from tests.app import factories


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.child()
        session.add(made)
    return made.id


@pytest.fixture
def household_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.household()
        session.add(made)
    return made.id


def _day(days_ahead: int) -> date:
    return clock.today() + timedelta(days=days_ahead)


def test_open_actions_come_soonest_first_and_done_ones_apart(
    store: Store, child_id: uuid.UUID
) -> None:
    """The list splits open from done, open ones by due date, undated last."""
    later = actions.add(store, child_id=child_id, description="B", owner="Sam", due_date=_day(9))
    actions.add(store, child_id=child_id, description="C", owner="Sam", due_date=None)
    actions.add(store, child_id=child_id, description="A", owner="Sam", due_date=_day(2))
    actions.complete(store, action_id=later.action_id)
    listed = actions.list_for(store, child_id=child_id)
    assert [a.description for a in listed.open] == ["A", "C"]
    assert [(a.description, a.completed) for a in listed.complete] == [("B", clock.today())]


def test_adding_needs_a_description_an_owner_and_a_due_date_not_in_the_past(
    store: Store, child_id: uuid.UUID
) -> None:
    """Every problem is named, in words a worker understands, and nothing is added."""
    with pytest.raises(ValidationError) as caught:
        actions.add(store, child_id=child_id, description=" ", owner="", due_date=_day(-1))
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("description", "Describe the action."),
        ("owner", "Say who is responsible for the action."),
        ("due_date", "An action cannot be due before the day it is added."),
    ]
    assert actions.list_for(store, child_id=child_id).open == ()


def test_adding_twice_with_the_same_id_adds_once(store: Store, child_id: uuid.UUID) -> None:
    """A retried add is the same action."""
    action_id = uuid.uuid4()
    for _ in range(2):
        actions.add(
            store,
            child_id=child_id,
            description="Ring school",
            owner="Sam",
            due_date=_day(3),
            action_id=action_id,
        )
    assert len(actions.list_for(store, child_id=child_id).open) == 1


def test_completion_date_cannot_be_in_the_future_or_before_the_review(
    store: Store, child_id: uuid.UUID
) -> None:
    """An action agreed at a review cannot be done before that review took place."""
    line = ActionLine(uuid.uuid4(), "Ring school", "Sam", _day(5))
    reviews.save_draft(
        store,
        review_id=uuid.uuid4(),
        child_id=child_id,
        household_id=None,
        values=ReviewFields(review_date=_day(-3), actions=(line,)),
    )
    with pytest.raises(ValidationError) as caught:
        actions.complete(store, action_id=line.action_id, on=_day(1))
    assert "future" in caught.value.problems[0].message
    with pytest.raises(ValidationError) as caught:
        actions.complete(store, action_id=line.action_id, on=_day(-4))
    assert "before it was agreed" in caught.value.problems[0].message
    done = actions.complete(store, action_id=line.action_id, on=_day(-2))
    assert done.completed == _day(-2) and done.source == "Agreed at a review"


def test_a_completion_marked_by_mistake_can_be_undone(store: Store, child_id: uuid.UUID) -> None:
    """Reopening puts the action back among the open ones."""
    made = actions.add(store, child_id=child_id, description="A", owner="Sam", due_date=None)
    actions.complete(store, action_id=made.action_id)
    actions.reopen(store, action_id=made.action_id)
    assert [a.action_id for a in actions.list_for(store, child_id=child_id).open] == [
        made.action_id
    ]


def test_a_households_own_actions_are_listed_for_it(
    store: Store, household_id: uuid.UUID, child_id: uuid.UUID
) -> None:
    """A household's list holds its own actions, not a child's."""
    actions.add(
        store, household_id=household_id, description="Book TSD", owner="Bob", due_date=_day(30)
    )
    actions.add(store, child_id=child_id, description="Child's", owner="Sam", due_date=None)
    assert [a.description for a in actions.list_for(store, household_id=household_id).open] == [
        "Book TSD"
    ]


def test_an_action_can_be_reworded_redated_and_reassigned_in_one_save(
    store: Store, child_id: uuid.UUID
) -> None:
    """Editing changes exactly what the worker changed; reassigning changes only the owner."""
    made = actions.add(
        store, child_id=child_id, description="Ring school", owner="Sam", due_date=_day(5)
    )
    edited = actions.edit(
        store,
        action_id=made.action_id,
        description="Ring school about the trip",
        owner="Sam",
        due_date=_day(9),
    )
    assert (edited.description, edited.owner, edited.due) == (
        "Ring school about the trip",
        "Sam",
        _day(9),
    )
    moved = actions.reassign(store, action_id=made.action_id, owner="Sandra Whitfield")
    assert (moved.description, moved.owner, moved.due) == (
        "Ring school about the trip",
        "Sandra Whitfield",
        _day(9),
    )
    assert actions.owners(store, child_id=child_id, household_id=None) == ["Sandra Whitfield"]


def test_editing_refuses_in_plain_words_and_changes_nothing(
    store: Store, child_id: uuid.UUID
) -> None:
    """An empty description or owner, a done action, and a review's words are refused."""
    made = actions.add(store, child_id=child_id, description="A", owner="Sam", due_date=_day(5))
    with pytest.raises(ValidationError) as caught:
        actions.edit(store, action_id=made.action_id, description="", owner="", due_date=None)
    assert [p.message for p in caught.value.problems] == [
        "Describe the action.",
        "Say who is responsible for the action.",
    ]
    with pytest.raises(ValidationError) as caught:
        actions.reassign(store, action_id=made.action_id, owner="Sam\nand Jo")
    assert caught.value.problems[0].message == "Write who is responsible on one line."
    actions.complete(store, action_id=made.action_id)
    with pytest.raises(ValidationError) as caught:
        actions.reassign(store, action_id=made.action_id, owner="Jo")
    assert caught.value.problems[0].message == "This action is done: reopen it to change it."
    line = ActionLine(uuid.uuid4(), "Ring school", "Sam", _day(5))
    reviews.save_draft(
        store,
        review_id=uuid.uuid4(),
        child_id=child_id,
        household_id=None,
        values=ReviewFields(review_date=_day(-3), actions=(line,)),
    )
    with pytest.raises(ValidationError) as caught:
        actions.edit(
            store, action_id=line.action_id, description="Email school", owner="Sam", due_date=None
        )
    assert caught.value.problems[0].message.startswith(
        "An action agreed at a review keeps the words agreed there"
    )
    kept = actions.edit(
        store, action_id=line.action_id, description="Ring school", owner="Jo", due_date=_day(7)
    )
    assert (kept.owner, kept.due, kept.rewordable) == ("Jo", _day(7), False)


def test_done_with_a_note_keeps_the_note_until_reopened(store: Store, child_id: uuid.UUID) -> None:
    """The note says what was done; reopening clears it with the date; a long note is refused."""
    made = actions.add(store, child_id=child_id, description="A", owner="Sam", due_date=None)
    with pytest.raises(ValidationError) as caught:
        actions.complete(store, action_id=made.action_id, note="x" * (actions.NOTE_CHARS + 1))
    assert caught.value.problems[0].field == "completion_note"
    done = actions.complete(store, action_id=made.action_id, note="  Rang; booked for Friday. ")
    assert (done.completed, done.completion_note) == (clock.today(), "Rang; booked for Friday.")
    again = actions.reopen(store, action_id=made.action_id)
    assert (again.completed, again.completion_note) == (None, "")


def test_actions_agreed_at_a_visit_are_the_visits_and_need_a_due_date(
    store: Store, child_id: uuid.UUID
) -> None:
    """An action added from a visit is about the visit's child, listed on the visit and on the
    child's case, keeps its words, and is tracked (it must have a due date). A visit not yet
    saved cannot have actions."""
    with store.write() as session:
        visit = factories.visit(child_id, visit_date=_day(-2))
        session.add(visit)
    with pytest.raises(ValidationError) as caught:
        actions.add(store, visit_id=visit.id, description="A", owner="Sam", due_date=None)
    assert caught.value.problems == [
        FieldProblem("due_date", "Choose the date the action is due by.")
    ]
    with pytest.raises(actions.ActionNotFound, match="Save the visit first"):
        actions.add(store, visit_id=uuid.uuid4(), description="A", owner="Sam", due_date=_day(1))
    made = actions.add(
        store, visit_id=visit.id, description="Ask for a new bed", owner="Sam", due_date=_day(3)
    )
    assert (made.source, made.agreed_on, made.rewordable) == (
        "Agreed at a visit",
        _day(-2),
        False,
    )
    assert [a.action_id for a in actions.for_visit(store, visit_id=visit.id).open] == [
        made.action_id
    ]
    assert [a.action_id for a in actions.list_for(store, child_id=child_id).open] == [
        made.action_id
    ]
