"""A looked-after child's episodes of care, as the SSDA903 counts them: the child's legal
statuses grouped into periods of care, cut at every change of legal status or placement, each
cut with its reason for a new episode (RNE) worked out from what changed and whether the carers
stayed the same. Shared by the 903 itself (``ssda903``) and Ofsted's fostering return
(``ofsted``), which count the same episodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import resources
from server.services.returns.source import ChildFile, Item


@dataclass
class Episode:
    """One row of the Episodes table, with where each value came from, so an error the
    validator finds in a column can be traced to the record a worker would correct."""

    start: date
    end: date | None
    rne: str
    legal: Item
    placement: Item | None
    rec: str | None
    reason_place_change: str | None

    def source(self, column: str) -> tuple[str, Item | None]:
        """The record type and record a column was taken from."""
        if column in ("LS", "DEC", "REC") or column == "DECOM" and self.placement is None:
            return ("legal_status", self.legal)
        if column in ("PLACE", "PLACE_PROVIDER", "PL_POST", "URN", "REASON_PLACE_CHANGE"):
            return ("placement", self.placement)
        if column in ("DECOM", "RNE"):
            return ("placement", self.placement)
        return ("child", None)


def looked_after_statuses(child: ChildFile) -> list[Item]:
    """The child's SSDA903 legal statuses (not the orders made when care ends)."""
    codes = _codes("legal_status")
    return [item for item in child.legal if item.get("code") in codes and item.day("start_date")]


def episodes_of(child: ChildFile) -> list[Episode]:
    """Every episode of care the records show, oldest first."""
    statuses = looked_after_statuses(child)
    placements = [p for p in child.placements if p.day("start_date")]
    episodes: list[Episode] = []
    for period in periods(statuses):
        first = period[0].day("start_date")
        assert first is not None  # filtered above
        last = period[-1].day("end_date")
        cuts = {item.day("start_date") for item in period}
        for moved in placements:
            begun = moved.day("start_date")
            if begun is not None and first < begun and (last is None or begun < last):
                cuts.add(begun)
        days = sorted(day for day in cuts if day is not None)
        previous: Episode | None = None
        for day in days:
            legal = in_force(period, day)
            placement = in_force(placements, day)
            if legal is None:
                continue
            if previous is not None:
                rne = _reason_new_episode(previous, legal, placement)
                if rne is None:  # nothing the return counts changed on this day
                    continue
                previous.end, previous.rec = day, "X1"
                if previous.placement is not placement and previous.placement is not None:
                    previous.reason_place_change = previous.placement.get("reason_changed")
            else:
                rne = "S"
            episode = Episode(day, None, rne, legal, placement, None, None)
            episodes.append(episode)
            previous = episode
        if previous is not None and last is not None:
            previous.end, previous.rec = last, period[-1].get("reason_ceased")
    return episodes


def periods(statuses: list[Item]) -> Iterator[list[Item]]:
    """Legal statuses grouped into periods of care: one follows on from the last when it starts
    the day the last ended."""
    period: list[Item] = []
    for item in sorted(statuses, key=lambda i: i.day("start_date") or date.min):
        if period and period[-1].day("end_date") != item.day("start_date"):
            yield period
            period = []
        period.append(item)
    if period:
        yield period


def in_force(items: Iterable[Item], day: date) -> Item | None:
    found = None
    for item in items:
        start, end = item.day("start_date"), item.day("end_date")
        if start is not None and start <= day and (end is None or day < end):
            found = item
    return found


def _reason_new_episode(previous: Episode, legal: Item, placement: Item | None) -> str | None:
    status_changed = legal.get("code") != previous.legal.get("code")
    moved = placement is not previous.placement
    if moved and placement is not None and previous.placement is not None:
        same_carers = placement.get("household_id") is not None and placement.get(
            "household_id"
        ) == previous.placement.get("household_id")
    else:
        same_carers = False
    if status_changed and moved:
        return "U" if same_carers else "B"
    if moved:
        return "T" if same_carers else "P"
    if status_changed:
        return "L"
    return None


def _codes(name: str) -> set[str]:
    data = resources.load_toml("codes", "ssda903.toml")
    return set(data[name])
