"""Closing a child's case when the service's support ends.

A child who went home keeps an open case for support after return home (rules RH1 to RH6)
until the worker closes it; answering "Close the case" on a signed-off six- or twelve-month
outcome form is that decision. Signing the form off closes the case in the same transaction:
the child's record is marked closed, so the child leaves the caseload and the dashboard and
their due items stop (on this laptop at once; at the service and on the manager's Team page
after the next sync), and a signed-off case note of kind ``CASE_CLOSED`` puts the closure in
the child's chronology with why. A child who is looked after again keeps their case open: the
outcome cannot close it.

A case closed by mistake (or a family who need the service again) is opened again with a reason:
the child is back on the caseload, their due items are worked out again, and a ``CASE_REOPENED``
note keeps the reason in the chronology.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock, codes
from app.deadlines.return_home import OUTCOME_KIND
from app.errors import FieldProblem, ValidationError
from app.models import FINALISED, Assessment, CaseNote, Child, LegalStatus
from app.store import Store

#: The case note kind that records a closure (``note_kind`` in ``resources/codes/service.toml``);
#: written here, never offered on the case note form.
CLOSED_NOTE_KIND = "CASE_CLOSED"
#: The case note kind that records a closed case opened again, with why.
REOPENED_NOTE_KIND = "CASE_REOPENED"
#: The outcome form's question and answer that close the case.
CLOSE_QUESTION, CLOSE_ANSWER = "support_next", "CLOSE"
_POINT_WORDS = {"SIX_MONTHS": "six months", "TWELVE_MONTHS": "twelve months"}


def closes_case(assessment: Assessment) -> bool:
    """Whether signing this assessment off closes the child's case."""
    return assessment.child_id is not None and would_close(assessment.kind, assessment.answers)


def would_close(kind: str, answers: Mapping[str, Any]) -> bool:
    """Whether a form of this kind with these answers closes the case when signed off (what
    the form asks the worker to confirm before it does)."""
    return kind == OUTCOME_KIND and answers.get(CLOSE_QUESTION) == CLOSE_ANSWER


def after_outcome(session: Session, assessment: Assessment, on: date) -> uuid.UUID | None:
    """Close the child's case if the signed-off outcome says so; returns the closing note's id
    (None when the form does not close the case, or it is closed already). Raises
    ``ValidationError`` on the form's question when the child is looked after again."""
    if not closes_case(assessment) or assessment.child_id is None:
        return None
    point = _POINT_WORDS.get(str(assessment.answers.get("point")), "")
    return close_case(
        session,
        assessment.child_id,
        on=on,
        why="Support after return home ended: the outcome "
        + (f"at {point} " if point else "")
        + "recorded that the case should close.",
    )


def close_case(session: Session, child_id: uuid.UUID, *, on: date, why: str) -> uuid.UUID | None:
    """Mark the child's case closed on ``on`` and note it in their chronology, within the
    caller's transaction. None if the case is already closed (nothing written twice)."""
    child = session.get(Child, child_id)
    if child is None or child.deleted or not child.case_open:
        return None
    looked_after = codes.code_list("legal_status")
    current = session.scalars(
        select(LegalStatus.code).where(
            LegalStatus.child_id == child_id,
            LegalStatus.deleted.is_(False),
            LegalStatus.start_date <= on,
            (LegalStatus.end_date.is_(None)) | (LegalStatus.end_date > on),
        )
    )
    if any(code in looked_after for code in current):
        raise ValidationError(
            [
                FieldProblem(
                    CLOSE_QUESTION,
                    f"{child.display_name} is looked after again, so their case stays open: "
                    "choose another answer for the service's support.",
                )
            ]
        )
    child.case_open = False
    note = CaseNote(
        child_id=child_id,
        kind=CLOSED_NOTE_KIND,
        event_date=on,
        subject="Case closed",
        text=why,
        status=FINALISED,
    )
    session.add(note)
    return note.id


class CaseNotClosed(LookupError):
    """The child's case is open already (or the child is not on this laptop)."""

    def __init__(self) -> None:
        super().__init__("This child's case is open, so there is nothing to reopen.")


def reopen_case(store: Store, child_id: uuid.UUID, reason: str) -> uuid.UUID:
    """Open the child's closed case again, saying why, in one transaction; returns the note's
    id. Raises ``ValidationError`` on ``reason`` when none is given, ``CaseNotClosed`` when the
    case is open."""
    why = " ".join(reason.split())
    if not why:
        raise ValidationError([FieldProblem("reason", "Say why the case is being reopened.")])
    with store.write() as session:
        child = session.get(Child, child_id)
        if child is None or child.deleted or child.case_open:
            raise CaseNotClosed()
        child.case_open = True
        note = CaseNote(
            child_id=child_id,
            kind=REOPENED_NOTE_KIND,
            event_date=clock.today(),
            subject="Case reopened",
            text=why,
            status=FINALISED,
        )
        session.add(note)
        session.flush()
        return note.id
