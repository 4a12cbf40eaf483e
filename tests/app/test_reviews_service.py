"""Recording a review without Qt: drafts are upserts with their actions, a half-typed action is
kept back rather than losing the review, sign-off checks everything at once, the actions of a
signed review keep their words, and a carer annual review keeps its considerations."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.errors import RecordFinalised, ValidationError
from app.models import Action, OutboxEntry, Review
from app.services import actions, reviews
from app.services.reviews import ActionLine, CarerReview, ReviewFields
from app.store import Store
from tests.app import factories


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.child(date_of_birth=date(2017, 3, 14))
        session.add(made)
    return made.id


@pytest.fixture
def household_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.household()
        session.add(made)
    return made.id


def _day(days_ago: int) -> date:
    return clock.today() - timedelta(days=days_ago)


def _child_review(**overrides: object) -> ReviewFields:
    review = ReviewFields(
        kind="CHILD_LAC",
        review_date=_day(3),
        chair="Priya Shah (IRO)",
        attendees="Amara, her carers, her social worker",
        participation="PN1",
        decisions="Placement continues; contact with her brother monthly.",
    )
    return replace(review, **overrides)


def _line(description: str, owner: str, due: date | None) -> ActionLine:
    return ActionLine(uuid.uuid4(), description, owner, due)


def _stored_actions(store: Store, review_id: uuid.UUID) -> list[Action]:
    with store.read() as session:
        return list(
            session.scalars(
                select(Action).where(Action.source_id == review_id).order_by(Action.description)
            )
        )


def test_a_draft_saves_the_review_and_its_actions_together(
    store: Store, child_id: uuid.UUID
) -> None:
    """The review and both actions agreed at it are stored, about the same child."""
    review_id = uuid.uuid4()
    lines = (
        _line("Book a dental check-up", "Sam Reid", _day(-10)),
        _line("Start life story work", "Carers", _day(-40)),
    )
    saved = reviews.save_draft(
        store,
        review_id=review_id,
        child_id=child_id,
        household_id=None,
        values=_child_review(actions=lines),
    )
    assert saved.created and not saved.held_back
    stored = _stored_actions(store, review_id)
    assert [a.description for a in stored] == ["Book a dental check-up", "Start life story work"]
    assert {(a.child_id, a.source_type) for a in stored} == {(child_id, "review")}
    state = reviews.load(store, review_id=review_id)
    assert not state.finalised
    assert {a.action_id for a in state.fields.actions} == {line.action_id for line in lines}


def test_an_unchanged_autosave_writes_nothing(store: Store, child_id: uuid.UUID) -> None:
    """Saving the same form again queues nothing for sync."""
    review_id = uuid.uuid4()
    values = _child_review(actions=(_line("Ring school", "Sam Reid", _day(-5)),))
    reviews.save_draft(
        store, review_id=review_id, child_id=child_id, household_id=None, values=values
    )
    with store.read() as session:
        before = session.scalar(select(func.count()).select_from(OutboxEntry))
    again = reviews.save_draft(
        store, review_id=review_id, child_id=child_id, household_id=None, values=values
    )
    assert not again.created
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == before


def test_removing_a_line_from_a_draft_tombstones_its_action(
    store: Store, child_id: uuid.UUID
) -> None:
    """An action taken off the draft is deleted the way records are: a tombstone that syncs."""
    review_id = uuid.uuid4()
    keep, drop = _line("Ring school", "Sam", _day(-5)), _line("Send letter", "Sam", _day(-5))
    for lines in ((keep, drop), (keep,)):
        reviews.save_draft(
            store,
            review_id=review_id,
            child_id=child_id,
            household_id=None,
            values=_child_review(actions=lines),
        )
    by_text = {a.description: a for a in _stored_actions(store, review_id)}
    assert by_text["Send letter"].deleted and not by_text["Ring school"].deleted
    state = reviews.load(store, review_id=review_id)
    assert [a.description for a in state.fields.actions] == ["Ring school"]


def test_a_half_typed_action_is_kept_back_and_the_review_still_saved(
    store: Store, child_id: uuid.UUID
) -> None:
    """An action without an owner is not stored yet, but the decisions typed are, and the
    answer says which line needs what."""
    review_id = uuid.uuid4()
    saved = reviews.save_draft(
        store,
        review_id=review_id,
        child_id=child_id,
        household_id=None,
        values=_child_review(
            decisions="Typed and must not be lost", actions=(_line("Ring school", "", None),)
        ),
    )
    assert [(p.field, p.message) for p in saved.held_back] == [
        ("actions.0.owner", "Say who is responsible for the action.")
    ]
    assert reviews.load(store, review_id=review_id).fields.decisions == "Typed and must not be lost"
    assert _stored_actions(store, review_id) == []


def test_sign_off_refuses_missing_decisions_and_incomplete_actions_all_at_once(
    store: Store, child_id: uuid.UUID
) -> None:
    """Every problem comes back together, beside its field, and nothing is signed."""
    review_id = uuid.uuid4()
    with pytest.raises(ValidationError) as caught:
        reviews.finalise(
            store,
            review_id=review_id,
            child_id=child_id,
            household_id=None,
            values=_child_review(
                decisions="",
                participation=None,
                actions=(_line("Ring school", "Sam", _day(10)),),
            ),
        )
    fields = {p.field for p in caught.value.problems}
    assert {"participation", "actions.0.due_date"} <= fields
    with store.read() as session:
        assert session.get(Review, review_id) is None
    with pytest.raises(ValidationError) as caught:
        reviews.finalise(
            store,
            review_id=review_id,
            child_id=child_id,
            household_id=None,
            values=_child_review(decisions=""),
        )
    assert [p.message for p in caught.value.problems] == [
        "Record the review's decisions before signing off."
    ]


def test_pn0_for_a_child_of_four_or_more_is_refused(store: Store, child_id: uuid.UUID) -> None:
    """'Child under 4' is refused for a nine-year-old, in the validation's words."""
    with pytest.raises(ValidationError) as caught:
        reviews.save_draft(
            store,
            review_id=uuid.uuid4(),
            child_id=child_id,
            household_id=None,
            values=_child_review(participation="PN0"),
        )
    assert caught.value.problems[0].field == "participation"
    assert "4 or older" in caught.value.problems[0].message


