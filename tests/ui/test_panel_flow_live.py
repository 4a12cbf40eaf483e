"""Against the live service, from the assessing worker's sign-off of the Form F report to the
household's approval: the worker starts and signs off the report from the "Enquiry to
approval" tab, records stage 2 and makes the panel pack; the manager, as the panel
administrator, sets a panel date, books the household, records the panel's recommendation and
the agency decision maker's decision with the terms, all on the Fostering panel page; the
worker's next sync brings the booking and then the decision, and the household page shows it
approved on those terms, its panel and decision items done and its first review due."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QPlainTextEdit, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from app import carer_pipeline, clock
from app.deadlines.engine import Status
from tests.server.conftest import LiveServer
from tests.sync.devices import Device
from tests.ui import manager_support, sync_support
from tests.ui.form_typist import fill_required
from ui import tasks
from ui.exports import actions
from ui.main_window import MainWindow
from ui.views.assessment_form import AssessmentForm
from ui.views.household_view import HouseholdView
from ui.views.panel_dialog import PanelDialog
from ui.views.panel_page import PanelPage

SHOTS = Path("/work/notes/shots/w28-panel")


def _shot(widget: QWidget, name: str) -> None:
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def people(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Device, Device]]:
    team = server.team()
    worker = manager_support.signed_in(
        server, server.user("worker", team), tmp_path, "assessing-laptop", "worker"
    )
    manager = manager_support.signed_in(
        server, server.user("manager", team), tmp_path, "panel-admin-laptop", "manager"
    )
    yield worker, manager
    worker.close()
    manager.close()


def _window(qtbot: QtBot, server: LiveServer, device: Device) -> MainWindow:
    window = MainWindow(
        device.store,
        sync_support.settings_for(server),
        manager_support.profile_of(device),
        sync_factory=manager_support.quiet_sync,
    )
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    return window


def _household(qtbot: QtBot, window: MainWindow, household_id: object) -> HouseholdView:
    view = window.open_household(household_id)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: view.file is not None and not tasks.busy(), timeout=10_000)
    view.tabs.setCurrentWidget(view.pipeline_panel)
    return view


def _send(qtbot: QtBot, page: PanelPage, dialog: PanelDialog) -> None:
    with qtbot.waitSignal(dialog.sig_saved, timeout=20_000):
        dialog.save()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)


def _dialog(qtbot: QtBot, page: PanelPage, opener: str) -> PanelDialog:
    with qtbot.waitSignal(page.sig_dialog, timeout=10_000) as opened:
        page.button(opener).click()
    dialog = opened.args[0]
    assert isinstance(dialog, PanelDialog)
    return dialog


def _choose(dialog: PanelDialog, field: str, code: object) -> None:
    box = dialog.field(field)
    assert isinstance(box, QComboBox)
    index = box.findData(code)
    assert index >= 0, (field, code, [box.itemText(i) for i in range(box.count())])
    box.setCurrentIndex(index)


def test_form_f_signed_off_to_panel_decision_and_approval(
    qtbot: QtBot,
    server: LiveServer,
    people: tuple[Device, Device],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    worker, manager = people
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(actions, "choose_path", lambda _p, _c, offered: tmp_path / offered.name)
    monkeypatch.setattr(actions, "tell", lambda *_a: None)
    today = clock.today()
    name = f"Rivers household {server.unique('').strip('-')[:4]}"
    household_id = carer_pipeline.start_enquiry(
        worker.store,
        name=name,
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker=worker.user,
        enquiry_date=today - timedelta(days=200),
    )
    for column, days in (("initial_visit_date", 190), ("application_date", 180)):
        carer_pipeline.record_stage(worker.store, household_id, column, today - timedelta(days))
    carer_pipeline.record_stage(
        worker.store, household_id, "stage1_completed", today - timedelta(days=120)
    )

    # 1. The worker starts the Form F report from the household's tab, fills and signs it off.
    window = _window(qtbot, server, worker)
    view = _household(qtbot, window, household_id)
    panel = view.pipeline_panel
    assert panel.report_button.isEnabled() and "Form F" in panel.report_button.text()
    assert not panel.pack_button.isEnabled()
    _shot(window, "01-enquiry-to-approval-before-form-f")
    panel.report_button.click()
    form = window.current_page
    assert isinstance(form, AssessmentForm)
    qtbot.waitUntil(lambda: form.renderer is not None, timeout=10_000)
    assert form.template is not None and form.template.id == "fostering_form_f"
    assert form.renderer is not None
    fill_required(qtbot, form.renderer)
    _shot(window, "02-form-f-filled")
    with qtbot.waitSignal(form.sig_finalised, timeout=20_000):
        form.finalise()
    window.back()
    view = _household(qtbot, window, household_id)
    panel = view.pipeline_panel
    qtbot.waitUntil(lambda: "Finalised" in panel.report_label.text(), timeout=10_000)

    # 2. Stage 2 recorded today; the panel pack is made from the signed-off report.
    dialog = panel.record_next()
    assert dialog is not None and dialog.mode == "stage2_completed"
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        dialog.save()
    assert panel.pack_button.isEnabled()
    panel.pack_button.click()
    qtbot.waitUntil(lambda: bool(list(tmp_path.glob("Panel pack*.pdf"))), timeout=30_000)
    [pack] = tmp_path.glob("Panel pack*.pdf")
    text = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in pypdf.PdfReader(io.BytesIO(pack.read_bytes())).pages
    )
    assert "Fostering panel pack" in text and "Stage 1: checks and references" in text
    summary = worker.sync()
    assert summary.ok, summary.errors

    # 3. The manager, as panel administrator: a panel sitting today, the household booked
    #    (offered by the service, whichever laptop holds it).
    admin = _window(qtbot, server, manager)
    page = admin.open_panel()
    assert isinstance(page, PanelPage)
    qtbot.waitUntil(lambda: page.live and not tasks.busy(), timeout=20_000)
    assert page.button("New panel date").isVisible()
    dialog = _dialog(qtbot, page, "New panel date")
    details = dialog.field("details")
    assert isinstance(details, QLineEdit)
    details.setText("Room 2, Town Hall, 10am")
    _send(qtbot, page, dialog)
    chosen = page.meeting()  # the new date, chosen
    assert chosen is not None and chosen.meeting_id == dialog.new_id
    assert (chosen.sits_on, chosen.details) == (today, "Room 2, Town Hall, 10am")
    dialog = _dialog(qtbot, page, "Book a household")
    _choose(dialog, "household_id", str(household_id))
    _choose(dialog, "kind", "APPROVAL")
    _shot(dialog, "03-book-household-dialog")
    _send(qtbot, page, dialog)
    item = page.item()
    assert item is not None and item.household_name == name
    _shot(admin, "04-panel-page-booked")

    # The worker's laptop learns the date from the household's record.
    assert worker.sync().ok
    view = _household(qtbot, window, household_id)
    assert view.file is not None and view.file.pipeline is not None
    assert view.file.pipeline.panel_booked == today
    booked = view.file.item("fostering_panel")
    assert booked is not None and (booked.rule_ref, booked.due) == ("FA6", today)
    _shot(window, "05-worker-sees-booking")

    # 4. The panel's recommendation, then the decision with the terms.
    dialog = _dialog(qtbot, page, "Record the recommendation")
    _choose(dialog, "recommendation", "APPROVE")
    notes = dialog.field("notes")
    assert isinstance(notes, QPlainTextEdit)
    notes.setPlainText("Unanimous: warm, stable, well prepared.")
    _send(qtbot, page, dialog)
    dialog = _dialog(qtbot, page, "Record the decision")
    _choose(dialog, "decision", "APPROVE")
    _choose(dialog, "approval_type", "SHORT_TERM")
    by = dialog.field("decided_by")
    assert isinstance(by, QLineEdit)
    by.setText("Dana Okoro, agency decision maker")
    # Without a number of children the service refuses, beside the field; nothing is lost.
    with qtbot.waitSignal(dialog.sig_failed, timeout=20_000):
        dialog.save()
    assert "how many children" in dialog.error_text("max_children")
    for field, value in (("max_children", 2), ("age_range_min", 0), ("age_range_max", 10)):
        spin = dialog.field(field)
        assert isinstance(spin, QSpinBox)
        spin.setValue(value)
    _shot(dialog, "06-decision-dialog")
    _send(qtbot, page, dialog)
    item = page.item()
    assert item is not None and (item.recommendation, item.decision) == ("APPROVE", "APPROVE")
    _shot(admin, "07-panel-page-decided")

    # 5. The worker's sync brings the approval: approved on its terms, items done, review due.
    assert worker.sync().ok
    view = _household(qtbot, window, household_id)
    found = view.file
    assert found is not None and found.profile.approval_code == "APPROVED"
    assert found.pipeline is not None and found.pipeline.decision == "APPROVE"
    assert found.pipeline.panel_recommendation == "APPROVE"
    items = {i.obligation: i for i in found.due}
    assert items["fostering_panel"].status is Status.DONE
    assert items["agency_decision"].status is Status.DONE
    assert items["carer_review"].status is Status.UPCOMING
    assert items["carer_review"].due > today + timedelta(days=360)
    assert "Approved" in view.label("Panel and decision").text()
    _shot(window, "08-worker-household-approved")

    # The worker's own Fostering panel page: read-only, their household on it, decided.
    mine = window.open_panel()
    assert isinstance(mine, PanelPage)
    qtbot.waitUntil(lambda: mine.live and not tasks.busy(), timeout=20_000)
    assert not mine.button("New panel date").isVisible()
    seen = mine.item()
    assert seen is not None and seen.household_id == household_id
    assert seen.decided_by == "Dana Okoro, agency decision maker"
    _shot(window, "09-worker-panel-page")
