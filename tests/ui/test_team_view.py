"""The Team page against the live service: a manager's window gets the Team command, the page
shows each worker's figures from the service, opens a child from this laptop's store,
reallocates a case within the team (the worker's laptops follow at their next sync), and
offline shows the last figures kept, marked as of when the service worked them out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QToolBar
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import clock
from app.models import Child, LegalStatus
from app.settings import Settings
from sync import team as team_sync
from tests.app import factories
from tests.server.conftest import LiveServer
from tests.ui import manager_support, page_walk, sync_support
from ui import tasks
from ui.main_window import MainWindow
from ui.views.case_view import CaseView
from ui.views.common import uk_date
from ui.views.household_view import HouseholdView
from ui.views.team import ReallocateDialog, TeamView


@pytest.fixture
def team(server: LiveServer, tmp_path: Path) -> Iterator[manager_support.Team]:
    made = manager_support.team(server, tmp_path)
    yield made
    made.manager.close()
    made.worker.close()


def _window(qtbot: QtBot, device: manager_support.Device, server: LiveServer) -> MainWindow:
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


def _team_page(qtbot: QtBot, window: MainWindow) -> TeamView:
    bar = window.findChild(QToolBar, "Navigation")
    assert isinstance(bar, QToolBar)
    [action] = [a for a in bar.actions() if a.objectName() == "TeamAction"]
    action.trigger()
    page = window.current_page
    assert isinstance(page, TeamView)
    qtbot.waitUntil(lambda: page.overview is not None and not tasks.busy(), timeout=30_000)
    return page


def _child_ids(device: manager_support.Device) -> set[object]:
    with device.store.read() as session:
        return set(session.scalars(select(Child.id)))


def test_the_team_page_shows_each_worker_and_opens_a_child(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    window = _window(qtbot, team.manager, server)
    page = _team_page(qtbot, window)
    assert page.live and "Figures from the service, as of" in page.status_label.text()
    rows = {
        page.workers_table.item(r, 0).text(): [
            page.workers_table.item(r, c).text() for c in range(1, 8)
        ]
        for r in range(page.workers_table.rowCount())
    }
    worker_name = team.worker.user.title()
    names = {team.worker.user, team.other_worker, team.manager.user}
    assert set(rows) == {name.title() for name in names}
    assert rows[worker_name][0] == "3"  # children
    assert "worker-laptop" in rows[worker_name][6]  # the laptop and when it was last in touch
    assert rows[team.other_worker.title()][0] == "0"
    assert len(page.shown_cases()) == 3
    assert page_walk.clashes(window) == {}  # Alt letters mean one thing with Team on show
    manager_support.shoot(window, "team-page")

    # Choosing a worker narrows the cases to theirs.
    page.choose_worker(team.other_worker)
    assert page.shown_cases() == []
    page.choose_worker(None)
    first = page.shown_cases()[0]
    page.cases_table.setCurrentCell(0, 0)
    qtbot.keyClick(page.cases_table, Qt.Key.Key_Return)
    case = window.current_page
    assert isinstance(case, CaseView)
    qtbot.waitUntil(lambda: case.case is not None, timeout=10_000)
    assert case.case is not None and case.case.profile.child_id == first.subject_id
    window.back()
    assert window.current_page is page


def test_a_manager_reallocates_a_child_and_the_laptops_follow(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    window = _window(qtbot, team.manager, server)
    page = _team_page(qtbot, window)
    moving = page.shown_cases()[0]
    page.cases_table.setCurrentCell(0, 0)
    assert page.reallocate_button.isEnabled()
    qtbot.mouseClick(page.reallocate_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(ReallocateDialog)
    assert isinstance(dialog, ReallocateDialog)
    dialog.worker_box.setCurrentIndex(dialog.worker_box.findData(team.other_worker))
    manager_support.shoot(dialog, "team-reallocate-dialog")
    ok = [b for b in dialog.findChildren(QPushButton) if b.text() == "&Reallocate"][0]
    with qtbot.waitSignal(page.sig_reallocated, timeout=30_000):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            not tasks.busy()
            and any(
                c.subject_id == moving.subject_id and c.worker == team.other_worker
                for c in page.shown_cases()
            )
        ),
        timeout=30_000,
    )
    # The worker's laptop gives the child up at its next sync.
    assert moving.subject_id in _child_ids(team.worker)
    team.worker.sync()
    assert moving.subject_id not in _child_ids(team.worker)


def test_offline_the_page_shows_the_last_figures_as_of_their_time(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    window = _window(qtbot, team.manager, server)
    page = _team_page(qtbot, window)
    as_of = page.overview.as_of if page.overview else None
    page.set_settings(Settings(service_url=sync_support.closed_port_url(), auto_sync=False))
    with qtbot.waitSignal(page.sig_loaded, timeout=30_000):
        page.refresh()
    assert not page.live and page.overview is not None and page.overview.as_of == as_of
    text = page.status_label.text()
    assert text.startswith("Offline: the last figures the service sent, as of")
    assert "cannot reach the service" in text.lower()
    assert len(page.shown_cases()) == 3
    page.cases_table.setCurrentCell(0, 0)
    assert not page.reallocate_button.isEnabled()
    label = page.status_label  # every line of the reason shows, none cut off
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=5000)
    manager_support.shoot(window, "team-page-offline")


def test_a_workers_window_has_no_team_command(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    window = _window(qtbot, team.worker, server)
    qtbot.waitUntil(lambda: "Worker" in window.windowTitle(), timeout=10_000)
    assert not [a for a in window.actions() if a.objectName() == "TeamAction"]


def test_a_household_opens_from_the_team_page(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    """A carer household the worker supervises is listed with the team's cases and opens as
    the household's page."""
    with team.worker.store.write() as session:
        made = factories.household(supervising_worker=team.worker.user)
        session.add(made)
    team.worker.sync()
    team.manager.sync()
    window = _window(qtbot, team.manager, server)
    page = _team_page(qtbot, window)
    rows = [c.kind for c in page.shown_cases()]
    row = rows.index("household")
    assert page.cases_table.item(row, 0).text() == "The Whitfield household (carers)"
    page.cases_table.setCurrentCell(row, 0)
    qtbot.keyClick(page.cases_table, Qt.Key.Key_Return)
    opened = window.current_page
    assert isinstance(opened, HouseholdView)
    qtbot.waitUntil(lambda: opened.file is not None, timeout=10_000)
    assert opened.file is not None and opened.file.profile.household_id == made.id


