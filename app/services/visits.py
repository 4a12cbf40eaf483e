"""Recording a statutory visit: save a draft, sign it off, correct it with addenda, attach files.

Qt-free so the visit form's logic is tested without a display, and so every save takes the same
path (one ``Store.write()`` transaction: validated, audited, queued for sync) whoever calls it.

A visit is about a child (statutory visits, CPPCR reg 28/29) or about a carer household
(supervising visits, the yearly unannounced visit of NMS 21.8, special guardianship support
visits): the same form and the same path, with ``household_id`` naming the household instead of
``child_id`` naming the child. The child-only questions (was the child seen alone, and if not
why: reg 29) do not apply to a household visit and are never stored on one.

Why drafts are upserts by an id the form makes up front: the form autosaves every few seconds
and on every focus change, and the first save must create the visit while later ones update it.
If the id were made by the first save, a crash between "saved" and "form learns the id" would
leave a second, orphaned draft on the next save. With the id fixed before anything is written,
saving the same form twice is always the same record.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock, people, validation
from app.errors import FieldProblem, RecordFinalised, ValidationError
from app.models import DRAFT, FINALISED, Addendum, Attachment, CarerHousehold, Visit
from app.services import attachments
from app.store import Store


@dataclass(frozen=True)
class VisitFields:
    """What the worker fills in, as plain values (the form's snapshot, safe to pass between
    threads). ``seen_alone`` is None until the worker has answered the question."""

    visit_type: str = "STATUTORY_CHILD"
    visit_date: date | None = None
    who_was_seen: str = ""
    seen_alone: bool | None = None
    not_seen_alone_reason: str | None = None
    wishes_and_feelings: str = ""
    wishes_not_gathered: str | None = None
    observations: str = ""
    actions_agreed: str = ""
    welfare_concern: bool = False

    def normalised(self, *, household: bool = False) -> VisitFields:
        """A reason for not seeing the child alone only makes sense when they were not: drop a
        reason left over from an earlier answer rather than store a contradiction. A visit to
        a household asks neither question, so neither answer is kept."""
        if household and (
            self.seen_alone is not None or self.not_seen_alone_reason or self.wishes_not_gathered
        ):
            return replace(
                self, seen_alone=None, not_seen_alone_reason=None, wishes_not_gathered=None
            )
        if self.seen_alone is not False and self.not_seen_alone_reason is not None:
            return replace(self, not_seen_alone_reason=None)
        return self


#: Visit types about a carer household rather than a child, in the order the form offers them.
HOUSEHOLD_VISIT_TYPES: tuple[str, ...] = ("SUPERVISING", "UNANNOUNCED", "SGO_SUPPORT")


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(VisitFields))


@dataclass(frozen=True)
class Saved:
    """The answer to a draft save: small on purpose, because it happens every few seconds."""

    visit_id: uuid.UUID
    saved_at: datetime
    created: bool


@dataclass(frozen=True)
class AddendumView:
    addendum_id: uuid.UUID
    text: str
    written_at: datetime
    written_by: str


@dataclass(frozen=True)
class AttachmentView:
    attachment_id: uuid.UUID
    filename: str
    media_type: str
    size: int
    added_at: datetime


@dataclass(frozen=True)
class VisitState:
    """A visit as the form shows it when it opens (or after sign-off)."""

    visit_id: uuid.UUID
    child_id: uuid.UUID | None
    fields: VisitFields
    household_id: uuid.UUID | None
    finalised: bool
    finalised_at: datetime | None
    finalised_by: str | None
    saved_at: datetime
    addenda: tuple[AddendumView, ...]
    attachments: tuple[AttachmentView, ...]


class VisitNotFound(LookupError):
    """The visit is not on this laptop (never saved, or removed by sync)."""


def load(store: Store, *, visit_id: uuid.UUID) -> VisitState:
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise VisitNotFound("This visit is not on this laptop.")
        return _state(session, visit)


def sign_off_problems(
    values: VisitFields, *, child_id: uuid.UUID | None, household_id: uuid.UUID | None
) -> list[FieldProblem]:
    """What would stop this visit being signed off, by the same rules the store applies
    (``app.validation``), so the form can say so before asking "sign off?"."""
    values = values.normalised(household=_about_household(child_id, household_id))
    visit = Visit(
        id=uuid.uuid4(),
        child_id=child_id,
        household_id=household_id,
        status=FINALISED,
        **_columns(values),
    )
    return validation.problems(visit, today=clock.today())


def save_draft(
    store: Store,
    *,
    visit_id: uuid.UUID,
    child_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    values: VisitFields,
) -> Saved:
    """Create the draft visit or bring it up to date with ``values``, in one transaction. The
    visit is about ``child_id`` or, for a visit to carers, ``household_id``.

    Raises ``RecordFinalised`` if the visit was signed off meanwhile (e.g. on another form) and
    ``ValidationError`` with per-field problems the form shows beside each field.
    """
    values = values.normalised(household=_about_household(child_id, household_id))
    with store.write() as session:
        visit = session.get(Visit, visit_id)
        created = visit is None
        if visit is None:
            _check_household(session, household_id)
            visit = Visit(
                id=visit_id,
                child_id=child_id,
                household_id=household_id,
                status=DRAFT,
                **_columns(values),
            )
            session.add(visit)
        else:
            if visit.is_finalised:
                raise RecordFinalised(what=visit.noun)
            _apply(visit, values)
        session.flush()
        return Saved(visit_id=visit.id, saved_at=visit.updated_at, created=created)


def finalise(
    store: Store,
    *,
    visit_id: uuid.UUID,
    child_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    values: VisitFields,
) -> VisitState:
    """Save ``values`` and sign the visit off in one transaction, so what is signed is exactly
    what the worker last saw. Sign-off rules (who was seen, seen alone, reason) are checked by
    the store's validation and come back as a ``ValidationError``; nothing is saved then."""
    values = values.normalised(household=_about_household(child_id, household_id))
    with store.write() as session:
        visit = session.get(Visit, visit_id)
        if visit is None:
            _check_household(session, household_id)
            visit = Visit(
                id=visit_id,
                child_id=child_id,
                household_id=household_id,
                status=FINALISED,
                **_columns(values),
            )
            session.add(visit)
        else:
            if visit.is_finalised:
                raise RecordFinalised(what=visit.noun)
            _apply(visit, values)
            visit.status = FINALISED
        session.flush()
        return _state(session, visit)


