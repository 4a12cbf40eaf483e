"""A team manager's view of their team, and allocation within it, worked out by the service.

The figures come from the service's own records, not from whatever one laptop holds, so a
manager sees every worker's caseload as it reached the service: due items by the same engine
and rule table as the workers' dashboards (``app.deadlines.from_documents``), drafts left for
more than a week, open actions, and when each laptop was last in touch (work recorded since is
only on that laptop).

Authorization is by object: only a manager, and only of their own team. The team is always the
caller's own (there is no team id to ask for), and an allocation names a subject that must be
held in that team and a worker who must belong to it; anything else looks missing (404), so a
manager cannot learn what another team holds.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import codes
from app.deadlines import from_documents, return_home
from app.deadlines import rules as rule_table
from app.deadlines.calendar import add
from app.deadlines.engine import Status
from server.core.caller import Caller
from server.core.errors import ServiceError, not_found
from server.models import Allocation, AuditEvent, Device, Record, Team, UserAccount, utcnow
from server.services import allocation, audit, scope
from server.services.accounts import AdminError
from sync.protocol.records import FINALISABLE
from sync.protocol.team import (
    AllocationDone,
    AllocationRequest,
    Laptop,
    Reentry,
    SubjectFigures,
    TeamOverview,
    TeamReentries,
    WorkerFigures,
)

#: What the deadline engine reads (see ``from_documents``; assessments for the dates support
#: plans were agreed); notes, addenda and attachments are not needed, so they are not loaded.
DEADLINE_TYPES = (
    "assessment",
    "child",
    "legal_status",
    "placement",
    "carer_household",
    "visit",
    "review",
    "care_plan",
    "action",
    "training_record",
)
#: A draft older than this is shown to the manager as one that may have been forgotten.
OLD_DRAFT = timedelta(days=7)
KINDS = {"child": "child", "carer_household": "household"}
#: How far back the Team page lists re-entries to care: a year, the period the service's
#: figures count returns home over.
REENTRIES_SHOWN_MONTHS = 12


def overview(
    session: Session, *, caller: Caller, today: date | None = None, now: datetime | None = None
) -> TeamOverview:
    """The caller's team: each member's figures and each child's and household's items."""
    team = _own_team(session, caller)
    now = now or utcnow()
    today = today or now.date()
    members = list(
        session.scalars(
            select(UserAccount)
            .where(UserAccount.team_id == team.id, UserAccount.disabled.is_(False))
            .order_by(UserAccount.display_name, UserAccount.username)
        )
    )
    holders, kinds = _holders(session, members)

    in_team = scope.in_scope_clause(caller, Record.subject_type, Record.subject_id)
    documents = [
        from_documents.Document(record_id, record_type, fields)
        for record_id, record_type, fields in session.execute(
            select(Record.record_id, Record.record_type, Record.fields).where(
                Record.deleted.is_(False), Record.record_type.in_(DEADLINE_TYPES), in_team
            )
        )
    ]
    # A child placed with temporarily approved carers (reg 24) is visited weekly; those carers
    # are often supervised by another team, so their approval is read wherever they are held.
    documents += [
        from_documents.Document(record_id, "carer_household", fields)
        for record_id, fields in session.execute(
            select(Record.record_id, Record.fields).where(
                Record.deleted.is_(False),
                Record.record_type == "carer_household",
                Record.fields["approval_status"].as_string() == "TEMPORARY",
            )
        )
        if record_id not in holders
    ]
    due = from_documents.due_items(from_documents.caseload_deadlines(documents, today))

    names: dict[uuid.UUID, str] = {}
    open_actions: dict[int, int] = defaultdict(int)
    for doc in documents:
        if doc.record_type == "child" and doc.record_id in holders:
            if doc.fields.get("case_open", True):  # a closed case is off the caseload
                names[doc.record_id] = _child_name(doc.fields)
        elif doc.record_type == "carer_household" and doc.record_id in holders:
            names[doc.record_id] = str(doc.fields.get("name", ""))
        elif doc.record_type == "action" and not doc.fields.get("completed_date"):
            subject = doc.fields.get("child_id") or doc.fields.get("household_id")
            holder = holders.get(uuid.UUID(str(subject))) if subject else None
            if holder is not None:
                open_actions[holder.id] += 1

    old_drafts: dict[int, int] = defaultdict(int)
    for (subject_id,) in session.execute(
        select(Record.subject_id).where(
            Record.deleted.is_(False),
            Record.record_type.in_(sorted(FINALISABLE)),
            Record.fields["status"].as_string() == "draft",
            Record.created_at < now - OLD_DRAFT,
            in_team,
        )
    ):
        if subject_id in holders:
            old_drafts[holders[subject_id].id] += 1

    subjects: list[SubjectFigures] = []
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for subject_id, holder in holders.items():
        items = [item for item in due.get(subject_id, []) if item.status != Status.DONE]
        # A closed case or a record not yet on the service has no items and no name to show.
        if subject_id not in names:
            continue
        overdue = sum(item.status == Status.OVERDUE for item in items)
        soon = sum(item.status == Status.DUE_SOON for item in items)
        kind = KINDS.get(kinds[subject_id], "child")
        counts[holder.id]["children" if kind == "child" else "households"] += 1
        counts[holder.id]["overdue"] += overdue
        counts[holder.id]["due_soon"] += soon
        first = min(items, key=lambda item: item.due, default=None)
        subjects.append(
            SubjectFigures(
                kind=kind,  # type: ignore[arg-type]
                subject_id=subject_id,
                name=names[subject_id],
                worker=holder.username,
                overdue=overdue,
                due_soon=soon,
                next_item=first.title if first else None,
                next_due=first.due if first else None,
            )
        )
    subjects.sort(key=lambda s: (-s.overdue, -s.due_soon, s.next_due or date.max, s.name))

    laptops = _laptops(session, members)
    workers = [
        WorkerFigures(
            username=member.username,
            display_name=member.display_name,
            role=member.role,
            children=counts[member.id]["children"],
            households=counts[member.id]["households"],
            overdue=counts[member.id]["overdue"],
            due_soon=counts[member.id]["due_soon"],
            old_drafts=old_drafts[member.id],
            open_actions=open_actions[member.id],
            laptops=laptops.get(member.id, []),
        )
        for member in members
    ]
    return TeamOverview(team=team.name, as_of=now, today=today, workers=workers, subjects=subjects)


def reentries(
    session: Session, *, caller: Caller, today: date | None = None, now: datetime | None = None
) -> TeamReentries:
    """The caller's team's children who came back into care within the rule table's
    ``reentry_months`` of going home, on a day in the last ``REENTRIES_SHOWN_MONTHS`` up to
    ``today``, latest first. Read from the legal status history the laptops pushed, by
    ``app.deadlines.return_home`` as the child's record and the service figures read it."""
    team = _own_team(session, caller)
    now = now or utcnow()
    today = today or now.date()
    table = rule_table.load()
    members = list(
        session.scalars(
            select(UserAccount).where(
                UserAccount.team_id == team.id, UserAccount.disabled.is_(False)
            )
        )
    )
    holders, kinds = _holders(session, members)
    children = {s for s, kind in kinds.items() if kind == "child"}
    in_team = scope.in_scope_clause(caller, Record.subject_type, Record.subject_id)
    names: dict[uuid.UUID, str] = {}
    periods: dict[uuid.UUID, list[return_home.Ended]] = defaultdict(list)
    for record_id, record_type, fields in session.execute(
        select(Record.record_id, Record.record_type, Record.fields).where(
            Record.deleted.is_(False), Record.record_type.in_(("child", "legal_status")), in_team
        )
    ):
        if record_type == "child" and record_id in children:
            names[record_id] = _child_name(fields)
        elif record_type == "legal_status":
            child_id = uuid.UUID(str(fields["child_id"]))
            end = fields.get("end_date")
            periods[child_id].append(
                (
                    date.fromisoformat(fields["start_date"]),
                    date.fromisoformat(end) if end else None,
                    str(fields["code"]),
                    fields.get("reason_ceased"),
                )
            )
    since = add(today, -REENTRIES_SHOWN_MONTHS, "months")
    looked_after = set(codes.code_list("legal_status"))
    found: list[Reentry] = []
    for child_id, name in names.items():
        for back in return_home.returns_home(
            periods.get(child_id, []), looked_after, table.return_home_reasons
        ):
            came_back = back.came_back
            if (
                came_back is not None
                and since < came_back <= today
                and back.reentered_within(table.reentry_months)
            ):
                found.append(
                    Reentry(
                        subject_id=child_id,
                        name=name,
                        worker=holders[child_id].username,
                        returned_home=back.returned,
                        came_back=came_back,
                    )
                )
    found.sort(key=lambda r: (r.came_back, r.name), reverse=True)
    return TeamReentries(
        as_of=now,
        today=today,
        window_months=table.reentry_months,
        shown_months=REENTRIES_SHOWN_MONTHS,
        reentries=found,
    )


