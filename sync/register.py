"""The carer register for a laptop: read online from the service (``/v1/register``), with the
last answer kept in the encrypted store (``profile_state``) so the page still shows it offline,
marked with the time the service worked it out. The laptop only reads it: households are
changed through their own records, and the register follows at the service.

The whole register is fetched and kept, and searched on the laptop (by the same test as the
service's, ``sync.protocol.register.matches``), so a search works offline too.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.replica import state
from app.settings import Settings
from app.store import Store
from sync import account
from sync.client import ServiceUnavailable
from sync.protocol.register import CarerRegister
from sync.team import NoFigures

OFFLINE = (
    "This laptop is not connected to a service, so it has no carer register. Connect it in "
    "Settings."
)


@dataclass(frozen=True)
class RegisterAnswer:
    register: CarerRegister
    #: False: the service could not be reached and this is the last register kept.
    live: bool
    #: Why the register is not live, in the worker's words.
    reason: str = ""


def fetch(store: Store, settings: Settings) -> RegisterAnswer:
    """The register from the service (kept for offline use), else the last kept one.

    Raises ``NoFigures`` when there is none to show, and ``ServiceRefused`` when the service
    says no (an admin's laptop; signed out), which no kept copy should hide."""
    client = account.client_for(store, settings)
    if client is None:
        return _kept_or_raise(store, OFFLINE)
    try:
        register = client.carer_register()
    except ServiceUnavailable as exc:
        return _kept_or_raise(store, str(exc))
    finally:
        client.close()
    with store.write(remote=True) as session:
        state.put(session, state.CARER_REGISTER, register.model_dump_json())
    return RegisterAnswer(register, live=True)


def kept(store: Store) -> CarerRegister | None:
    """The last register the service sent, or None."""
    with store.read() as session:
        raw = state.get(session, state.CARER_REGISTER)
    return CarerRegister.model_validate_json(raw) if raw else None


def _kept_or_raise(store: Store, reason: str) -> RegisterAnswer:
    register = kept(store)
    if register is None:
        raise NoFigures(reason)
    return RegisterAnswer(register, live=False, reason=reason)


__all__ = ["NoFigures", "RegisterAnswer", "fetch", "kept"]
