"""Instants and the naive UTC text SQLite must hold for each, for the laptop's and the
service's timestamp columns alike: the same instant twice, the next microsecond, the same
instant written in another zone, no value, and the first again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

WHEN = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)

STORED_AS: list[tuple[datetime | None, str | None]] = [
    (WHEN, "2026-03-04 05:06:07.890123"),
    (WHEN, "2026-03-04 05:06:07.890123"),
    (WHEN + timedelta(microseconds=1), "2026-03-04 05:06:07.890124"),
    (WHEN.astimezone(timezone(timedelta(hours=1))), "2026-03-04 05:06:07.890123"),
    (None, None),
    (WHEN, "2026-03-04 05:06:07.890123"),
]
