"""A sync leaves Python's cycle collector running while it waits on the service (the desktop
keeps allocating meanwhile) and always leaves it running when it ends (``app.gcpause``)."""

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


def test_a_sync_keeps_the_collector_running_while_it_talks_to_the_service(store: Store) -> None:
    """Pushing (here: to a service that is not there) runs with the collector on, and it is on
    afterwards when the sync fails."""
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
    assert not summary.ok and during and all(during)
    assert gc.isenabled()
