"""A worker takes a fostering enquiry to approval from the household page, through the real
widgets and the real store: each stage through its dialog (a problem shown beside its field
first), what is due next after each, the decision with its terms, and the new household's
deadlines on the dashboard. Screenshots of the steps go to test-artifacts/screenshots."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QSpinBox
from pytestqt.qtbot import QtBot

from app import carer_pipeline, clock
from app.deadlines.engine import Status
from app.settings import Settings
from app.store import Profile
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui import views_support
from tests.ui.test_main_window import quiet_sync
from ui import tasks
from ui.main_window import MainWindow
from ui.views.carer_pipeline_panel import PipelinePanel
from ui.views.carer_stage_dialog import StageDialog
from ui.views.common import qdate
from ui.views.household_view import HouseholdView
from ui.views.households import HouseholdsView
from ui.views.new_household_dialog import ENQUIRY


@pytest.fixture
def enquiry(tmp_path: Path) -> tuple[Profile, uuid.UUID]:
    made = Profile.create("alice", PASSPHRASE, worker="alice", root=tmp_path, kdf=fast_kdf())
    with made.unlock(PASSPHRASE) as store:
        household_id = carer_pipeline.start_enquiry(
            store,
            name="The Okafor household",
            carer_type="MAINSTREAM_FOSTER",
            supervising_worker="alice",
            enquiry_date=clock.today() - timedelta(days=200),
        )
    return made, household_id


@pytest.fixture
def window(qtbot: QtBot, enquiry: tuple[Profile, uuid.UUID]) -> Iterator[MainWindow]:
    profile, _ = enquiry
    store = profile.unlock(PASSPHRASE)
    shown = MainWindow(store, Settings(), profile, sync_factory=quiet_sync)
    qtbot.addWidget(shown)
    shown.resize(*views_support.SCREEN)
    dashboard = shown.dashboard
    assert dashboard is not None
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=10_000):
        shown.show()
    yield shown
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    shown.store.lock()


def _stage(qtbot: QtBot, view: HouseholdView, days_ago: int, **choices: str | int) -> StageDialog:
    """Open the next stage's dialog from its button, fill it in and save it; wait for the page
    to show the household again."""
    panel = view.pipeline_panel
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None and dialog.isVisible()
    box = dialog.field(dialog.mode if dialog.mode != "withdraw" else "withdrawn_date")
    assert isinstance(box, QDateEdit)
    box.setDate(qdate(clock.today() - timedelta(days=days_ago)))
    for name, value in choices.items():
        control = dialog.field(name)
        if isinstance(control, QComboBox):
            control.setCurrentIndex(control.findData(value))
        elif isinstance(control, QSpinBox):
            assert isinstance(value, int)
            control.setValue(value)
        elif isinstance(control, QPlainTextEdit):
            control.setPlainText(str(value))
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        dialog.save()
    assert panel.dialog is None
    return dialog


def test_an_enquiry_is_taken_to_approval_from_the_household_page(
    qtbot: QtBot, window: MainWindow, enquiry: tuple[Profile, uuid.UUID]
) -> None:
    _, household_id = enquiry
    dashboard = window.dashboard
    assert dashboard is not None
    row = dashboard.model.row_of(household_id)
    assert row >= 0
    assert "Initial visit after a fostering enquiry" in dashboard.model.row_at(row).next_item
    dashboard.proxy.set_filters(obligation="initial_visit")
    shown = [dashboard.proxy.row_at(r).name for r in range(dashboard.proxy.rowCount())]
    assert shown == ["The Okafor household"]
    dashboard.proxy.set_filters()

    view = window.open_household(household_id)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    panel: PipelinePanel = view.pipeline_panel
    assert view.tabs.isTabVisible(view.tabs.indexOf(panel))
    view.tabs.setCurrentWidget(panel)
    assert panel.next_label.text().startswith("Next: Initial visit, due by")
    assert "Overdue" in panel.next_label.text()
    views_support.screenshot(window, "carers-01-enquiry")

    _stage(qtbot, view, 190)
    assert panel.next_label.text() == "Next: Application received (no deadline set for this stage)"
    _stage(qtbot, view, 170)
    assert panel.next_label.text().startswith(
        "Next: Stage 1: checks and references complete, due by"
    )
    _stage(qtbot, view, 120)
    _stage(qtbot, view, 40)
    assert panel.next_label.text().startswith("Next: Fostering panel, due by")
    views_support.screenshot(window, "carers-02-assessment")

    # The panel's stage without its recommendation: the problem is beside the field, the
    # dialog stays open with the date the worker chose.
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None and dialog.mode == "panel_date"
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        dialog.save()
    assert dialog.error_text("panel_recommendation") == "Choose the panel's recommendation."
    assert dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: panel.dialog is None)

    _stage(qtbot, view, 20, panel_recommendation="APPROVE")
    assert panel.next_label.text().startswith("Next: Agency decision maker's decision, due by")
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    decision = panel.dialog
    assert decision is not None and decision.mode == "decision_date"
    decision.grab().save(str(views_support.SCREENSHOTS / "carers-03-decision-dialog.png"))
    decision.reject()
    qtbot.waitUntil(lambda: panel.dialog is None)
    _stage(
        qtbot,
        view,
        15,
        decision="APPROVE",
        approval_type="SHORT_BREAKS",
        max_children=2,
        age_range_min=5,
        age_range_max=12,
        approval_terms="Two children aged 5 to 12 for short breaks.",
    )
    approved_on = clock.today() - timedelta(days=15)
    assert panel.next_label.text() == f"Approved on {approved_on:%d %b %Y}"
    assert not panel.record_button.isEnabled() and not panel.withdraw_button.isEnabled()
    assert view.file is not None
    profile = view.file.profile
    assert (profile.approval_code, profile.approval_date) == ("APPROVED", approved_on)
    assert (profile.max_children, profile.age_range) == (2, "5 to 12")
    assert view.label("Approval status").text() == "Approved"
    views_support.screenshot(window, "carers-04-approved")

    # The approved household's own deadlines reach the dashboard.
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=10_000):
        dashboard.refresh()
    line = dashboard.model.row_at(dashboard.model.row_of(household_id))
    open_items = {obligation for obligation, status in line.items if status != Status.DONE}
    assert open_items == {"carer_review", "tsd", "unannounced_visit"}


def test_a_withdrawal_is_recorded_with_ofsteds_reason(
    qtbot: QtBot, window: MainWindow, enquiry: tuple[Profile, uuid.UUID]
) -> None:
    _, household_id = enquiry
    view = window.open_household(household_id)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    panel = view.pipeline_panel
    view.tabs.setCurrentWidget(panel)
    qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None and dialog.mode == "withdraw"
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        dialog.save()
    assert dialog.error_text("withdrawal_reason") == "Choose why the household withdrew."
    reason = dialog.field("withdrawal_reason")
    assert isinstance(reason, QComboBox)
    reason.setCurrentIndex(reason.findData("AW4"))
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        dialog.save()
    assert panel.next_label.text().endswith(
        "Applicant was unable to continue the process for financial reasons"
    )
    assert not panel.record_button.isEnabled()
    assert view.file is not None and view.file.due == ()


def test_an_approved_household_is_deregistered_with_a_reason_and_its_deadlines_stop(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A household approved before Casebook recorded enquiries (no stages): the tab still
    offers its deregistration; without a reason the problem is beside the field; with one the
    approval ends, the page says when and why, and its carer deadlines leave the dashboard."""
    with window.store.write() as session:
        approved = factories.household(
            name="The Whitfield household",
            supervising_worker="alice",
            approval_date=clock.today() - timedelta(days=800),
            max_children=2,
        )
        session.add(approved)
        session.flush()
        household_id = approved.id
    dashboard = window.dashboard
    assert dashboard is not None
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=10_000):
        dashboard.refresh()
    assert dashboard.model.row_of(household_id) >= 0
    view = window.open_household(household_id)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    panel = view.pipeline_panel
    assert view.tabs.isTabVisible(view.tabs.indexOf(panel))
    view.tabs.setCurrentWidget(panel)
    assert panel.deregister_button.isVisible() and panel.deregister_button.isEnabled()
    qtbot.mouseClick(panel.deregister_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None and dialog.mode == "deregister"
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        dialog.save()
    assert dialog.error_text("deregistration_reason") == (
        "Choose why the household's approval ended."
    )
    reason = dialog.field("deregistration_reason")
    assert isinstance(reason, QComboBox)
    reason.setCurrentIndex(reason.findData("DR1"))
    dialog.grab().save(str(views_support.SCREENSHOTS / "carers-07-deregistration-dialog.png"))
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        dialog.save()
    assert view.file is not None and view.file.profile.approval_code == "ENDED"
    assert view.label("Approval status").text() == "Approval ended"
    assert not panel.deregister_button.isVisible()
    # The tab stays, saying when and why (the household has no stages of its own).
    assert view.tabs.isTabVisible(view.tabs.indexOf(panel))
    assert panel.next_label.text() == (f"Approval ended on {clock.today():%d %b %Y}: Retirement")
    views_support.screenshot(window, "carers-08-deregistered")
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=10_000):
        dashboard.refresh()
    row = dashboard.model.row_of(household_id)
    open_items = (
        {o for o, status in dashboard.model.row_at(row).items if status != Status.DONE}
        if row >= 0
        else set()
    )
    assert open_items == set()


