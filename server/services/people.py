"""Who a laptop may name: the display names behind the login ids its records carry.

Records keep who wrote, signed off or approved them as login ids (``created_by``,
``finalised_by``, ``approved_by``), which never change; people are shown by name. A laptop asks
for the names it may need (``GET /v1/people``) at its hourly check and keeps them beside its
records, so a renamed account reads right on every laptop within the hour.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.models import Record, UserAccount
from server.services import scope


def people_for(session: Session, *, caller: Caller) -> list[tuple[str, str]]:
    """``(username, display name)`` of everyone the caller's laptop may show: the caller, the
    members of their team, and whoever wrote, signed off or approved a record it may hold."""
    names: set[str] = {caller.username}
    if caller.team_id is not None:
        names.update(
            session.scalars(
                select(UserAccount.username).where(UserAccount.team_id == caller.team_id)
            )
        )
    in_scope = scope.in_scope_clause(caller, Record.subject_type, Record.subject_id)
    for row in session.execute(
        select(
            Record.created_by,
            Record.updated_by,
            Record.fields["finalised_by"].as_string(),
            Record.fields["approved_by"].as_string(),
        )
        .where(in_scope)
        .distinct()
    ):
        names.update(name for name in row if name)
    return [
        (username, display)
        for username, display in session.execute(
            select(UserAccount.username, UserAccount.display_name)
            .where(UserAccount.username.in_(sorted(names)))
            .order_by(UserAccount.username)
        )
    ]
