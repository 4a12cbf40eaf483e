"""Work a laptop recorded while it held a case that has moved to someone else since.

A worker records a visit offline, and before they sync the case is reallocated. The visit
belongs on the child's record: it was made by the worker who held the case, at the time. The
rule the service applies (also in the protocol's notes, ``sync.protocol.messages``):

    A change to a subject (a child or a household) that is no longer in the caller's caseload
    is accepted when the pull cursor the laptop held when the change was made (the change's
    ``made_under``, else the push's cursor) predates the scope event that took the subject
    from the caller, and the caller held the subject at that cursor.

"Held at the cursor": the subject's last scope event at or before the cursor's revision gave it
to the caller (or, for a manager, to their team); or the subject's first scope event came after
it and was the caller creating it (a child the laptop recorded before its first sync). A laptop
that had heard of the move before the change was made (its cursor is at or past the move) is
refused, with the move named, because it no longer held the case when the change was made.

A cursor is the service's own signed document, so a laptop cannot claim a position it was
never given. Scope events older than the offline limit are purged; a laptop whose cursor is
that old is told to re-sync fully, and a change made under such a cursor is refused (nothing
can show the caller held the case then).

Accepted late work is flagged to whoever holds the case now: the service adds a signed-off
case note ("Recorded by A before the case moved to you") to the subject in the same
transaction, which reaches the new worker's and their manager's laptops with the work itself,
and shows on their dashboard and in the chronology; the audit trail records it
(``record.write.late``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.models import Allocation, ScopeEvent, UserAccount

#: The case note kind that marks late work (``resources/codes/service.toml``'s ``note_kind``).
LATE_NOTE_KIND = "LATE_WORK"
#: Who the flagging note is written by: the service itself, not a person.
SERVICE_AUTHOR = "casebook"


@dataclass(frozen=True)
class Late:
    """A change accepted because the caller held its subject when it was made."""

    recorded_by: str
    moved_to: str | None
    moved_at: datetime


@dataclass(frozen=True)
class Refusal:
    """Why a change to a subject that has left the caller is refused, in plain words."""

    reason: str


def judge(
    session: Session,
    *,
    caller: Caller,
    subject: tuple[str, uuid.UUID],
    cursor_key: int | None,
) -> Late | Refusal:
    """Whether the caller held ``subject`` when the change was made (at ``cursor_key``)."""
    noun = "child's case" if subject[0] == "child" else "household"
    events = list(
        session.execute(
            select(
                ScopeEvent.revision,
                ScopeEvent.from_worker_id,
                ScopeEvent.to_worker_id,
                ScopeEvent.from_team_id,
                ScopeEvent.to_team_id,
                ScopeEvent.at,
            )
            .where(ScopeEvent.subject_type == subject[0], ScopeEvent.subject_id == subject[1])
            .order_by(ScopeEvent.revision)
        )
    )
    holder = _current_holder(session, subject)
    if cursor_key is None or not events:
        return Refusal(
            f"This {noun} is not in your caseload"
            + (f" (it is held by {holder})" if holder else "")
            + ", and this laptop cannot show it held the case when the change was made. "
            "Copy what you wrote and send it to the case's worker or your manager."
        )
    before = [e for e in events if e.revision <= cursor_key]
    if before:
        last = before[-1]
        held = _holds(caller, last.to_worker_id, last.to_team_id)
    else:
        first = events[0]
        held = first.from_worker_id is None and first.to_worker_id == caller.user_id
    moves = [
        e
        for e in events
        if e.revision > cursor_key and _holds(caller, e.from_worker_id, e.from_team_id)
    ]
    if held and moves:
        move = moves[0]
        return Late(caller.username, holder, move.at)
    away = [e for e in before if _holds(caller, e.from_worker_id, e.from_team_id)]
    if away:
        when = away[-1].at.date().isoformat()
        return Refusal(
            f"This {noun} moved from you"
            + (f" to {holder}" if holder else "")
            + f" on {when}, and this laptop already knew that when the change was made, so it "
            "was not added to the case. Copy what you wrote and send it to the case's worker "
            "or your manager, then mark this change as dealt with."
        )
    return Refusal(
        f"This {noun} is not in your caseload"
        + (f" (it is held by {holder})" if holder else "")
        + " and was not when the change was made. Copy what you wrote and send it to the "
        "case's worker or your manager."
    )


def _holds(caller: Caller, worker_id: int | None, team_id: int | None) -> bool:
    if worker_id is not None and worker_id == caller.user_id:
        return True
    return bool(
        caller.is_manager
        and caller.team_id is not None
        and team_id is not None
        and team_id == caller.team_id
    )


def _current_holder(session: Session, subject: tuple[str, uuid.UUID]) -> str | None:
    return session.scalar(
        select(UserAccount.username)
        .join(Allocation, Allocation.worker_id == UserAccount.id)
        .where(Allocation.subject_type == subject[0], Allocation.subject_id == subject[1])
    )


@dataclass
class LateNotes:
    """Late work accepted in one push, gathered per subject for one flagging note each."""

    items: dict[tuple[str, uuid.UUID], list[str]] = field(default_factory=lambda: defaultdict(list))
    late: dict[tuple[str, uuid.UUID], Late] = field(default_factory=dict)

    def add(self, subject: tuple[str, uuid.UUID], late: Late, line: str) -> None:
        self.items[subject].append(line)
        self.late.setdefault(subject, late)

    def note_fields(self, subject: tuple[str, uuid.UUID], today: date) -> dict[str, object]:
        late = self.late[subject]
        to = f" to {late.moved_to}" if late.moved_to else ""
        moved = late.moved_at.date().isoformat()
        lines = "\n".join(f"- {line}" for line in self.items[subject])
        fields: dict[str, object] = {
            "kind": LATE_NOTE_KIND,
            "event_date": today.isoformat(),
            "subject": f"Recorded by {late.recorded_by} before the case moved to you",
            "text": (
                f"{late.recorded_by} recorded this work while they held the case, before it "
                f"moved{to} on {moved}; it reached the service only now:\n{lines}\n"
                "Please read it: it is part of the record."
            ),
            "status": "finalised",
        }
        fields["child_id" if subject[0] == "child" else "household_id"] = str(subject[1])
        return fields


def describe(record_type: str, fields: dict[str, object]) -> str:
    """One line naming a piece of late work: its kind, date and whether it is signed off."""
    noun = record_type.replace("_", " ")
    when = next(
        (
            str(fields[name])[:10]
            for name in ("visit_date", "event_date", "review_date", "started_date", "plan_date")
            if fields.get(name)
        ),
        "",
    )
    status = fields.get("status")
    state = {"finalised": "signed off", "approved": "approved", "draft": "draft"}.get(
        str(status), ""
    )
    return " ".join(
        part for part in (noun, f"of {when}" if when else "", f"({state})" if state else "") if part
    )
