"""Pages read their records again when a change announced on the window's ``ChangeHub``
concerns them: records a real sync applied from the service reach the dashboard and an open
case at once, a page out of sight waits until it is shown, and a save about one child leaves
another child's case alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from tests.app import factories
from tests.server.conftest import LiveServer
from tests.sync.devices import FAST_RETRY, Device
from tests.ui import sync_support, views_support
from ui import tasks
from ui.changes import ChangeHub
from ui.sync_controller import SyncController
from ui.views.case_note_form import CaseNoteForm
from ui.views.case_view import CaseView
from ui.views.dashboard import DashboardView


@pytest.fixture
def devices(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Device, Device]]:
    """The worker's laptop and the office machine, both signed in as the same worker."""
    worker = server.user("worker", server.team())
    laptop = sync_support.signed_in_device(server, worker, tmp_path, "laptop")
    office = sync_support.signed_in_device(server, worker, tmp_path, "office")
    yield laptop, office
    laptop.close()
    office.close()


def _loads(page: CaseView | DashboardView) -> list[int]:
    """Every time the page finishes reading its records from now on."""
    seen: list[int] = []
    page.sig_loaded.connect(lambda: seen.append(1))
    return seen


def _shown(qtbot: QtBot, page: QWidget) -> None:
    qtbot.addWidget(page)
    page.resize(*views_support.SCREEN)
    page.show()


def _settled(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)


def test_a_sync_that_applies_records_refreshes_the_dashboard_and_the_open_case(
    qtbot: QtBot, server: LiveServer, devices: tuple[Device, Device]
) -> None:
    """The office records a visit to Mara and takes on a new child; one sync on the laptop
    and the dashboard lists the new child and Mara's open case shows the visit, with no
    navigation; a dashboard out of sight reads again only when it is shown."""
    laptop, office = devices
    [mara] = sync_support.add_children(office, 1)
    office.sync()
    laptop.sync()

    hub = ChangeHub()
    dashboard = DashboardView(laptop.store, changes=hub)
    _shown(qtbot, dashboard)
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=10_000):
        dashboard.refresh()
    hidden = DashboardView(laptop.store, changes=hub)
    qtbot.addWidget(hidden)
    hidden.show()  # shown once, then put out of sight as a page under another would be
    hidden.hide()
    case = CaseView(laptop.store, mara, changes=hub)
    _shown(qtbot, case)
    qtbot.waitUntil(lambda: case.case is not None, timeout=10_000)
    _settled(qtbot)
    rows_before = dashboard.proxy.rowCount()
    assert case.case is not None
    entries_before = len(case.case.chronology)
    dashboard_loads, case_loads, hidden_loads = _loads(dashboard), _loads(case), _loads(hidden)

    with office.store.write() as session:
        session.add(factories.visit(mara))
    sync_support.add_children(office, 1)
    office.sync()

    controller = SyncController(
        laptop.store,
        sync_support.settings_for(server),
        auto_sync_interval_ms=None,
        probe_interval_ms=None,
        retry=FAST_RETRY,
    )
    controller.announce_to(hub)
    try:
        with (
            qtbot.waitSignal(hub.sig_records_changed, timeout=30_000),
            qtbot.waitSignal(dashboard.sig_loaded, timeout=30_000),
            qtbot.waitSignal(case.sig_loaded, timeout=30_000),
        ):
            controller.sync_now()
        _settled(qtbot)
        assert controller.state.last_summary is not None
        assert controller.state.last_summary.received >= 2
        assert dashboard.proxy.rowCount() == rows_before + 1
        assert case.case is not None and len(case.case.chronology) == entries_before + 1
        assert (len(dashboard_loads), len(case_loads)) == (1, 1)
        assert hidden_loads == []  # out of sight: nothing read yet

        with qtbot.waitSignal(hidden.sig_loaded, timeout=10_000):
            hidden.show()
        assert hidden.proxy.rowCount() == rows_before + 1
    finally:
        assert controller.stop(timeout_ms=30_000)


def test_a_note_saved_about_one_child_leaves_another_childs_case_alone(
    qtbot: QtBot, devices: tuple[Device, Device]
) -> None:
    """A case note drafted about Mara: her open case reads again once it is saved; the case
    of another child, open beside it, does not."""
    laptop, _office = devices
    mara, other = sync_support.add_children(laptop, 2)
    hub = ChangeHub()
    cases = {child: CaseView(laptop.store, child, changes=hub) for child in (mara, other)}
    for case in cases.values():
        _shown(qtbot, case)
    qtbot.waitUntil(lambda: all(c.case is not None for c in cases.values()), timeout=10_000)
    _settled(qtbot)
    loads = {child: _loads(case) for child, case in cases.items()}

    form = CaseNoteForm(laptop.store, child_id=mara, changes=hub)
    form.AUTOSAVE_MS = 200
    _shown(qtbot, form)
    qtbot.waitUntil(lambda: form.field("text").isEnabled(), timeout=10_000)
    with (
        qtbot.waitSignal(form.sig_saved, timeout=10_000),
        qtbot.waitSignal(cases[mara].sig_loaded, timeout=10_000),
    ):
        kind = form.field("kind")
        assert isinstance(kind, QComboBox)
        kind.setCurrentIndex(kind.findText("Meeting"))
        subject = form.field("subject")
        assert isinstance(subject, QLineEdit)
        subject.setFocus()
        qtbot.keyClicks(subject, "Contact arrangements")
        box = form.field("text")
        box.setFocus()
        qtbot.keyClicks(box, "Talked through the new contact plan.")
    qtbot.waitUntil(lambda: not form.is_dirty and not form.is_busy, timeout=10_000)
    _settled(qtbot)
    assert len(loads[mara]) >= 1
    assert loads[other] == []
