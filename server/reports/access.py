"""Who may run the service's reports and returns, over what, and the audit entry of each run.

A performance officer (role ``performance``) and an admin holding an explicit grant
(``report_grant``) see the whole service, or any one team of it. A manager sees their own team
only. Nobody else runs reports: a worker's view of their own caseload is the laptop's dashboard.

The statutory returns (``casebook-server returns ...``) use the same check with
``service_only=True`` (a return is the whole service's or nothing) and the same audit helper.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.core.errors import ServiceError
from server.models import ReportGrant, Team, UserAccount, utcnow
from server.services import audit
from server.services.accounts import AdminError, find_user

#: The audit action of every report or return run (its detail says which and over what).
RUN_ACTION = "report.run"


@dataclass(frozen=True)
class ReportScope:
    """What a run covers: the whole service (``team_id`` None) or one team."""

    team_id: int | None
    team_name: str | None

    @property
    def label(self) -> str:
        return f"team {self.team_name}" if self.team_name else "the whole service"

    @property
    def audit_words(self) -> str:
        return f"team={self.team_name}" if self.team_name else "scope=service"


def has_grant(session: Session, user_id: int) -> bool:
    return session.get(ReportGrant, user_id) is not None


def service_wide(session: Session, caller: Caller) -> bool:
    """Whether the caller may see the whole service's figures and run its returns."""
    if caller.role == "performance":
        return True
    return caller.role == "admin" and has_grant(session, caller.user_id)


def report_scope(
    session: Session, caller: Caller, *, team: str | None = None, service_only: bool = False
) -> ReportScope:
    """The scope the caller may run a report over, or a 403 ``ServiceError`` saying why not
    (for the caller to audit as denied). ``team`` narrows a service-wide caller to one team;
    a manager's scope is their own team, and asking for another is refused. ``service_only``
    (a statutory return) admits service-wide callers only."""
    if service_wide(session, caller):
        if team is None:
            return ReportScope(None, None)
        found = session.scalar(select(Team).where(Team.name == team))
        if found is None:
            raise ServiceError(404, "not_found", f"There is no team called {team!r}.", field="team")
        return ReportScope(found.id, found.name)
    if service_only:
        raise _refused(
            "Only a performance officer or an administrator granted reports may run the "
            "service's returns."
        )
    if caller.role == "manager" and caller.team_id is not None:
        own = session.get(Team, caller.team_id)
        assert own is not None
        if team is not None and team != own.name:
            raise _refused("A manager may run the figures for their own team only.")
        return ReportScope(own.id, own.name)
    raise _refused(
        "Only a performance officer, an administrator granted reports, or a team's manager "
        "(for their own team) may run the service's figures."
    )


def _refused(message: str) -> ServiceError:
    """A refusal; the caller audits it (``record_run`` with outcome ``denied``) in a
    transaction that commits, since the request's own rolls back with the error."""
    return ServiceError(403, "not_permitted", message)


def record_run(
    session: Session,
    caller: Caller,
    *,
    kind: str,
    scope: ReportScope | None,
    detail: str = "",
    outcome: str = "ok",
) -> None:
    """Audit one run of a report or return: which (``kind``, e.g. ``figures`` or
    ``ssda903``), over what and for which period (``detail``); never any figure or name."""
    words = " ".join(
        part for part in (f"kind={kind}", scope.audit_words if scope else "", detail) if part
    )
    audit.record_caller_event(
        session, caller=caller, action=RUN_ACTION, outcome=outcome, detail=words
    )


def cli_caller(session: Session, *, username: str, actor: str) -> Caller:
    """The account a command-line run acts for: the report runs with its authority (and the
    audit entry names both it and the operating-system account, ``actor``)."""
    user: UserAccount = find_user(session, username=username)
    if user.disabled:
        raise AdminError(f"{username!r} is disabled.")
    return Caller(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        team_id=user.team_id,
        address=actor,
    )


def grant(session: Session, *, username: str, actor: str) -> None:
    """Let an admin run reports and returns (a performance officer needs no grant)."""
    user = find_user(session, username=username)
    if user.role != "admin":
        raise AdminError(
            f"{username!r} is a {user.role}: only an admin is granted reports "
            "(a performance officer runs them by their role)."
        )
    if has_grant(session, user.id):
        raise AdminError(f"{username!r} already holds a reports grant.")
    session.add(ReportGrant(user_id=user.id, granted_by=actor, granted_at=utcnow()))
    audit.record_event(
        session, actor=actor, action="admin.reports.grant", detail=f"user={username}"
    )


def revoke(session: Session, *, username: str, actor: str) -> None:
    user = find_user(session, username=username)
    found = session.get(ReportGrant, user.id)
    if found is None:
        raise AdminError(f"{username!r} holds no reports grant.")
    session.delete(found)
    audit.record_event(
        session, actor=actor, action="admin.reports.revoke", detail=f"user={username}"
    )
