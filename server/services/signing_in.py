"""Signing in: the token-signing key, sign-in throttling, issuing and rotating a device's
tokens, ending a sign-in whose refresh token was replayed, and turning a bearer token into a
``Caller`` on every request.

All functions take keyword-only arguments and work inside the caller's transaction. The
accounts, devices and reset grants they check are managed in ``server.services.accounts``.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from datetime import timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from server.core import security
from server.core.caller import Caller
from server.core.config import Settings
from server.core.errors import ServiceError
from server.models import (
    Device,
    LoginAttempt,
    ServerState,
    UserAccount,
    table_of,
    utcnow,
)
from server.services import audit
from sync.protocol.messages import TokenPair

logger = logging.getLogger(__name__)


class RefreshReplayed(Exception):
    """A refresh token this service issued, but no longer current, came back: someone kept a
    copy. The caller ends that device's sign-in (``end_sign_in``, in a transaction of its own,
    as the refusal rolls back the one that found it) and refuses the request."""

    def __init__(self, device_id: uuid.UUID) -> None:
        super().__init__(str(device_id))
        self.device_id = device_id


def load_secret(session: Session, *, settings: Settings) -> str:
    """The token-signing key: the configured one, else the one the first migration generated."""
    if settings.secret_key:
        return settings.secret_key
    state = session.get(ServerState, 1)
    if state is None:
        raise RuntimeError("server_state row missing: run `casebook-server migrate`")
    return state.secret_key


def check_login_throttle(
    session: Session, *, settings: Settings, username: str, address: str
) -> None:
    """Refuse (429 with Retry-After) while an account or an address has too many recent failures."""
    now = utcnow()
    window_start = now - timedelta(seconds=settings.login_window_seconds)
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.success.is_(True)
        )
    )
    account_since = max(window_start, last_success) if last_success else window_start
    for column, value, since, limit, what in (
        (
            LoginAttempt.username,
            username,
            account_since,
            settings.login_max_failures_per_account,
            "this account",
        ),
        (
            LoginAttempt.address,
            address,
            window_start,
            settings.login_max_failures_per_address,
            "this network address",
        ),
    ):
        count, oldest = session.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                column == value, LoginAttempt.success.is_(False), LoginAttempt.at > since
            )
        ).one()
        if count >= limit:
            retry = oldest + timedelta(seconds=settings.login_window_seconds) - now
            seconds = max(1, math.ceil(retry.total_seconds()))
            raise ServiceError(
                429,
                "too_many_attempts",
                f"Too many failed sign-ins for {what}. Wait {seconds} seconds and try again, "
                "or ask your administrator to check the account.",
                headers={"Retry-After": str(seconds)},
            )


def record_login_attempt(session: Session, *, username: str, address: str, success: bool) -> None:
    session.add(LoginAttempt(username=username, address=address, at=utcnow(), success=success))


def active_user(session: Session, *, username: str) -> UserAccount | None:
    return session.scalar(
        select(UserAccount).where(UserAccount.username == username, UserAccount.disabled.is_(False))
    )


def _issue(
    session: Session, *, settings: Settings, secret: str, device: Device, user: UserAccount
) -> TokenPair:
    refresh = security.new_refresh_token(secret, str(device.id))
    device.refresh_hash = security.token_digest(refresh)
    device.refresh_expires_at = utcnow() + timedelta(days=settings.refresh_token_days)
    device.last_seen_at = utcnow()
    # Round up: a token must live at least as long as access_expires_in says.
    expires = math.ceil(time.time()) + settings.access_token_seconds
    access = security.make_access_token(
        secret, device_id=str(device.id), user_id=user.id, expires=expires
    )
    return TokenPair(
        device_id=device.id,
        access_token=access,
        access_expires_in=settings.access_token_seconds,
        refresh_token=refresh,
        worker=user.username,
        display_name=user.display_name,
        role=user.role,  # type: ignore[arg-type]
    )


def register_device(
    session: Session,
    *,
    settings: Settings,
    secret: str,
    user: UserAccount,
    device_name: str,
    address: str,
) -> TokenPair:
    device = Device(user_id=user.id, name=device_name, created_at=utcnow())
    session.add(device)
    session.flush()
    audit.record_event(
        session,
        actor=user.username,
        device_id=device.id,
        action="device.register",
        detail=f"name={device_name[:80]}",
        address=address,
    )
    return _issue(session, settings=settings, secret=secret, device=device, user=user)


def _wipe(code: str, message: str) -> ServiceError:
    return ServiceError(403, code, message, action="wipe")


def refresh_tokens(
    session: Session, *, settings: Settings, secret: str, refresh_token: str
) -> TokenPair:
    """Rotate a device's refresh token: the presented one stops working the moment this commits.

    Raises ``RefreshReplayed`` when the token is an earlier one of a device's sign-in: either
    the laptop or whoever copied its token has the newer one, and the service cannot tell which,
    so the whole sign-in must end (RFC 9700's refresh token reuse detection)."""
    digest = security.token_digest(refresh_token)
    device = session.scalar(select(Device).where(Device.refresh_hash == digest).with_for_update())
    if device is None:
        issued_to = _issued_to(secret, refresh_token)
        if issued_to is not None:
            raise RefreshReplayed(issued_to)
    if device is None or device.refresh_expires_at is None:
        raise _invalid_refresh()
    user = session.get(UserAccount, device.user_id)
    assert user is not None
    # A disabled account's laptop may still refresh: its new token is good for a push only.
    _check_device(revoked=device.revoked_at is not None, disabled=user.disabled, pushing=True)
    if device.refresh_expires_at <= utcnow():
        raise ServiceError(
            401,
            "refresh_token_expired",
            "This laptop has not connected for too long. Sign in again with your password.",
            action="reauthenticate",
        )
    return _issue(session, settings=settings, secret=secret, device=device, user=user)


def end_sign_in(session: Session, *, device_id: uuid.UUID, address: str | None) -> ServiceError:
    """End a device's sign-in after its refresh token was replayed: its current refresh token
    and every access token issued with it stop working (``authenticate`` refuses a device with
    no refresh token), so the laptop signs in again with the worker's password. Returns the
    refusal to answer with. A revoked device or disabled account is left as it is and told to
    wipe, as its current token would be."""
    device = session.scalar(select(Device).where(Device.id == device_id).with_for_update())
    if device is None:
        return _invalid_refresh()
    user = session.get(UserAccount, device.user_id)
    assert user is not None
    if device.revoked_at is not None or user.disabled:
        try:
            _check_device(revoked=device.revoked_at is not None, disabled=user.disabled)
        except ServiceError as refusal:
            return refusal
    if device.refresh_hash is not None:
        device.refresh_hash = None
        device.refresh_expires_at = None
        audit.record_event(
            session,
            actor=user.username,
            device_id=device.id,
            action="device.refresh_replayed",
            outcome="denied",
            detail="an earlier refresh token came back: the device's sign-in was ended",
            address=address,
        )
        logger.warning("refresh token replayed for device %s: its sign-in was ended", device.id)
    return ServiceError(
        401,
        "sign_in_ended",
        "This laptop's sign-in was used from somewhere else, so it has been ended to keep the "
        "records safe. Sign in again with your password.",
        action="reauthenticate",
    )


def _issued_to(secret: str, refresh_token: str) -> uuid.UUID | None:
    device_id = security.refresh_token_device(secret, refresh_token)
    try:
        return uuid.UUID(device_id) if device_id is not None else None
    except ValueError:
        return None


def _invalid_refresh() -> ServiceError:
    return ServiceError(
        401,
        "invalid_refresh_token",
        "This sign-in has expired or was replaced. Sign in again with your password.",
        action="reauthenticate",
    )


def _check_device(*, revoked: bool, disabled: bool, pushing: bool = False) -> None:
    """Revoked: wipe, whatever the request. Disabled: wipe, except for a push (and the
    refresh a push may need), which still brings the worker's unsent work in first."""
    if revoked:
        raise _wipe(
            "device_revoked",
            "This laptop's access to Casebook has been withdrawn. Its case records will be "
            "removed from it; contact your administrator if this is unexpected.",
        )
    if disabled and not pushing:
        raise _wipe(
            "account_disabled",
            "Your Casebook account has been disabled. Case records will be removed from this "
            "laptop; contact your administrator.",
        )


def authenticate(
    session: Session, *, secret: str, token: str, address: str | None, pushing: bool = False
) -> Caller:
    """Turn a bearer token into a :class:`Caller`, checking the device and account every time."""
    claims = security.read_access_token(secret, token)
    if claims is None:
        raise ServiceError(
            401,
            "invalid_token",
            "The server did not recognise this sign-in. Sign in again.",
            action="reauthenticate",
        )
    found = session.execute(
        _SIGNED_IN, {"device_id": uuid.UUID(claims.device_id), "user_id": claims.user_id}
    ).first()
    if found is None:
        raise ServiceError(
            401,
            "invalid_token",
            "The server did not recognise this sign-in. Sign in again.",
            action="reauthenticate",
        )
    _check_device(revoked=found.revoked_at is not None, disabled=found.disabled, pushing=pushing)
    if found.refresh_hash is None:
        # The device's sign-in was ended (a replayed refresh token): every access token issued
        # with it stops at once, not when it expires.
        raise ServiceError(
            401,
            "sign_in_ended",
            "This laptop's sign-in has been ended. Sign in again with your password.",
            action="reauthenticate",
        )
    if claims.expires <= time.time():
        raise ServiceError(
            401,
            "token_expired",
            "The access token has expired; refresh it with the device's refresh token.",
        )
    return Caller(
        user_id=found.id,
        username=found.username,
        display_name=found.display_name,
        role=found.role,
        team_id=found.team_id,
        device_id=found.device_id,
        address=address,
    )


_DEVICE, _USER = table_of(Device), table_of(UserAccount)
#: The device and its account, both checked on every request, in one query built once (every
#: request runs it; building it, and loading ORM objects from it, cost more than the read).
_SIGNED_IN = (
    select(
        _DEVICE.c.id.label("device_id"),
        _DEVICE.c.revoked_at,
        _DEVICE.c.refresh_hash,
        _USER.c.id,
        _USER.c.username,
        _USER.c.display_name,
        _USER.c.role,
        _USER.c.team_id,
        _USER.c.disabled,
    )
    .join(_USER, _USER.c.id == _DEVICE.c.user_id)
    .where(_DEVICE.c.id == bindparam("device_id"), _USER.c.id == bindparam("user_id"))
)
