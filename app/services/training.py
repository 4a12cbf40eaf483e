"""Recording carers' training: TSD standards, induction, preparation and courses.

Qt-free, and every save is one ``Store.write()`` transaction (validated, audited, queued for
sync), like ``app.services.visits``. The TSD deadline itself is never stored: the deadline
engine works it out from the household's kind of carer and the first completed TSD record, so
recording a completion here is all it takes for the household's TSD item to show as done.

Problems come back as ``ValidationError`` with fields named as ``TrainingFields`` names them,
so the dialog shows each message beside its own field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock, codes, validation
from app.errors import FieldProblem, ValidationError
from app.models import Carer, CarerHousehold, TrainingRecord
from app.store import Store

#: The kind of training that meets the Training, Support and Development standards.
TSD = "TSD"
#: The title a TSD completion gets when the worker does not name the course.
TSD_TITLE = "Training, Support and Development standards"
#: The kind of training a booking on one of the service's courses is.
COURSE = "COURSE"
BOOKED, ATTENDED, DID_NOT_ATTEND, CANCELLED = "BOOKED", "ATTENDED", "DID_NOT_ATTEND", "CANCELLED"


@dataclass(frozen=True)
class TrainingFields:
    """What the worker fills in. ``carer_id`` None means training for the household as a
    whole (e.g. a course both carers attended together); ``completed_date`` None means not
    completed yet."""

    kind: str | None = "COURSE"
    title: str = ""
    completed_date: date | None = None
    notes: str = ""
    carer_id: uuid.UUID | None = None


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(TrainingFields))


@dataclass(frozen=True)
class TrainingState:
    record_id: uuid.UUID
    household_id: uuid.UUID
    fields: TrainingFields
    saved_at: datetime
    created: bool


class TrainingNotFound(LookupError):
    """The training record (or its household) is not on this laptop."""


def kinds() -> dict[str, str]:
    """The kinds of training the service records, code to words, in the code list's order."""
    return {code: entry.label for code, entry in codes.code_list("training_kind").items()}


def load(store: Store, *, record_id: uuid.UUID) -> TrainingState:
    with store.read() as session:
        record = session.get(TrainingRecord, record_id)
        if record is None or record.deleted:
            raise TrainingNotFound("This training record is not on this laptop.")
        return _state(record, created=False)


def add(
    store: Store,
    *,
    household_id: uuid.UUID,
    values: TrainingFields,
    record_id: uuid.UUID | None = None,
) -> TrainingState:
    """Record training for a carer of the household (or the household as a whole). The id
    may be made by the caller, so saving the same dialog twice is the same record."""
    values = _clean(values)
    with store.write() as session:
        _check(session, household_id, values)
        record = session.get(TrainingRecord, record_id) if record_id is not None else None
        if record is not None:
            if record.household_id != household_id:
                raise TrainingNotFound("This training record belongs to another household.")
            _apply(record, values)
            session.flush()
            return _state(record, created=False)
        record = TrainingRecord(household_id=household_id, **_columns(values))
        if record_id is not None:
            record.id = record_id
        session.add(record)
        session.flush()
        return _state(record, created=True)


def edit(store: Store, *, record_id: uuid.UUID, values: TrainingFields) -> TrainingState:
    """Correct a training record (its date, title, notes, who it was for)."""
    values = _clean(values)
    with store.write() as session:
        record = session.get(TrainingRecord, record_id)
        if record is None or record.deleted:
            raise TrainingNotFound("This training record is not on this laptop.")
        _check(session, record.household_id, values)
        _apply(record, values)
        session.flush()
        return _state(record, created=False)


