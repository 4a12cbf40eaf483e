"""The service's timestamps are stored as naive UTC text on SQLite, each as itself, though the
column type keeps the last one it formatted (a batch stamps every row with one instant)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from server.models.base import UTCDateTime

WHEN = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def test_each_instant_is_stored_as_itself_however_they_repeat() -> None:
    bind = UTCDateTime().bind_processor(sqlite.dialect())
    assert bind is not None
    later = WHEN + timedelta(microseconds=1)
    paris = WHEN.astimezone(timezone(timedelta(hours=1)))
    assert [bind(v) for v in (WHEN, WHEN, later, paris, None, WHEN)] == [
        "2026-03-04 05:06:07.890123",
        "2026-03-04 05:06:07.890123",
        "2026-03-04 05:06:07.890124",
        "2026-03-04 05:06:07.890123",
        None,
        "2026-03-04 05:06:07.890123",
    ]


def test_a_timestamp_without_a_zone_is_refused_even_after_others() -> None:
    bind = UTCDateTime().bind_processor(sqlite.dialect())
    assert bind is not None
    bind(WHEN)
    with pytest.raises(ValueError, match="timezone-aware"):
        bind(WHEN.replace(tzinfo=None))
