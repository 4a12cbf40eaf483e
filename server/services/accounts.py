"""Teams, users, devices and lockout reset grants: what an administrator manages.

Signing in (throttling, tokens, checking a bearer token) is ``server.services.signing_in``.

All functions take keyword-only arguments and work inside the caller's transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core import security
from server.core.caller import Caller
from server.models import (
    ROLES,
    Device,
    ResetGrant,
    Team,
    UserAccount,
    utcnow,
)
from server.services import audit


class AdminError(ValueError):
    """A bad admin request (unknown user, duplicate name); the CLI prints it and exits non-zero."""


# ---- Teams and users


def create_team(session: Session, *, name: str, actor: str) -> Team:
    name = name.strip()
    if not name:
        raise AdminError("A team needs a name.")
    if session.scalar(select(Team).where(Team.name == name)) is not None:
        raise AdminError(f"A team called {name!r} already exists.")
    team = Team(name=name, created_at=utcnow())
    session.add(team)
    session.flush()
    audit.record_event(session, actor=actor, action="admin.team.create", detail=f"team={name}")
    return team


def find_team(session: Session, *, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise AdminError(f"No team called {name!r}. Create it with `casebook-server team create`.")
    return team


def find_user(session: Session, *, username: str) -> UserAccount:
    user = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if user is None:
        raise AdminError(f"No user called {username!r}.")
    return user


def create_user(
    session: Session,
    *,
    hasher: PasswordHasher,
    username: str,
    password: str,
    role: str,
    display_name: str,
    team_name: str | None,
    actor: str,
) -> UserAccount:
    if role not in ROLES:
        raise AdminError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    if not username or len(username) > 120 or username != username.strip():
        raise AdminError("A username must be 1-120 characters with no surrounding spaces.")
    if len(password) < 10:
        raise AdminError("A password must be at least 10 characters long.")
    if role == "manager" and team_name is None:
        raise AdminError("A manager must belong to a team (use --team).")
    if session.scalar(select(UserAccount).where(UserAccount.username == username)):
        raise AdminError(f"A user called {username!r} already exists.")
    team = find_team(session, name=team_name) if team_name else None
    user = UserAccount(
        username=username,
        display_name=display_name or username,
        role=role,
        team_id=team.id if team else None,
        password_hash=security.hash_password(hasher, password),
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record_event(
        session,
        actor=actor,
        action="admin.user.create",
        detail=f"user={username} role={role} team={team_name or '-'}",
    )
    return user


def set_display_name(
    session: Session, *, username: str, display_name: str, actor: str
) -> UserAccount:
    """The name laptops show for the account (who signed off, approved, wrote an addendum):
    they receive it at their next hourly check (``sync.people``)."""
    name = " ".join(display_name.split())
    if not name or len(name) > 200:
        raise AdminError("A display name must be 1-200 characters.")
    user = find_user(session, username=username)
    user.display_name = name
    audit.record_event(session, actor=actor, action="admin.user.rename", detail=f"user={username}")
    return user


#: A Social Work England registration number: "SW" and its digits (the 903's SW_ID must begin
#: "SW"; csc-validator-be-903 rule SW02).
SWE_NUMBER = re.compile(r"SW[0-9]{1,8}")


def set_swe_number(
    session: Session, *, username: str, number: str | None, actor: str
) -> UserAccount:
    """Record (or, with ``None``, clear) a worker's Social Work England registration number,
    which the SSDA903 return reports as SW_ID for the children the worker held."""
    user = find_user(session, username=username)
    cleaned = None
    if number is not None:
        cleaned = "".join(number.split()).upper()
        if not SWE_NUMBER.fullmatch(cleaned):
            raise AdminError(
                f"{number!r} is not a Social Work England registration number: "
                'write "SW" followed by its digits, e.g. SW123456.'
            )
    user.swe_number = cleaned
    audit.record_event(
        session,
        actor=actor,
        action="admin.user.swe",
        detail=f"user={username} swe={cleaned or '-'}",
    )
    return user


def set_user_disabled(session: Session, *, username: str, disabled: bool, actor: str) -> int:
    """Disable (or re-enable) an account. A disabled account's laptops are told to wipe
    themselves at every request but one: a push, so that work the worker recorded and has not
    sent yet still reaches the service first (each laptop wipes itself once nothing of its
    worker's is left unsent or undecided). ``abandon_unsent`` revokes the devices outright,
    for a laptop that will never push. Returns the devices still able to push."""
    user = find_user(session, username=username)
    was_disabled = user.disabled
    user.disabled = disabled
    user.disabled_at = utcnow() if disabled else None
    devices = session.scalars(
        select(Device).where(Device.user_id == user.id, Device.revoked_at.is_(None))
    ).all()
    active = len(devices)
    if not disabled and was_disabled:
        # As before: laptops of a disabled account do not come back to life; the worker
        # registers again.
        for device in devices:
            _revoke(device, reason="account disabled")
    audit.record_event(
        session,
        actor=actor,
        action="admin.user.disable" if disabled else "admin.user.enable",
        detail=f"user={username} devices_may_push={active if disabled else 0}",
    )
    return active if disabled else 0


def abandon_unsent(session: Session, *, username: str, actor: str) -> int:
    """Give up, on purpose, on whatever a disabled account's laptops have not sent: their
    devices are revoked, so each wipes itself at its next request whatever it still holds.
    Returns the devices revoked."""
    user = find_user(session, username=username)
    if not user.disabled:
        raise AdminError(
            f"{username!r} is not disabled: disable the account first (its laptops then send "
            "what they hold before they wipe themselves)."
        )
    revoked = 0
    for device in session.scalars(
        select(Device).where(Device.user_id == user.id, Device.revoked_at.is_(None))
    ):
        _revoke(device, reason="unsent work abandoned")
        revoked += 1
    audit.record_event(
        session,
        actor=actor,
        action="admin.user.abandon_unsent",
        detail=f"user={username} devices_revoked={revoked}",
    )
    return revoked


def list_users(session: Session) -> Sequence[tuple[UserAccount, Team | None]]:
    rows = session.execute(
        select(UserAccount, Team)
        .outerjoin(Team, Team.id == UserAccount.team_id)
        .order_by(UserAccount.username)
    )
    return [(user, team) for user, team in rows]


def list_teams(session: Session) -> Sequence[Team]:
    return session.scalars(select(Team).order_by(Team.name)).all()


# ---- Devices


def list_devices(
    session: Session, *, username: str | None = None
) -> Sequence[tuple[Device, UserAccount]]:
    query = (
        select(Device, UserAccount)
        .join(UserAccount, UserAccount.id == Device.user_id)
        .order_by(UserAccount.username, Device.created_at)
    )
    if username:
        query = query.where(UserAccount.username == username)
    return [(device, user) for device, user in session.execute(query)]


def _revoke(device: Device, *, reason: str) -> None:
    device.revoked_at = utcnow()
    device.revoked_reason = reason
    # The refresh token's digest is kept on purpose: a laptop whose access token has expired
    # only calls refresh, and must find its device there to be told to wipe (403), not merely
    # to sign in again. ``revoked_at`` alone makes the token useless.


def parse_device_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise AdminError(f"{text!r} is not a device id (a UUID, see `device list`).") from None


def revoke_device(session: Session, *, device_id: uuid.UUID, actor: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise AdminError(f"No device {device_id}.")
    if device.revoked_at is None:
        _revoke(device, reason=f"revoked by {actor}")
    audit.record_event(
        session, actor=actor, action="admin.device.revoke", detail=f"device={device_id}"
    )
    return device


def create_reset_grant(
    session: Session, *, device_id: uuid.UUID, actor: str, valid_hours: int = 72
) -> ResetGrant:
    """Let a device clear its locked profile once (fetched by the laptop via the API)."""
    device = session.get(Device, device_id)
    if device is None:
        raise AdminError(f"No device {device_id}.")
    if device.revoked_at is not None:
        raise AdminError(f"Device {device_id} is revoked; it will be wiped, not unlocked.")
    now = utcnow()
    grant = ResetGrant(
        device_id=device_id,
        issued_by=actor,
        issued_at=now,
        expires_at=now + timedelta(hours=valid_hours),
    )
    session.add(grant)
    audit.record_event(
        session, actor=actor, action="admin.device.reset_lockout", detail=f"device={device_id}"
    )
    return grant


def claim_reset_grant(session: Session, *, caller: Caller) -> ResetGrant | None:
    """Consume the device's newest unexpired grant (one use only), or None."""
    now = utcnow()
    grant = session.scalar(
        select(ResetGrant)
        .where(
            ResetGrant.device_id == caller.device_id,
            ResetGrant.claimed_at.is_(None),
            ResetGrant.expires_at > now,
        )
        .order_by(ResetGrant.issued_at.desc())
        .limit(1)
        .with_for_update()
    )
    if grant is None:
        return None
    grant.claimed_at = now
    audit.record_caller_event(
        session, caller=caller, action="device.reset_lockout.claim", detail=f"grant={grant.id}"
    )
    return grant


def as_datetime(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else "-"
