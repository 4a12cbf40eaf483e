"""What waits for a manager's approval, and what a manager does about it, on their laptop.

A manager's laptop holds their team's caseload (the service's scope), so this works offline
like everything else: an approval or a return is saved here in one transaction and reaches the
worker by sync. The service checks that whoever approves manages the team holding the case and
records who approved (``app.services.assessments.approve`` explains).

- **Waiting**: every finalised assessment not yet approved, and every review of the kinds a
  service's managers approve signed off in the last few weeks and not yet approved, oldest
  first (both set in ``resources/approvals/approvals.toml``).
- **Approve**: the record's status becomes approved; a comment, if the manager writes one, is
  kept as a management oversight note on the child's (or household's) record.
- **Return with comments**: a signed-off record cannot change (corrections are addenda), so a
  return is an action for the worker who signed it off, with the manager's comments and a due
  date (it shows on their dashboard like any action), and a management oversight note saying
  what was returned and why. The record stays waiting until the manager approves it.
- **Oversight note**: a management oversight case note on a child's or household's record,
  signed off by the manager as written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

import resources
from app import clock, codes, people
from app.errors import FieldProblem, ValidationError
from app.models import (
    APPROVED,
    FINALISED,
    Action,
    Assessment,
    CarerHousehold,
    CaseNote,
    Child,
    Review,
)
from app.services import assessments
from app.store import Store

Kind = Literal["assessment", "review"]


@dataclass(frozen=True)
class Rules:
    """Which reviews wait (``resources/approvals/approvals.toml``)."""

    review_window_days: int
    review_kinds: frozenset[str]


def rules() -> Rules:
    data = resources.load_toml("approvals", "approvals.toml")
    return Rules(int(data["review_window_days"]), frozenset(data["review_kinds"]))


#: A case note kind for management oversight: the service's own code if its list has one,
#: else the combined "management oversight or supervision" kind.
_OVERSIGHT_KINDS = ("MANAGEMENT_OVERSIGHT", "SUPERVISION")
RETURN_SOURCE = "return"


@dataclass(frozen=True)
class Waiting:
    kind: Kind
    record_id: uuid.UUID
    child_id: uuid.UUID | None
    household_id: uuid.UUID | None
    #: The child's or household's name.
    subject: str
    title: str
    #: The login id of who signed it off, and their name as the service last sent it.
    finalised_by: str
    finalised_by_name: str
    finalised_at: datetime
    #: When the manager last returned it with comments (None: never).
    returned_on: date | None

    def age_days(self, today: date) -> int:
        return (today - self.finalised_at.date()).days


def oversight_kind() -> str:
    kinds = codes.code_list("note_kind")
    return next(kind for kind in _OVERSIGHT_KINDS if kind in kinds)


def waiting(store: Store, *, today: date | None = None) -> list[Waiting]:
    """Everything waiting for approval on this laptop, oldest sign-off first."""
    today = today or clock.today()
    table = rules()
    since = datetime.combine(today - timedelta(days=table.review_window_days), time(), tzinfo=UTC)
    with store.read() as session:
        returned = _returns(session)
        found: list[Waiting] = []
        for assessment in session.scalars(
            select(Assessment).where(Assessment.deleted.is_(False), Assessment.status == FINALISED)
        ):
            found.append(
                _waiting(
                    session,
                    "assessment",
                    assessment,
                    returned,
                    assessments.title_of(session, assessment),
                )
            )
        for review in session.scalars(
            select(Review).where(
                Review.deleted.is_(False),
                Review.status == FINALISED,
                Review.kind.in_(sorted(table.review_kinds)),
            )
        ):
            if review.finalised_at is not None and _utc(review.finalised_at) >= since:
                title = (
                    f"{codes.label('review_kind', review.kind)} of {review.review_date:%d %b %Y}"
                )
                found.append(_waiting(session, "review", review, returned, title))
    return sorted(found, key=lambda w: (_utc(w.finalised_at), w.title))


def approve(store: Store, item: Waiting, *, comment: str = "") -> None:
    """Approve; a comment becomes a management oversight note (in the same transaction)."""
    with store.write() as session:
        record = _live(session, item)
        if record.status != FINALISED:
            raise ValidationError(
                [FieldProblem("status", f"This {record.noun} is no longer waiting for approval.")]
            )
        record.status = APPROVED
        if comment.strip():
            _note(session, item, f"Approved: {item.title}", comment.strip())


def return_with_comments(store: Store, item: Waiting, *, comments: str, due: date) -> uuid.UUID:
    """Send the record back to the worker who signed it off: an action for them, with the
    comments and a due date, and an oversight note. Returns the action's id."""
    comments = comments.strip()
    if not comments:
        raise ValidationError(
            [FieldProblem("comments", "Say what needs to change before it can be approved.")]
        )
    if due < clock.today():
        raise ValidationError([FieldProblem("due_date", "The due date cannot be in the past.")])
    with store.write() as session:
        record = _live(session, item)
        if record.status != FINALISED:
            raise ValidationError(
                [FieldProblem("status", f"This {record.noun} is no longer waiting for approval.")]
            )
        action = Action(
            description=f"Returned by your manager: {item.title}. {comments}",
            owner=item.finalised_by_name or item.finalised_by,
            due_date=due,
            source_type=RETURN_SOURCE,
            source_id=item.record_id,
            child_id=item.child_id,
            household_id=item.household_id if item.child_id is None else None,
        )
        session.add(action)
        _note(session, item, f"Returned to {item.finalised_by_name}: {item.title}", comments)
        session.flush()
        return action.id


