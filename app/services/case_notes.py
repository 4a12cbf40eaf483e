"""Writing a case note: save a draft, sign it off, correct it with addenda.

A case note records something that happened on a case (a phone call, a meeting, an email,
management oversight, supervision, direct work with the child). Its ``event_date`` is the day
it happened and is kept apart from when the note was written (the record's own creation time),
so a note written up days later shows its own timeliness: an inspector reads both.

The kinds a service uses are data (``note_kind`` in ``resources/codes/service.toml``), so a
service adds or renames one without touching code.

As with visits, a draft is an upsert by an id the form makes up front, so autosaving the same
form any number of times is always the same record; every write is one ``Store.write()``
transaction (validated, audited, queued for sync).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import case_closing, clock, codes, late_work, leaving_care, validation
from app.errors import FieldProblem, RecordFinalised, ValidationError
from app.models import DRAFT, FINALISED, Addendum, CaseNote
from app.services.visits import AddendumView
from app.store import Store

#: The kind a new note starts with: the first the service lists.
NOTE_KINDS = "note_kind"


@dataclass(frozen=True)
class NoteFields:
    """What the worker fills in, as plain values (the form's snapshot)."""

    kind: str = ""
    event_date: date | None = None
    subject: str = ""
    text: str = ""


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(NoteFields))


@dataclass(frozen=True)
class Saved:
    note_id: uuid.UUID
    saved_at: datetime
    created: bool


@dataclass(frozen=True)
class NoteState:
    """A case note as the form shows it when it opens (or after sign-off)."""

    note_id: uuid.UUID
    child_id: uuid.UUID | None
    household_id: uuid.UUID | None
    fields: NoteFields
    finalised: bool
    finalised_at: datetime | None
    finalised_by: str | None
    written_at: datetime
    written_by: str
    saved_at: datetime
    addenda: tuple[AddendumView, ...]


class NoteNotFound(LookupError):
    """The case note is not on this laptop (never saved, or removed by sync)."""


def kinds() -> dict[str, str]:
    """The kinds of note the service uses, code to words, in the order it lists them (not the
    ones Casebook itself writes: late work flagged by the service, ``app.late_work``, a
    case's closure, ``app.case_closing``, and a corrected leaving date, ``app.leaving_care``)."""
    written = {
        late_work.LATE_NOTE_KIND,
        case_closing.CLOSED_NOTE_KIND,
        case_closing.REOPENED_NOTE_KIND,
        leaving_care.CORRECTED_NOTE_KIND,
    }
    return {
        code: entry.label
        for code, entry in codes.code_list(NOTE_KINDS).items()
        if code not in written
    }


def load(store: Store, *, note_id: uuid.UUID) -> NoteState:
    with store.read() as session:
        note = session.get(CaseNote, note_id)
        if note is None or note.deleted:
            raise NoteNotFound("This case note is not on this laptop.")
        return _state(session, note)


def sign_off_problems(
    values: NoteFields, *, child_id: uuid.UUID | None, household_id: uuid.UUID | None
) -> list[FieldProblem]:
    """What would stop this note being signed off, by the same rules the store applies
    (``app.validation``), so the form can say so before asking "sign off?"."""
    note = CaseNote(
        id=uuid.uuid4(),
        child_id=child_id,
        household_id=household_id,
        status=FINALISED,
        **_columns(values),
    )
    return validation.problems(note, today=clock.today())


def save_draft(
    store: Store,
    *,
    note_id: uuid.UUID,
    child_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    values: NoteFields,
) -> Saved:
    """Create the draft note or bring it up to date with ``values``, in one transaction.
    Raises ``RecordFinalised`` if it was signed off meanwhile and ``ValidationError`` with
    per-field problems."""
    with store.write() as session:
        note, created = _upsert(session, note_id, child_id, household_id, values)
        session.flush()
        return Saved(note_id=note.id, saved_at=note.updated_at, created=created)


def finalise(
    store: Store,
    *,
    note_id: uuid.UUID,
    child_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    values: NoteFields,
) -> NoteState:
    """Save ``values`` and sign the note off in one transaction, so what is signed is exactly
    what the worker last saw; nothing is saved if a sign-off rule is not met."""
    with store.write() as session:
        note, _created = _upsert(session, note_id, child_id, household_id, values)
        note.status = FINALISED
        session.flush()
        return _state(session, note)


def add_addendum(store: Store, *, note_id: uuid.UUID, text: str) -> AddendumView:
    """Add a correction or addition to a signed-off note. Drafts are edited, not corrected."""
    if not text.strip():
        raise ValidationError([FieldProblem("text", "Write the addendum before adding it.")])
    with store.write() as session:
        note = session.get(CaseNote, note_id)
        if note is None or note.deleted:
            raise NoteNotFound("This case note is not on this laptop.")
        if not note.is_finalised:
            raise ValidationError(
                [
                    FieldProblem(
                        "text",
                        "This case note is still a draft: change the note itself. Addenda are "
                        "for notes that have been signed off.",
                    )
                ]
            )
        addendum = Addendum(
            target_type=CaseNote.record_type,
            target_id=note.id,
            child_id=note.child_id,
            household_id=note.household_id,
            text=text.strip(),
        )
        session.add(addendum)
        session.flush()
        return AddendumView(addendum.id, addendum.text, addendum.created_at, addendum.created_by)


# ---- Private API


def _columns(values: NoteFields) -> dict[str, object]:
    columns: dict[str, object] = {name: getattr(values, name) for name in FIELD_NAMES}
    columns["subject"] = values.subject.strip()
    return columns


def _upsert(
    session: Session,
    note_id: uuid.UUID,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    values: NoteFields,
) -> tuple[CaseNote, bool]:
    if child_id is None and household_id is None:
        raise ValueError("a case note must name its child or its carer household")
    note = session.get(CaseNote, note_id)
    if note is None:
        note = CaseNote(
            id=note_id,
            child_id=child_id,
            household_id=household_id,
            status=DRAFT,
            **_columns(values),
        )
        session.add(note)
        return note, True
    if note.is_finalised:
        raise RecordFinalised(what=note.noun)
    # Set only what changed: an autosave of an unchanged form writes nothing at all.
    for name, value in _columns(values).items():
        if getattr(note, name) != value:
            setattr(note, name, value)
    return note, False


def _state(session: Session, note: CaseNote) -> NoteState:
    addenda = session.scalars(
        select(Addendum)
        .where(
            Addendum.target_type == CaseNote.record_type,
            Addendum.target_id == note.id,
            Addendum.deleted.is_(False),
        )
        .order_by(Addendum.created_at)
    )
    return NoteState(
        note_id=note.id,
        child_id=note.child_id,
        household_id=note.household_id,
        fields=NoteFields(**{name: getattr(note, name) for name in FIELD_NAMES}),
        finalised=note.is_finalised,
        finalised_at=note.finalised_at,
        finalised_by=note.finalised_by,
        written_at=note.created_at,
        written_by=note.created_by,
        saved_at=note.updated_at,
        addenda=tuple(AddendumView(a.id, a.text, a.created_at, a.created_by) for a in addenda),
    )
