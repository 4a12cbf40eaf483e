"""Record ids grow with time (``app.ids``), so new rows land at the end of every index."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import select

from app import ids
from app.ids import uuid7
from app.models import Child, OutboxEntry
from app.store import Store
from tests.app import factories


def _ms(value: uuid.UUID) -> int:
    return value.int >> 80


def test_ids_are_version_7_and_carry_the_time_they_were_made() -> None:
    before = time.time_ns() // 1_000_000
    made = uuid7()
    after = time.time_ns() // 1_000_000
    assert made.version == 7 and made.variant == uuid.RFC_4122
    assert before <= _ms(made) <= after


def test_each_id_is_greater_than_the_last_and_their_hex_sorts_the_same_way() -> None:
    made = [uuid7() for _ in range(20_000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    # SQLite stores ids as 32 hex digits: text order must be making order too.
    assert [m.hex for m in made] == sorted(m.hex for m in made)


def test_ids_keep_growing_when_the_clock_steps_back(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_900_000_000_000 * 1_000_000]
    monkeypatch.setattr(ids.time, "time_ns", lambda: now[0])
    first = uuid7()
    now[0] -= 5_000 * 1_000_000  # the laptop's clock is corrected back five seconds
    second = uuid7()
    assert second > first
    assert _ms(second) == _ms(first)


def test_a_full_millisecond_moves_on_to_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_900_000_000_000 * 1_000_000)
    first = uuid7()
    monkeypatch.setattr(ids, "_counter", ids._COUNTER_MAX)
    second = uuid7()
    assert second > first
    assert _ms(second) == _ms(first) + 1


def test_ids_made_on_many_threads_at_once_are_all_different() -> None:
    made: list[list[uuid.UUID]] = [[] for _ in range(4)]

    def make(into: list[uuid.UUID]) -> None:
        into.extend(uuid7() for _ in range(5_000))

    threads = [threading.Thread(target=make, args=(into,)) for into in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [value for into in made for value in into]
    assert len(set(every)) == len(every)
    for into in made:
        assert into == sorted(into)


def test_two_processes_in_the_same_millisecond_do_not_collide(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Laptops share no counter: what keeps them apart is the random start of each
    millisecond's counter and the random tail of every id."""
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_900_000_000_000 * 1_000_000)
    seen: set[uuid.UUID] = set()
    for _laptop in range(200):
        monkeypatch.setattr(ids, "_last_ms", 0)  # a fresh process
        seen.update(uuid7() for _ in range(50))
    assert len(seen) == 200 * 50


def test_records_saved_one_after_another_sort_by_id_in_the_order_they_were_made(
    store: Store,
) -> None:
    """What the ids are for: in the store's own tables (ids as hex text), in the outbox and in
    the changes sent, a later record sorts after an earlier one."""
    made: list[uuid.UUID] = []
    for _ in range(3):
        with store.write() as session:
            for _ in range(5):
                child = factories.child()
                session.add(child)
                session.flush()
                made.append(child.id)
    with store.read() as session:
        by_id = list(session.scalars(select(Child.id).order_by(Child.id)))
        entries = list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))
    assert by_id == made
    assert [e.record_id for e in entries] == made
    assert [e.id for e in entries] == sorted(e.id for e in entries)
    assert all(m.version == 7 for m in made)
