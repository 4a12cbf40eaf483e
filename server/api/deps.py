"""Dependencies every route declares: the database, a session, and who is calling."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from server.core.caller import Caller
from server.core.config import Settings
from server.core.errors import ServiceError
from server.db import Database
from server.services import accounts

_bearer = HTTPBearer(auto_error=False, description="The access token from a TokenPair.")


# Dependencies that only read app state are ``async def``: FastAPI runs a plain ``def``
# dependency in the threadpool, and a thread hop per trivial lookup is measurable under load.


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(database: DatabaseDep) -> Iterator[Session]:
    with database.read() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_secret(request: Request) -> str:
    """The signing key, read once per process (it only changes by redeploying with a new one)."""
    state = request.app.state
    if getattr(state, "secret", None) is None:
        with state.database.read() as session:
            state.secret = accounts.load_secret(session, settings=state.settings)
    secret: str = state.secret
    return secret


SecretDep = Annotated[str, Depends(get_secret)]


async def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


AddressDep = Annotated[str, Depends(client_address)]


def current_caller(
    database: DatabaseDep,
    secret: SecretDep,
    address: AddressDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ServiceError(
            401,
            "not_authenticated",
            "Sign in first: this request needs an access token.",
            action="reauthenticate",
        )
    with database.read() as session:
        return accounts.authenticate(
            session, secret=secret, token=credentials.credentials, address=address
        )


CurrentUser = Annotated[Caller, Depends(current_caller)]


async def current_device(caller: CurrentUser) -> uuid.UUID:
    assert caller.device_id is not None
    return caller.device_id


CurrentDevice = Annotated[uuid.UUID, Depends(current_device)]
