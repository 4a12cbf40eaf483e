"""The service's timestamps are stored as naive UTC text on SQLite, each as itself, though the
text of recent instants is kept and given again (a batch binds each instant several times)."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import sqlite

from server.models.base import UTCDateTime
from tests.instants import STORED_AS, WHEN


def test_each_instant_is_stored_as_itself_however_they_repeat() -> None:
    bind = UTCDateTime().bind_processor(sqlite.dialect())
    assert bind is not None
    assert [bind(value) for value, _text in STORED_AS] == [text for _value, text in STORED_AS]


def test_a_timestamp_without_a_zone_is_refused_even_after_others() -> None:
    bind = UTCDateTime().bind_processor(sqlite.dialect())
    assert bind is not None
    bind(WHEN)
    with pytest.raises(ValueError, match="timezone-aware"):
        bind(WHEN.replace(tzinfo=None))
