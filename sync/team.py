"""The Team page's figures and allocation, for a manager's laptop.

The figures are the service's (``/v1/team/overview``); the last answer is kept in the encrypted
store (``profile_state``, beside the pull cursor) so the page still shows something offline, with
the time the service worked it out. Allocation is online only: it is the service's act, and a
laptop cannot move a case by itself.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from app.replica import state
from app.settings import Settings
from app.store import Store
from sync import account
from sync.client import ServiceClient, ServiceRefused, ServiceUnavailable
from sync.protocol.team import AllocationDone, AllocationRequest, TeamOverview, TeamReentries

OFFLINE = (
    "This laptop is not connected to a service, so it has no team figures. Connect it in Settings."
)


@dataclass(frozen=True)
class TeamFigures:
    overview: TeamOverview
    #: False: the service could not be reached and these are the last figures kept.
    live: bool
    #: Why the figures are not live, in the worker's words.
    reason: str = ""
    #: Children back in care within the window after going home (None: a service too old to
    #: say, and none kept).
    reentries: TeamReentries | None = None


class NoFigures(Exception):
    """Neither the service nor the store has team figures; the message says why."""


def fetch(store: Store, settings: Settings) -> TeamFigures:
    """The team's figures from the service (kept for offline use), else the last kept ones.

    Raises ``NoFigures`` when there are none to show, and ``ServiceRefused`` when the service
    says no (not a manager; signed out), which no kept copy should hide."""
    client = account.client_for(store, settings)
    if client is None:
        return _kept_or_raise(store, OFFLINE)
    try:
        overview = client.team_overview()
        reentries = _reentries(client)
    except ServiceUnavailable as exc:
        return _kept_or_raise(store, str(exc))
    finally:
        client.close()
    with store.write(remote=True) as session:
        state.put(session, state.TEAM_OVERVIEW, overview.model_dump_json())
        if reentries is not None:
            state.put(session, state.TEAM_REENTRIES, reentries.model_dump_json())
    return TeamFigures(overview, live=True, reentries=reentries)


def kept(store: Store) -> TeamOverview | None:
    """The last figures the service sent, or None."""
    with store.read() as session:
        raw = state.get(session, state.TEAM_OVERVIEW)
    return TeamOverview.model_validate_json(raw) if raw else None


def kept_reentries(store: Store) -> TeamReentries | None:
    """The last re-entries to care the service sent, or None."""
    with store.read() as session:
        raw = state.get(session, state.TEAM_REENTRIES)
    return TeamReentries.model_validate_json(raw) if raw else None


def _reentries(client: ServiceClient) -> TeamReentries | None:
    """The team's re-entries to care; None from a service too old to say (404)."""
    try:
        return client.team_reentries()
    except ServiceRefused as exc:
        if exc.status == 404:
            return None
        raise


def allocate(
    store: Store,
    settings: Settings,
    *,
    kind: Literal["child", "household"],
    subject_id: uuid.UUID,
    worker: str,
) -> AllocationDone:
    """Ask the service to give the case to ``worker``. Raises ``ServiceUnavailable`` (offline:
    nothing changed) or ``ServiceRefused`` (with the service's reason)."""
    client = account.client_for(store, settings)
    if client is None:
        raise ServiceUnavailable(OFFLINE)
    try:
        return client.allocate(AllocationRequest(kind=kind, subject_id=subject_id, worker=worker))
    finally:
        client.close()


def _kept_or_raise(store: Store, reason: str) -> TeamFigures:
    overview = kept(store)
    if overview is None:
        raise NoFigures(reason)
    return TeamFigures(overview, live=False, reason=reason, reentries=kept_reentries(store))


__all__ = [
    "NoFigures",
    "ServiceRefused",
    "TeamFigures",
    "allocate",
    "fetch",
    "kept",
    "kept_reentries",
]