def reallocate(session: Session, *, caller: Caller, request: AllocationRequest) -> AllocationDone:
    """Move a child or household held in the caller's team to another member of it, through
    the same allocation as the admin command (scope events, the record's worker field, audit)."""
    team = _own_team(session, caller)
    subject_type = allocation.SUBJECT_KINDS[request.kind]
    held = session.get(Allocation, (subject_type, request.subject_id))
    holder = session.get(UserAccount, held.worker_id) if held is not None else None
    if holder is None or holder.team_id != team.id:
        raise not_found(request.kind)
    worker = session.scalar(select(UserAccount).where(UserAccount.username == request.worker))
    if worker is None or worker.team_id != team.id or worker.disabled:
        raise ServiceError(
            422,
            "not_in_team",
            f"{request.worker} is not an active member of {team.name}: choose someone in your "
            "team.",
            field="worker",
        )
    if worker.role not in ("worker", "manager"):
        raise ServiceError(
            422, "cannot_hold_cases", f"{worker.display_name} cannot hold cases.", field="worker"
        )
    try:
        done = allocation.allocate(
            session,
            kind=request.kind,
            subject_id=request.subject_id,
            worker_username=worker.username,
            actor=caller.username,
        )
    except AdminError as exc:
        raise ServiceError(422, "not_allocated", str(exc), field="worker") from None
    audit.record_caller_event(
        session,
        caller=caller,
        action="team.allocate",
        record_type=subject_type,
        record_ids=[request.subject_id],
        detail=f"from={done.previous or '-'} to={done.worker}",
    )
    return AllocationDone(
        kind=request.kind, subject_id=request.subject_id, previous=done.previous, worker=done.worker
    )


