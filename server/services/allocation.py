"""Allocating a child's case or a carer household to a worker (an admin act).

A reallocation is numbered from the revision counter like any write: the previous holder's next
pull lists the subject's records as removals (``out_of_scope``), the new holder's next pull brings
every current record of the subject, and the record's own ``allocated_worker`` /
``supervising_worker`` field changes as a new version so every laptop shows the right name.

Every allocation is also kept in ``allocation_history`` (same transaction): the previous
holder's open row is ended today and a new one opened, with the 903's reason for the change
(SW_REASON). Scope events are purged after the offline limit; this history is not, so the
SSDA903 return can report social worker episodes from it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import resources
from server.models import Allocation, AllocationHistory, UserAccount, utcnow
from server.services import audit
from server.services.accounts import AdminError, find_user
from server.services.merge import SCOPE_DERIVED
from server.services.records import WriteBatch, lock_records

SUBJECT_KINDS = {"child": "child", "household": "carer_household"}


#: The reason recorded when none is given: a subject's first holder is its first contact; a
#: change with no reason given is "other" (the 903 asks for a reason for every change).
FIRST_REASON = "FCONTA"
DEFAULT_REASON = "OTHERS"


def sw_reasons() -> dict[str, str]:
    """The 903's reasons for a change of social worker, code to label."""
    return dict(resources.load_toml("codes", "ssda903.toml")["sw_reason"])


@dataclass(frozen=True)
class AllocationResult:
    subject_type: str
    subject_id: uuid.UUID
    previous: str | None
    worker: str
    record_found: bool
    reason: str = FIRST_REASON


def allocate(
    session: Session,
    *,
    kind: str,
    subject_id: uuid.UUID,
    worker_username: str,
    actor: str,
    reason: str | None = None,
) -> AllocationResult:
    """Give a subject to a worker (first allocation or reallocation). ``reason`` is the 903's
    SW_REASON code; when none is given, FCONTA for a first allocation and OTHERS for a
    reallocation."""
    subject_type = SUBJECT_KINDS.get(kind)
    if subject_type is None:
        raise AdminError(f"Unknown subject kind {kind!r}: use child or household.")
    if reason is not None and reason.upper() not in sw_reasons():
        raise AdminError(
            f"Unknown reason {reason!r}: use one of {', '.join(sw_reasons())} (the 903's codes)."
        )
    worker = find_user(session, username=worker_username)
    if worker.disabled:
        raise AdminError(f"{worker_username!r} is disabled and cannot hold cases.")
    allocation = session.get(Allocation, (subject_type, subject_id), with_for_update=True)
    previous = session.get(UserAccount, allocation.worker_id) if allocation else None
    if previous is not None and previous.id == worker.id:
        raise AdminError(f"That {kind} is already allocated to {worker_username}.")
    batch = WriteBatch(session)
    if allocation is None:
        allocation = Allocation(subject_type=subject_type, subject_id=subject_id, worker_id=0)
        session.add(allocation)
    allocation.worker_id = worker.id
    allocation.allocated_at = utcnow()
    allocation.allocated_by = actor
    chosen = (reason or (DEFAULT_REASON if previous is not None else FIRST_REASON)).upper()
    record_history(session, subject_type, subject_id, worker.id, utcnow().date(), chosen, actor)
    batch.scope_event(
        subject_type=subject_type,
        subject_id=subject_id,
        from_worker_id=previous.id if previous else None,
        to_worker_id=worker.id,
        from_team_id=previous.team_id if previous else None,
        to_team_id=worker.team_id,
    )
    record = lock_records(session, [subject_id]).get(subject_id)
    found = record is not None and record.record_type == subject_type
    if record is not None and found and not record.deleted:
        batch.write(
            record=record,
            changes={SCOPE_DERIVED[subject_type]: worker.username},
            author=actor,
            device_id=None,
        )
    batch.finish()
    audit.record_event(
        session,
        actor=actor,
        action="admin.allocate",
        record_type=subject_type,
        record_ids=[subject_id],
        detail=f"from={previous.username if previous else '-'} to={worker.username}",
    )
    return AllocationResult(
        subject_type,
        subject_id,
        previous.username if previous else None,
        worker.username,
        found,
        chosen,
    )


def record_history(
    session: Session,
    subject_type: str,
    subject_id: uuid.UUID,
    worker_id: int,
    start: date,
    reason: str,
    actor: str,
) -> AllocationHistory:
    """End the subject's open history row on ``start`` and open the new holder's."""
    for row in session.scalars(
        select(AllocationHistory).where(
            AllocationHistory.subject_type == subject_type,
            AllocationHistory.subject_id == subject_id,
            AllocationHistory.end_date.is_(None),
        )
    ):
        row.end_date = max(start, row.start_date)
    entry = AllocationHistory(
        subject_type=subject_type,
        subject_id=subject_id,
        worker_id=worker_id,
        start_date=start,
        reason=reason,
        recorded_by=actor,
    )
    session.add(entry)
    session.flush()
    return entry
