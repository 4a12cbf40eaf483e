"""Recording a visit without Qt: drafts are upserts by id, sign-off is one transaction that
checks the sign-off rules, finalised visits never change, and corrections are addenda."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import clock
from app.errors import RecordFinalised, ValidationError
from app.households import open_household
from app.models import Addendum, Attachment, AuditEvent, OutboxEntry, Visit
from app.services import attachments, visits
from app.services.visits import VisitFields
from app.store import Store
from tests.app import factories


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.child()
        session.add(made)
    return made.id


def _fields(**overrides: object) -> VisitFields:
    values: dict[str, object] = {"visit_date": clock.today() - timedelta(days=1)}
    values.update(overrides)
    return VisitFields(**values)  # type: ignore[arg-type]


def test_first_save_creates_a_draft_and_later_saves_update_it(
    store: Store, child_id: uuid.UUID
) -> None:
    """Saving the same form twice is the same record: one visit, still a draft."""
    visit_id = uuid.uuid4()
    first = visits.save_draft(
        store, visit_id=visit_id, child_id=child_id, values=_fields(observations="Tidy room")
    )
    second = visits.save_draft(
        store,
        visit_id=visit_id,
        child_id=child_id,
        values=_fields(observations="Tidy room, new bike"),
    )
    assert first.created and not second.created
    with store.read() as session:
        rows = session.scalars(select(Visit)).all()
    assert len(rows) == 1
    assert rows[0].observations == "Tidy room, new bike" and rows[0].status == "draft"


def test_an_unchanged_autosave_writes_nothing(store: Store, child_id: uuid.UUID) -> None:
    """An autosave with nothing new adds no audit line and no outbox change."""
    visit_id = uuid.uuid4()
    values = _fields(wishes_and_feelings="Wants to see her brother")
    visits.save_draft(store, visit_id=visit_id, child_id=child_id, values=values)
    with store.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
        outbox = session.scalar(select(func.count()).select_from(OutboxEntry))
    visits.save_draft(store, visit_id=visit_id, child_id=child_id, values=values)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == outbox


def test_a_reason_is_dropped_when_the_child_was_seen_alone(
    store: Store, child_id: uuid.UUID
) -> None:
    """No stored contradiction: "seen alone" and a reason for not seeing them alone."""
    visit_id = uuid.uuid4()
    visits.save_draft(
        store,
        visit_id=visit_id,
        child_id=child_id,
        values=_fields(seen_alone=True, not_seen_alone_reason="CHILD_REFUSED"),
    )
    assert visits.load(store, visit_id=visit_id).fields.not_seen_alone_reason is None


def test_a_future_date_is_refused_with_the_field_named(store: Store, child_id: uuid.UUID) -> None:
    """Validation problems come back tied to the field the form shows them beside."""
    with pytest.raises(ValidationError) as caught:
        visits.save_draft(
            store,
            visit_id=uuid.uuid4(),
            child_id=child_id,
            values=_fields(visit_date=clock.today() + timedelta(days=3)),
        )
    assert caught.value.fields == ["visit_date"]
    assert "future" in caught.value.problems[0].message


def test_finalise_checks_the_sign_off_rules(store: Store, child_id: uuid.UUID) -> None:
    """A visit cannot be signed off without who was seen, whether the child was seen alone,
    the child's wishes and feelings and what was observed of them; the draft is left as it
    was."""
    visit_id = uuid.uuid4()
    visits.save_draft(store, visit_id=visit_id, child_id=child_id, values=_fields())
    with pytest.raises(ValidationError) as caught:
        visits.finalise(store, visit_id=visit_id, child_id=child_id, values=_fields())
    assert set(caught.value.fields) == {
        "who_was_seen",
        "seen_alone",
        "wishes_and_feelings",
        "observations",
    }
    with pytest.raises(ValidationError) as caught:
        visits.finalise(
            store,
            visit_id=visit_id,
            child_id=child_id,
            values=_fields(
                who_was_seen="Amara",
                seen_alone=False,
                wishes_and_feelings="Wants to stay",
                observations="Settled",
            ),
        )
    assert caught.value.fields == ["not_seen_alone_reason"]
    assert not visits.load(store, visit_id=visit_id).finalised


def test_a_finalised_visit_cannot_change_and_takes_addenda(
    store: Store, child_id: uuid.UUID
) -> None:
    """Sign-off freezes the visit; a correction is an addendum that points at it."""
    visit_id = uuid.uuid4()
    done = _fields(
        who_was_seen="Amara and her carer",
        seen_alone=True,
        wishes_and_feelings="Wants to stay",
        observations="Well",
    )
    with pytest.raises(ValidationError):
        visits.add_addendum(store, visit_id=uuid.uuid4(), text="   ")
    visits.save_draft(store, visit_id=visit_id, child_id=child_id, values=done)
    with pytest.raises(ValidationError):
        visits.add_addendum(store, visit_id=visit_id, text="Too early: still a draft")
    state = visits.finalise(store, visit_id=visit_id, child_id=child_id, values=done)
    assert state.finalised and state.finalised_by == store.worker
    with pytest.raises(RecordFinalised):
        visits.save_draft(
            store, visit_id=visit_id, child_id=child_id, values=_fields(observations="Changed")
        )
    added = visits.add_addendum(store, visit_id=visit_id, text="  Carer's name was misspelt.  ")
    assert added.text == "Carer's name was misspelt."
    reloaded = visits.load(store, visit_id=visit_id)
    assert reloaded.fields.observations == "Well"
    assert [a.text for a in reloaded.addenda] == ["Carer's name was misspelt."]
    with store.read() as session:
        addendum = session.scalars(select(Addendum)).one()
    assert addendum.target_id == visit_id and addendum.child_id == child_id


def test_attach_file_reads_from_disk_into_the_store(
    store: Store, child_id: uuid.UUID, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A picked file lands in the store under its own name; a file over the cap is refused
    before it is read."""
    visit_id = uuid.uuid4()
    visits.save_draft(store, visit_id=visit_id, child_id=child_id, values=_fields())
    photo = tmp_path / "bedroom.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"x" * 100)
    view = visits.attach_file(store, visit_id=visit_id, path=photo)
    assert (view.filename, view.media_type, view.size) == ("bedroom.jpg", "image/jpeg", 103)
    assert [a.filename for a in visits.load(store, visit_id=visit_id).attachments] == [
        "bedroom.jpg"
    ]
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 10)
    with pytest.raises(ValidationError):
        visits.attach_file(store, visit_id=visit_id, path=photo)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_loading_a_missing_visit_says_so(store: Store) -> None:
    """A visit that is not on the laptop is a clear error, not an empty form."""
    with pytest.raises(visits.VisitNotFound):
        visits.load(store, visit_id=uuid.uuid4())


