"""A child's Due tab: every statutory item and agreed action, its date, status and regulation,
as the rule table gives them, read off the GUI thread with the rest of the case."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import clock
from app.deadlines.from_store import caseload_deadlines
from app.models import Action, LegalStatus, Placement
from app.store import Store
from tests.app import factories
from tests.ui import views_support
from ui.models.due_model import UNVERIFIED_WORDS, DueModel
from ui.models.due_model import Column as D
from ui.views.case_view import CaseView
from ui.views.common import uk_date

DUE_TAB = 3


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    """A child on a care order placed five days ago with family friends who are only
    temporarily approved (reg 24), not yet visited, with one overdue action."""
    today = clock.today()
    placed = today - timedelta(days=5)
    with store.write() as session:
        household = factories.household(
            name="The Okafor household",
            carer_type="CONNECTED_PERSON",
            approval_status="TEMPORARY",
            approval_date=None,
            temporary_approval_date=placed,
        )
        child = factories.child(given_name="Jo", family_name="Reid")
        session.add_all([household, child])
        session.flush()
        session.add_all(
            [
                LegalStatus(child_id=child.id, code="C2", start_date=placed),
                Placement(
                    child_id=child.id,
                    household_id=household.id,
                    placement_type="U3",
                    start_date=placed,
                ),
                Action(
                    child_id=child.id,
                    description="Ask the school for Jo's attendance record",
                    owner="alice",
                    due_date=today - timedelta(days=1),
                ),
            ]
        )
    return child.id


@pytest.fixture
def view(qtbot: QtBot, store: Store, child_id: uuid.UUID) -> CaseView:
    shown = CaseView(store, child_id)
    qtbot.addWidget(shown)
    shown.resize(*views_support.SCREEN)
    shown.show()
    qtbot.waitUntil(lambda: shown.case is not None, timeout=5000)
    return shown


def _rows(model: DueModel) -> dict[str, tuple[str, ...]]:
    return {
        model.index(r, D.WHAT).data(): tuple(
            model.index(r, c).data() for c in range(model.columnCount())
        )
        for r in range(model.rowCount())
    }


def test_due_tab_lists_every_item_with_its_regulation(
    view: CaseView, store: Store, child_id: uuid.UUID
) -> None:
    """The first visit to a connected-person placement is the weekly reg 28(4) visit (not the
    default reg 28(2)(a), which gives the same date); the first review, care plan, placement
    plan and the overdue action are all there, most urgent first, exactly the engine's."""
    today = clock.today()
    view.tabs.setCurrentIndex(DUE_TAB)
    assert view.tabs.tabText(DUE_TAB).replace("&", "") == "Due (1 overdue)"
    model = view.due_model
    rows = _rows(model)
    placed = today - timedelta(days=5)
    assert rows["Weekly visit (connected-person temporary approval, or ICO at home)"] == (
        "Weekly visit (connected-person temporary approval, or ICO at home)",
        uk_date(placed + timedelta(weeks=1)),
        "Due soon",
        "Never",
        "CPPCR 2010 reg 28(4)",
    )
    assert rows["First looked-after review"][4] == "CPPCR 2010 reg 33(1)"
    assert rows["Care plan"][4] == "CPPCR 2010 reg 4(2)"
    assert rows["Placement plan"][4] == f"CPPCR 2010 reg 9 {UNVERIFIED_WORDS}"
    action = "Action: Ask the school for Jo's attendance record (alice)"
    assert rows[action][1:] == (
        uk_date(today - timedelta(days=1)),
        "Overdue",
        "Not done yet",
        "Agreed action",
    )
    assert model.index(0, D.WHAT).data() == action  # overdue first
    assert model.index(0, D.WHAT).data(Qt.ItemDataRole.FontRole).bold()
    with store.read() as session:
        engine = caseload_deadlines(session, today).children[child_id]
    assert [model.item_at(r) for r in range(model.rowCount())] == engine


def test_due_tab_follows_a_signed_off_visit(
    view: CaseView, qtbot: QtBot, store: Store, child_id: uuid.UUID
) -> None:
    """A visit signed off elsewhere is on the tab at the next load: last done today, the next
    weekly visit a week on."""
    today = clock.today()
    with store.write() as session:
        session.add(factories.finalised_visit(child_id, visit_date=today))
    with qtbot.waitSignal(view.sig_loaded, timeout=5000):
        view.refresh()
    row = next(
        r
        for r in range(view.due_model.rowCount())
        if view.due_model.item_at(r).obligation == "child_visit"
    )
    cells = [view.due_model.index(row, c).data() for c in (D.DUE, D.LAST_DONE, D.REGULATION)]
    assert cells == [uk_date(today + timedelta(weeks=1)), uk_date(today), "CPPCR 2010 reg 28(4)"]


def test_due_tab_opens_with_its_mnemonic(view: CaseView, qtbot: QtBot) -> None:
    """Alt+U shows the Due tab, with focus able to reach its table."""
    qtbot.keyClick(view, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert view.tabs.currentIndex() == DUE_TAB
    assert view.due_table.isVisible()


def test_due_model_passes_qt_model_checks(qtmodeltester: object, view: CaseView) -> None:
    """The due model keeps Qt's model contract."""
    case = view.case
    assert case is not None and case.due
    model = DueModel()
    model.set_items(case.due)
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_due_tab_screenshot(view: CaseView) -> None:
    """The Due tab at the laptop's 1366x768."""
    view.tabs.setCurrentIndex(DUE_TAB)
    views_support.screenshot(view, "case-view-due")


def test_enter_on_a_due_item_starts_what_meets_it(
    view: CaseView, qtbot: QtBot, child_id: uuid.UUID
) -> None:
    """Enter on the weekly visit asks for a new visit; on the first review, a new review; on the
    action, the Actions tab opens with that action selected."""
    view.tabs.setCurrentIndex(DUE_TAB)
    model, table = view.due_model, view.due_table
    rows = {model.item_at(r).obligation: r for r in range(model.rowCount())}
    table.setFocus()
    table.selectRow(rows["child_visit"])
    with qtbot.waitSignal(view.sig_record_visit, timeout=2000) as asked:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert asked.args == [child_id]
    table.selectRow(rows["child_review"])
    with qtbot.waitSignal(view.sig_record_review, timeout=2000) as asked:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert asked.args == [child_id]
    qtbot.waitUntil(lambda: view.actions_panel.loaded, timeout=5000)
    action = next(o for o in rows if o.startswith("action:"))
    table.selectRow(rows[action])
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert view.tabs.currentWidget() is view.actions_panel.parentWidget()
    chosen = view.actions_panel.model.action_at(view.actions_panel.table.currentIndex().row())
    assert chosen.description == "Ask the school for Jo's attendance record"
