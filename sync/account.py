"""This laptop's link to the central service: signing in once, and keeping the tokens.

The device's tokens are secrets that would let a thief sync a worker's caseload, so they live
inside the encrypted store (``profile_state``), never in the settings file, the OS keyring or a
log. Signing in happens before the profile exists (first run asks for the service, then for the
local passphrase), so ``connect`` returns the tokens and ``remember`` stores them once the
profile is open.

A refreshed token pair is written back straight away: refresh tokens rotate and the old one
dies, so losing the new pair (a crash before saving) would mean signing in again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from app.replica import state
from app.settings import Settings
from app.store import Store
from sync.client import Credentials, ServiceClient
from sync.protocol.messages import TokenPair


@dataclass(frozen=True)
class Account:
    """Who this laptop is signed in as, for the title bar and the audit trail."""

    worker: str
    display_name: str
    role: str
    device_id: str


@dataclass(frozen=True)
class Connection:
    """The result of signing in: what to store once the profile exists."""

    account: Account
    credentials: Credentials


def connect(
    settings: Settings,
    *,
    username: str,
    password: str,
    device_name: str,
    clock: Callable[[], float] = time.time,
) -> Connection:
    """Register this laptop with the service. Raises ``ServiceUnavailable`` (network, TLS) or
    ``ServiceRefused`` (wrong credentials, disabled account), both with plain messages."""
    client = ServiceClient(settings.service_url, ca_bundle=settings.ca_bundle or None, clock=clock)
    try:
        pair: TokenPair = client.register_device(
            username=username, password=password, device_name=device_name
        )
    finally:
        client.close()
    account = Account(pair.worker, pair.display_name, pair.role, str(pair.device_id))
    return Connection(account, Credentials.from_pair(pair, now=clock()))


def remember(store: Store, connection: Connection) -> None:
    with store.write(remote=True) as session:
        state.put(session, state.ACCOUNT, json.dumps(asdict(connection.account)))
        state.put(session, state.CREDENTIALS, json.dumps(asdict(connection.credentials)))


def account(store: Store) -> Account | None:
    raw = _get(store, state.ACCOUNT)
    return Account(**json.loads(raw)) if raw else None


def client_for(
    store: Store, settings: Settings, *, clock: Callable[[], float] = time.time
) -> ServiceClient | None:
    """A client signed in as this laptop, or None for an offline-only or never-connected
    profile. New tokens from a refresh are saved in the same store at once."""
    raw = _get(store, state.CREDENTIALS)
    if settings.offline_only or not raw:
        return None

    def save(credentials: Credentials) -> None:
        with store.write(remote=True) as session:
            state.put(session, state.CREDENTIALS, json.dumps(asdict(credentials)))

    return ServiceClient(
        settings.service_url,
        ca_bundle=settings.ca_bundle or None,
        credentials=Credentials(**json.loads(raw)),
        on_new_credentials=save,
        clock=clock,
    )


def device_name(store: Store) -> str | None:
    """The name this laptop last registered under (offered again when signing in again)."""
    return _get(store, state.DEVICE_NAME)


def remember_device_name(store: Store, name: str) -> None:
    with store.write(remote=True) as session:
        state.put(session, state.DEVICE_NAME, name)


def forget(store: Store) -> None:
    """Sign this laptop out (the service told it to sign in again)."""
    with store.write(remote=True) as session:
        state.forget(session, state.CREDENTIALS)


def _get(store: Store, key: state.Key[str]) -> str | None:
    with store.read() as session:
        return state.get(session, key)
