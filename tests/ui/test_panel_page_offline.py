"""The Fostering panel page with no service: it shows the panel's dates the service last sent,
marked as of then, and offers no change (the panel is changed on the service only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import clock
from app.settings import Settings
from sync import panels
from sync.protocol.panels import NewPanelMeeting
from tests.server.conftest import LiveServer
from tests.sync.devices import Device
from tests.ui import manager_support, sync_support
from ui.views.panel_page import PanelPage


@pytest.fixture
def manager(server: LiveServer, tmp_path: Path) -> Iterator[Device]:
    device = manager_support.signed_in(
        server, server.user("manager", server.team()), tmp_path, "panel-admin-laptop", "manager"
    )
    yield device
    device.close()


def test_offline_the_last_dates_show_and_nothing_can_be_changed(
    qtbot: QtBot, server: LiveServer, manager: Device
) -> None:
    sits = clock.today() + timedelta(days=30)
    made = uuid.uuid4()
    panels.add_meeting(
        manager.store,
        sync_support.settings_for(server),
        NewPanelMeeting(meeting_id=made, sits_on=sits, details="Council chamber"),
    )
    offline = Settings(service_url=sync_support.closed_port_url(), auto_sync=False)
    page = PanelPage(manager.store, offline, can_change=True)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    with qtbot.waitSignal(page.sig_loaded, timeout=30_000):
        page.show()
    assert not page.live
    assert page.status_label.text().startswith("Offline: these are the panel's dates as of")
    [meeting] = [m for m in page.meetings if m.meeting_id == made]
    assert (meeting.sits_on, meeting.details) == (sits, "Council chamber")
    for name in ("New panel date", "Book a household", "Record the decision"):
        assert not page.button(name).isEnabled(), name
    shots = Path("/work/notes/shots/w28-panel")
    if shots.is_dir():
        page.grab().save(str(shots / "10-panel-page-offline.png"))