def mark_tsd_complete(
    store: Store,
    *,
    household_id: uuid.UUID,
    completed_date: date | None,
    carer_id: uuid.UUID | None = None,
    title: str = TSD_TITLE,
    notes: str = "",
) -> TrainingState:
    """Record that the TSD standards were completed on ``completed_date``: the household's
    TSD record still in progress (for this carer) gets the date; otherwise a new TSD record is
    made. Either way the deadline engine then shows the household's TSD item as done."""
    values = _clean(
        TrainingFields(
            kind=TSD, title=title, completed_date=completed_date, notes=notes, carer_id=carer_id
        )
    )
    if completed_date is None:
        raise ValidationError(
            [FieldProblem("completed_date", "Enter the date the TSD standards were completed.")]
        )
    with store.write() as session:
        _check(session, household_id, values)
        open_record = session.scalars(
            select(TrainingRecord)
            .where(
                TrainingRecord.household_id == household_id,
                TrainingRecord.kind == TSD,
                TrainingRecord.completed_date.is_(None),
                TrainingRecord.deleted.is_(False),
                TrainingRecord.carer_id.is_(None)
                if carer_id is None
                else TrainingRecord.carer_id == carer_id,
            )
            .order_by(TrainingRecord.created_at)
        ).first()
        if open_record is not None:
            _apply(
                open_record,
                TrainingFields(
                    kind=TSD,
                    title=values.title or open_record.title,
                    completed_date=completed_date,
                    notes=values.notes or open_record.notes,
                    carer_id=carer_id,
                ),
            )
            session.flush()
            return _state(open_record, created=False)
        record = TrainingRecord(household_id=household_id, **_columns(values))
        session.add(record)
        session.flush()
        return _state(record, created=True)


# ---- Bookings on the service's courses


@dataclass(frozen=True)
class CourseChoice:
    """One of the service's courses, as the laptop's list names it (``sync.courses``)."""

    course_id: uuid.UUID
    title: str
    starts_on: date


@dataclass(frozen=True)
class Booking:
    record_id: uuid.UUID
    household_id: uuid.UUID
    carer_id: uuid.UUID | None
    course_id: uuid.UUID
    title: str
    course_date: date | None
    status: str


def book(
    store: Store,
    *,
    household_id: uuid.UUID,
    course: CourseChoice,
    carer_id: uuid.UUID | None = None,
    record_id: uuid.UUID | None = None,
) -> Booking:
    """Book a carer of the household (or the household) onto one of the service's courses.
    Booking the same carer onto the same course again is the booking already made, not a
    second one; the id may be made by the caller, so saving the same dialog twice is one."""
    with store.write() as session:
        values = TrainingFields(kind=COURSE, title=course.title.strip(), carer_id=carer_id)
        _check(session, household_id, values)
        same = session.scalars(
            select(TrainingRecord).where(
                TrainingRecord.household_id == household_id,
                TrainingRecord.course_id == course.course_id,
                TrainingRecord.deleted.is_(False),
                TrainingRecord.carer_id.is_(None)
                if carer_id is None
                else TrainingRecord.carer_id == carer_id,
            )
        ).first()
        if same is None and record_id is not None:
            same = session.get(TrainingRecord, record_id)
        if same is not None:
            if same.booking_status == CANCELLED:
                same.booking_status = BOOKED
                session.flush()
            return _booking(same)
        record = TrainingRecord(
            household_id=household_id,
            **_columns(values),
            course_id=course.course_id,
            course_date=course.starts_on,
            booking_status=BOOKED,
        )
        if record_id is not None:
            record.id = record_id
        session.add(record)
        session.flush()
        return _booking(record)


def record_attendance(store: Store, *, record_id: uuid.UUID, status: str) -> Booking:
    """Whether the carer went: ATTENDED completes the training on the course's day (so it
    counts in the year of the household's annual review), DID_NOT_ATTEND or CANCELLED leave it
    not completed. A course still to come cannot be attended yet."""
    with store.write() as session:
        record = session.get(TrainingRecord, record_id)
        if record is None or record.deleted or record.course_id is None:
            raise TrainingNotFound("This booking is not on this laptop.")
        if status == ATTENDED and record.course_date and record.course_date > clock.today():
            raise ValidationError(
                [
                    FieldProblem(
                        "booking_status",
                        f"The course is on {record.course_date:%d/%m/%Y}: record who attended "
                        "on or after the day.",
                    )
                ]
            )
        record.booking_status = status
        record.completed_date = record.course_date if status == ATTENDED else None
        session.flush()
        return _booking(record)


