"""Case notes through the service: a draft is one record however often it is saved, the day
it happened is the worker's and never in the future, signing off needs the note written, the
same rules speak before sign-off as at it, and only a signed note takes addenda."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app import clock
from app.errors import RecordFinalised, ValidationError
from app.ids import new_id
from app.models import CaseNote
from app.services import case_notes
from app.services.case_notes import NoteFields
from app.store import Store
from tests.app import factories


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.child()
        session.add(made)
    return made.id


def _fields(**changes: object) -> NoteFields:
    base = {
        "kind": "PHONE_CALL",
        "event_date": clock.today() - timedelta(days=2),
        "subject": "  Call with carer  ",
        "text": "Carer says the week was settled.",
    }
    base.update(changes)
    return NoteFields(**base)  # type: ignore[arg-type]


def test_saving_a_draft_twice_is_one_note_with_the_day_it_happened(
    store: Store, child_id: uuid.UUID
) -> None:
    """The first save creates, the second updates the same note; the subject is trimmed."""
    note_id = new_id()
    first = case_notes.save_draft(store, note_id=note_id, child_id=child_id, values=_fields())
    second = case_notes.save_draft(
        store, note_id=note_id, child_id=child_id, values=_fields(text="Changed")
    )
    assert first.created and not second.created
    with store.read() as session:
        notes = session.query(CaseNote).filter_by(child_id=child_id).all()
    assert len(notes) == 1
    assert notes[0].subject == "Call with carer" and notes[0].text == "Changed"
    assert notes[0].event_date == clock.today() - timedelta(days=2)
    state = case_notes.load(store, note_id=note_id)
    assert not state.finalised and state.written_at.date() <= clock.utcnow().date()


def test_a_future_day_or_an_unknown_kind_is_refused_in_words(
    store: Store, child_id: uuid.UUID
) -> None:
    with pytest.raises(ValidationError) as refused:
        case_notes.save_draft(
            store,
            note_id=new_id(),
            child_id=child_id,
            values=_fields(event_date=clock.today() + timedelta(days=1), kind="GOSSIP"),
        )
    messages = {p.field: p.message for p in refused.value.problems}
    assert messages == {
        "event_date": "The date it happened cannot be in the future.",
        "kind": "Choose a kind of note from the list.",
    }


def test_sign_off_needs_the_note_and_the_same_rule_speaks_beforehand(
    store: Store, child_id: uuid.UUID
) -> None:
    """``sign_off_problems`` says what ``finalise`` would refuse, without touching the store."""
    empty = _fields(text="   ")
    before = case_notes.sign_off_problems(empty, child_id=child_id, household_id=None)
    assert [(p.field, p.message) for p in before] == [
        ("text", "Write the note before signing it off.")
    ]
    note_id = new_id()
    with pytest.raises(ValidationError) as refused:
        case_notes.finalise(store, note_id=note_id, child_id=child_id, values=empty)
    assert refused.value.problems == before
    assert case_notes.sign_off_problems(_fields(), child_id=child_id, household_id=None) == []
    signed = case_notes.finalise(store, note_id=note_id, child_id=child_id, values=_fields())
    assert signed.finalised and signed.finalised_by
    with pytest.raises(RecordFinalised):
        case_notes.save_draft(store, note_id=note_id, child_id=child_id, values=_fields())


def test_only_a_signed_note_takes_an_addendum(store: Store, child_id: uuid.UUID) -> None:
    note_id = new_id()
    case_notes.save_draft(store, note_id=note_id, child_id=child_id, values=_fields())
    with pytest.raises(ValidationError):
        case_notes.add_addendum(store, note_id=note_id, text="A correction")
    case_notes.finalise(store, note_id=note_id, child_id=child_id, values=_fields())
    added = case_notes.add_addendum(store, note_id=note_id, text="  A correction ")
    assert added.text == "A correction"
    assert [a.text for a in case_notes.load(store, note_id=note_id).addenda] == ["A correction"]
