"""Dependencies every route declares: the database, a session, and who is calling."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from server.core.caller import Caller
from server.core.config import Settings
from server.core.errors import ServiceError
from server.db import Database
from server.services import signing_in

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


async def get_secret(request: Request) -> str:
    """The signing key, read once per process (it only changes by redeploying with a new one).

    Asynchronous so that every request after the first gets it without a hop to the threadpool
    (a noticeable share of a quiet sync: bench/README.md, "Figures behind the code"); the
    first read goes to the threadpool, as the database may be across a network.
    """
    state = request.app.state
    secret: str | None = getattr(state, "secret", None)
    if secret is None:
        secret = await run_in_threadpool(_load_secret, state.database, state.settings)
        state.secret = secret
    return secret


def _load_secret(database: Database, settings: Settings) -> str:
    with database.read() as session:
        return signing_in.load_secret(session, settings=settings)


SecretDep = Annotated[str, Depends(get_secret)]


async def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


AddressDep = Annotated[str, Depends(client_address)]


@dataclass(frozen=True)
class SignIn:
    """A request's bearer token, not yet checked.

    For the hot routes (a quiet sync is one pull, a day's work one push): they check it with
    :meth:`caller` inside the transaction they open anyway, so the request makes one hop to the
    threadpool and one transaction, not two of each. Every other route takes
    :data:`CurrentUser`.
    """

    token: str
    address: str
    secret: str

    def caller(self, session: Session, *, pushing: bool = False) -> Caller:
        """``pushing``: the request is a push, which a disabled account's laptop may still
        make (``accounts.set_user_disabled``)."""
        return signing_in.authenticate(
            session, secret=self.secret, token=self.token, address=self.address, pushing=pushing
        )


async def sign_in(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> SignIn:
    """The signing key and the caller's address are read here, not declared as dependencies of
    their own: FastAPI's solving of each declared dependency cost more than reading it, and
    was a large share of a quiet pull's answer (``bench.small_sync``; bench/README.md,
    "Figures behind the code")."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ServiceError(
            401,
            "not_authenticated",
            "Sign in first: this request needs an access token.",
            action="reauthenticate",
        )
    return SignIn(credentials.credentials, await client_address(request), await get_secret(request))


SignInDep = Annotated[SignIn, Depends(sign_in)]


def current_caller(database: DatabaseDep, sign_in: SignInDep) -> Caller:
    with database.read() as session:
        return sign_in.caller(session)


CurrentUser = Annotated[Caller, Depends(current_caller)]


async def current_device(caller: CurrentUser) -> uuid.UUID:
    assert caller.device_id is not None
    return caller.device_id


CurrentDevice = Annotated[uuid.UUID, Depends(current_device)]