def oversight_note(
    store: Store,
    *,
    child_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    subject: str,
    text: str,
) -> uuid.UUID:
    """A management oversight note on a child's or household's record, signed off as saved."""
    if not text.strip():
        raise ValidationError([FieldProblem("text", "Write the oversight note first.")])
    with store.write() as session:
        note = CaseNote(
            kind=oversight_kind(),
            event_date=clock.today(),
            subject=subject.strip() or "Management oversight",
            text=text.strip(),
            status=FINALISED,
            child_id=child_id,
            household_id=household_id if child_id is None else None,
        )
        session.add(note)
        session.flush()
        return note.id


# ---- Private API


def _waiting(
    session: Session,
    kind: Kind,
    record: Assessment | Review,
    returned: dict[uuid.UUID, date],
    title: str,
) -> Waiting:
    if record.child_id is not None:
        child = session.get(Child, record.child_id)
        subject = child.display_name if child is not None else "A child not on this laptop"
    else:
        household = session.get(CarerHousehold, record.household_id)
        subject = household.name if household is not None else "A household not on this laptop"
    assert record.finalised_at is not None
    return Waiting(
        kind=kind,
        record_id=record.id,
        child_id=record.child_id,
        household_id=record.household_id,
        subject=subject,
        title=title,
        finalised_by=record.finalised_by or record.created_by,
        finalised_by_name=people.name_of(session, record.finalised_by or record.created_by) or "",
        finalised_at=record.finalised_at,
        returned_on=returned.get(record.id),
    )


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _returns(session: Session) -> dict[uuid.UUID, date]:
    found: dict[uuid.UUID, date] = {}
    for source_id, created in session.execute(
        select(Action.source_id, Action.created_at).where(
            Action.deleted.is_(False), Action.source_type == RETURN_SOURCE
        )
    ):
        if source_id is not None and (source_id not in found or created.date() > found[source_id]):
            found[source_id] = created.date()
    return found


def _live(session: Session, item: Waiting) -> Assessment | Review:
    record: Assessment | Review | None = (
        session.get(Assessment, item.record_id)
        if item.kind == "assessment"
        else session.get(Review, item.record_id)
    )
    if record is None or record.deleted:
        raise ValidationError(
            [FieldProblem("status", f"This {item.kind} is no longer on this laptop.")]
        )
    return record


def _note(session: Session, item: Waiting, subject: str, text: str) -> None:
    session.add(
        CaseNote(
            kind=oversight_kind(),
            event_date=clock.today(),
            subject=subject[:200],
            text=text,
            status=FINALISED,
            child_id=item.child_id,
            household_id=item.household_id if item.child_id is None else None,
        )
    )
