"""The Carer register page against the live service: any worker's window has the command, the
page lists the approved households from the service with their free places, the search by a
child's age and kind of fostering narrows it, a child placed elsewhere takes the place at the
next refresh, and offline the page shows the register kept, marked as of its time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QToolBar
from pytestqt.qtbot import QtBot

from app.settings import Settings
from server.models import utcnow
from tests.server.conftest import LiveServer
from tests.server.helpers import new_child
from tests.server.test_register import household_fields, placement_fields, push
from tests.sync.devices import Device
from tests.ui import manager_support, page_walk, sync_support
from ui import tasks
from ui.main_window import MainWindow
from ui.views.carer_register import CarerRegisterView


@pytest.fixture
def worker(server: LiveServer, tmp_path: Path) -> Iterator[Device]:
    user = server.user("worker", server.team())
    device = manager_support.signed_in(server, user, tmp_path, "worker-laptop", "worker")
    yield device
    device.close()


def _register_page(qtbot: QtBot, window: MainWindow) -> CarerRegisterView:
    bar = window.findChild(QToolBar, "Navigation")
    assert isinstance(bar, QToolBar)
    [action] = [a for a in bar.actions() if a.text() == "Carer r&egister"]
    action.trigger()
    page = window.current_page
    assert isinstance(page, CarerRegisterView)
    qtbot.waitUntil(lambda: page.loaded and not tasks.busy(), timeout=30_000)
    return page


def _row(page: CarerRegisterView, name: str) -> dict[str, str] | None:
    for row, entry in enumerate(page.shown()):
        if entry.name == name:
            return {c: page.cell(row, c) for c in ("Placed now (ages)", "Free places", "Ages")}
    return None


def test_the_register_shows_a_vacancy_until_a_child_is_placed_and_keeps_it_offline(
    qtbot: QtBot, server: LiveServer, worker: Device
) -> None:
    today = utcnow().date()
    placing = server.client(server.user("worker", server.team()))
    tag = server.unique("").strip("-")[:4]
    name = f"Okoro household {tag}"
    household = push(placing, "carer_household", household_fields(name=name))
    push(
        placing,
        "carer_household",
        household_fields(
            name=f"Lindqvist household {tag}",
            approval_type="LONG_TERM",
            age_range_min=8,
            age_range_max=17,
            max_children=3,
            approval_terms="Up to three children aged 8 to 17, long-term, brothers and sisters.",
        ),
    )
    first, _ = new_child(placing)
    push(placing, "placement", placement_fields(first, household, today - timedelta(days=20)))

    window = MainWindow(
        worker.store,
        sync_support.settings_for(server),
        manager_support.profile_of(worker),
        sync_factory=manager_support.quiet_sync,
    )
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    page = _register_page(qtbot, window)
    assert page.live and "The register from the service, as of" in page.status_label.text()
    okoro = _row(page, name)
    assert okoro is not None
    assert okoro["Free places"] == "1" and okoro["Ages"] == "0 to 10"
    assert okoro["Placed now (ages)"].startswith("1 (")
    assert page_walk.clashes(window) == {}
    manager_support.shoot(window, "carer-register")

    # A child of 12 needing short-term care: the Okoro household (0 to 10) is not a match,
    # the Lindqvist household (8 to 17) is long-term only, so not a match either.
    page.search(age=12, approval_type="SHORT_TERM")
    assert _row(page, name) is None and _row(page, f"Lindqvist household {tag}") is None
    page.search(age=12, approval_type="LONG_TERM", vacant_only=True)
    assert _row(page, f"Lindqvist household {tag}") is not None
    manager_support.shoot(window, "carer-register-search")
    page.search(age=4, approval_type="SHORT_TERM", vacant_only=True)
    assert _row(page, name) is not None

    # Another worker places a child there: at the next refresh the place has gone.
    second, _ = new_child(placing)
    push(placing, "placement", placement_fields(second, household, today))
    with qtbot.waitSignal(page.sig_loaded, timeout=30_000):
        page.refresh()
    assert _row(page, name) is None  # still searching for a free place only
    page.search()
    okoro = _row(page, name)
    assert okoro is not None and okoro["Free places"] == "0"

    # Offline: the register kept in the encrypted store, marked as of its time.
    page.set_settings(Settings(service_url=sync_support.closed_port_url(), auto_sync=False))
    with qtbot.waitSignal(page.sig_loaded, timeout=30_000):
        page.refresh()
    assert not page.live
    assert page.status_label.text().startswith("Offline: this is the register as of")
    okoro = _row(page, name)
    assert okoro is not None and okoro["Free places"] == "0"
    label = page.status_label
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=5000)
    manager_support.shoot(window, "carer-register-offline")
