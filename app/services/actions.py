"""Agreed actions: listing a subject's or a visit's, adding, editing, reassigning, marking done.

Qt-free, one ``Store.write()`` per change, like every service. An action agreed at a review is
made with the review (``app.services.reviews``) and keeps the words the review agreed; so does
one agreed at a visit (added here, from the visit, ``source_type`` "visit"). Either can be
re-dated, handed to someone else and marked done here. An action added on its own (a phone
call's follow-up, a manager's request) is its subject's only; its ``source_type`` stays empty,
and its words can be changed too.

Marking an action done records the day and, if the worker writes one, a note of what was done
(``completion_note``), which travels with the action like any of its fields.

Open actions with a due date are deadlines on the dashboard beside the statutory items
(``app.deadlines.engine.action_item``); the saved deadlines are redone by the store's triggers
whenever an action changes, so completing one takes it off the dashboard at its next refresh.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.errors import FieldProblem, ValidationError
from app.models import Action, CarerHousehold, Child, Review, Visit
from app.store import Store

_LINE_BREAK = re.compile(r"[\r\n\t]")

#: What an action's source is called where a list says where it came from.
_SOURCE_WORDS = {"review": "Agreed at a review", "visit": "Agreed at a visit"}

#: The source type of an action agreed at a visit.
VISIT = "visit"

#: The longest note a completion may carry (a few paragraphs; the action's record is not the
#: place for a whole case note).
NOTE_CHARS = 2000


@dataclass(frozen=True)
class ActionView:
    """One action as a list shows it. ``agreed_on`` is the day it was agreed: its review's
    date, or the day it was added."""

    action_id: uuid.UUID
    description: str
    owner: str
    due: date | None
    completed: date | None
    overdue: bool
    source: str
    agreed_on: date
    completion_note: str = ""
    #: Whether the words are the worker's own to change (not agreed at a review or visit).
    rewordable: bool = True

    @property
    def is_open(self) -> bool:
        return self.completed is None


@dataclass(frozen=True)
class Actions:
    """A subject's actions: open ones soonest due first (undated last), completed ones most
    recently completed first."""

    open: tuple[ActionView, ...]
    complete: tuple[ActionView, ...]


class ActionNotFound(LookupError):
    """The action is not (or no longer) on this laptop."""


# ---- Public API


def list_for(
    store: Store,
    *,
    child_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    today: date | None = None,
) -> Actions:
    """The child's actions, or the household's own (not those of the children placed
    there, which belong to each child's case)."""
    today = today or clock.today()
    with store.read() as session:
        query = select(Action).where(Action.deleted.is_(False))
        if child_id is not None:
            query = query.where(Action.child_id == child_id)
        elif household_id is not None:
            query = query.where(Action.household_id == household_id, Action.child_id.is_(None))
        else:
            raise ValueError("list_for needs a child or a household")
        found = list(session.scalars(query))
        return _ordered([_view(a, _agreed_on(session, a), today) for a in found])


def _ordered(views: list[ActionView]) -> Actions:
    open_ = sorted(
        (v for v in views if v.is_open), key=lambda v: (v.due or date.max, v.description)
    )
    done = sorted(
        (v for v in views if not v.is_open),
        key=lambda v: (v.completed or date.min, v.description),
        reverse=True,
    )
    return Actions(tuple(open_), tuple(done))


def add(
    store: Store,
    *,
    description: str,
    owner: str,
    due_date: date | None,
    child_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    visit_id: uuid.UUID | None = None,
    action_id: uuid.UUID | None = None,
) -> ActionView:
    """Add an action on its own, or (``visit_id``) one agreed at that visit, about the visit's
    child or household and needing a due date, so it is tracked. ``action_id`` may be made by
    the caller so that asking twice (a retry after a failure) adds it once."""
    today = clock.today()
    problems = _problems(description, owner)
    if due_date is not None and due_date < today:
        problems.append(
            FieldProblem("due_date", "An action cannot be due before the day it is added.")
        )
    if visit_id is not None and due_date is None:
        problems.append(FieldProblem("due_date", "Choose the date the action is due by."))
    if child_id is None and household_id is None and visit_id is None:
        problems.append(FieldProblem("child_id", "Choose the child or household it is for."))
    if problems:
        raise ValidationError(problems)
    with store.write() as session:
        if visit_id is not None:
            visit = session.get(Visit, visit_id)
            if visit is None or visit.deleted:
                raise ActionNotFound(
                    "Save the visit first: it saves itself a few seconds after you type."
                )
            child_id, household_id = visit.child_id, visit.household_id
        if child_id is not None and session.get(Child, child_id) is None:
            raise ActionNotFound("This child's record is not on this laptop.")
        if child_id is None and session.get(CarerHousehold, household_id) is None:
            raise ActionNotFound("This household's record is not on this laptop.")
        made = session.get(Action, action_id) if action_id is not None else None
        if made is None:
            made = Action(
                child_id=child_id,
                household_id=household_id,
                description=description.strip(),
                owner=owner.strip(),
                due_date=due_date,
                source_type=VISIT if visit_id is not None else None,
                source_id=visit_id,
            )
            if action_id is not None:
                made.id = action_id
            session.add(made)
            session.flush()
        return _view(made, _agreed_on(session, made), today)


def complete(
    store: Store, *, action_id: uuid.UUID, on: date | None = None, note: str = ""
) -> ActionView:
    """Mark the action done on ``on`` (today if not given), with ``note`` saying what was done
    if the worker wrote one. Marking it again changes nothing (a second note included: the
    first completion stands)."""
    today = clock.today()
    on = on or today
    note = note.strip()
    if len(note) > NOTE_CHARS:
        raise ValidationError(
            [
                FieldProblem(
                    "completion_note",
                    f"Keep the note to {NOTE_CHARS} characters; write a case note for more.",
                )
            ]
        )
    with store.write() as session:
        action = _get(session, action_id)
        agreed = _agreed_on(session, action)
        if on > today:
            raise ValidationError(
                [FieldProblem("completed_date", "The date it was done cannot be in the future.")]
            )
        if on < agreed:
            raise ValidationError(
                [
                    FieldProblem(
                        "completed_date",
                        f"The date it was done cannot be before it was agreed ({agreed:%d %b %Y}).",
                    )
                ]
            )
        if action.completed_date is None:
            action.completed_date = on
            action.completion_note = note or None
            session.flush()
        return _view(action, agreed, today)


def edit(
    store: Store,
    *,
    action_id: uuid.UUID,
    description: str,
    owner: str,
    due_date: date | None,
) -> ActionView:
    """Change what an open action says, who it is for and when it is due, in one transaction.
    An action agreed at a review or a visit keeps the words agreed there (its due date and
    owner can still change); a done action is reopened before it is changed."""
    today = clock.today()
    with store.write() as session:
        action = _get(session, action_id)
        agreed = _agreed_on(session, action)
        problems = _problems(description, owner)
        if action.completed_date is not None:
            problems.append(
                FieldProblem("description", "This action is done: reopen it to change it.")
            )
        if action.source_type is not None and " ".join(description.split()) != " ".join(
            action.description.split()
        ):
            where = "review" if action.source_type == "review" else "visit"
            problems.append(
                FieldProblem(
                    "description",
                    f"An action agreed at a {where} keeps the words agreed there; "
                    "add a new action for anything else.",
                )
            )
        if due_date is not None and due_date < agreed and due_date != action.due_date:
            problems.append(
                FieldProblem(
                    "due_date",
                    f"An action cannot be due before it was agreed ({agreed:%d %b %Y}).",
                )
            )
        if action.source_type == VISIT and due_date is None:
            problems.append(FieldProblem("due_date", "Choose the date the action is due by."))
        if problems:
            raise ValidationError(problems)
        wanted = {
            "description": description.strip()
            if action.source_type is None
            else action.description,
            "owner": owner.strip(),
            "due_date": due_date,
        }
        for name, value in wanted.items():
            if getattr(action, name) != value:
                setattr(action, name, value)
        session.flush()
        return _view(action, agreed, today)


def reassign(store: Store, *, action_id: uuid.UUID, owner: str) -> ActionView:
    """Hand an open action to someone else; nothing else about it changes."""
    today = clock.today()
    with store.write() as session:
        action = _get(session, action_id)
        problems = [p for p in _problems(action.description, owner) if p.field == "owner"]
        if action.completed_date is not None:
            problems.append(FieldProblem("owner", "This action is done: reopen it to change it."))
        if problems:
            raise ValidationError(problems)
        if action.owner != owner.strip():
            action.owner = owner.strip()
            session.flush()
        return _view(action, _agreed_on(session, action), today)


def for_visit(store: Store, *, visit_id: uuid.UUID, today: date | None = None) -> Actions:
    """The actions agreed at a visit, as ``list_for`` orders a subject's."""
    today = today or clock.today()
    with store.read() as session:
        found = session.scalars(
            select(Action).where(
                Action.deleted.is_(False),
                Action.source_type == VISIT,
                Action.source_id == visit_id,
            )
        )
        return _ordered([_view(a, _agreed_on(session, a), today) for a in found])


def owners(
    store: Store, *, child_id: uuid.UUID | None, household_id: uuid.UUID | None
) -> list[str]:
    """Who the subject's actions have been given to, most used first, for the owner box to
    offer (the same person is then written the same way each time)."""
    with store.read() as session:
        query = select(Action.owner).where(Action.deleted.is_(False))
        if child_id is not None:
            query = query.where(Action.child_id == child_id)
        else:
            query = query.where(Action.household_id == household_id)
        counts: dict[str, int] = {}
        for owner in session.scalars(query):
            counts[owner] = counts.get(owner, 0) + 1
    return sorted(counts, key=lambda o: (-counts[o], o.casefold()))


def reopen(store: Store, *, action_id: uuid.UUID) -> ActionView:
    """Undo a completion marked by mistake: the action is open (and due) again."""
    today = clock.today()
    with store.write() as session:
        action = _get(session, action_id)
        if action.completed_date is not None:
            action.completed_date = None
            action.completion_note = None
            session.flush()
        return _view(action, _agreed_on(session, action), today)


# ---- Private API


def _problems(description: str, owner: str) -> list[FieldProblem]:
    out = []
    if not description.strip():
        out.append(FieldProblem("description", "Describe the action."))
    if not owner.strip():
        out.append(FieldProblem("owner", "Say who is responsible for the action."))
    elif _LINE_BREAK.search(owner.strip()):
        out.append(FieldProblem("owner", "Write who is responsible on one line."))
    return out


def _get(session: Session, action_id: uuid.UUID) -> Action:
    action = session.get(Action, action_id)
    if action is None or action.deleted:
        raise ActionNotFound("This action is not on this laptop any more.")
    return action


def _agreed_on(session: Session, action: Action) -> date:
    if action.source_type == "review" and action.source_id is not None:
        review = session.get(Review, action.source_id)
        if review is not None:
            return review.review_date
    if action.source_type == VISIT and action.source_id is not None:
        visit = session.get(Visit, action.source_id)
        if visit is not None:
            return min(visit.visit_date, action.created_at.date())
    return action.created_at.date()


def _view(action: Action, agreed_on: date, today: date) -> ActionView:
    return ActionView(
        action_id=action.id,
        description=action.description,
        owner=action.owner,
        due=action.due_date,
        completed=action.completed_date,
        overdue=action.completed_date is None
        and action.due_date is not None
        and action.due_date < today,
        source=_SOURCE_WORDS.get(action.source_type or "", "Added on its own"),
        agreed_on=agreed_on,
        completion_note=action.completion_note or "",
        rewordable=action.source_type is None,
    )
