"""The Approvals page against the live service: a worker's finalised assessment reaches the
manager's laptop, the manager approves it (or returns it with comments) on the page, and the
worker's laptop receives the approval with the manager's name (or the action with the
comments, and the oversight note) at its next sync."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import approvals
from app.models import Action, Assessment, CaseNote, Child
from app.services import assessments
from tests.app.test_assessments_service import V1
from tests.server.conftest import LiveServer
from tests.ui import manager_support, page_walk, sync_support
from ui import tasks
from ui.main_window import MainWindow
from ui.views.approvals import ApprovalsView, CommentDialog
from ui.views.assessment_form import AssessmentForm


@pytest.fixture
def team(server: LiveServer, tmp_path: Path) -> Iterator[manager_support.Team]:
    """The worker has finalised an assessment, and the manager's laptop has synced it."""
    made = manager_support.team(server, tmp_path, children=1)
    with made.worker.store.read() as session:
        child_id = session.scalars(select(Child.id)).one()
    assessments.finalise(
        made.worker.store,
        assessment_id=uuid.uuid4(),
        template_id="child_asset_based",
        template_version=1,
        child_id=child_id,
        household_id=None,
        answers=V1,
    )
    made.worker.sync()
    made.manager.sync()
    yield made
    made.manager.close()
    made.worker.close()


def _page(qtbot: QtBot, server: LiveServer, team: manager_support.Team) -> ApprovalsView:
    window = MainWindow(
        team.manager.store,
        sync_support.settings_for(server),
        manager_support.profile_of(team.manager),
        sync_factory=manager_support.quiet_sync,
    )
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    [action] = [a for a in window.actions() if a.objectName() == "ApprovalsAction"]
    action.trigger()
    page = window.current_page
    assert isinstance(page, ApprovalsView)
    qtbot.waitUntil(lambda: len(page.items) == 1 and not tasks.busy(), timeout=10_000)
    return page


def _worker_assessment(team: manager_support.Team) -> Assessment:
    with team.worker.store.read() as session:
        return session.scalars(select(Assessment)).one()


def test_the_manager_approves_and_the_worker_sees_who_approved(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    page = _page(qtbot, server, team)
    [item] = page.items
    assert item.finalised_by == team.worker.user and item.kind == "assessment"
    # People by name: the service sent the names behind the ids at the manager's first sync.
    assert page.table.item(0, 3).text() == item.finalised_by_name == team.worker.user.title()
    assert page_walk.clashes(page.window()) == {}
    manager_support.shoot(page.window(), "approvals-page")
    # Opening the record shows the assessment itself, with the manager's Approve button.
    page.select(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    window = page.window()
    assert isinstance(window, MainWindow)
    form = window.current_page
    assert isinstance(form, AssessmentForm)
    window.back()
    page.select(0)
    dialog = page.approve_selected()
    assert isinstance(dialog, CommentDialog)
    qtbot.keyClicks(dialog.comments, "Strong analysis; agreed.")
    manager_support.shoot(dialog, "approvals-approve-dialog")
    with qtbot.waitSignal(page.sig_saved, timeout=10_000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.items == [] and not tasks.busy(), timeout=10_000)
    assert "reaches the worker at the next sync" in page.message.text()

    team.manager.sync()
    team.worker.sync()
    approved = _worker_assessment(team)
    assert approved.status == "approved" and approved.approved_by == team.manager.user
    with team.worker.store.read() as session:
        [note] = session.scalars(select(CaseNote))
    assert note.text == "Strong analysis; agreed." and note.finalised_by == team.manager.user


def test_the_manager_returns_it_and_the_worker_gets_an_action(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    page = _page(qtbot, server, team)
    page.select(0)
    dialog = page.return_selected()
    assert isinstance(dialog, CommentDialog)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # no comments: refused, stays open
    assert dialog.isVisible() and "Say what needs to change" in dialog.error.text()
    qtbot.keyClicks(dialog.comments, "Add her views in her own words.")
    manager_support.shoot(dialog, "approvals-return-dialog")
    with qtbot.waitSignal(page.sig_saved, timeout=10_000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: not tasks.busy() and page.items and page.items[0].returned_on is not None,
        timeout=10_000,
    )
    assert page.table.item(0, 5).text().startswith("Returned")
    manager_support.shoot(page.window(), "approvals-returned")

    team.manager.sync()
    team.worker.sync()
    assert _worker_assessment(team).status == "finalised"
    with team.worker.store.read() as session:
        [action] = session.scalars(select(Action))
        [note] = session.scalars(select(CaseNote))
    assert action.owner == team.worker.user.title() and action.completed_date is None
    assert "Add her views in her own words." in action.description
    assert note.kind == approvals.oversight_kind() and note.finalised_by == team.manager.user
