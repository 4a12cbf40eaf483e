"""Recording carers' training: added for a carer or the household, corrected, and TSD marked
complete, each in one store transaction, with problems named beside their fields in words a
social worker understands; a TSD completion turns the household's TSD item to done."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.deadlines.engine import Status
from app.errors import ValidationError
from app.households import open_household
from app.models import Carer, OutboxEntry, TrainingRecord
from app.services import training
from app.services.training import TrainingFields
from app.store import Store
from tests.app import factories


@dataclass
class Household:
    household_id: uuid.UUID
    carer_id: uuid.UUID
    other_carer_id: uuid.UUID


@pytest.fixture
def household(store: Store) -> Household:
    """Foster carers approved 14 months ago, TSD not done yet (overdue), and a carer of
    another household."""
    with store.write() as session:
        made = factories.household(approval_date=clock.today() - timedelta(days=430))
        other = factories.household(name="The Abbott household")
        session.add_all([made, other])
        session.flush()
        carer = Carer(household_id=made.id, given_name="Sandra", family_name="Whitfield")
        stranger = Carer(household_id=other.id, given_name="Ann", family_name="Abbott")
        session.add_all([carer, stranger])
    return Household(made.id, carer.id, stranger.id)


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.field: p.message for p in exc.value.problems}


def _outbox(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(OutboxEntry)) or 0


def test_training_is_added_for_a_carer_or_the_household(store: Store, household: Household) -> None:
    """A course for one carer and one for the household as a whole are both kept, titles
    trimmed, and show in the household's file."""
    day = clock.today() - timedelta(days=3)
    first = training.add(
        store,
        household_id=household.household_id,
        values=TrainingFields(
            kind="COURSE",
            title="  Safer caring ",
            completed_date=day,
            carer_id=household.carer_id,
        ),
    )
    training.add(
        store,
        household_id=household.household_id,
        values=TrainingFields(kind="INDUCTION", title="Induction"),
    )
    assert first.created and first.fields.title == "Safer caring"
    found = open_household(store, household.household_id, clock.today())
    assert sorted((t.who, t.title, t.completed_date) for t in found.training) == [
        ("Household", "Induction", None),
        ("Sandra Whitfield", "Safer caring", day),
    ]


def test_problems_are_named_beside_their_fields(store: Store, household: Household) -> None:
    """No kind, no title, a future date and another household's carer are all reported at
    once, in plain words, and nothing is saved."""
    before = _outbox(store)
    with pytest.raises(ValidationError) as exc:
        training.add(
            store,
            household_id=household.household_id,
            values=TrainingFields(
                kind=None,
                title=" ",
                completed_date=clock.today() + timedelta(days=1),
                carer_id=household.other_carer_id,
            ),
        )
    assert _problems(exc) == {
        "kind": "Choose the kind of training.",
        "carer_id": "Choose one of this household's carers, or the household.",
        "title": "Enter the name of the training.",
        "completed_date": "The completion date cannot be in the future.",
    }
    assert _outbox(store) == before


def test_a_title_must_be_one_line(store: Store, household: Household) -> None:
    """A line break in the training's name is refused by the store's own validation."""
    with pytest.raises(ValidationError) as exc:
        training.add(
            store,
            household_id=household.household_id,
            values=TrainingFields(kind="COURSE", title="Safer\ncaring"),
        )
    assert "one line" in _problems(exc)["title"]


def test_a_record_is_corrected_and_an_unchanged_save_writes_nothing(
    store: Store, household: Household
) -> None:
    """Editing changes only what was changed; saving it again unchanged queues nothing."""
    added = training.add(
        store,
        household_id=household.household_id,
        values=TrainingFields(kind="COURSE", title="Paediatric first aid"),
    )
    changed = TrainingFields(
        kind="COURSE", title="Paediatric first aid", completed_date=date(2026, 1, 9), notes="Pass"
    )
    edited = training.edit(store, record_id=added.record_id, values=changed)
    assert edited.fields == changed and not edited.created
    before = _outbox(store)
    training.edit(store, record_id=added.record_id, values=changed)
    assert _outbox(store) == before
    assert training.load(store, record_id=added.record_id).fields.notes == "Pass"


