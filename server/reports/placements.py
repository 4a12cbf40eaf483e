"""Placements by provider (the service's own foster carers, agency carers, residential...):
how many children were placed with each on the period's last day (a child away on a
temporary move, 903 T0-T4, counts where they are placed), and how many placements with each
began in the period (temporary moves are not placements). The groups are data
(``resources/reports/figures.toml``)."""

from __future__ import annotations

from dataclasses import dataclass

from server.reports import groups
from server.reports.casefile import Casefile
from server.reports.facts import lasting_placement_on
from server.reports.period import Period


@dataclass(frozen=True)
class ProviderCount:
    group: str
    label: str
    placed_at_end: int
    started_in_period: int


def by_provider(casefile: Casefile, period: Period) -> list[ProviderCount]:
    config = groups.load()
    at_end: dict[str, int] = {}
    started: dict[str, int] = {}
    for child in casefile.children.values():
        now = lasting_placement_on(child, period.end, config.temporary_placement_types)
        if now is not None:
            key = config.provider_group(now.placement_type, now.provider)
            at_end[key] = at_end.get(key, 0) + 1
        for placement in child.placements:
            if placement.start in period and (
                placement.placement_type not in config.temporary_placement_types
            ):
                key = config.provider_group(placement.placement_type, placement.provider)
                started[key] = started.get(key, 0) + 1
    order = [(g.key, g.label) for g in config.providers] + [
        (groups.OTHER, groups.OTHER_PROVIDER_LABEL)
    ]
    return [
        ProviderCount(key, label, at_end.get(key, 0), started.get(key, 0)) for key, label in order
    ]
