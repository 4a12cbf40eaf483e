"""The Service figures page against the live service: a manager's window opens it, it draws
the service's own figures for the team (each bar carrying its figure in words), and offline it
shows the last figures kept, marked as of when the service worked them out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import Child, LegalStatus, Placement, Visit
from app.settings import Settings
from sync import figures as service_figures
from tests.server.conftest import LiveServer
from tests.ui import manager_support, page_walk, sync_support
from ui import tasks
from ui.main_window import MainWindow
from ui.views.service_page import ServicePage


@pytest.fixture
def team(server: LiveServer, tmp_path: Path) -> Iterator[manager_support.Team]:
    """The worker's child, on a care order, placed, and visited (signed off) twice."""
    made = manager_support.team(server, tmp_path, children=1)
    store = made.worker.store
    with store.read() as session:
        child_id = session.scalars(select(Child.id)).one()
    start = date.today() - timedelta(days=200)
    with store.write() as session:
        session.add(LegalStatus(child_id=child_id, code="C2", start_date=start))
        session.add(Placement(child_id=child_id, placement_type="U4", start_date=start))
    for days in (190, 150):
        with store.write() as session:
            session.add(
                Visit(
                    child_id=child_id,
                    visit_type="STATUTORY_CHILD",
                    visit_date=date.today() - timedelta(days=days),
                    who_was_seen="Child and carers",
                    seen_alone=True,
                    wishes_and_feelings="Likes her school.",
                    observations="Settled.",
                    status="finalised",
                )
            )
    made.worker.sync()
    yield made
    made.manager.close()
    made.worker.close()


def _page(qtbot: QtBot, server: LiveServer, team: manager_support.Team) -> ServicePage:
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
    [action] = [a for a in window.actions() if a.objectName() == "ServiceAction"]
    action.trigger()
    page = window.current_page
    assert isinstance(page, ServicePage)
    qtbot.waitUntil(lambda: page.figures is not None and not tasks.busy(), timeout=30_000)
    return page


def test_the_page_draws_the_services_figures_for_the_team(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    page = _page(qtbot, server, team)
    figures = page.figures
    assert figures is not None and figures.scope == "team" and figures.team == team.name
    assert page.live and "Worked out by the service from its records" in page.status_label.text()
    page.measure_box.setCurrentIndex(page.measure_box.findData("child_visit"))
    [row] = [
        r
        for r in figures.timeliness
        if r.measure == "child_visit" and r.group_kind == "legal_status" and r.group == "care_order"
    ]
    due = row.on_time + row.late + row.overdue
    assert due > 0  # the care order child's visits were due in the period
    [bar] = [b for b in page.charts["legal_status"].bars if b.label == row.group_label]
    assert bar.value == row.share_on_time
    assert bar.text.endswith(f"({row.on_time} of {due})")
    assert row.group_label in page.charts["legal_status"].accessibleDescription()
    assert page_walk.clashes(page.window()) == {}
    manager_support.shoot(page.window(), "service-page")


def test_offline_it_shows_the_kept_figures_as_of_their_time(
    qtbot: QtBot, server: LiveServer, team: manager_support.Team
) -> None:
    page = _page(qtbot, server, team)
    kept = service_figures.kept(team.manager.store)
    assert kept is not None and page.figures == kept
    page.set_settings(Settings(service_url=sync_support.closed_port_url(), auto_sync=False))
    with qtbot.waitSignal(page.sig_loaded, timeout=30_000):
        page.refresh()
    assert not page.live and page.figures == kept
    assert page.status_label.text().startswith("Offline: the last figures the service sent")


def test_returns_home_and_how_they_lasted_are_on_the_page(
    qtbot: QtBot, server: LiveServer, tmp_path: Path
) -> None:
    """Worked by hand: a child's care order (C2) ended with E4A 200 days ago, so they went
    home in the year shown and reached six months at home in it, still at home; the chart's
    care order row and its total say so in words."""
    made = manager_support.team(server, tmp_path, children=1)
    try:
        store = made.worker.store
        with store.read() as session:
            child_id = session.scalars(select(Child.id)).one()
        home = date.today() - timedelta(days=200)
        with store.write() as session:
            session.add(
                LegalStatus(
                    child_id=child_id,
                    code="C2",
                    start_date=home - timedelta(days=400),
                    end_date=home,
                    reason_ceased="E4A",
                )
            )
        made.worker.sync()
        page = _page(qtbot, server, made)
        chart = page.charts["returns_home"]
        texts = {bar.label: bar.text for bar in chart.bars}
        expected = "1 went home; 1 of 1 still home at six months; 0 back in care within 12 months"
        assert texts == {
            "C2: Full care order (s31)": expected,
            "All returns home": expected,
        }
        assert "All returns home" in chart.accessibleDescription()
        qtbot.waitUntil(lambda: chart.height() >= chart.sizeHint().height(), timeout=5000)
        manager_support.shoot(page.window(), "service-page-returns-home")
    finally:
        made.manager.close()
        made.worker.close()
