"""The sync controller against the real service: syncing on a worker with progress, going
offline, cancelling, stopping, and syncing by itself when the service is reachable."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.settings import Settings
from sync.client import UNREACHABLE
from sync.engine import Progress, SyncSummary
from tests.server.conftest import LiveServer
from tests.sync.devices import FAST_RETRY, Device
from tests.ui import sync_support
from ui import tasks
from ui.sync_controller import CANCELLED_MESSAGE, SyncController, SyncState, read_counts


@pytest.fixture
def device(server: LiveServer, tmp_path: Path) -> Iterator[Device]:
    worker = server.user("worker", server.team())
    laptop = sync_support.signed_in_device(server, worker, tmp_path, "laptop")
    yield laptop
    laptop.close()


MakeController = Callable[..., SyncController]


@pytest.fixture
def make_controller(qtbot: QtBot, device: Device) -> Iterator[MakeController]:
    """Controllers on the device's store with timers off and fast retries unless asked."""
    made: list[SyncController] = []

    def make(settings: Settings, **kwargs: object) -> SyncController:
        options: dict[str, object] = {
            "auto_sync_interval_ms": None,
            "probe_interval_ms": None,
            "retry": FAST_RETRY,
        }
        options.update(kwargs)
        controller = SyncController(device.store, settings, **options)  # type: ignore[arg-type]
        made.append(controller)
        qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
        return controller

    yield make
    for controller in made:
        assert controller.stop(timeout_ms=30_000)


def test_sync_now_sends_local_changes_with_progress(
    qtbot: QtBot, server: LiveServer, device: Device, make_controller: MakeController
) -> None:
    """Sync now reports progress, sends the waiting changes, and the count drops to 0."""
    sync_support.add_children(device, 3)
    controller = make_controller(sync_support.settings_for(server))
    controller.refresh_state()
    qtbot.waitUntil(lambda: controller.state.pending == 3, timeout=5000)
    progress: list[Progress] = []
    finished: list[SyncSummary] = []
    controller.sig_progress.connect(progress.append)
    controller.sig_finished.connect(finished.append)
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as done:
        controller.sync_now()
        assert controller.state.running
        controller.sync_now()  # a second request while running is ignored
    summary: SyncSummary = done.args[0]
    assert summary.ok and summary.sent == 3
    assert progress and progress[-1].sent == 3
    state: SyncState = controller.state
    assert (state.running, state.pending, state.online) == (False, 0, True)
    assert state.last_sync is not None and state.last_summary is summary
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    assert len(finished) == 1
    assert read_counts(device.store).last_sync == state.last_sync  # kept in the profile


def test_unreachable_service_shows_offline_with_a_plain_message(
    qtbot: QtBot, device: Device, make_controller: MakeController
) -> None:
    """With nothing listening at the service address the state goes offline, the changes stay
    waiting, and the error says in words what happened."""
    sync_support.add_children(device, 1)
    settings = Settings(service_url=sync_support.closed_port_url(), auto_sync=False)
    controller = make_controller(settings)
    started = time.monotonic()
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as done:
        controller.sync_now()
    # Nothing listening answers at once; the sync says so then, not after five retries.
    assert time.monotonic() - started < 5
    summary: SyncSummary = done.args[0]
    assert not summary.ok
    assert summary.errors == [UNREACHABLE]
    assert UNREACHABLE.count(".") == 1  # one sentence
    assert controller.state.online is False
    assert controller.state.pending == 1 and controller.state.last_sync is None


def test_cancel_stops_a_sync_and_the_next_one_finishes(
    qtbot: QtBot, server: LiveServer, device: Device, make_controller: MakeController
) -> None:
    """Cancel ends a running sync without recording it as done; the next sync completes."""
    sync_support.add_children(device, 2)
    controller = make_controller(sync_support.settings_for(server))
    # Hold the store's write lock so the sync cannot get past its first batch before Cancel.
    with device.store.write() as session:
        session.connection()
        controller.sync_now()
        controller.cancel()
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as done:
        pass
    cancelled: SyncSummary = done.args[0]
    assert cancelled.errors == [CANCELLED_MESSAGE]
    assert controller.state.last_sync is None and not controller.state.running
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as done:
        controller.sync_now()
    assert done.args[0].ok
    assert controller.state.pending == 0


def test_stop_waits_for_the_running_sync(
    qtbot: QtBot, server: LiveServer, device: Device, make_controller: MakeController
) -> None:
    """stop() returns only once the sync has answered, and no sync starts afterwards."""
    sync_support.add_children(device, 1)
    controller = make_controller(sync_support.settings_for(server))
    controller.sync_now()
    assert controller.stop(timeout_ms=30_000)
    assert not controller.state.running
    controller.sync_now()
    assert not controller.state.running


def test_auto_sync_starts_when_the_service_is_reachable(
    qtbot: QtBot, server: LiveServer, device: Device, make_controller: MakeController
) -> None:
    """With auto-sync on, the health probe finding the service starts a sync by itself."""
    sync_support.add_children(device, 1)
    settings = replace(sync_support.settings_for(server), auto_sync=True)
    controller = make_controller(settings, probe_interval_ms=60_000)
    qtbot.waitUntil(lambda: controller.state.pending == 0, timeout=30_000)
    assert controller.state.online is True and controller.state.last_sync is not None
