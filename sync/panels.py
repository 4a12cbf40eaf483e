"""The fostering panel for a laptop: its dates and agenda read online from the service
(``/v1/panels``), the last answer kept in the encrypted store so the page still shows it
offline, as of its time; and, for a manager acting as the panel administrator, the changes
(a date, a household booked, the recommendation, the decision), sent straight to the service,
which owns them. Nothing here is queued for a later sync: a change to the panel is made online
or not at all, and the page says so.

What the panel decides about a household's approval is written by the service on the
household's own record, which reaches the assessing worker's laptop by the ordinary sync.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from app.errors import FieldProblem, ValidationError
from app.replica import state
from app.settings import Settings
from app.store import Store
from sync import account
from sync.client import ServiceClient, ServiceRefused, ServiceUnavailable
from sync.protocol.panels import (
    NewPanelItem,
    NewPanelMeeting,
    PanelDecision,
    PanelList,
    PanelMeetingView,
    PanelRecommendation,
)
from sync.team import NoFigures

OFFLINE = (
    "This laptop is not connected to a service, so it has no fostering panel dates. Connect it "
    "in Settings."
)
CHANGE_OFFLINE = (
    "The fostering panel is changed on the service, which cannot be reached now. Look at the "
    "panel again when you are connected: the change may not have been made."
)
T = TypeVar("T")


@dataclass(frozen=True)
class PanelAnswer:
    panels: PanelList
    #: False: the service could not be reached and this is the last list kept.
    live: bool
    reason: str = ""


class PanelOffline(Exception):
    """A change to the panel could not be confirmed by the service (it may not have been
    made: a date or a booking sent again is made once, by its id)."""


def fetch(store: Store, settings: Settings) -> PanelAnswer:
    """The panel dates from the service (kept for offline use), else the last kept.

    Raises ``NoFigures`` when there is nothing to show, ``ServiceRefused`` when the service
    says no (an admin's laptop)."""
    client = account.client_for(store, settings)
    if client is None:
        return _kept_or_raise(store, OFFLINE)
    try:
        panels = client.panels()
    except ServiceUnavailable as exc:
        return _kept_or_raise(store, str(exc))
    finally:
        client.close()
    _keep(store, panels)
    return PanelAnswer(panels, live=True)


def kept(store: Store) -> PanelList | None:
    with store.read() as session:
        raw = state.get(session, state.FOSTERING_PANELS)
    return PanelList.model_validate_json(raw) if raw else None


def add_meeting(store: Store, settings: Settings, body: NewPanelMeeting) -> PanelAnswer:
    return _change(store, settings, lambda client: client.add_panel(body))


def add_item(
    store: Store, settings: Settings, meeting_id: uuid.UUID, body: NewPanelItem
) -> PanelAnswer:
    return _change(store, settings, lambda client: client.add_panel_item(meeting_id, body))


def recommend(
    store: Store, settings: Settings, item_id: uuid.UUID, body: PanelRecommendation
) -> PanelAnswer:
    return _change(store, settings, lambda client: client.recommend(item_id, body))


def decide(
    store: Store, settings: Settings, item_id: uuid.UUID, body: PanelDecision
) -> PanelAnswer:
    return _change(store, settings, lambda client: client.decide(item_id, body))


# ---- Private API


def _change(
    store: Store, settings: Settings, send: Callable[[ServiceClient], PanelMeetingView]
) -> PanelAnswer:
    """Send one change, then read the whole list again (what the page shows next)."""
    client = account.client_for(store, settings)
    if client is None:
        raise PanelOffline(OFFLINE)
    try:
        send(client)
        panels = client.panels()
    except ServiceUnavailable as exc:
        raise PanelOffline(CHANGE_OFFLINE) from exc
    except ServiceRefused as exc:
        if exc.status in (404, 409, 422):
            # What the service found wrong, beside the field it names (the same words the
            # laptop's own checks give, ``app.carer_pipeline``).
            raise ValidationError([FieldProblem(exc.error.field or "", exc.error.message)]) from exc
        raise
    finally:
        client.close()
    _keep(store, panels)
    return PanelAnswer(panels, live=True)


def _keep(store: Store, panels: PanelList) -> None:
    with store.write(remote=True) as session:
        state.put(session, state.FOSTERING_PANELS, panels.model_dump_json())


def _kept_or_raise(store: Store, reason: str) -> PanelAnswer:
    panels = kept(store)
    if panels is None:
        raise NoFigures(reason)
    return PanelAnswer(panels, live=False, reason=reason)
