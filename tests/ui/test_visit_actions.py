"""A visit's "Actions agreed" becomes tracked actions, each with an owner and a due date,
through the real visit form against the real store: listed on the visit, on the child's case
and on the dashboard, and still there when the visit is opened again."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app import clock
from app.dashboard import build
from app.services import actions
from app.store import Store
from tests.ui import views_support
from ui.views.actions_panel import ActionsPanel
from ui.views.common import qdate
from ui.views.visit_actions import untracked_lines
from ui.views.visit_form import VisitForm


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    return views_support.child_with_history(store)


@pytest.fixture
def form(qtbot: QtBot, store: Store, child_id: uuid.UUID) -> VisitForm:
    made = VisitForm(store, child_id)
    made.AUTOSAVE_MS = 100
    qtbot.addWidget(made)
    made.resize(*views_support.SCREEN)
    with qtbot.waitSignal(made.sig_ready, timeout=5000):
        made.show()
    return made


def _track(panel: ActionsPanel, qtbot: QtBot, owner: str, days: int) -> str:
    """Press "Track an action", keep the suggested words, give an owner and a date, save;
    returns the words."""
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=2000)
    dialog = panel.dialog
    assert dialog is not None
    description = dialog.field("description")
    assert isinstance(description, QPlainTextEdit)
    words = description.toPlainText()
    box = dialog.field("owner")
    assert isinstance(box, QComboBox)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), owner)
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("due_date") == "Choose the date the action is due by."
    due = dialog.field("due_date")
    assert isinstance(due, QDateEdit)
    due.setDate(qdate(clock.today() + timedelta(days=days)))
    assert dialog.error_text("due_date") == ""
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return words


def test_actions_agreed_become_tracked_actions(
    form: VisitForm, qtbot: QtBot, store: Store, child_id: uuid.UUID
) -> None:
    """Until the draft is saved nothing can be tracked; then each line of "Actions agreed" is
    offered in turn, needs an owner and a due date, and is the child's action on the visit,
    the case and the dashboard."""
    panel = form.tracked_actions.panel
    assert not panel.add_button.isEnabled()
    agreed = form.field("actions_agreed")
    agreed.setFocus()
    with qtbot.waitSignal(form.sig_saved, timeout=5000):
        qtbot.keyClicks(agreed, "- Ask the GP for a health review")
    qtbot.waitUntil(panel.add_button.isEnabled, timeout=2000)
    assert isinstance(agreed, QPlainTextEdit)
    agreed.appendPlainText("- Carers to fit a bed guard")
    first = _track(panel, qtbot, "alice", 14)
    second = _track(panel, qtbot, "Sandra Whitfield", 7)
    assert (first, second) == ("Ask the GP for a health review", "Carers to fit a bed guard")
    listed = actions.for_visit(store, visit_id=form.visit_id)
    assert [(a.description, a.owner, a.due, a.source) for a in listed.open] == [
        (
            "Carers to fit a bed guard",
            "Sandra Whitfield",
            clock.today() + timedelta(days=7),
            "Agreed at a visit",
        ),
        (
            "Ask the GP for a health review",
            "alice",
            clock.today() + timedelta(days=14),
            "Agreed at a visit",
        ),
    ]
    assert panel.model.rowCount() == 2
    case = actions.list_for(store, child_id=child_id)
    assert {a.description for a in case.open} >= {first, second}
    row = next(r for r in build(store, clock.today()).children if r.child_id == child_id)
    titles = {i.title for i in row.items}
    assert "Action: Carers to fit a bed guard (Sandra Whitfield)" in titles
    assert "Action: Ask the GP for a health review (alice)" in titles


def test_a_saved_visit_lists_its_actions_when_opened_again(
    form: VisitForm, qtbot: QtBot, store: Store, child_id: uuid.UUID
) -> None:
    """Opened again, the visit shows what was tracked, and more can be added at once."""
    agreed = form.field("actions_agreed")
    agreed.setFocus()
    with qtbot.waitSignal(form.sig_saved, timeout=5000):
        qtbot.keyClicks(agreed, "Book a review of contact")
    qtbot.waitUntil(form.tracked_actions.panel.add_button.isEnabled, timeout=2000)
    _track(form.tracked_actions.panel, qtbot, "alice", 3)
    again = VisitForm(store, child_id, form.visit_id)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.sig_ready, timeout=5000):
        again.show()
    panel = again.tracked_actions.panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    assert panel.add_button.isEnabled()
    assert panel.model.action_at(0).description == "Book a review of contact"


def test_only_untracked_lines_are_offered() -> None:
    """List markers go; a line already tracked (whatever its spacing or case) is not offered."""
    agreed = "1. Ring school\n- Book  dentist\n\n• Send photos"
    assert untracked_lines(agreed, ["book dentist"]) == ["Ring school", "Send photos"]


def test_visit_actions_screenshot(form: VisitForm, qtbot: QtBot) -> None:
    """The visit form with two tracked actions, at 1366x768."""
    agreed = form.field("actions_agreed")
    agreed.setFocus()
    with qtbot.waitSignal(form.sig_saved, timeout=5000):
        qtbot.keyClicks(agreed, "- Ask the GP for a health review")
    qtbot.waitUntil(form.tracked_actions.panel.add_button.isEnabled, timeout=2000)
    _track(form.tracked_actions.panel, qtbot, "alice", 14)
    form.tracked_actions.panel.table.setFocus()
    scroll = form.findChild(type(form._scroll))  # noqa: SLF001 (the page's scroll area)
    if scroll is not None:
        scroll.ensureWidgetVisible(form.tracked_actions)
    views_support.screenshot(form, "visit-form-tracked-actions")
