"""Recording a review and the actions it agrees: save a draft, sign it off, add addenda.

The same shape as ``app.services.visits`` (Qt-free, one ``Store.write()`` per save, ids made up
front so autosave is an upsert, only changed fields written), for the same reasons.

A review's actions are edited with it, as lines of the form, and stored as ``Action`` records
(``source_type="review"``, ``source_id`` the review's id, the review's subject) in the same
transaction as the review, so a review is never saved without the actions agreed at it. The
form makes each line's id when the line is added, so saving twice is the same action. While
the review is a draft, a line taken off the form is a tombstoned action (records are never
removed, so the deletion can sync). Once the review is signed off its actions' words, owners
and dates are part of what was agreed and cannot change; completing an action is not changing
the review, so that stays possible (``app.services.actions.complete``).

A line the worker is still typing (a description without an owner, say) cannot be stored as an
action, which needs both; a draft save keeps it back and says so beside the line
(``Saved.held_back``) rather than refuse the whole save, so the rest of the review is never lost
to a half-typed action. Signing off refuses until every line is complete.

Which subject a review is about follows the validation and the deadline rules: child reviews
(looked-after, adoption and special guardianship support reviews, the last because the
deadline rules count them for the child under the order) name the child; the foster carer
annual review names the household. The carer annual review's considerations (DOMAIN.md §3:
continued suitability, whether the terms of approval remain appropriate, the views of the
carers, the children placed and the placing authorities, and whether it goes to panel) are
kept in the review's ``decisions`` text under fixed headings (``app.services.carer_review``,
whose names this module also offers), so nothing new has to travel to the service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import codes, people
from app.errors import FieldProblem, RecordFinalised, ValidationError
from app.models import DRAFT, FINALISED, Action, Addendum, Review
from app.models.base import APPROVED
from app.services.carer_review import CARER_ANSWERS as CARER_ANSWERS
from app.services.carer_review import CARER_TEXTS as CARER_TEXTS
from app.services.carer_review import CarerReview as CarerReview
from app.services.carer_review import carer_decisions as carer_decisions
from app.services.carer_review import carer_parts as carer_parts
from app.services.visits import AddendumView
from app.store import Store

#: Reviews of a child, and of a carer household.
CHILD_KINDS = (
    "CHILD_LAC",
    "ADOPTION_PLACEMENT",
    "AUTHORITY_TO_PLACE",
    "SGO_SUPPORT",
    "RETURN_HOME_SUPPORT",
)
HOUSEHOLD_KINDS = ("CARER_ANNUAL",)
CARER_ANNUAL = "CARER_ANNUAL"
#: Reviews of a looked-after child, where the SSDA903 participation code is recorded.
PARTICIPATION_KINDS = frozenset({"CHILD_LAC", "ADOPTION_PLACEMENT", "AUTHORITY_TO_PLACE"})
#: Reviews that set the visiting frequency (AAR 2005 reg 36(4)): the deadline rules take it
#: from these (``from_review`` in resources/rules/deadlines.toml).
FREQUENCY_KINDS = frozenset({"ADOPTION_PLACEMENT"})

#: An action's ``source_type`` when it was agreed at a review.
SOURCE = "review"


@dataclass(frozen=True)
class ActionLine:
    """One action as the review form holds it. ``action_id`` is made when the line is added;
    ``completed_date`` is shown, never set here (``app.services.actions.complete``)."""

    action_id: uuid.UUID
    description: str = ""
    owner: str = ""
    due_date: date | None = None
    completed_date: date | None = None

    @property
    def is_blank(self) -> bool:
        return not self.description.strip() and not self.owner.strip() and self.due_date is None


@dataclass(frozen=True)
class ReviewFields:
    """What the worker fills in, as plain values (the form's snapshot). For a carer annual
    review ``decisions`` is made from ``carer`` and is not typed directly."""

    kind: str = "CHILD_LAC"
    review_date: date | None = None
    chair: str = ""
    attendees: str = ""
    participation: str | None = None
    decisions: str = ""
    visit_interval_weeks: int | None = None
    carer: CarerReview = field(default_factory=CarerReview)
    actions: tuple[ActionLine, ...] = ()

    def normalised(self) -> ReviewFields:
        """Drop answers the kind of review does not ask for (left from an earlier choice of
        kind) rather than store them, and write a carer review's parts into ``decisions``."""
        out = self
        if self.kind not in PARTICIPATION_KINDS and self.participation is not None:
            out = replace(out, participation=None)
        if self.kind not in FREQUENCY_KINDS and self.visit_interval_weeks is not None:
            out = replace(out, visit_interval_weeks=None)
        if self.kind == CARER_ANNUAL:
            out = replace(out, decisions=carer_decisions(self.carer))
        return out


#: The review's own columns, as ``ReviewFields`` names them.
COLUMNS = (
    "kind",
    "review_date",
    "chair",
    "attendees",
    "participation",
    "decisions",
    "visit_interval_weeks",
)


@dataclass(frozen=True)
class Saved:
    """The answer to a draft save. ``held_back`` are the action lines not stored yet, each
    with why (fields ``actions.<line>.<field>``, lines counted from 0)."""

    review_id: uuid.UUID
    saved_at: datetime
    created: bool
    held_back: tuple[FieldProblem, ...] = ()


@dataclass(frozen=True)
class ReviewState:
    """A review as the form shows it when it opens (or after sign-off)."""

    review_id: uuid.UUID
    child_id: uuid.UUID | None
    household_id: uuid.UUID | None
    fields: ReviewFields
    finalised: bool
    finalised_at: datetime | None
    finalised_by: str | None
    saved_at: datetime
    addenda: tuple[AddendumView, ...]


class ReviewNotFound(LookupError):
    """The review is not on this laptop (never saved, or removed by sync)."""


# ---- Public API


def kinds_for(*, household: bool) -> tuple[str, ...]:
    """The kinds of review the form offers for a child, or for a carer household."""
    return HOUSEHOLD_KINDS if household else CHILD_KINDS


def load(store: Store, *, review_id: uuid.UUID) -> ReviewState:
    with store.read() as session:
        review = session.get(Review, review_id)
        if review is None or review.deleted:
            raise ReviewNotFound("This review is not on this laptop.")
        return _state(session, review)


def save_draft(
    store: Store,
    *,
    review_id: uuid.UUID,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    values: ReviewFields,
) -> Saved:
    """Create the draft review or bring it and its actions up to date with ``values``, in one
    transaction. Raises ``RecordFinalised`` if it was signed off meanwhile and
    ``ValidationError`` for problems with the review itself; incomplete action lines are kept
    back and named in ``Saved.held_back``."""
    values = values.normalised()
    problems = _subject_problems(values.kind, child_id, household_id)
    if values.review_date is None:
        problems.append(FieldProblem("review_date", "Enter the date of the review."))
    if problems:
        raise ValidationError(problems)
    with store.write() as session:
        review = session.get(Review, review_id)
        created = review is None
        if review is None:
            review = _new_review(review_id, child_id, household_id, values, DRAFT)
            session.add(review)
        else:
            if review.is_finalised:
                raise RecordFinalised(what=review.noun)
            _apply(review, values)
        session.flush()
        held_back = _save_actions(session, review, values, finalising=False)
        session.flush()
        return Saved(review.id, review.updated_at, created, tuple(held_back))


def finalise(
    store: Store,
    *,
    review_id: uuid.UUID,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    values: ReviewFields,
) -> ReviewState:
    """Save ``values`` and their actions and sign the review off in one transaction, so what
    is signed is exactly what the worker last saw. Every problem (the review's sign-off rules,
    the carer review's questions, each incomplete action line) comes back at once as a
    ``ValidationError``; nothing is saved then."""
    values = values.normalised()
    problems = _subject_problems(values.kind, child_id, household_id)
    problems += _sign_off_problems(values)
    for n, line in enumerate(values.actions):
        if not line.is_blank:
            problems += _line_problems(n, line, values.review_date, finalising=True)
    with store.write() as session:
        review = session.get(Review, review_id)
        if review is not None and review.is_finalised:
            raise RecordFinalised(what=review.noun)
        if values.kind == CARER_ANNUAL and household_id is not None:
            problems += _first_review_panel(session, review_id, household_id, values)
        if problems:
            raise ValidationError(problems)
        if review is None:
            review = _new_review(review_id, child_id, household_id, values, FINALISED)
            session.add(review)
            session.flush()
            _save_actions(session, review, values, finalising=True)
        else:
            _apply(review, values)
            # Actions first: once the review is signed, its actions are what was agreed.
            session.flush()
            _save_actions(session, review, values, finalising=True)
            review.status = FINALISED
        session.flush()
        return _state(session, review)


def add_addendum(store: Store, *, review_id: uuid.UUID, text: str) -> AddendumView:
    """Add a correction or addition to a signed-off review. Drafts are edited, not corrected."""
    if not text.strip():
        raise ValidationError([FieldProblem("text", "Write the addendum before adding it.")])
    with store.write() as session:
        review = session.get(Review, review_id)
        if review is None or review.deleted:
            raise ReviewNotFound("This review is not on this laptop.")
        if not review.is_finalised:
            raise ValidationError(
                [
                    FieldProblem(
                        "text",
                        "This review is still a draft: change the review itself. Addenda are "
                        "for reviews that have been finalised.",
                    )
                ]
            )
        addendum = Addendum(
            target_type=Review.record_type,
            target_id=review.id,
            child_id=review.child_id,
            household_id=review.household_id,
            text=text.strip(),
        )
        session.add(addendum)
        session.flush()
        return AddendumView(addendum.id, addendum.text, addendum.created_at, addendum.created_by)


# ---- Private API


def _subject_problems(
    kind: str, child_id: uuid.UUID | None, household_id: uuid.UUID | None
) -> list[FieldProblem]:
    """The review is about the subject its kind needs (and the form has a date for it)."""
    if kind not in CHILD_KINDS + HOUSEHOLD_KINDS:
        return [FieldProblem("kind", "Choose a kind of review from the list.")]
    if kind == CARER_ANNUAL and household_id is None:
        return [
            FieldProblem(
                "kind",
                "A foster carer annual review is recorded from the carers' household page.",
            )
        ]
    if kind in CHILD_KINDS and child_id is None:
        return [
            FieldProblem(
                "kind",
                f"A {codes.label('review_kind', kind).lower()} is recorded from the child's case.",
            )
        ]
    return []


def _sign_off_problems(values: ReviewFields) -> list[FieldProblem]:
    out = []
    if values.review_date is None:
        out.append(FieldProblem("review_date", "Enter the date of the review."))
    if not values.chair.strip():
        out.append(FieldProblem("chair", "Record who chaired the review before signing off."))
    if not values.attendees.strip():
        out.append(FieldProblem("attendees", "Record who attended before signing off."))
    if values.kind in PARTICIPATION_KINDS and values.participation is None:
        out.append(
            FieldProblem(
                "participation",
                "Record how the child took part in the review before signing off.",
            )
        )
    if values.kind == CARER_ANNUAL:
        carer = values.carer
        if carer.suitability is None:
            out.append(
                FieldProblem(
                    "carer.suitability",
                    "Record whether the carers continue to be suitable before signing off.",
                )
            )
        if carer.terms is None:
            out.append(
                FieldProblem(
                    "carer.terms",
                    "Record whether the terms of approval remain appropriate before signing off.",
                )
            )
        if carer.panel is None:
            out.append(
                FieldProblem(
                    "carer.panel", "Record whether the review goes to the fostering panel."
                )
            )
        if not carer.carers_views.strip():
            out.append(
                FieldProblem("carer.carers_views", "Record the carers' views before signing off.")
            )
    return out


def _first_review_panel(
    session: Session, review_id: uuid.UUID, household_id: uuid.UUID, values: ReviewFields
) -> list[FieldProblem]:
    """The first annual review after approval must go to the fostering panel (DOMAIN.md §3);
    later ones may."""
    if values.carer.panel != "NO":
        return []
    earlier = session.scalar(
        select(func.count())
        .select_from(Review)
        .where(
            Review.household_id == household_id,
            Review.kind == CARER_ANNUAL,
            Review.id != review_id,
            Review.deleted.is_(False),
            Review.status.in_((FINALISED, APPROVED)),
        )
    )
    if earlier:
        return []
    return [
        FieldProblem(
            "carer.panel",
            "This is the household's first annual review since approval, which must go to "
            "the fostering panel.",
        )
    ]


def _line_problems(
    n: int, line: ActionLine, review_date: date | None, *, finalising: bool = False
) -> list[FieldProblem]:
    """What stops an action line from being stored (fields ``actions.<n>.<field>``). A draft
    may leave the due date for later; a signed review's actions each have one, because an
    action without a date is never chased."""
    out = []
    if not line.description.strip():
        out.append(FieldProblem(f"actions.{n}.description", "Describe the action."))
    if not line.owner.strip():
        out.append(FieldProblem(f"actions.{n}.owner", "Say who is responsible for the action."))
    if line.due_date is not None and review_date is not None and line.due_date < review_date:
        out.append(
            FieldProblem(
                f"actions.{n}.due_date",
                "An action agreed at the review cannot be due before the review.",
            )
        )
    if finalising and line.due_date is None:
        out.append(FieldProblem(f"actions.{n}.due_date", "Set the date this action is due by."))
    return out


def _new_review(
    review_id: uuid.UUID,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    values: ReviewFields,
    status: str,
) -> Review:
    return Review(
        id=review_id,
        child_id=child_id,
        household_id=household_id,
        status=status,
        **{name: getattr(values, name) for name in COLUMNS},
    )


def _apply(review: Review, values: ReviewFields) -> None:
    """Set only what changed, so an autosave of an unchanged form writes nothing at all."""
    for name in COLUMNS:
        value = getattr(values, name)
        if getattr(review, name) != value:
            setattr(review, name, value)


def _review_actions(session: Session, review_id: uuid.UUID) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(
                Action.source_type == SOURCE,
                Action.source_id == review_id,
                Action.deleted.is_(False),
            )
            .order_by(Action.created_at, Action.id)
        )
    )