def add_addendum(store: Store, *, visit_id: uuid.UUID, text: str) -> AddendumView:
    """Add a correction or addition to a signed-off visit. Drafts are edited, not corrected."""
    if not text.strip():
        raise ValidationError([FieldProblem("text", "Write the addendum before adding it.")])
    with store.write() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise VisitNotFound("This visit is not on this laptop.")
        if not visit.is_finalised:
            raise ValidationError(
                [
                    FieldProblem(
                        "text",
                        "This visit is still a draft: change the visit itself. Addenda are "
                        "for visits that have been finalised.",
                    )
                ]
            )
        addendum = Addendum(
            target_type=Visit.record_type,
            target_id=visit.id,
            child_id=visit.child_id,
            household_id=visit.household_id,
            text=text.strip(),
        )
        session.add(addendum)
        session.flush()
        return AddendumView(addendum.id, addendum.text, addendum.created_at, addendum.created_by)


def attach_file(store: Store, *, visit_id: uuid.UUID, path: Path) -> AttachmentView:
    """Attach a file from disk to the visit. The size is checked before reading, so picking a
    huge file by mistake costs nothing; the bytes then go straight into the encrypted store."""
    size = path.stat().st_size
    if size > attachments.MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            [
                FieldProblem(
                    "content",
                    f"This file is {size / 1_048_576:.0f} MB; files can be at most "
                    f"{attachments.MAX_ATTACHMENT_BYTES // 1_048_576} MB. Try a smaller photo "
                    "or a scan at a lower resolution.",
                )
            ]
        )
    content = path.read_bytes()
    with store.write() as session:
        made = attachments.attach(
            session,
            target_type=Visit.record_type,
            target_id=visit_id,
            filename=path.name,
            content=content,
        )
        session.flush()
        return _attachment_view(made)


# ---- Private API


def _about_household(child_id: uuid.UUID | None, household_id: uuid.UUID | None) -> bool:
    """Whether the visit is to carers (a household and no child). Naming neither is a
    programming error, not something a worker could fix."""
    if child_id is None and household_id is None:
        raise ValueError("a visit must name its child or its carer household")
    return child_id is None


def _check_household(session: Session, household_id: uuid.UUID | None) -> None:
    """A new visit to carers must be about a household on this laptop."""
    if household_id is None:
        return
    household = session.get(CarerHousehold, household_id)
    if household is None or household.deleted:
        raise VisitNotFound("This carer household's record is not on this laptop.")


def _columns(values: VisitFields) -> dict[str, object]:
    return {name: getattr(values, name) for name in FIELD_NAMES}


def _apply(visit: Visit, values: VisitFields) -> None:
    """Set only what changed, so an autosave of an unchanged form writes nothing at all (no
    outbox entry, no audit line)."""
    for name, value in _columns(values).items():
        if getattr(visit, name) != value:
            setattr(visit, name, value)


def _state(session: Session, visit: Visit) -> VisitState:
    names = people.directory(session)
    addenda = session.scalars(
        select(Addendum)
        .where(
            Addendum.target_type == Visit.record_type,
            Addendum.target_id == visit.id,
            Addendum.deleted.is_(False),
        )
        .order_by(Addendum.created_at)
    )
    files = session.scalars(
        select(Attachment)
        .where(
            Attachment.target_type == Visit.record_type,
            Attachment.target_id == visit.id,
            Attachment.deleted.is_(False),
        )
        .order_by(Attachment.created_at)
    )
    return VisitState(
        visit_id=visit.id,
        child_id=visit.child_id,
        fields=VisitFields(**{name: getattr(visit, name) for name in FIELD_NAMES}),
        household_id=visit.household_id,
        finalised=visit.is_finalised,
        finalised_at=visit.finalised_at,
        finalised_by=people.shown(names, visit.finalised_by),
        saved_at=visit.updated_at,
        addenda=tuple(
            AddendumView(a.id, a.text, a.created_at, people.shown(names, a.created_by) or "")
            for a in addenda
        ),
        attachments=tuple(_attachment_view(a) for a in files),
    )


def _attachment_view(a: Attachment) -> AttachmentView:
    return AttachmentView(a.id, a.filename, a.media_type, a.size, a.created_at)