def test_a_signed_review_and_its_actions_cannot_change_but_actions_can_be_completed(
    store: Store, child_id: uuid.UUID
) -> None:
    """After sign-off the review refuses edits; marking one of its actions done still works."""
    review_id = uuid.uuid4()
    line = _line("Ring school", "Sam Reid", _day(-5))
    state = reviews.finalise(
        store,
        review_id=review_id,
        child_id=child_id,
        household_id=None,
        values=_child_review(actions=(line,)),
    )
    assert state.finalised and state.finalised_by
    with pytest.raises(RecordFinalised):
        reviews.save_draft(
            store,
            review_id=review_id,
            child_id=child_id,
            household_id=None,
            values=_child_review(actions=()),
        )
    assert not _stored_actions(store, review_id)[0].deleted
    actions.complete(store, action_id=line.action_id, on=clock.today())
    done = reviews.load(store, review_id=review_id).fields.actions[0]
    assert done.completed_date == clock.today()


def test_addenda_only_after_sign_off(store: Store, child_id: uuid.UUID) -> None:
    """A draft is changed, not corrected; a signed review takes addenda."""
    review_id = uuid.uuid4()
    reviews.save_draft(
        store, review_id=review_id, child_id=child_id, household_id=None, values=_child_review()
    )
    with pytest.raises(ValidationError):
        reviews.add_addendum(store, review_id=review_id, text="Correction")
    reviews.finalise(
        store, review_id=review_id, child_id=child_id, household_id=None, values=_child_review()
    )
    reviews.add_addendum(store, review_id=review_id, text="The IRO's name is spelt Shah.")
    assert [a.text for a in reviews.load(store, review_id=review_id).addenda] == [
        "The IRO's name is spelt Shah."
    ]


def test_a_carer_review_needs_the_household_and_its_considerations(
    store: Store, household_id: uuid.UUID
) -> None:
    """A carer annual review is the household's; sign-off needs suitability, terms, panel
    and the carers' views, and the first review must go to panel."""
    review_id = uuid.uuid4()
    with pytest.raises(ValidationError):
        reviews.save_draft(
            store,
            review_id=review_id,
            child_id=uuid.uuid4(),
            household_id=None,
            values=ReviewFields(kind="CARER_ANNUAL", review_date=_day(1)),
        )
    values = ReviewFields(
        kind="CARER_ANNUAL", review_date=_day(1), chair="Reviewing officer", attendees="Carers"
    )
    with pytest.raises(ValidationError) as caught:
        reviews.finalise(
            store, review_id=review_id, child_id=None, household_id=household_id, values=values
        )
    assert {p.field for p in caught.value.problems} >= {
        "carer.suitability",
        "carer.terms",
        "carer.panel",
        "carer.carers_views",
    }
    carer = CarerReview(
        suitability="YES",
        terms="YES",
        panel="NO",
        carers_views="They feel well supported.",
        children_views="Jordan says he likes living here.",
        recommendation="Approval continues for two children aged 0 to 18.",
    )
    with pytest.raises(ValidationError) as caught:
        reviews.finalise(
            store,
            review_id=review_id,
            child_id=None,
            household_id=household_id,
            values=ReviewFields(
                kind="CARER_ANNUAL",
                review_date=_day(1),
                chair="Reviewing officer",
                attendees="Carers",
                carer=carer,
            ),
        )
    assert "first annual review" in caught.value.problems[0].message
    done = reviews.finalise(
        store,
        review_id=review_id,
        child_id=None,
        household_id=household_id,
        values=ReviewFields(
            kind="CARER_ANNUAL",
            review_date=_day(1),
            chair="Reviewing officer",
            attendees="Carers",
            carer=CarerReview(**{**carer.__dict__, "panel": "YES"}),
        ),
    )
    assert done.household_id == household_id and done.child_id is None
    assert done.fields.carer == CarerReview(**{**carer.__dict__, "panel": "YES"})
    with store.read() as session:
        stored = session.get(Review, review_id)
        assert stored is not None
        assert "Continued suitability: The carers and their household continue" in (
            stored.decisions
        )


def test_carer_decisions_written_before_the_headings_are_kept() -> None:
    """A carer review recorded as plain text reads back as its recommendation, untouched."""
    parts = reviews.carer_parts("Approval continues on the same terms.")
    assert parts == CarerReview(recommendation="Approval continues on the same terms.")
    assert reviews.carer_parts(reviews.carer_decisions(CarerReview())) == CarerReview()


def test_an_sgo_support_review_is_the_childs(store: Store, household_id: uuid.UUID) -> None:
    """A special guardianship support review cannot be recorded against a household alone."""
    with pytest.raises(ValidationError) as caught:
        reviews.save_draft(
            store,
            review_id=uuid.uuid4(),
            child_id=None,
            household_id=household_id,
            values=ReviewFields(kind="SGO_SUPPORT", review_date=_day(1)),
        )
    assert "child's case" in caught.value.problems[0].message
