"""The store writes each instant as the same naive-UTC text SQLAlchemy's SQLite DATETIME
would, so rows written by the ORM, by a pulled page and by a settled push compare and sort
alike, whichever wrote them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite

from app.models.base import UTCDateTime

DIALECT = sqlite.dialect()
ONE_STEP = UTCDateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
REFERENCE = DateTime().dialect_impl(DIALECT).bind_processor(DIALECT)

zones = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=zones))
def test_an_instant_is_written_as_sqlalchemys_text_for_it_in_utc(moment: datetime) -> None:
    assert ONE_STEP is not None and REFERENCE is not None
    naive_utc = moment.astimezone(UTC).replace(tzinfo=None)
    assert ONE_STEP(moment) == REFERENCE(naive_utc)


def test_a_whole_second_keeps_its_microseconds_and_none_stays_none() -> None:
    assert ONE_STEP is not None
    assert ONE_STEP(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "2026-03-29 01:00:00.000000"
    assert ONE_STEP(None) is None


def test_a_timestamp_without_a_zone_is_refused() -> None:
    assert ONE_STEP is not None
    with pytest.raises(ValueError, match="timezone-aware"):
        ONE_STEP(datetime(2026, 3, 1, 12, 0))
