"""The one place the domain asks what time it is.

Deadlines and validation depend on "today"; routing every question through here lets tests and
benchmarks pin the date instead of racing the calendar.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    """Today's date in the UK: records are dated as the worker sees the calendar, and
    for the dates that matter (visits, reviews) the UTC date and the UK date agree except in the
    first hour after midnight in summer time, which we accept rather than pull in tz data."""
    return utcnow().date()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Pin the clock (tests and benchmarks only)."""
    global _frozen
    previous, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous
