"""The sync runs with Python's cycle collector paused (``app.gcpause``) and always resumes it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.store import Store
from sync.client import ServiceClient
from sync.engine import RetryPolicy, run_sync
from tests.app import factories


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_a_sync_runs_without_the_collector_and_resumes_it(store: Store) -> None:
    """``run_sync`` pauses the collector while it works and resumes it afterwards, also when
    the sync fails (here: a laptop not yet connected to any service)."""
    with store.write() as session:
        session.add(factories.child())  # something to send, so the push asks "cancelled?"
    during: list[bool] = []

    def cancelled() -> bool:
        during.append(gc.isenabled())
        return False

    client = ServiceClient("http://127.0.0.1:9")
    try:
        summary = run_sync(store, client, cancelled=cancelled, retry=RetryPolicy(attempts=1))
    finally:
        client.close()
    assert not summary.ok and during and not any(during)
    assert gc.isenabled()
