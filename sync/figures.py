"""The service's figures (``GET /v1/reports/figures``) for the Service page of a manager's
laptop, and the last answer kept in the encrypted store to show offline, "as of" when the
service worked it out.

The service defines the answer (``server.schemas.ServiceFiguresBody``); the laptop never imports
the service's code, so the parts the page draws are read here by models of their own that
ignore anything else the service adds.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from app.replica import state
from app.settings import Settings
from app.store import Store
from sync import account
from sync.client import ServiceUnavailable
from sync.team import OFFLINE, NoFigures


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Timeliness(_Read):
    measure: str
    measure_label: str
    group_kind: str
    group: str
    group_label: str
    on_time: int
    late: int
    overdue: int
    share_on_time: float | None


class Duration(_Read):
    measure: str
    label: str
    children: int
    average_days: float | None
    median_days: float | None


class Route(_Read):
    route: str
    label: str
    children: int
    measures: list[Duration]


class Share(_Read):
    measure: str
    label: str
    count: int
    of: int
    share: float | None


class Providers(_Read):
    group: str
    label: str
    placed_at_end: int
    started_in_period: int


class ReturnHome(_Read):
    """Returns home in the period by the legal status before return (``ALL``: the total), and
    how they lasted (``server.reports.returns_home`` says what each count is)."""

    legal_status: str
    label: str
    returned: int
    six_months_of: int
    home_at_six_months: int
    twelve_months_of: int
    home_at_twelve_months: int
    reentered: int


class Figures(_Read):
    period_start: date
    period_end: date
    scope: str
    team: str | None
    generated_at: datetime
    timeliness: list[Timeliness]
    permanence: list[Route]
    stability: list[Share]
    placements_by_provider: list[Providers]
    #: Empty from a service too old to count them.
    returns_home: list[ReturnHome] = []


class Fetched(_Read):
    figures: Figures
    live: bool
    reason: str = ""


def fetch(store: Store, settings: Settings) -> Fetched:
    """The service's figures for the last year (kept for offline use), else the last kept."""
    client = account.client_for(store, settings)
    if client is None:
        return _kept_or_raise(store, OFFLINE)
    try:
        figures = Figures.model_validate(client.figures())
    except ServiceUnavailable as exc:
        return _kept_or_raise(store, str(exc))
    finally:
        client.close()
    with store.write(remote=True) as session:
        state.put(session, state.SERVICE_FIGURES, figures.model_dump_json())
    return Fetched(figures=figures, live=True)


def kept(store: Store) -> Figures | None:
    with store.read() as session:
        raw = state.get(session, state.SERVICE_FIGURES)
    return Figures.model_validate_json(raw) if raw else None


def _kept_or_raise(store: Store, reason: str) -> Fetched:
    figures = kept(store)
    if figures is None:
        raise NoFigures(reason)
    return Fetched(figures=figures, live=False, reason=reason)
