"""The household's "Enquiry to approval" tab once the service has booked it for panel: it says
so, and when the panel has sat the worker's own "record the panel" dialog starts on that day."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QDateEdit
from pytestqt.qtbot import QtBot

from app import carer_pipeline, clock
from app.models import CarerHousehold
from app.store import Store
from ui import tasks
from ui.views.common import qdate, uk_date
from ui.views.household_view import HouseholdView


def test_a_booked_panel_shows_and_starts_the_panel_dialog_on_its_day(
    qtbot: QtBot, store: Store
) -> None:
    today = clock.today()
    household = carer_pipeline.start_enquiry(
        store,
        name="The Booked household",
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker=store.worker,
        enquiry_date=today - timedelta(days=200),
    )
    for column, ago in (
        ("initial_visit_date", 190),
        ("application_date", 180),
        ("stage1_completed", 120),
        ("stage2_completed", 30),
    ):
        carer_pipeline.record_stage(store, household, column, today - timedelta(days=ago))
    booked = today - timedelta(days=3)
    with store.write(remote=True) as session:  # as the service's booking arrives by sync
        found = session.get(CarerHousehold, household)
        assert found is not None
        found.panel_booked_date = booked

    view = HouseholdView(store, household)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        view.show()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    panel = view.pipeline_panel
    assert (
        f"Booked for the fostering panel on {uk_date(booked)}"
        in view.label("Panel and decision").text()
    )
    dialog = panel.record_next()
    assert dialog is not None and dialog.mode == "panel_date"
    box = dialog.field("panel_date")
    assert isinstance(box, QDateEdit) and box.date() == qdate(booked)
    dialog.reject()
