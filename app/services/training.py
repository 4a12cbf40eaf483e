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
