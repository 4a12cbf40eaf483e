"""What waits for a manager's approval, and approving or returning it, on the manager's laptop:
finalised assessments and recently signed-off reviews wait, oldest first; approving changes the
status (a comment becomes a management oversight note); returning gives the worker an action
with the comments and keeps the record waiting; every write is one transaction."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import approvals, clock
from app.errors import ValidationError
from app.models import APPROVED, Action, Assessment, CaseNote, Review
from app.services import assessments, reviews
from app.store import Store
from tests.app import factories
from tests.app.test_assessments_service import V1, _finalise, _save
from tests.app.test_reviews_service import _child_review, _day


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.child(given_name="Amara", family_name="Mensah")
        session.add(made)
    return made.id


def test_finalised_assessments_and_recent_reviews_wait_oldest_first(
    store: Store, child_id: uuid.UUID
) -> None:
    done, draft = uuid.uuid4(), uuid.uuid4()
    _finalise(store, done, child_id, V1)
    _save(store, draft, child_id, V1)
    review_id = uuid.uuid4()
    reviews.finalise(
        store, review_id=review_id, child_id=child_id, household_id=None, values=_child_review()
    )
    waiting = approvals.waiting(store)
    assert [(w.kind, w.record_id) for w in waiting] == [
        ("assessment", done),
        ("review", review_id),
    ]
    assert waiting[0].subject == "Amara Mensah" and waiting[0].finalised_by == store.worker
    assert waiting[0].returned_on is None
    # Reviews signed off before the window are history, not waiting.
    later = clock.today() + timedelta(days=approvals.rules().review_window_days + 1)
    assert [w.kind for w in approvals.waiting(store, today=later)] == ["assessment"]


def test_the_review_kinds_that_wait_are_the_services_to_set(
    store: Store, child_id: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviews.finalise(
        store, review_id=uuid.uuid4(), child_id=child_id, household_id=None, values=_child_review()
    )
    assert "CHILD_LAC" in approvals.rules().review_kinds
    assert [w.kind for w in approvals.waiting(store)] == ["review"]
    only_carers = approvals.Rules(56, frozenset({"CARER_ANNUAL"}))
    monkeypatch.setattr(approvals, "rules", lambda: only_carers)
    assert approvals.waiting(store) == []


def test_approving_with_a_comment_keeps_an_oversight_note(
    store: Store, child_id: uuid.UUID
) -> None:
    assessment_id, review_id = uuid.uuid4(), uuid.uuid4()
    _finalise(store, assessment_id, child_id, V1)
    reviews.finalise(
        store, review_id=review_id, child_id=child_id, household_id=None, values=_child_review()
    )
    first, second = approvals.waiting(store)
    approvals.approve(store, first, comment="Clear analysis; agreed.")
    approvals.approve(store, second)
    assert approvals.waiting(store) == []
    assert assessments.load(store, assessment_id=assessment_id).status == APPROVED
    with store.read() as session:
        assert session.get(Review, review_id).status == APPROVED  # type: ignore[union-attr]
        notes = list(session.scalars(select(CaseNote)))
    assert [(n.kind, n.text, n.status, n.child_id) for n in notes] == [
        (approvals.oversight_kind(), "Clear analysis; agreed.", "finalised", child_id)
    ]
    with pytest.raises(ValidationError, match="no longer waiting"):
        approvals.approve(store, first)


def test_returning_gives_the_worker_an_action_and_keeps_it_waiting(
    store: Store, child_id: uuid.UUID
) -> None:
    assessment_id = uuid.uuid4()
    _finalise(store, assessment_id, child_id, V1)
    [item] = approvals.waiting(store)
    with pytest.raises(ValidationError, match="Say what needs to change"):
        approvals.return_with_comments(store, item, comments="  ", due=_day(-14))
    due = _day(-14)
    action_id = approvals.return_with_comments(
        store, item, comments="Add the child's views in her own words.", due=due
    )
    with store.read() as session:
        action = session.get(Action, action_id)
        assert action is not None
        assert action.owner == item.finalised_by_name and action.due_date == due
        assert "Add the child's views in her own words." in action.description
        assert action.source_id == assessment_id and action.child_id == child_id
        [note] = session.scalars(select(CaseNote))
        assert note.subject.startswith(f"Returned to {item.finalised_by_name}")
        assert session.get(Assessment, assessment_id).status == "finalised"  # type: ignore[union-attr]
    [still] = approvals.waiting(store)
    assert still.returned_on == clock.today()


def test_an_oversight_note_is_signed_off_on_the_childs_record(
    store: Store, child_id: uuid.UUID
) -> None:
    with pytest.raises(ValidationError):
        approvals.oversight_note(store, child_id=child_id, subject="", text=" ")
    note_id = approvals.oversight_note(
        store, child_id=child_id, subject="", text="Discussed in supervision: plan on track."
    )
    with store.read() as session:
        note = session.get(CaseNote, note_id)
        assert note is not None and note.status == "finalised" and note.finalised_by
        assert note.subject == "Management oversight" and note.child_id == child_id