@pytest.fixture
def household_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.household(approval_date=clock.today() - timedelta(days=800))
        session.add(made)
    return made.id


def test_a_visit_to_carers_is_about_the_household_and_asks_no_child_questions(
    store: Store, household_id: uuid.UUID
) -> None:
    """A supervising visit names the household, not a child; answers to the child-only
    questions are not kept; it signs off without them."""
    visit_id = uuid.uuid4()
    values = _fields(
        visit_type="SUPERVISING",
        who_was_seen="Sandra and Mike",
        seen_alone=False,
        not_seen_alone_reason="UNABLE",
    )
    visits.save_draft(store, visit_id=visit_id, household_id=household_id, values=values)
    state = visits.finalise(store, visit_id=visit_id, household_id=household_id, values=values)
    assert state.finalised and state.household_id == household_id and state.child_id is None
    assert state.fields.seen_alone is None and state.fields.not_seen_alone_reason is None
    with store.read() as session:
        stored = session.get(Visit, visit_id)
        assert stored is not None and stored.household_id == household_id
        assert stored.child_id is None and stored.seen_alone is None


def test_a_signed_off_unannounced_visit_moves_the_next_one_due(
    store: Store, household_id: uuid.UUID
) -> None:
    """The yearly unannounced visit (NMS 21.8) is overdue until one is signed off, then due a
    year after it; a draft does not count."""
    today = clock.today()
    before = open_household(store, household_id, today).next_unannounced
    assert before is not None and before.status.value == "overdue"
    visit_id = uuid.uuid4()
    values = _fields(visit_type="UNANNOUNCED", visit_date=today, who_was_seen="Sandra")
    visits.save_draft(store, visit_id=visit_id, household_id=household_id, values=values)
    assert open_household(store, household_id, today).last_unannounced is None
    visits.finalise(store, visit_id=visit_id, household_id=household_id, values=values)
    after = open_household(store, household_id, today)
    assert after.last_unannounced == today
    assert after.next_unannounced is not None and after.next_unannounced.status.value == (
        "upcoming"
    )
    assert after.next_unannounced.last_done == today


def test_a_visit_must_name_a_household_on_this_laptop(store: Store) -> None:
    """A visit to carers whose household is not here is refused in words; a visit naming
    neither child nor household is a programming error."""
    with pytest.raises(visits.VisitNotFound, match="not on this laptop"):
        visits.save_draft(
            store,
            visit_id=uuid.uuid4(),
            household_id=uuid.uuid4(),
            values=_fields(visit_type="SUPERVISING"),
        )
    with pytest.raises(ValueError):
        visits.save_draft(store, visit_id=uuid.uuid4(), values=_fields())


def test_sign_off_problems_say_before_signing_what_finalise_would_refuse(
    store: Store, child_id: uuid.UUID
) -> None:
    """The form's check before "sign off?" is the store's own rule: the same problems, and none
    once a baby's visit gives the reason and what was observed of the child."""
    baby = _fields(
        who_was_seen="Ava and her carer",
        seen_alone=False,
        not_seen_alone_reason="INAPPROPRIATE",
        wishes_not_gathered="TOO_YOUNG",
    )
    before = visits.sign_off_problems(baby, child_id=child_id, household_id=None)
    assert [p.field for p in before] == ["observations"]
    assert "too young to say" in before[0].message
    visit_id = uuid.uuid4()
    with pytest.raises(ValidationError) as refused:
        visits.finalise(store, visit_id=visit_id, child_id=child_id, values=baby)
    assert refused.value.problems == before
    observed = replace(baby, observations="Smiled at her carer; feeding well.")
    assert visits.sign_off_problems(observed, child_id=child_id, household_id=None) == []
    state = visits.finalise(store, visit_id=visit_id, child_id=child_id, values=observed)
    assert state.finalised and state.fields.wishes_not_gathered == "TOO_YOUNG"


def test_a_visit_to_carers_keeps_no_child_only_answers(store: Store) -> None:
    """A household visit is not asked about one child's wishes: no reason is stored for it."""
    with store.write() as session:
        household = factories.household()
        session.add(household)
    values = _fields(
        visit_type="SUPERVISING", who_was_seen="The carers", wishes_not_gathered="TOO_YOUNG"
    )
    assert visits.sign_off_problems(values, child_id=None, household_id=household.id) == []
    state = visits.finalise(store, visit_id=uuid.uuid4(), household_id=household.id, values=values)
    assert state.fields.wishes_not_gathered is None
