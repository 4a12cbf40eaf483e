"""Signing a laptop in (device registration), refreshing tokens, and lockout reset grants."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from server.api.deps import (
    AddressDep,
    CurrentUser,
    DatabaseDep,
    SecretDep,
    SessionDep,
    SettingsDep,
)
from server.api.json_route import api_router
from server.api.routes import AUTHED, errors
from server.core import security
from server.core.errors import ServiceError, not_found
from server.models import Team, UserAccount
from server.schemas import ResetGrantPublic, UserPublic
from server.services import accounts, signing_in
from server.services import people as people_service
from sync.protocol.messages import DeviceRegistration, RefreshRequest, TokenPair
from sync.protocol.team import People, Person, ServiceIdentity

router = api_router(prefix="/v1", tags=["devices"])


@router.post(
    "/devices",
    response_model=TokenPair,
    status_code=201,
    responses=errors(401, 413, 415, 422, 429),
    summary="Register this laptop with a worker's username and password",
)
def register_device(
    body: DeviceRegistration,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    secret: SecretDep,
    address: AddressDep,
) -> TokenPair:
    with database.read() as session:
        signing_in.check_login_throttle(
            session, settings=settings, username=body.username, address=address
        )
        user = signing_in.active_user(session, username=body.username)
        stored = user.password_hash if user else request.app.state.dummy_hash
    ok = security.verify_password(request.app.state.hasher, stored, body.password)
    if user is None or not ok:  # one answer for both, so usernames cannot be probed
        database.run_write(
            lambda session: signing_in.record_login_attempt(
                session, username=body.username, address=address, success=False
            )
        )
        raise ServiceError(
            401,
            "bad_credentials",
            "The username or password is not right (or the account is disabled).",
            action="reauthenticate",
        )

    user_id = user.id

    def sign_in(session: Session) -> TokenPair:
        signing_in.record_login_attempt(
            session, username=body.username, address=address, success=True
        )
        fresh = session.get(UserAccount, user_id)
        if fresh is None or fresh.disabled:
            raise ServiceError(
                401, "bad_credentials", "This account is disabled.", action="reauthenticate"
            )
        return signing_in.register_device(
            session,
            settings=settings,
            secret=secret,
            user=fresh,
            device_name=body.device_name,
            address=address,
        )

    return database.run_write(sign_in)


@router.post(
    "/auth/refresh",
    response_model=TokenPair,
    responses=errors(401, 403, 413, 415, 422),
    summary="Exchange the device's refresh token for new tokens (the old one stops working)",
)
def refresh(
    body: RefreshRequest,
    database: DatabaseDep,
    settings: SettingsDep,
    secret: SecretDep,
    address: AddressDep,
) -> TokenPair:
    try:
        return database.run_write(
            lambda session: signing_in.refresh_tokens(
                session, settings=settings, secret=secret, refresh_token=body.refresh_token
            )
        )
    except signing_in.RefreshReplayed as replayed:
        device_id = replayed.device_id
        refusal = database.run_write(
            lambda session: signing_in.end_sign_in(session, device_id=device_id, address=address)
        )
        raise refusal from None


@router.get("/me", response_model=UserPublic, responses=errors(401, 403))
def me(caller: CurrentUser, session: SessionDep) -> UserPublic:
    team = session.get(Team, caller.team_id) if caller.team_id is not None else None
    return UserPublic(
        username=caller.username,
        display_name=caller.display_name,
        role=caller.role,  # type: ignore[arg-type]
        team=team.name if team else None,
        device_id=caller.device_id,
    )


@router.get(
    "/people",
    response_model=People,
    responses=errors(401, 403),
    summary="The display names of the people this laptop's records name (by login id)",
)
def people(caller: CurrentUser, session: SessionDep) -> People:
    return People(
        people=[
            Person(username=username, display_name=name)
            for username, name in people_service.people_for(session, caller=caller)
        ]
    )


@router.get(
    "/service",
    response_model=ServiceIdentity,
    responses=errors(401, 403),
    summary="The service's name, printed at the top of every record a laptop exports",
)
def service(_caller: CurrentUser, settings: SettingsDep) -> ServiceIdentity:
    return ServiceIdentity(name=settings.service_name.strip())


@router.post(
    "/devices/current/reset-grant",
    response_model=ResetGrantPublic,
    responses=errors(*AUTHED, 404),
    summary="Claim the administrator's one-time permission to unlock this laptop's profile",
)
def claim_reset_grant(caller: CurrentUser, database: DatabaseDep) -> ResetGrantPublic:
    grant = database.run_write(lambda session: accounts.claim_reset_grant(session, caller=caller))
    if grant is None:
        raise not_found("reset permission for this laptop")
    return ResetGrantPublic(
        grant_id=grant.id,
        issued_by=grant.issued_by,
        issued_at=grant.issued_at,
        expires_at=grant.expires_at,
    )
