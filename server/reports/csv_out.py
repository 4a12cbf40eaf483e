"""The figures as CSV: one file per table, one row per figure, plain columns an analyst can
load as they are (shares as decimals to four places, days to one; blank where nothing was
due or no dates were recorded)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from server.reports.figures import ServiceFigures


def tables(figures: ServiceFigures) -> dict[str, bytes]:
    """File suffix (``timeliness``, ``permanence``, ``stability``, ``placements``,
    ``returns_home``) -> CSV."""
    common = [figures.period.start.isoformat(), figures.period.end.isoformat(), _scope(figures)]
    head = ["period_start", "period_end", "scope"]
    return {
        "timeliness": _csv(
            [
                *head,
                "measure",
                "measure_label",
                "group_kind",
                "group",
                "group_label",
                "on_time",
                "late",
                "overdue",
                "due",
                "share_on_time",
            ],  # fmt: skip
            (
                [
                    *common,
                    r.measure,
                    r.measure_label,
                    r.group_kind,
                    r.group,
                    r.group_label,
                    r.on_time,
                    r.late,
                    r.overdue,
                    r.due,
                    _share(r.share_on_time),
                ]  # fmt: skip
                for r in figures.timeliness
            ),
        ),
        "permanence": _csv(
            [
                *head,
                "route",
                "route_label",
                "orders",
                "measure",
                "measure_label",
                "children",
                "average_days",
                "median_days",
            ],  # fmt: skip
            (
                [
                    *common,
                    p.route,
                    p.label,
                    p.children,
                    m.measure,
                    m.label,
                    m.children,
                    _days(m.average_days),
                    _days(m.median_days),
                ]  # fmt: skip
                for p in figures.permanence
                for m in p.measures
            ),
        ),
        "stability": _csv(
            [*head, "measure", "label", "count", "of", "share"],
            (
                [*common, s.measure, s.label, s.count, s.of, _share(s.share)]
                for s in figures.stability
            ),
        ),
        "placements": _csv(
            [*head, "group", "label", "placed_at_end", "started_in_period"],
            (
                [*common, p.group, p.label, p.placed_at_end, p.started_in_period]
                for p in figures.placements
            ),
        ),
        "returns_home": _csv(
            [
                *head,
                "legal_status_before_return",
                "label",
                "returned_home",
                "six_months_of",
                "home_at_six_months",
                "twelve_months_of",
                "home_at_twelve_months",
                "reentered_care",
            ],
            (
                [
                    *common,
                    r.legal_status,
                    r.label,
                    r.returned,
                    r.six_months_of,
                    r.home_at_six_months,
                    r.twelve_months_of,
                    r.home_at_twelve_months,
                    r.reentered,
                ]
                for r in figures.returns_home
            ),
        ),
    }


def _scope(figures: ServiceFigures) -> str:
    return f"team:{figures.scope.team_name}" if figures.scope.team_name else "service"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _days(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return out.getvalue().encode("utf-8")


def _safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula is quoted with a leading
    apostrophe (team and worker names are typed by people)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
