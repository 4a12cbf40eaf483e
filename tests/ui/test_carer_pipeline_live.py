"""Against the live service: the assessing worker records the agency decision maker's approval
through the household page's dialog, syncs, and the new household is on the service's carer
register with its free places (the placements team's search by age and kind of fostering)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QDateEdit, QSpinBox, QToolBar
from pytestqt.qtbot import QtBot

from app import carer_pipeline, clock
from tests.server.conftest import LiveServer
from tests.sync.devices import Device
from tests.ui import manager_support, sync_support, views_support
from ui import tasks
from ui.main_window import MainWindow
from ui.views.carer_register import CarerRegisterView
from ui.views.common import qdate


@pytest.fixture
def worker(server: LiveServer, tmp_path: Path) -> Iterator[Device]:
    user = server.user("worker", server.team())
    device = manager_support.signed_in(server, user, tmp_path, "assessing-laptop", "worker")
    yield device
    device.close()


def test_an_approval_recorded_in_the_app_reaches_the_service_register(
    qtbot: QtBot, server: LiveServer, worker: Device
) -> None:
    today = clock.today()
    name = f"Adeyemi household {server.unique('').strip('-')[:4]}"
    household_id = carer_pipeline.start_enquiry(
        worker.store,
        name=name,
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker=worker.user,
        enquiry_date=today - timedelta(days=200),
    )
    for column, days in (
        ("initial_visit_date", 190),
        ("application_date", 180),
        ("stage1_completed", 120),
        ("stage2_completed", 40),
    ):
        carer_pipeline.record_stage(worker.store, household_id, column, today - timedelta(days))
    carer_pipeline.record_stage(
        worker.store,
        household_id,
        "panel_date",
        today - timedelta(days=10),
        recommendation="APPROVE",
    )
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

    view = window.open_household(household_id)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    panel = view.pipeline_panel
    view.tabs.setCurrentWidget(panel)
    dialog = panel.record_next()
    assert dialog is not None and dialog.mode == "decision_date"
    when = dialog.field("decision_date")
    assert isinstance(when, QDateEdit)
    when.setDate(qdate(today - timedelta(days=5)))
    for field, code in (("decision", "APPROVE"), ("approval_type", "SHORT_TERM")):
        box = dialog.field(field)
        assert isinstance(box, QComboBox)
        box.setCurrentIndex(box.findData(code))
    for field, value in (("max_children", 2), ("age_range_min", 0), ("age_range_max", 10)):
        spin = dialog.field(field)
        assert isinstance(spin, QSpinBox)
        spin.setValue(value)
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        dialog.save()
    assert view.file is not None and view.file.profile.approval_code == "APPROVED"

    summary = worker.sync()
    assert summary.ok, summary.errors

    bar = window.findChild(QToolBar, "Navigation")
    assert isinstance(bar, QToolBar)
    [action] = [a for a in bar.actions() if a.text() == "Carer r&egister"]
    action.trigger()
    page = window.current_page
    assert isinstance(page, CarerRegisterView)
    qtbot.waitUntil(lambda: page.loaded and not tasks.busy(), timeout=30_000)
    page.search(age=4, approval_type="SHORT_TERM", vacant_only=True)
    rows = [
        n
        for n, entry in enumerate(page.shown())
        if entry.name == f"The {name}" or entry.name == name
    ]
    assert rows, [e.name for e in page.shown()]
    assert page.cell(rows[0], "Free places") == "2"
    assert page.cell(rows[0], "Ages") == "0 to 10"
    views_support.screenshot(window, "carers-10-register-after-approval")
