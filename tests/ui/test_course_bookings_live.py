"""Against the live service: the training team adds courses on the service; a supervising
worker opens a household's Courses and bookings, sees them (as of the service's answer), books
a carer onto one that has happened and the household onto one to come, records that the carer
attended, and the household's annual review shows the course in the year to its date. The
bookings reach the service as the household's training records; offline, the kept list is
still shown, marked as kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import clock
from app.models import Carer
from app.settings import Settings
from server.models import Record
from server.services import courses
from tests.app import factories
from tests.server.conftest import LiveServer
from tests.sync.devices import Device
from tests.ui import manager_support, sync_support, views_support
from ui import tasks
from ui.main_window import MainWindow
from ui.views.course_bookings import CourseBookingsDialog
from ui.views.review_form import TRAINING_ROW


@pytest.fixture
def worker(server: LiveServer, tmp_path: Path) -> Iterator[Device]:
    user = server.user("worker", server.team())
    device = manager_support.signed_in(server, user, tmp_path, "supervising-laptop", "worker")
    yield device
    device.close()


def _window(qtbot: QtBot, worker: Device, settings: Settings) -> MainWindow:
    window = MainWindow(
        worker.store,
        settings,
        manager_support.profile_of(worker),
        sync_factory=manager_support.quiet_sync,
    )
    qtbot.addWidget(window)
    window.resize(*views_support.SCREEN)
    window.show()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    return window


def test_a_carer_booked_onto_a_course_who_attended_shows_at_the_annual_review(
    qtbot: QtBot, server: LiveServer, worker: Device
) -> None:
    today = clock.today()
    stem = server.unique("Therapeutic parenting")
    past_title, coming_title = f"{stem}: day 1", f"{stem}: day 2"
    for title, day in (
        (past_title, today - timedelta(days=10)),
        (coming_title, today + timedelta(days=21)),
    ):
        server.database.run_write(
            lambda s, title=title, day=day: courses.add_course(
                s, title=title, starts_on=day, venue="Town Hall", places=12, actor="cli:test"
            )
        )
    with worker.store.write() as session:
        household = factories.household(
            name="The Whitfield household",
            supervising_worker=worker.user,
            approval_date=today - timedelta(days=300),
            max_children=2,
        )
        session.add(household)
        session.flush()
        carer = Carer(household_id=household.id, given_name="Sandra", family_name="Whitfield")
        session.add(carer)
        session.flush()
        household_id, carer_id = household.id, carer.id
    window = _window(qtbot, worker, sync_support.settings_for(server))

    view = window.open_household(household_id)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    view.tabs.setCurrentIndex(2)  # Training
    dialog = view.open_courses()
    assert dialog is not None
    qtbot.waitUntil(lambda: past_title in dialog.course_titles(), timeout=15_000)
    assert dialog.as_of_label.text().startswith("From the service, as of")
    row = dialog.course_titles().index(past_title)
    dialog.courses_table.selectRow(row)
    dialog.who.setCurrentIndex(dialog.who.findData(str(carer_id)))
    with qtbot.waitSignal(dialog.sig_loaded, timeout=15_000):
        dialog.button("book").click()
    dialog.courses_table.selectRow(dialog.course_titles().index(coming_title))
    dialog.who.setCurrentIndex(0)  # the household
    with qtbot.waitSignal(dialog.sig_loaded, timeout=15_000):
        dialog.button("book").click()
    assert [r[1:] for r in dialog.booking_rows()] == [
        (past_title, "Sandra Whitfield", "Booked"),
        (coming_title, "Household", "Booked"),
    ]
    # The course to come cannot be attended yet: said in words, nothing changes.
    dialog.bookings_table.selectRow(1)
    with qtbot.waitSignal(dialog.sig_failed, timeout=10_000):
        dialog.button("ATTENDED").click()
    assert "record who attended on or after the day" in dialog.message.text()
    dialog.bookings_table.selectRow(0)
    with qtbot.waitSignal(dialog.sig_loaded, timeout=15_000):
        dialog.button("ATTENDED").click()
    assert [r[3] for r in dialog.booking_rows()] == ["Attended", "Booked"]
    dialog.grab().save(str(views_support.SCREENSHOTS / "carers-11-courses-and-bookings.png"))
    dialog.close()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    qtbot.waitUntil(
        lambda: (
            view.file is not None
            and any(t.title == past_title and t.completed_date for t in view.file.training)
        ),
        timeout=10_000,
    )
    views_support.screenshot(window, "carers-12-training-tab")

    form = window.open_review(household_id=household_id)
    qtbot.waitUntil(lambda: form.is_shown(TRAINING_ROW), timeout=10_000)
    shown = form.field(TRAINING_ROW)
    assert isinstance(shown, QLabel)
    qtbot.waitUntil(lambda: past_title in shown.text(), timeout=10_000)
    words = shown.text()
    assert f"{past_title} (Sandra Whitfield; course or workshop)" in words
    assert coming_title not in words  # booked, not attended
    views_support.screenshot(window, "carers-13-annual-review-training")

    summary = worker.sync()
    assert summary.ok, summary.errors
    with server.database.read() as session:
        sent = [
            fields
            for (fields,) in session.execute(
                select(Record.fields).where(Record.record_type == "training_record")
            )
            if str(fields.get("household_id")) == str(household_id)
        ]
    assert sorted((f["title"], f["booking_status"]) for f in sent) == [
        (past_title, "ATTENDED"),
        (coming_title, "BOOKED"),
    ]

    # Offline: the list kept from the last answer is shown, marked as kept.
    offline = Settings(service_url="http://127.0.0.1:9", auto_sync=False)
    kept = CourseBookingsDialog(worker.store, household_id, (), offline)
    qtbot.addWidget(kept)
    qtbot.waitUntil(lambda: past_title in kept.course_titles(), timeout=30_000)
    assert kept.as_of_label.text().startswith("The list kept from")
    assert [r[1] for r in kept.booking_rows()] == [past_title, coming_title]