def test_marking_tsd_complete_makes_the_tsd_item_done(store: Store, household: Household) -> None:
    """The overdue TSD item becomes done on the completion date; a TSD record in progress
    gets the date rather than a second record being made."""
    today = clock.today()
    first = open_household(store, household.household_id, today).tsd
    assert first is not None and first.status is Status.OVERDUE
    in_progress = training.add(
        store,
        household_id=household.household_id,
        values=TrainingFields(kind="TSD", title="TSD workbook", carer_id=household.carer_id),
    )
    done_on = today - timedelta(days=1)
    state = training.mark_tsd_complete(
        store,
        household_id=household.household_id,
        completed_date=done_on,
        carer_id=household.carer_id,
        title="TSD workbook",
    )
    assert state.record_id == in_progress.record_id and not state.created
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(TrainingRecord)) == 1
    tsd = open_household(store, household.household_id, today).tsd
    assert tsd is not None and tsd.status is Status.DONE and tsd.last_done == done_on


def test_tsd_completion_needs_its_date(store: Store, household: Household) -> None:
    """Marking TSD complete without a date asks for the date."""
    with pytest.raises(ValidationError) as exc:
        training.mark_tsd_complete(store, household_id=household.household_id, completed_date=None)
    assert _problems(exc) == {"completed_date": "Enter the date the TSD standards were completed."}


def test_a_missing_household_or_record_is_reported(store: Store) -> None:
    """Training for a household, or a record, that is not on this laptop is a clear error."""
    with pytest.raises(training.TrainingNotFound):
        training.add(
            store, household_id=uuid.uuid4(), values=TrainingFields(kind="COURSE", title="X")
        )
    with pytest.raises(training.TrainingNotFound):
        training.edit(store, record_id=uuid.uuid4(), values=TrainingFields(title="X"))


# ---- Bookings on the service's courses


def test_a_carer_is_booked_onto_a_course_once_and_attending_completes_it(
    store: Store, household: Household
) -> None:
    today = clock.today()
    past = training.CourseChoice(uuid.uuid4(), "Therapeutic parenting", today - timedelta(days=3))
    coming = training.CourseChoice(uuid.uuid4(), "Life story work", today + timedelta(days=20))
    booked = training.book(
        store, household_id=household.household_id, course=past, carer_id=household.carer_id
    )
    again = training.book(
        store, household_id=household.household_id, course=past, carer_id=household.carer_id
    )
    assert again.record_id == booked.record_id  # the same booking, not a second
    later = training.book(store, household_id=household.household_id, course=coming)
    assert [(b.title, b.status) for b in training.bookings(store, household.household_id)] == [
        ("Therapeutic parenting", "BOOKED"),
        ("Life story work", "BOOKED"),
    ]
    with pytest.raises(ValidationError) as early:
        training.record_attendance(store, record_id=later.record_id, status="ATTENDED")
    assert "record who attended on or after the day" in str(early.value)

    training.record_attendance(store, record_id=booked.record_id, status="ATTENDED")
    training.record_attendance(store, record_id=later.record_id, status="CANCELLED")
    found = open_household(store, household.household_id, today)
    words = {t.title: t.completed_words for t in found.training}
    assert words["Therapeutic parenting"] == f"{past.starts_on:%d %b %Y}"
    assert words["Life story work"] == f"Booking cancelled: course on {coming.starts_on:%d %b %Y}"
    done = training.completed(store, household.household_id)
    assert [(d.title, d.who) for d in done] == [("Therapeutic parenting", "Sandra Whitfield")]
    with store.read() as session:  # each booking is one synced training record
        queued = session.scalar(
            select(func.count())
            .select_from(OutboxEntry)
            .where(OutboxEntry.record_type == "training_record")
        )
    assert queued is not None and queued >= 2


def test_the_year_to_a_review_counts_back_to_the_same_day_a_year_before() -> None:
    def done(on: date) -> training.Completed:
        return training.Completed("Household", "Course or workshop", f"on {on}", on)

    items = [done(date(2025, 3, 1)), done(date(2025, 3, 2)), done(date(2026, 3, 1))]
    assert [i.title for i in training.in_year_to(items, date(2026, 3, 1))] == [
        "on 2025-03-02",
        "on 2026-03-01",
    ]
    leap = [done(date(2023, 2, 28)), done(date(2023, 3, 1))]
    assert [i.title for i in training.in_year_to(leap, date(2024, 2, 29))] == ["on 2023-03-01"]
