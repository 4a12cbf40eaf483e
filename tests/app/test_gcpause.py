"""Pausing the cycle collector for the dashboard's read: it always resumes, and never turns
on a collector someone else switched off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from app import clock, gcpause
from app.dashboard import caseload
from app.store import Store
from tests.app import factories


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_blocks_nest_and_the_collector_resumes_after_the_last() -> None:
    """Inside (nested) blocks the collector is off; after the outer one it is on again, even
    when the block raised."""
    with pytest.raises(RuntimeError), gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        raise RuntimeError("a read failed")
    assert gc.isenabled()


def test_a_collector_switched_off_elsewhere_stays_off() -> None:
    """A pause never switches on a collector that was off before it began."""
    gc.disable()
    with gcpause.paused():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_from_two_threads_resume_once_both_end() -> None:
    """A second thread's pause that ends first does not resume the collector under the first."""
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with gcpause.paused():
            inside.set()
            leave.wait(5)

    with gcpause.paused():
        thread = threading.Thread(target=other)
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread's read is still going on
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_the_dashboard_read_leaves_the_collector_running(store: Store) -> None:
    """Opening the dashboard pauses the collector only while it reads."""
    with store.write() as session:
        session.add(factories.child())
    caseload_read = caseload(store, clock.today())
    assert len(caseload_read.lines) >= 1
    assert gc.isenabled()