def bookings(store: Store, household_id: uuid.UUID) -> list[Booking]:
    """The household's bookings, soonest course first."""
    with store.read() as session:
        rows = session.scalars(
            select(TrainingRecord)
            .where(
                TrainingRecord.household_id == household_id,
                TrainingRecord.course_id.is_not(None),
                TrainingRecord.deleted.is_(False),
            )
            .order_by(TrainingRecord.course_date, TrainingRecord.created_at)
        )
        return [_booking(r) for r in rows]


@dataclass(frozen=True)
class Completed:
    """Training a carer completed: what an annual review looks back on."""

    who: str
    kind_label: str
    title: str
    completed_date: date


def completed(store: Store, household_id: uuid.UUID) -> list[Completed]:
    """Every completion of the household's training (courses attended, TSD, induction...),
    newest first."""
    with store.read() as session:
        names = {
            c.id: f"{c.given_name} {c.family_name}".strip()
            for c in session.scalars(select(Carer).where(Carer.household_id == household_id))
        }
        rows = session.scalars(
            select(TrainingRecord)
            .where(
                TrainingRecord.household_id == household_id,
                TrainingRecord.completed_date.is_not(None),
                TrainingRecord.deleted.is_(False),
            )
            .order_by(TrainingRecord.completed_date.desc(), TrainingRecord.created_at)
        )
        return [
            Completed(
                who=names.get(r.carer_id, "A former carer") if r.carer_id else "Household",
                kind_label=codes.label("training_kind", r.kind),
                title=r.title,
                completed_date=r.completed_date,
            )
            for r in rows
            if r.completed_date is not None
        ]


def in_year_to(items: list[Completed], until: date) -> list[Completed]:
    """The completions in the year up to and including ``until`` (a review's date): after the
    same day a year before."""
    try:
        since = until.replace(year=until.year - 1)
    except ValueError:  # 29 February: a year before is 28 February
        since = until.replace(year=until.year - 1, day=28)
    return [i for i in items if since < i.completed_date <= until]


def _booking(record: TrainingRecord) -> Booking:
    assert record.course_id is not None
    return Booking(
        record_id=record.id,
        household_id=record.household_id,
        carer_id=record.carer_id,
        course_id=record.course_id,
        title=record.title,
        course_date=record.course_date,
        status=record.booking_status or BOOKED,
    )


# ---- Private API


def _clean(values: TrainingFields) -> TrainingFields:
    """Titles are one line: surrounding spaces are dropped rather than stored."""
    return TrainingFields(
        kind=values.kind,
        title=values.title.strip(),
        completed_date=values.completed_date,
        notes=values.notes.strip(),
        carer_id=values.carer_id,
    )


def _check(session: Session, household_id: uuid.UUID, values: TrainingFields) -> None:
    """What the store's validation cannot know from the record alone: the household is here,
    a kind was chosen, and the carer named lives in this household."""
    household = session.get(CarerHousehold, household_id)
    if household is None or household.deleted:
        raise TrainingNotFound("This carer household's record is not on this laptop.")
    found: list[FieldProblem] = []
    if not values.kind:
        found.append(FieldProblem("kind", "Choose the kind of training."))
    if values.carer_id is not None:
        carer = session.get(Carer, values.carer_id)
        if carer is None or carer.deleted or carer.household_id != household_id:
            found.append(
                FieldProblem("carer_id", "Choose one of this household's carers, or the household.")
            )
    if found:
        # Also everything the store would refuse, so the worker sees every problem at once.
        probe = TrainingRecord(household_id=household_id, **_columns(values))
        named = {p.field for p in found}
        found += [
            p for p in validation.problems(probe, today=clock.today()) if p.field not in named
        ]
        raise ValidationError(found)


def _columns(values: TrainingFields) -> dict[str, object]:
    return {name: getattr(values, name) for name in FIELD_NAMES}


def _apply(record: TrainingRecord, values: TrainingFields) -> None:
    """Set only what changed, so saving an unchanged record writes nothing."""
    for name, value in _columns(values).items():
        if getattr(record, name) != value:
            setattr(record, name, value)


def _state(record: TrainingRecord, *, created: bool) -> TrainingState:
    return TrainingState(
        record_id=record.id,
        household_id=record.household_id,
        fields=TrainingFields(**{name: getattr(record, name) for name in FIELD_NAMES}),
        saved_at=record.updated_at,
        created=created,
    )
