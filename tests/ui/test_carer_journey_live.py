"""Against the live service, two households all the way from first contact to the carer
register, through the app's own widgets:

- a mainstream enquiry started on the Carer households page, each stage recorded through the
  "Enquiry to approval" tab's dialogs, then booked for panel, recommended and approved by the
  panel administrator on the Fostering panel page, the decision reaching the assessing worker's
  laptop at its next sync;
- a connected person temporarily approved under regulation 24, the approval extended (the
  panel's views and the nominated officer), assessed, and approved the same way.

After each step the household's due item for what comes next is on the worker's dashboard.
Once approved, each household is on the register with its free place; the mainstream household
loses it when a child is placed with it (the child's placement recorded on the worker's laptop
and synced: the register follows the service's records). Last, the connected person goes back
to panel to be deregistered: the decision, with Ofsted's reason, ends their approval and takes
them off the register."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDateEdit, QLineEdit, QPlainTextEdit, QToolBar
from pytestqt.qtbot import QtBot

from app import clock
from app.deadlines.engine import Status
from app.models import Placement
from tests.app import factories
from tests.server.conftest import LiveServer, ServerFactory
from tests.sync.devices import Device
from tests.ui import manager_support, views_support
from tests.ui.test_carer_pipeline_view import _stage
from tests.ui.test_panel_flow_live import _choose, _dialog, _household, _send, _window
from ui import tasks
from ui.main_window import MainWindow
from ui.views.carer_register import CarerRegisterView
from ui.views.common import qdate
from ui.views.household_view import HouseholdView
from ui.views.households import HouseholdsView
from ui.views.new_household_dialog import CONNECTED, ENQUIRY
from ui.views.panel_page import PanelPage

SHOTS = Path("/work/notes/shots/w28-train")


@pytest.fixture
def server(server_factory: ServerFactory) -> LiveServer:
    """A service of this test's own: the fostering panel's sittings are service-wide, so this
    journey's would otherwise be on the panel page of every later test sharing the server."""
    return server_factory("sqlite")


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


def _shot(window: MainWindow, name: str) -> None:
    views_support.screenshot(window, name)
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / f"{name}.png"))
    except OSError:
        pass


def _open_items(qtbot: QtBot, window: MainWindow, household_id: uuid.UUID) -> set[str]:
    """The household's open items (obligations) as the worker's dashboard shows them."""
    dashboard = window.dashboard
    assert dashboard is not None
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=15_000):
        dashboard.refresh()
    row = dashboard.model.row_of(household_id)
    if row < 0:
        return set()
    return {o for o, status in dashboard.model.row_at(row).items if status is not Status.DONE}


def _new_household(
    qtbot: QtBot, window: MainWindow, mode: str, name: str, **days_ago: int
) -> HouseholdView:
    page = window.open_households()
    assert isinstance(page, HouseholdsView)
    dialog = page.new_household(mode)
    box = dialog.field("name")
    assert isinstance(box, QLineEdit)
    qtbot.keyClicks(box, name)
    for field, days in days_ago.items():
        when = dialog.field(field)
        assert isinstance(when, QDateEdit)
        when.setDate(qdate(clock.today() - timedelta(days=days)))
    with qtbot.waitSignal(dialog.sig_created, timeout=10_000):
        dialog.save()
    qtbot.waitUntil(lambda: isinstance(window.current_page, HouseholdView), timeout=10_000)
    view = window.current_page
    assert isinstance(view, HouseholdView)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    view.tabs.setCurrentWidget(view.pipeline_panel)
    return view


def _panel_approves(
    qtbot: QtBot,
    worker: Device,
    manager: Device,
    page: PanelPage,
    household_id: uuid.UUID,
    window: MainWindow,
    approval_type: str,
) -> None:
    """The panel administrator books the household for today's panel (the worker's dashboard
    then has the panel due today), records the panel's recommendation (the decision is then
    due) and the agency decision maker's approval for one child aged 0 to 10."""
    assert worker.sync().ok and manager.sync().ok
    page.refresh()
    qtbot.waitUntil(lambda: page.live and not tasks.busy(), timeout=20_000)
    if page.meeting() is None:
        dialog = _dialog(qtbot, page, "New panel date")
        _send(qtbot, page, dialog)
    dialog = _dialog(qtbot, page, "Book a household")
    _choose(dialog, "household_id", str(household_id))
    _choose(dialog, "kind", "APPROVAL")
    _send(qtbot, page, dialog)
    assert worker.sync().ok
    assert "fostering_panel" in _open_items(qtbot, window, household_id)

    _pick(page, household_id)
    dialog = _dialog(qtbot, page, "Record the recommendation")
    _choose(dialog, "recommendation", "APPROVE")
    notes = dialog.field("notes")
    assert isinstance(notes, QPlainTextEdit)
    notes.setPlainText("Recommended unanimously.")
    _send(qtbot, page, dialog)
    assert worker.sync().ok
    assert "agency_decision" in _open_items(qtbot, window, household_id)

    _pick(page, household_id)
    dialog = _dialog(qtbot, page, "Record the decision")
    _choose(dialog, "decision", "APPROVE")
    _choose(dialog, "approval_type", approval_type)
    by = dialog.field("decided_by")
    assert isinstance(by, QLineEdit)
    by.setText("Dana Okoro, agency decision maker")
    for field, value in (("max_children", 1), ("age_range_min", 0), ("age_range_max", 10)):
        spin = dialog.field(field)
        spin.setValue(value)  # type: ignore[attr-defined]
    _send(qtbot, page, dialog)
    assert worker.sync().ok


