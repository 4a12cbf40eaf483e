"""Agreed actions: listing a child's or a household's, adding one on its own, marking done.

Qt-free, one ``Store.write()`` per change, like every service. An action agreed at a review is
made and re-worded with the review (``app.services.reviews``); here it can only be completed
(or the completion undone), because completing an action is not changing what the review
agreed. An action added on its own (a phone call's follow-up, a manager's request) is its
subject's only; its ``source_type`` stays empty.

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
from app.models import Action, CarerHousehold, Child, Review
from app.store import Store

_LINE_BREAK = re.compile(r"[\r\n\t]")

#: What an action's source is called where a list says where it came from.
_SOURCE_WORDS = {"review": "Agreed at a review", "visit": "Agreed at a visit"}


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
        views = [_view(a, _agreed_on(session, a), today) for a in found]
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
    action_id: uuid.UUID | None = None,
) -> ActionView:
    """Add an action on its own. ``action_id`` may be made by the caller so that asking twice
    (a retry after a failure) adds it once."""
    today = clock.today()
    problems = _problems(description, owner)
    if due_date is not None and due_date < today:
        problems.append(
            FieldProblem("due_date", "An action cannot be due before the day it is added.")
        )
    if child_id is None and household_id is None:
        problems.append(FieldProblem("child_id", "Choose the child or household it is for."))
    if problems:
        raise ValidationError(problems)
    with store.write() as session:
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
            )
            if action_id is not None:
                made.id = action_id
            session.add(made)
            session.flush()
        return _view(made, _agreed_on(session, made), today)


def complete(store: Store, *, action_id: uuid.UUID, on: date | None = None) -> ActionView:
    """Mark the action done on ``on`` (today if not given). Marking it again changes nothing."""
    today = clock.today()
    on = on or today
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
            session.flush()
        return _view(action, agreed, today)


def reopen(store: Store, *, action_id: uuid.UUID) -> ActionView:
    """Undo a completion marked by mistake: the action is open (and due) again."""
    today = clock.today()
    with store.write() as session:
        action = _get(session, action_id)
        if action.completed_date is not None:
            action.completed_date = None
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
    )
