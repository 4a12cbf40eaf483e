"""Which legal status period is current on a day, and when the looked-after spell it belongs to
began: shared by the laptop's caseload deadlines (``from_store``) and the service's figures
(``server.reports``), so both read a child's history the same way."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

#: A legal status period: (start, end or None while it lasts, code), in start order.
Period = tuple[date, date | None, str]


def current(periods: Sequence[Period], today: date) -> Period | None:
    """The latest-starting period still running on ``today`` (of those begun by then)."""
    live = [p for p in periods if p[1] is None or p[1] >= today]
    return live[-1] if live else None


def spell_start(
    periods: Sequence[Period], current: Period | None, looked_after: Collection[str]
) -> date | None:
    """When the current unbroken spell of looked-after statuses began (a change from a care
    order to a placement order, say, does not restart the clock for reviews)."""
    if current is None or current[2] not in looked_after:
        return None
    start = current[0]
    for begin, end, code in reversed(periods):
        if begin >= start or code not in looked_after or end is None:
            continue
        if (start - end).days <= 1:
            start = begin
    return start
