"""Caseload scope, enforced in SQL: every query for case records joins these selects.

A worker (and an admin) holds the subjects allocated to them; a manager also holds every subject
allocated to a member of their team. Scope events record subjects moving between holders so
pulls can send the newcomer everything and tell the previous holder to purge.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from server.core.caller import Caller
from server.models import Allocation, ScopeEvent, UserAccount
from server.services.id_lists import in_ids


@dataclass(frozen=True)
class Holder:
    """Whose caseload, as SQL values: a caller's own ids, or bind parameters for a statement
    built once and run for any caller of the same kind (``server.services.sync``'s feed)."""

    user_id: Any
    #: The team whose subjects a manager also holds; None for everyone else.
    team_id: Any | None

    @classmethod
    def of(cls, caller: Caller | Holder) -> Holder:
        if isinstance(caller, Holder):
            return caller
        manager = caller.is_manager and caller.team_id is not None
        return cls(caller.user_id, caller.team_id if manager else None)


def scope_subjects(caller: Caller | Holder) -> Select[str, uuid.UUID]:
    """``(subject_type, subject_id)`` of every subject the caller may see."""
    holder = Holder.of(caller)
    query = select(Allocation.subject_type, Allocation.subject_id)
    if holder.team_id is not None:
        return query.join(UserAccount, UserAccount.id == Allocation.worker_id).where(
            or_(Allocation.worker_id == holder.user_id, UserAccount.team_id == holder.team_id)
        )
    return query.where(Allocation.worker_id == holder.user_id)


def in_scope_clause(
    caller: Caller,
    subject_type: ColumnElement[str] | InstrumentedAttribute[str],
    subject_id: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID],
) -> ColumnElement[bool]:
    """A WHERE clause true for rows whose subject is in the caller's scope."""
    allowed = scope_subjects(caller).subquery()
    return exists().where(
        allowed.c.subject_type == subject_type, allowed.c.subject_id == subject_id
    )


def subject_in_scope(
    session: Session, *, caller: Caller, subject_type: str, subject_id: uuid.UUID
) -> bool:
    query = scope_subjects(caller).where(
        Allocation.subject_type == subject_type, Allocation.subject_id == subject_id
    )
    return session.execute(query.limit(1)).first() is not None


def subjects_in_scope(
    session: Session, *, caller: Caller, subject_type: str, subject_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these subjects the caller may see, in one query (``id_lists``)."""
    query = scope_subjects(caller).where(
        Allocation.subject_type == subject_type,
        in_ids(session, Allocation.subject_id, subject_ids),
    )
    return {subject_id for _type, subject_id in session.execute(query)}


def subject_team(session: Session, *, subject_type: str, subject_id: uuid.UUID) -> int | None:
    """The team of the worker who holds a subject (who may approve its records)."""
    return session.scalar(
        select(UserAccount.team_id)
        .join(Allocation, Allocation.worker_id == UserAccount.id)
        .where(Allocation.subject_type == subject_type, Allocation.subject_id == subject_id)
    )


def entry_condition(caller: Caller | Holder) -> ColumnElement[bool]:
    """Scope events that brought a subject to the caller."""
    holder = Holder.of(caller)
    mine: ColumnElement[bool] = ScopeEvent.to_worker_id == holder.user_id
    if holder.team_id is not None:
        into_team = and_(
            ScopeEvent.to_team_id == holder.team_id,
            or_(ScopeEvent.from_team_id.is_(None), ScopeEvent.from_team_id != holder.team_id),
        )
        return or_(mine, into_team)
    return mine


def exit_condition(caller: Caller | Holder) -> ColumnElement[bool]:
    """Scope events that took a subject from the caller (still in scope is checked separately)."""
    holder = Holder.of(caller)
    mine: ColumnElement[bool] = ScopeEvent.from_worker_id == holder.user_id
    if holder.team_id is not None:
        return or_(mine, ScopeEvent.from_team_id == holder.team_id)
    return mine
