"""Agreed actions through the real widgets against the real store: add from a child's case and
from a carer household's page, change, pass to someone else and mark done with a note; each
change one save, refused in plain words beside the field (cleared as soon as it is fixed), and
followed by the case's Due tab."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import clock
from app.models import Action
from app.store import Store
from tests.ui import views_support
from ui.views.action_dialog import ActionDialog
from ui.views.actions_panel import ActionsPanel
from ui.views.case_view import CaseView
from ui.views.common import qdate, uk_date
from ui.views.household_view import ACTIONS, HouseholdView

ACTIONS_TAB, DUE_TAB = 2, 3


@pytest.fixture
def case(qtbot: QtBot, store: Store) -> CaseView:
    child_id = views_support.child_with_history(store)
    shown = CaseView(store, child_id)
    qtbot.addWidget(shown)
    shown.resize(*views_support.SCREEN)
    shown.show()
    qtbot.waitUntil(lambda: shown.case is not None and shown.actions_panel.loaded, timeout=5000)
    shown.tabs.setCurrentIndex(ACTIONS_TAB)
    return shown


def _dialog(panel: ActionsPanel, qtbot: QtBot) -> ActionDialog:
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=2000)
    assert panel.dialog is not None
    return panel.dialog


def _save(dialog: ActionDialog, qtbot: QtBot, panel: ActionsPanel) -> None:
    with (
        qtbot.waitSignal(dialog.sig_saved, timeout=5000),
        qtbot.waitSignal(panel.sig_loaded, timeout=5000),
    ):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def _select(panel: ActionsPanel, description: str, qtbot: QtBot | None = None) -> int:
    if qtbot is not None:  # back from a dialog: the page's window takes the keys again
        panel.window().activateWindow()
        qtbot.waitUntil(panel.window().isActiveWindow, timeout=2000)
    model = panel.model
    row = next(r for r in range(model.rowCount()) if model.action_at(r).description == description)
    panel.table.setFocus()
    panel.table.selectRow(row)
    return row


def _stored(store: Store, description: str) -> Action:
    with store.read() as session:
        found = session.scalars(select(Action).where(Action.description == description)).one()
        session.expunge(found)
        return found


def test_add_an_action_on_a_childs_case(case: CaseView, qtbot: QtBot, store: Store) -> None:
    """Empty fields are named beside themselves in plain English and clear as the worker types;
    the saved action is on the Actions tab, selected, and on the Due tab as an agreed action."""
    panel = case.actions_panel
    qtbot.keyClick(case, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    dialog = _dialog(panel, qtbot)
    description = dialog.field("description")
    assert isinstance(description, QPlainTextEdit)
    qtbot.waitUntil(description.hasFocus, timeout=2000)
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("description") == "Describe the action."
    assert dialog.error_text("owner") == "Say who is responsible for the action."
    assert dialog.isVisible()
    qtbot.keyClicks(description, "Ask the dentist for a check-up appointment")
    assert dialog.error_text("description") == "" and dialog.error_text("owner")
    owner = dialog.field("owner")
    assert isinstance(owner, QComboBox)
    qtbot.keyClicks(owner.lineEdit(), "Sandra Whitfield")
    due = dialog.field("due_date")
    assert isinstance(due, QDateEdit)
    due.setDate(qdate(clock.today() + timedelta(days=10)))
    _save(dialog, qtbot, panel)
    assert panel.dialog is None  # closed (and gone)
    stored = _stored(store, "Ask the dentist for a check-up appointment")
    assert (stored.owner, stored.due_date, stored.child_id) == (
        "Sandra Whitfield",
        clock.today() + timedelta(days=10),
        case.child_id,
    )
    row = panel.table.currentIndex().row()
    assert panel.model.action_at(row).action_id == stored.id
    qtbot.waitUntil(
        lambda: any(
            case.due_model.item_at(r).title
            == "Action: Ask the dentist for a check-up appointment (Sandra Whitfield)"
            for r in range(case.due_model.rowCount())
        ),
        timeout=5000,
    )


def test_change_hand_over_and_mark_done_with_a_note(
    case: CaseView, qtbot: QtBot, store: Store
) -> None:
    """Edit re-words and re-dates; Pass to someone else changes only who; Mark done records the
    day and the note, which the Actions tab shows, and the action leaves the Due tab."""
    panel = case.actions_panel
    _select(panel, "Book a dental check-up")
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(panel, qtbot)
    description = dialog.field("description")
    assert isinstance(description, QPlainTextEdit)
    description.selectAll()
    qtbot.keyClicks(description, "Book a dental check-up and an eye test")
    due = dialog.field("due_date")
    assert isinstance(due, QDateEdit)
    due.setDate(qdate(clock.today() + timedelta(days=5)))
    _save(dialog, qtbot, panel)
    changed = _stored(store, "Book a dental check-up and an eye test")
    assert changed.due_date == clock.today() + timedelta(days=5) and changed.owner == "alice"

    _select(panel, "Book a dental check-up and an eye test", qtbot)
    qtbot.keyClick(case, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    dialog = _dialog(panel, qtbot)
    owner = dialog.field("owner")
    assert isinstance(owner, QComboBox)
    qtbot.waitUntil(owner.hasFocus, timeout=2000)
    owner.lineEdit().selectAll()
    qtbot.keyClick(owner.lineEdit(), Qt.Key.Key_Delete)
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("owner") == "Say who is responsible for the action."
    qtbot.keyClicks(owner.lineEdit(), "Mike Whitfield")
    assert dialog.error_text("owner") == ""
    _save(dialog, qtbot, panel)
    handed = _stored(store, "Book a dental check-up and an eye test")
    assert (handed.owner, handed.due_date) == ("Mike Whitfield", changed.due_date)

    row = _select(panel, "Book a dental check-up and an eye test")
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(panel, qtbot)
    note = dialog.field("completion_note")
    assert isinstance(note, QPlainTextEdit)
    qtbot.waitUntil(note.hasFocus, timeout=2000)
    qtbot.keyClicks(note, "Both booked for Friday after school.")
    _save(dialog, qtbot, panel)
    done = _stored(store, "Book a dental check-up and an eye test")
    assert (done.completed_date, done.completion_note) == (
        clock.today(),
        "Both booked for Friday after school.",
    )
    row = panel.model.row_of(done.id)
    assert panel.model.index(row, 3).data() == (
        f"Done {uk_date(clock.today())}: Both booked for Friday after school."
    )
    assert not panel.done_button.isEnabled() and not panel.edit_button.isEnabled()
    qtbot.waitUntil(
        lambda: (
            case.case is not None
            and not any("eye test" in i.title for i in case.case.due)
            and case.tabs.tabText(ACTIONS_TAB).replace("&", "") == "Actions (1 open)"
        ),
        timeout=5000,
    )


def test_an_action_agreed_at_a_review_keeps_its_words(qtbot: QtBot, store: Store) -> None:
    """The dialog shows a review's action's words read-only and says why; its date can move."""
    from app.services import reviews
    from app.services.reviews import ActionLine, ReviewFields

    child_id = views_support.child_with_history(store)
    line = ActionLine(uuid.uuid4(), "Ring school", "Sam", clock.today() + timedelta(days=5))
    reviews.save_draft(
        store,
        review_id=uuid.uuid4(),
        child_id=child_id,
        household_id=None,
        values=ReviewFields(review_date=clock.today() - timedelta(days=2), actions=(line,)),
    )
    panel = ActionsPanel(store, child_id=child_id)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.loaded, timeout=5000)
    _select(panel, "Ring school")
    dialog = panel.open_dialog("edit")
    assert dialog is not None
    description = dialog.field("description")
    assert isinstance(description, QPlainTextEdit) and description.isReadOnly()
    qtbot.waitUntil(dialog.field("owner").hasFocus, timeout=2000)
    due = dialog.field("due_date")
    assert isinstance(due, QDateEdit)
    due.setDate(qdate(clock.today() + timedelta(days=12)))
    _save(dialog, qtbot, panel)
    kept = _stored(store, "Ring school")
    assert kept.due_date == clock.today() + timedelta(days=12)


def test_a_households_own_actions(qtbot: QtBot, store: Store) -> None:
    """A household's page has its own actions: one added there is the household's, and its Due
    tab lists it."""
    ids = views_support.carer_households(store)
    view = HouseholdView(store, ids["Whitfield"])
    qtbot.addWidget(view)
    view.resize(*views_support.SCREEN)
    view.show()
    panel = view.actions_panel
    qtbot.waitUntil(lambda: panel.loaded, timeout=5000)
    view.tabs.setCurrentIndex(ACTIONS)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(panel, qtbot)
    qtbot.keyClicks(dialog.field("description"), "Send the TSD workbook")
    owner = dialog.field("owner")
    assert isinstance(owner, QComboBox)
    qtbot.keyClicks(owner.lineEdit(), "bob")
    due = dialog.field("due_date")
    assert isinstance(due, QDateEdit)
    due.setDate(qdate(clock.today() + timedelta(days=20)))
    _save(dialog, qtbot, panel)
    stored = _stored(store, "Send the TSD workbook")
    assert (stored.household_id, stored.child_id) == (ids["Whitfield"], None)
    assert [panel.model.action_at(r).owner for r in range(panel.model.rowCount())] == ["bob"]
    qtbot.waitUntil(
        lambda: (
            view.file is not None
            and any(i.title == "Action: Send the TSD workbook (bob)" for i in view.file.due)
        ),
        timeout=5000,
    )
    views_support.screenshot(view, "household-follow-up-actions")


def test_action_screenshots(case: CaseView, qtbot: QtBot) -> None:
    """The Actions tab and the add and mark-done dialogs at 1366x768, with a problem showing."""
    panel = case.actions_panel
    _select(panel, "Book a dental check-up")
    views_support.screenshot(case, "case-actions")
    dialog = panel.open_dialog("add")
    assert dialog is not None
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    dialog.grab().save(str(views_support.SCREENSHOTS / "action-add-problems.png"))
    dialog.reject()
    dialog = panel.open_dialog("done")
    assert dialog is not None
    qtbot.keyClicks(dialog.field("completion_note"), "Booked for Friday after school.")
    dialog.grab().save(str(views_support.SCREENSHOTS / "action-done.png"))
    dialog.reject()
