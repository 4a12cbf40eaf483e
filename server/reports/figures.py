"""All the service's figures for one scope and period, in one value the API, the CSV and the
PDF render alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from server.models import utcnow
from server.reports import (
    casefile,
    permanence,
    placements,
    returns_home,
    stability,
    timeliness,
)
from server.reports.access import ReportScope
from server.reports.holders import Holders
from server.reports.period import Period


@dataclass(frozen=True)
class ServiceFigures:
    period: Period
    scope: ReportScope
    generated_at: datetime
    timeliness: tuple[timeliness.TimelinessRow, ...]
    permanence: tuple[permanence.PermanenceFigures, ...]
    stability: tuple[stability.ShareFigure, ...]
    placements: tuple[placements.ProviderCount, ...]
    returns_home: tuple[returns_home.ReturnHomeFigure, ...] = ()


def compute(session: Session, scope: ReportScope, period: Period) -> ServiceFigures:
    """Read the scope's records once and work out every figure for the period."""
    found = casefile.load(session, team_id=scope.team_id)
    holders = Holders(session)
    return ServiceFigures(
        period=period,
        scope=scope,
        generated_at=utcnow(),
        timeliness=tuple(timeliness.rows(timeliness.occasions(found, period, holders))),
        permanence=tuple(
            permanence.figures(permanence.exits(found, period, found.household_types))
        ),
        stability=tuple(stability.figures(found, period.end)),
        placements=tuple(placements.by_provider(found, period)),
        returns_home=tuple(returns_home.figures(found, period)),
    )