def _pick(page: PanelPage, household_id: uuid.UUID, kind: str = "APPROVAL") -> None:
    """Choose the household's item on the chosen panel date (the page chooses the first)."""
    meeting = page.meeting()
    assert meeting is not None
    page.choose(
        page.meetings_table.currentIndex().row(),
        next(
            n
            for n, i in enumerate(meeting.items)
            if i.household_id == household_id and i.kind == kind
        ),
    )


def _register_row(qtbot: QtBot, window: MainWindow, name: str, **search: object) -> int | None:
    """Open the carer register, search, and give the household's row (None: not shown)."""
    bar = window.findChild(QToolBar, "Navigation")
    assert isinstance(bar, QToolBar)
    [action] = [a for a in bar.actions() if a.text() == "Carer r&egister"]
    action.trigger()
    page = window.current_page
    assert isinstance(page, CarerRegisterView)
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded and not tasks.busy(), timeout=30_000)
    page.search(
        age=search.get("age"),  # type: ignore[arg-type]
        approval_type=search.get("approval_type"),  # type: ignore[arg-type]
        vacant_only=bool(search.get("vacant_only")),
    )
    rows = [n for n, entry in enumerate(page.shown()) if entry.name == name]
    return rows[0] if rows else None


def test_an_enquiry_and_a_connected_person_reach_approval_and_the_register(
    qtbot: QtBot, server: LiveServer, people: tuple[Device, Device]
) -> None:
    worker, manager = people
    today = clock.today()
    tag = server.unique("").strip("-")[:4]
    window = _window(qtbot, server, worker)
    admin = _window(qtbot, server, manager)

    # ---- A mainstream enquiry, 200 days ago, from the Carer households page.
    name = f"The Adebayo household {tag}"
    view = _new_household(qtbot, window, ENQUIRY, name, enquiry_date=200)
    household_id = view.household_id
    assert _open_items(qtbot, window, household_id) == {"initial_visit"}
    _shot(window, "journey-01-enquiry")
    window.open_household(household_id)
    for days, expected in (
        (190, set()),  # visited: the application has no deadline of its own
        (180, {"assessment_stage1", "assessment_stage2", "fostering_panel"}),
        (120, {"assessment_stage2", "fostering_panel"}),
        (40, {"fostering_panel"}),
    ):
        view = _household(qtbot, window, household_id)
        _stage(qtbot, view, days)
        assert _open_items(qtbot, window, household_id) == expected, days
    _shot(window, "journey-02-assessed")

    page = admin.open_panel()
    assert isinstance(page, PanelPage)
    _panel_approves(qtbot, worker, manager, page, household_id, window, "SHORT_TERM")
    view = _household(qtbot, window, household_id)
    assert view.file is not None and view.file.profile.approval_code == "APPROVED"
    assert view.file.profile.max_children == 1
    assert _open_items(qtbot, window, household_id) == {"carer_review", "tsd", "unannounced_visit"}
    _shot(window, "journey-03-approved")

    row = _register_row(qtbot, window, name, age=4, approval_type="SHORT_TERM", vacant_only=True)
    assert row is not None
    register = window.current_page
    assert isinstance(register, CarerRegisterView)
    assert register.cell(row, "Free places") == "1"
    _shot(window, "journey-04-register-vacancy")

    # A child placed with the household today: its one place is taken.
    with worker.store.write() as session:
        child = factories.child(allocated_worker=worker.user, given_name="Tayo")
        session.add(child)
        session.flush()
        session.add(
            Placement(
                child_id=child.id, household_id=household_id, placement_type="U4", start_date=today
            )
        )
    assert worker.sync().ok
    assert _register_row(qtbot, window, name, vacant_only=True) is None
    row = _register_row(qtbot, window, name)
    assert row is not None
    register = window.current_page
    assert isinstance(register, CarerRegisterView)
    assert register.cell(row, "Free places") == "0"
    _shot(window, "journey-05-register-place-taken")

    # ---- A connected person: viability 15 weeks and 3 days ago, temporarily approved 15
    # weeks ago; the 16 weeks end in a week.
    kin = f"The Mensah household {tag}"
    view = _new_household(
        qtbot, window, CONNECTED, kin, application_date=15 * 7 + 3, temporary_approval_date=105
    )
    kin_id = view.household_id
    assert view.file is not None and view.file.profile.approval_code == "TEMPORARY"
    # The 16 weeks' end (T1) and, unless fully approved by then, the placement's (T4a).
    assert {"temporary_approval_expiry", "temporary_placement_end"} <= _open_items(
        qtbot, window, kin_id
    )
    expiry = view.file.item("temporary_approval_expiry")
    assert expiry is not None and (expiry.rule_ref, expiry.due) == ("T1", today + timedelta(7))
    view = _household(qtbot, window, kin_id)
    panel = view.pipeline_panel
    assert panel.extend_button.isEnabled()
    panel.extend_button.click()
    dialog = panel.dialog
    assert dialog is not None and dialog.mode == "extend"
    views_field = dialog.field("extension_panel_view")
    officer = dialog.field("extension_decided_by")
    assert isinstance(views_field, QPlainTextEdit) and isinstance(officer, QLineEdit)
    views_field.setPlainText("The panel supports eight more weeks to finish the Form C.")
    qtbot.keyClicks(officer, "Jo Ward, nominated officer")
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        dialog.save()
    view = _household(qtbot, window, kin_id)
    assert view.file is not None
    extended = view.file.item("temporary_approval_expiry")
    assert extended is not None and (extended.rule_ref, extended.due) == (
        "T2",
        today + timedelta(weeks=9),
    )
    assert "temporary_approval_expiry" in _open_items(qtbot, window, kin_id)
    _shot(window, "journey-06-connected-extended")
    for days in (30, 7):  # stage 1, then the Form C assessment (stage 2)
        view = _household(qtbot, window, kin_id)
        _stage(qtbot, view, days)
        assert "temporary_approval_expiry" in _open_items(qtbot, window, kin_id)

    _panel_approves(qtbot, worker, manager, page, kin_id, window, "CONNECTED_PERSON")
    view = _household(qtbot, window, kin_id)
    assert view.file is not None and view.file.profile.approval_code == "APPROVED"
    # Approved: the temporary approval's end is no longer due; the carers' own items are.
    assert _open_items(qtbot, window, kin_id) == {"carer_review", "tsd", "unannounced_visit"}
    _shot(window, "journey-07-connected-approved")
    row = _register_row(qtbot, window, kin, approval_type="CONNECTED_PERSON", vacant_only=True)
    assert row is not None
    register = window.current_page
    assert isinstance(register, CarerRegisterView)
    assert register.cell(row, "Free places") == "1"
    _shot(window, "journey-08-register-connected")

    # ---- Deregistration after panel: the connected person's child stays under a special
    # guardianship order, so their approval ends; the decision needs Ofsted's reason.
    assert worker.sync().ok and manager.sync().ok
    page.refresh()
    qtbot.waitUntil(lambda: page.live and not tasks.busy(), timeout=20_000)
    dialog = _dialog(qtbot, page, "Book a household")
    _choose(dialog, "household_id", str(kin_id))
    _choose(dialog, "kind", "DEREGISTRATION")
    _send(qtbot, page, dialog)
    _pick(page, kin_id, "DEREGISTRATION")
    dialog = _dialog(qtbot, page, "Record the recommendation")
    _choose(dialog, "recommendation", "APPROVE")
    _send(qtbot, page, dialog)
    _pick(page, kin_id, "DEREGISTRATION")
    dialog = _dialog(qtbot, page, "Record the decision")
    _choose(dialog, "decision", "APPROVE")
    with qtbot.waitSignal(dialog.sig_failed, timeout=20_000):
        dialog.save()
    assert dialog.error_text("deregistration_reason") == (
        "Choose why the household's approval ended."
    )
    box = dialog.field("decision")
    assert box.currentText() == "Agreed: the approval ends"  # type: ignore[attr-defined]
    _choose(dialog, "deregistration_reason", "DR5")
    dialog.grab().save(str(SHOTS / "journey-09-deregistration-decision.png"))
    _send(qtbot, page, dialog)
    _pick(page, kin_id, "DEREGISTRATION")
    row = page.items_table.currentIndex().row()
    decided = page.items_table.model().index(row, 4).data()
    assert decided.startswith(f"Agreed: the approval ends on {today:%d %b %Y}"), decided
    assert worker.sync().ok
    view = _household(qtbot, window, kin_id)
    assert view.file is not None and view.file.profile.approval_code == "ENDED"
    assert view.file.pipeline is not None
    assert view.file.pipeline.outcome_words.startswith(
        f"Approval ended on {today:%d %b %Y}: Child or children stayed with the carer"
    )
    assert _open_items(qtbot, window, kin_id) == set()
    _shot(window, "journey-10-connected-deregistered")
    assert _register_row(qtbot, window, kin) is None