# ---- Private API


def _own_team(session: Session, caller: Caller) -> Team:
    if not caller.is_manager or caller.team_id is None:
        raise ServiceError(
            403, "managers_only", "Only a team manager can see and allocate their team's work."
        )
    team = session.get(Team, caller.team_id)
    if team is None:
        raise not_found("team")
    return team


def _holders(
    session: Session, members: list[UserAccount]
) -> tuple[dict[uuid.UUID, UserAccount], dict[uuid.UUID, str]]:
    """Who in the team holds each child and household, and each one's record type."""
    by_id = {member.id: member for member in members}
    holders: dict[uuid.UUID, UserAccount] = {}
    kinds: dict[uuid.UUID, str] = {}
    for subject_type, subject_id, worker_id in session.execute(
        select(Allocation.subject_type, Allocation.subject_id, Allocation.worker_id).where(
            Allocation.worker_id.in_(list(by_id))
        )
    ):
        holders[subject_id] = by_id[worker_id]
        kinds[subject_id] = subject_type
    return holders, kinds


def _child_name(fields: Mapping[str, Any]) -> str:
    given = fields.get("preferred_name") or fields["given_name"]
    return f"{given} {fields['family_name']}"


def _laptops(session: Session, members: list[UserAccount]) -> dict[int, list[Laptop]]:
    """Each member's laptops still in use, with when each was last in touch: the newer of
    its last sign-in refresh (at least every access token's life while it syncs) and the last
    thing it did that the audit trail records (a push, a pull that brought records)."""
    if not members:
        return {}
    latest = func.max(AuditEvent.at, type_=AuditEvent.__table__.c.at.type)
    activity: dict[uuid.UUID | None, datetime] = {
        device_id: at
        for device_id, at in session.execute(
            select(AuditEvent.device_id, latest)
            .where(
                AuditEvent.actor.in_([m.username for m in members]),
                AuditEvent.device_id.is_not(None),
            )
            .group_by(AuditEvent.device_id)
        )
    }
    found: dict[int, list[Laptop]] = defaultdict(list)
    for device in session.scalars(
        select(Device)
        .where(Device.user_id.in_([m.id for m in members]), Device.revoked_at.is_(None))
        .order_by(Device.created_at)
    ):
        seen = [t for t in (device.last_seen_at, activity.get(device.id)) if t is not None]
        found[device.user_id].append(
            Laptop(name=device.name, last_contact=max(seen) if seen else None)
        )
    return found
