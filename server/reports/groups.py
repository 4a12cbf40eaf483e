"""How the figures group records: legal statuses and placement providers, read from
``resources/reports/figures.toml`` so a service can regroup without touching code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import resources

OTHER = "other"
OTHER_STATUS_LABEL = "Other or none"
OTHER_PROVIDER_LABEL = "Other or not recorded"


@dataclass(frozen=True)
class ProviderGroup:
    key: str
    label: str
    placement_types: frozenset[str]
    providers: frozenset[str] | None


@dataclass(frozen=True)
class Groups:
    #: Legal status group key -> (label, codes), in the file's order.
    legal_status: dict[str, tuple[str, frozenset[str]]]
    providers: tuple[ProviderGroup, ...]
    temporary_placement_types: frozenset[str]

    def status_group(self, code: str | None) -> str:
        for key, (_label, found) in self.legal_status.items():
            if code in found:
                return key
        return OTHER

    def status_label(self, key: str) -> str:
        return self.legal_status[key][0] if key in self.legal_status else OTHER_STATUS_LABEL

    def provider_group(self, placement_type: str, provider: str | None) -> str:
        for group in self.providers:
            if placement_type in group.placement_types and (
                group.providers is None or provider in group.providers
            ):
                return group.key
        return OTHER


@cache
def load() -> Groups:
    data = resources.load_toml("reports", "figures.toml")
    return Groups(
        legal_status={
            key: (str(value["label"]), frozenset(value["codes"]))
            for key, value in data["legal_status_groups"].items()
        },
        providers=tuple(
            ProviderGroup(
                str(row["key"]),
                str(row["label"]),
                frozenset(row["placement_types"]),
                frozenset(row["providers"]) if "providers" in row else None,
            )
            for row in data["provider_groups"]
        ),
        temporary_placement_types=frozenset(data["stability"]["temporary_placement_types"]),
    )