def _save_actions(
    session: Session, review: Review, values: ReviewFields, *, finalising: bool
) -> list[FieldProblem]:
    """Bring the review's actions in line with the form's lines; lines that cannot be stored
    yet are returned (a draft) or were refused beforehand (sign-off)."""
    stored = {a.id: a for a in _review_actions(session, review.id)}
    held_back: list[FieldProblem] = []
    kept: set[uuid.UUID] = set()
    for n, line in enumerate(values.actions):
        if line.is_blank:
            continue
        problems = _line_problems(n, line, values.review_date)
        if problems:
            held_back += problems
            kept.add(line.action_id)  # a stored version stays as it was, not deleted
            continue
        kept.add(line.action_id)
        action = stored.get(line.action_id)
        wanted = {
            "description": line.description.strip(),
            "owner": line.owner.strip(),
            "due_date": line.due_date,
        }
        if action is None:
            if session.get(Action, line.action_id) is not None:
                continue  # an id belonging to something else: never taken over
            session.add(
                Action(
                    id=line.action_id,
                    child_id=review.child_id,
                    household_id=review.household_id,
                    source_type=SOURCE,
                    source_id=review.id,
                    **wanted,
                )
            )
        else:
            for name, value in wanted.items():
                if getattr(action, name) != value:
                    setattr(action, name, value)
    for action_id, action in stored.items():
        if action_id not in kept:
            action.deleted = True
    if finalising and held_back:
        raise ValidationError(held_back)
    return held_back


def _state(session: Session, review: Review) -> ReviewState:
    names = people.directory(session)
    addenda = session.scalars(
        select(Addendum)
        .where(
            Addendum.target_type == Review.record_type,
            Addendum.target_id == review.id,
            Addendum.deleted.is_(False),
        )
        .order_by(Addendum.created_at)
    )
    lines = tuple(
        ActionLine(a.id, a.description, a.owner, a.due_date, a.completed_date)
        for a in _review_actions(session, review.id)
    )
    values = ReviewFields(
        **{name: getattr(review, name) for name in COLUMNS},
        carer=carer_parts(review.decisions) if review.kind == CARER_ANNUAL else CarerReview(),
        actions=lines,
    )
    return ReviewState(
        review_id=review.id,
        child_id=review.child_id,
        household_id=review.household_id,
        fields=values,
        finalised=review.is_finalised,
        finalised_at=review.finalised_at,
        finalised_by=people.shown(names, review.finalised_by),
        saved_at=review.updated_at,
        addenda=tuple(
            AddendumView(a.id, a.text, a.created_at, people.shown(names, a.created_by) or "")
            for a in addenda
        ),
    )
