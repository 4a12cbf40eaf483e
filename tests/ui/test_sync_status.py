"""The status bar's sync corner: changes waiting, Sync now, the summary afterwards, Details, and
the connection shown in words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models import FieldConflictRecord
from app.settings import Settings
from app.store import Store
from sync.client import UNREACHABLE
from sync.engine import SyncSummary
from tests.app import factories
from tests.server.conftest import LiveServer
from tests.sync.devices import FAST_RETRY, Device
from tests.ui import sync_support
from ui import tasks
from ui.sync_controller import SyncController
from ui.views.sync_status import SyncStatusBar, summary_line


@pytest.fixture
def device(server: LiveServer, tmp_path: Path) -> Iterator[Device]:
    worker = server.user("worker", server.team())
    laptop = sync_support.signed_in_device(server, worker, tmp_path, "laptop")
    yield laptop
    laptop.close()


def _bar(qtbot: QtBot, store: Store, settings: Settings) -> Iterator[SyncStatusBar]:
    controller = SyncController(
        store, settings, auto_sync_interval_ms=None, probe_interval_ms=None, retry=FAST_RETRY
    )
    bar = SyncStatusBar(controller)
    qtbot.addWidget(bar)
    bar.show()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    yield bar
    assert controller.stop(timeout_ms=30_000)


@pytest.fixture
def bar(qtbot: QtBot, server: LiveServer, device: Device) -> Iterator[SyncStatusBar]:
    sync_support.add_children(device, 3)
    yield from _bar(qtbot, device.store, sync_support.settings_for(server))


def test_sync_now_button_syncs_and_shows_the_summary(qtbot: QtBot, bar: SyncStatusBar) -> None:
    """The bar shows 3 changes waiting; clicking Sync now sends them and says so in one line."""
    assert bar.pending.text() == "3 changes waiting"
    assert bar.last_sync.text() == "Last synced: Never"
    assert not bar.summary.isVisible()
    with qtbot.waitSignal(bar.controller.sig_finished, timeout=30_000):
        qtbot.mouseClick(bar.sync_button, Qt.MouseButton.LeftButton)
        assert bar.cancel_button.isVisible() and bar.progress.isVisible()
    assert bar.summary.isVisible() and bar.summary.text() == "Sent 3, received 0"
    assert bar.pending.text() == "No changes waiting"
    assert bar.last_sync.text().startswith("Last synced ") and "Never" not in bar.last_sync.text()
    assert bar.connection_text() == "Online"
    assert bar.sync_button.isVisible() and not bar.cancel_button.isVisible()


def test_details_explain_an_unreachable_service(qtbot: QtBot, device: Device) -> None:
    """Offline: the bar says "Offline" in words and Details gives the reason in plain English."""
    settings = Settings(service_url=sync_support.closed_port_url(), auto_sync=False)
    for bar in _bar(qtbot, device.store, settings):
        with qtbot.waitSignal(bar.controller.sig_finished, timeout=30_000):
            qtbot.mouseClick(bar.sync_button, Qt.MouseButton.LeftButton)
        assert bar.connection_text() == "Offline"
        assert bar.summary.text() == UNREACHABLE
        dialog = bar.open_details()
        qtbot.addWidget(dialog)
        assert UNREACHABLE in dialog.text.toPlainText()
        assert ".." not in dialog.text.toPlainText()


def test_offline_only_profile_cannot_sync(qtbot: QtBot, store: Store) -> None:
    """An offline-only profile says so in words and its Sync now button is disabled."""
    for bar in _bar(qtbot, store, Settings()):
        assert bar.connection_text() == "Offline only"
        assert not bar.sync_button.isEnabled()


def test_conflict_link_asks_for_the_conflicts(qtbot: QtBot, store: Store) -> None:
    """With a conflict open the link reads "1 conflict to decide"; activating it asks for it."""
    with store.write(remote=True) as session:
        child = factories.child()
        session.add(child)
        session.add(
            FieldConflictRecord(
                record_type="child",
                record_id=child.id,
                field="about_me",
                base_value={"v": None},
                mine={"v": "mine"},
                theirs={"v": "theirs"},
                server_revision=1,
            )
        )
    for bar in _bar(qtbot, store, Settings()):
        assert bar.controller.state.conflicts == 1
        assert bar.conflicts_link.isVisible()
        assert "1 conflict to decide" in bar.conflicts_link.text()
        with qtbot.waitSignal(bar.sig_conflicts_requested, timeout=1000):
            bar.conflicts_link.linkActivated.emit("conflicts")


def test_summary_line_names_conflicts_and_refusals() -> None:
    """The one-line summary counts what was sent and received and what needs the worker."""
    summary = SyncSummary(sent=3, received=12, conflicts=1, rejected=2)
    assert (
        summary_line(summary) == "Sent 3, received 12, 1 conflict to decide, 2 changes not accepted"
    )
