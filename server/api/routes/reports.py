"""The service's figures for the desktop app's Team and Service pages (``server.reports``).

A manager gets their own team's; a performance officer, or an admin granted reports, the whole
service's or any one team's. Every run, and every refused one, is in the audit log.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from server.api.deps import CurrentUser, DatabaseDep
from server.api.json_route import api_router
from server.api.routes import errors
from server.core.errors import ServiceError
from server.models import utcnow
from server.reports import access
from server.reports.figures import ServiceFigures, compute
from server.reports.period import Period
from server.schemas import (
    DurationFigure,
    PermanenceRoute,
    ProviderCount,
    ReturnHomeCount,
    ServiceFiguresBody,
    ShareFigure,
    TimelinessCount,
)

router = api_router(prefix="/v1/reports", tags=["reports"])


@router.get("/figures", response_model=ServiceFiguresBody, responses=errors(401, 403, 404, 422))
def get_figures(
    caller: CurrentUser,
    database: DatabaseDep,
    start: Annotated[
        date | None, Query(description="First day of the period (default: a year before end)")
    ] = None,
    end: Annotated[
        date | None, Query(description="Last day of the period (default: today)")
    ] = None,
    team: Annotated[
        str | None, Query(max_length=120, description="One team (service-wide callers only)")
    ] = None,
) -> ServiceFiguresBody:
    last = end or utcnow().date()
    try:
        period = Period(start, last) if start else Period.year_to(last)
    except ValueError as exc:
        raise ServiceError(
            422, "invalid_period", f"{str(exc).capitalize()}.", field="start"
        ) from None
    detail = f"from={period.start} to={period.end}"
    try:
        with database.read() as session:
            scope = access.report_scope(session, caller, team=team)
            figures = compute(session, scope, period)
    except ServiceError as exc:
        if exc.status == 403:
            database.run_write(
                lambda s: access.record_run(
                    s, caller, kind="figures", scope=None, detail=detail, outcome="denied"
                )
            )
        raise
    database.run_write(
        lambda s: access.record_run(s, caller, kind="figures", scope=scope, detail=detail)
    )
    return body(figures)


def body(figures: ServiceFigures) -> ServiceFiguresBody:
    """The figures as the wire schema. The reports name their measures and groups as plain
    strings taken from resources/reports/figures.toml (data a service may change); the schema
    lists them as Literals for the laptop, so pydantic checks each value here at run time, which
    is what the arg-type ignores below stand for."""
    return ServiceFiguresBody(
        period_start=figures.period.start,
        period_end=figures.period.end,
        scope="team" if figures.scope.team_id is not None else "service",
        team=figures.scope.team_name,
        generated_at=figures.generated_at,
        timeliness=[
            TimelinessCount(
                measure=row.measure,  # type: ignore[arg-type]
                measure_label=row.measure_label,
                group_kind=row.group_kind,  # type: ignore[arg-type]
                group=row.group,
                group_label=row.group_label,
                on_time=row.on_time,
                late=row.late,
                overdue=row.overdue,
                share_on_time=row.share_on_time,
            )
            for row in figures.timeliness
        ],
        permanence=[
            PermanenceRoute(
                route=route.route,  # type: ignore[arg-type]
                label=route.label,
                children=route.children,
                measures=[
                    DurationFigure(
                        measure=m.measure,  # type: ignore[arg-type]
                        label=m.label,
                        children=m.children,
                        average_days=m.average_days,
                        median_days=m.median_days,
                    )
                    for m in route.measures
                ],
            )
            for route in figures.permanence
        ],
        stability=[
            ShareFigure(
                measure=s.measure,  # type: ignore[arg-type]
                label=s.label,
                count=s.count,
                of=s.of,
                share=s.share,
            )
            for s in figures.stability
        ],
        placements_by_provider=[
            ProviderCount(
                group=p.group,
                label=p.label,
                placed_at_end=p.placed_at_end,
                started_in_period=p.started_in_period,
            )
            for p in figures.placements
        ],
        returns_home=[
            ReturnHomeCount(
                legal_status=r.legal_status,
                label=r.label,
                returned=r.returned,
                six_months_of=r.six_months_of,
                home_at_six_months=r.home_at_six_months,
                twelve_months_of=r.twelve_months_of,
                home_at_twelve_months=r.home_at_twelve_months,
                reentered=r.reentered,
            )
            for r in figures.returns_home
        ],
    )