def test_a_child_back_in_care_soon_after_going_home_is_flagged_to_the_manager(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    """The worker records that Child0 went home (E4A) ten weeks ago and came back into care
    three weeks later; after one sync each the manager's Team page names the child, when
    they went home and came back and how long they were at home, and opens their case."""
    today = clock.today()
    went, back = today - timedelta(weeks=10), today - timedelta(weeks=7)
    with team.worker.store.write() as session:
        child = session.scalars(select(Child).where(Child.given_name == "Child0")).one()
        child_id = child.id
        session.add(
            LegalStatus(
                child_id=child_id,
                code="C2",
                start_date=went - timedelta(days=200),
                end_date=went,
                reason_ceased="E4A",
            )
        )
        session.add(LegalStatus(child_id=child_id, code="V2", start_date=back))
    team.worker.sync()
    team.manager.sync()
    window = _window(qtbot, team.manager, server)
    page = _team_page(qtbot, window)
    qtbot.waitUntil(lambda: page.reentries_table.isVisible(), timeout=10_000)
    assert "1 child came back into care within 12 months of going home" in (
        page.reentries_label.text()
    )
    [shown] = page.shown_reentries()
    assert (shown.subject_id, shown.returned_home, shown.came_back) == (child_id, went, back)
    cells = [page.reentries_table.item(0, c).text() for c in range(5)]
    assert cells[0].startswith("Child0") and cells[4] == "3 weeks"
    assert cells[2] == uk_date(went) and cells[3] == uk_date(back)
    manager_support.shoot(window, "team-page-reentry")
    page.reentries_table.setCurrentCell(0, 0)
    qtbot.keyClick(page.reentries_table, Qt.Key.Key_Return)
    case = window.current_page
    assert isinstance(case, CaseView)
    qtbot.waitUntil(lambda: case.case is not None, timeout=10_000)
    assert case.case is not None and case.case.profile.reentered

    # Offline, the page still names the child, from the last answer kept.
    window.back()
    assert team_sync.kept_reentries(team.manager.store) is not None
