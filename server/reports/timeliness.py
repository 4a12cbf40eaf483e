"""Timeliness: the share of statutory items done on time in a period, by worker, team, the
whole service and the child's legal status.

What is due when is the laptop's own deadline engine (``app.deadlines.engine``) over the rule
table (``resources/rules/deadlines.toml``), so a worker's dashboard and the service's figures
never disagree about a due date. The service replays each subject's history through it:

- each item done in the period (a signed-off visit or review, an unannounced visit, the first
  TSD completion; several on one day count once) is measured against the due date the engine
  gave on that day, knowing only what had been done before it: **on time** if done on or
  before that date, **late** after it. Something done when the engine had nothing due for
  that obligation (a visit to a child not looked after, a second TSD course) is no statutory
  item and is not counted;
- an item the engine shows as due on or before the period's last day and still not done by the
  end of it is **overdue** (outstanding), whenever it fell due; so is one left outstanding on
  the last day of a legal status that ended in the period (a child who left care, or moved
  from one order to another, with a visit overdue) if nothing of its kind was done after. A
  subject counts at most one outstanding item a measure.

The share on time is on time / (on time + late + overdue); with nothing due it is None, never
a made-up 100 %. Each item counts against the worker who held the case on the day it was done
(or, if outstanding, on the day it was found outstanding; ``holders``), that worker's team,
and for a child's items the legal status the child held on that day (``groups``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.deadlines import periods
from app.deadlines import rules as rule_table
from app.deadlines.engine import DueItem, Status, evaluate_child, evaluate_household
from app.deadlines.rules import Rule, RuleTable
from server.reports import groups as report_groups
from server.reports.casefile import Casefile, ChildHistory, HouseholdHistory
from server.reports.facts import child_facts, household_facts, status_periods
from server.reports.holders import Holders, Worker
from server.reports.period import Period

#: The measures, in the order they are shown: obligation -> (label, subject kind).
MEASURES: dict[str, tuple[str, str]] = {
    "child_visit": ("Statutory visits to children", "child"),
    "child_review": ("Children's looked-after reviews", "child"),
    "adoption_review": ("Adoption reviews", "child"),
    "sgo_support_review": ("Special guardianship support reviews", "child"),
    "carer_review": ("Foster carer reviews", "household"),
    "unannounced_visit": ("Unannounced visits to foster homes", "household"),
    "tsd": ("TSD standards completed", "household"),
}
ON_TIME, LATE, OVERDUE = "on_time", "late", "overdue"


@dataclass(frozen=True)
class Occasion:
    """One statutory item in the period and what became of it."""

    measure: str
    subject_id: uuid.UUID
    due: date
    done: date | None
    outcome: str
    worker: Worker
    #: The legal status group of a child on the day (None for a household's items).
    legal_status_group: str | None


@dataclass(frozen=True)
class TimelinessRow:
    measure: str
    measure_label: str
    #: "service", "team", "worker" or "legal_status".
    group_kind: str
    #: "" for the service, a team's name, a worker's username or a legal status group's key.
    group: str
    group_label: str
    on_time: int
    late: int
    overdue: int

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.due if self.due else None


def occasions(casefile: Casefile, period: Period, holders: Holders) -> list[Occasion]:
    """Every statutory item of the measures done in the period or outstanding at its end."""
    table = rule_table.load()
    situations: dict[tuple[Any, ...], list[Rule]] = {}
    out: list[Occasion] = []
    status_group = report_groups.load().status_group
    for child in casefile.children.values():
        for measure, day, item, outstanding in _child_items(
            child, period, table, casefile, situations
        ):
            group = status_group(_status_code(child, day))
            out.append(_occasion(measure, child.child_id, day, item, outstanding, holders, group))
    for household in casefile.households.values():
        for measure, day, item, outstanding in _household_items(household, period, table):
            out.append(
                _occasion(measure, household.household_id, day, item, outstanding, holders, None)
            )
    return out


def rows(found: list[Occasion]) -> list[TimelinessRow]:
    """The counts by measure for the service, each team, each worker and each legal status
    group (only groups that had something due), in a stable order."""
    config = report_groups.load()
    counts: dict[tuple[str, str, str], list[int]] = {}
    labels: dict[tuple[str, str], str] = {("service", ""): "Whole service"}
    for occasion in found:
        keys = [("service", ""), ("team", occasion.worker.team_name or "")]
        labels[("team", occasion.worker.team_name or "")] = occasion.worker.team_name or "No team"
        keys.append(("worker", occasion.worker.username))
        labels[("worker", occasion.worker.username)] = occasion.worker.display_name
        if occasion.legal_status_group is not None:
            keys.append(("legal_status", occasion.legal_status_group))
            labels[("legal_status", occasion.legal_status_group)] = config.status_label(
                occasion.legal_status_group
            )
        index = {ON_TIME: 0, LATE: 1, OVERDUE: 2}[occasion.outcome]
        for kind, group in keys:
            counts.setdefault((occasion.measure, kind, group), [0, 0, 0])[index] += 1
    kind_order = {"service": 0, "team": 1, "worker": 2, "legal_status": 3}
    status_order = {key: n for n, key in enumerate(config.legal_status)}
    measure_order = {key: n for n, key in enumerate(MEASURES)}

    def order(key: tuple[str, str, str]) -> tuple[Any, ...]:
        measure, kind, group = key
        within = status_order.get(group, len(status_order)) if kind == "legal_status" else 0
        return (measure_order[measure], kind_order[kind], within, labels[(kind, group)], group)

    return [
        TimelinessRow(
            measure,
            MEASURES[measure][0],
            kind,
            group,
            labels[(kind, group)],
            *counts[(measure, kind, group)],
        )
        for measure, kind, group in sorted(counts, key=order)
    ]


def _occasion(
    measure: str,
    subject_id: uuid.UUID,
    day: date,
    item: DueItem,
    outstanding: bool,
    holders: Holders,
    status_group: str | None,
) -> Occasion:
    """An item done on ``day`` (the engine's ``item`` as it stood before: its status may read
    overdue, for an item done late), or one found ``outstanding`` on ``day``."""
    if outstanding:
        worker = holders.on(subject_id, day)
        return Occasion(measure, subject_id, item.due, None, OVERDUE, worker, status_group)
    outcome = ON_TIME if day <= item.due else LATE
    return Occasion(
        measure, subject_id, item.due, day, outcome, holders.on(subject_id, day), status_group
    )


def _status_code(child: ChildHistory, day: date) -> str | None:
    now = periods.current(status_periods(child, day), day)
    return now[2] if now else None


def _child_items(
    child: ChildHistory,
    period: Period,
    table: RuleTable,
    casefile: Casefile,
    situations: dict[tuple[Any, ...], list[Rule]],
) -> Iterator[tuple[str, date, DueItem, bool]]:
    """(measure, day, item, outstanding): an item done on ``day`` (the engine's item as it
    stood before), or one found outstanding on ``day``."""
    temporary: frozenset[object] = frozenset(casefile.temporary_households)
    plans = casefile.household_support_plans
    done: dict[str, set[date]] = {
        "child_visit": {v.on for v in child.visits if v.on in period},
        "child_review": {r.on for r in child.reviews.get("CHILD_LAC", ()) if r.on in period},
        "adoption_review": {
            r.on
            for kind in ("ADOPTION_PLACEMENT", "AUTHORITY_TO_PLACE")
            for r in child.reviews.get(kind, ())
            if r.on in period
        },
        "sgo_support_review": {
            r.on for r in child.reviews.get("SGO_SUPPORT", ()) if r.on in period
        },
    }
    for measure, days in done.items():
        for day in sorted(days):
            facts = child_facts(child, day, before=day, temporary=temporary, household_plans=plans)
            item = _find(evaluate_child(facts, day, table, situations), measure)
            if item is not None:
                yield measure, day, item, False
    # Outstanding: at the end of the period, or on the last day of a legal status that ended
    # in it (a child who left care with a visit overdue still missed it), the latest such day
    # first; at most one a measure, and only if nothing of that measure was done after it.
    ends = {s.end for s in child.statuses if s.end is not None and s.end in period}
    left: set[str] = set(done)
    for day in sorted(ends | {period.end}, reverse=True):
        facts = child_facts(
            child, day, before=day + timedelta(days=1), temporary=temporary, household_plans=plans
        )
        for item in evaluate_child(facts, day, table, situations):
            measure = item.obligation
            if (
                measure in left
                and _outstanding(item, day)
                and not any(d > day for d in done[measure])
            ):
                left.discard(measure)
                yield measure, day, item, True


def _household_items(
    household: HouseholdHistory, period: Period, table: RuleTable
) -> Iterator[tuple[str, date, DueItem, bool]]:
    tsd = household.tsd_completed[:1]
    done: dict[str, set[date]] = {
        "carer_review": {d for d in household.reviews.get("CARER_ANNUAL", ()) if d in period},
        "unannounced_visit": {d for d in household.unannounced_visits if d in period},
        "tsd": {d for d in tsd if d in period},
    }
    for measure, days in done.items():
        for day in sorted(days):
            facts = household_facts(household, before=day)
            item = _find(evaluate_household(facts, day, table), measure)
            if item is not None:
                yield measure, day, item, False
    facts = household_facts(household, before=period.after)
    for item in evaluate_household(facts, period.end, table):
        if item.obligation in done and _outstanding(item, period.end):
            yield item.obligation, period.end, item, True


def _find(items: list[DueItem], obligation: str) -> DueItem | None:
    """The obligation's live item (a DONE one means nothing was due: no statutory item)."""
    return next((i for i in items if i.obligation == obligation and i.status != Status.DONE), None)


def _outstanding(item: DueItem, day: date) -> bool:
    return item.status != Status.DONE and item.due <= day