def test_a_connected_persons_temporary_approval_is_extended_from_the_household_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A connected person temporarily approved 15 weeks ago: the page says their full
    assessment must be decided before the 16 weeks end; the extension dialog asks for the
    panel's views and the nominated officer (problems beside the fields), then the end moves."""
    today = clock.today()
    household_id = carer_pipeline.start_connected(
        window.store,
        name="The Boateng household",
        supervising_worker="alice",
        viability_date=today - timedelta(weeks=15, days=3),
        temporary_approval_date=today - timedelta(weeks=15),
    )
    view = window.open_household(household_id)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    panel = view.pipeline_panel
    view.tabs.setCurrentWidget(panel)
    ends = today + timedelta(weeks=1)
    assert panel.next_label.text() == (
        "Next: Stage 1: checks and references complete; decide before the temporary approval"
        f" ends on {ends:%d %b %Y} (Due soon)"
    )
    assert panel.extend_button.isVisible() and panel.extend_button.isEnabled()
    qtbot.mouseClick(panel.extend_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None and dialog.mode == "extend"
    until = dialog.field("temporary_extension_until")
    assert isinstance(until, QDateEdit)
    latest = today + timedelta(weeks=9)  # 24 weeks from the temporary approval
    assert until.maximumDate() == qdate(latest) and until.date() == qdate(latest)
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        dialog.save()
    assert dialog.error_text("extension_panel_view") == "Record the panel's views."
    assert dialog.error_text("extension_decided_by") == (
        "Name the nominated officer who approved it."
    )
    views = dialog.field("extension_panel_view")
    officer = dialog.field("extension_decided_by")
    assert isinstance(views, QPlainTextEdit) and isinstance(officer, QLineEdit)
    views.setPlainText("The panel supports a short extension to finish the Form C.")
    qtbot.keyClicks(officer, "Jo Ward, nominated officer")
    dialog.grab().save(str(views_support.SCREENSHOTS / "carers-05-extension-dialog.png"))
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        dialog.save()
    assert panel.next_label.text().endswith(f"ends on {latest:%d %b %Y} (Upcoming)")
    assert not panel.extend_button.isEnabled()  # once only
    qtbot.waitUntil(
        lambda: (
            panel.temporary_label.height()
            >= panel.temporary_label.heightForWidth(panel.temporary_label.width())
        )
    )  # the new second line laid out
    views_support.screenshot(window, "carers-06-connected-extended")
    assert view.file is not None
    assert view.file.profile.temporary_extension_until == latest


def test_a_new_enquiry_is_started_from_the_households_page_and_opens(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Without a name the problem shows beside the field; with one the household is saved,
    opens on its page with its initial visit due, and is in the list."""
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    page = window.current_page
    assert isinstance(page, HouseholdsView)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    dialog = page.new_household(ENQUIRY)
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        dialog.save()
    assert dialog.error_text("name") == "Enter a name for the household."
    dialog.grab().save(str(views_support.SCREENSHOTS / "carers-07-new-enquiry.png"))
    name = dialog.field("name")
    assert isinstance(name, QLineEdit)
    qtbot.keyClicks(name, "The Achterberg household")
    with qtbot.waitSignal(dialog.sig_created, timeout=10_000) as created:
        dialog.save()
    qtbot.waitUntil(lambda: isinstance(window.current_page, HouseholdView), timeout=10_000)
    view = window.current_page
    assert isinstance(view, HouseholdView) and view.household_id == created.args[0]
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    assert view.file is not None and view.file.profile.approval_code == "ENQUIRY"
    panel = view.pipeline_panel
    view.tabs.setCurrentWidget(panel)
    assert panel.next_label.text().startswith("Next: Initial visit, due by")
    assert "(Due soon)" in panel.next_label.text()
