"""Sync details and the refused-change viewer against the live service: what is waiting, what
the last sync did record by record, and a refused change read, copied, exported, retried and
marked dealt with. Screenshots at 1366x768 go to test-artifacts/screenshots/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import clock
from app.models import CaseNote, Child, OutboxEntry, Visit
from app.models.sync_state import REJECTED
from app.store import Store
from app.store.doctor import run as doctor
from tests.app import factories
from tests.server.conftest import LiveServer
from tests.sync.devices import FAST_RETRY, Device
from tests.ui import sync_support, views_support
from ui import tasks
from ui.exports import actions
from ui.sync_controller import SyncController
from ui.views.dashboard import DashboardView
from ui.views.refused_changes import RefusedChangesDialog
from ui.views.sync_status import SyncDetailsDialog, SyncStatusBar

SHOTS = Path("/work/notes/shots/w23-safety")


@pytest.fixture
def office(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Device, str]]:
    team = server.team()
    worker, colleague = server.user("worker", team), server.user("worker", team)
    laptop = sync_support.signed_in_device(server, worker, tmp_path, "laptop")
    yield laptop, colleague
    laptop.close()


@pytest.fixture
def bar(qtbot: QtBot, server: LiveServer, office: tuple[Device, str]) -> Iterator[SyncStatusBar]:
    laptop, _colleague = office
    controller = SyncController(
        laptop.store,
        sync_support.settings_for(server),
        auto_sync_interval_ms=None,
        probe_interval_ms=None,
        retry=FAST_RETRY,
    )
    widget = SyncStatusBar(controller)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    yield widget
    assert controller.stop(timeout_ms=30_000)


def _sync(qtbot: QtBot, bar: SyncStatusBar) -> None:
    with qtbot.waitSignal(bar.controller.sig_finished, timeout=30_000):
        qtbot.mouseClick(bar.sync_button, Qt.MouseButton.LeftButton)


def _shot(widget: QWidget, name: str) -> Path:
    path = views_support.screenshot(widget, name)
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        shutil.copyfile(path, SHOTS / path.name)
    return path


def test_details_and_the_refused_change_viewer_with_a_live_service(
    qtbot: QtBot,
    server: LiveServer,
    office: tuple[Device, str],
    bar: SyncStatusBar,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    laptop, colleague = office
    with laptop.store.write() as session:
        child = factories.child(allocated_worker=laptop.user, given_name="Amara")
        session.add(child)
    _sync(qtbot, bar)
    with laptop.store.write() as session:
        visit = factories.finalised_visit(
            child.id, observations="Amara showed me her new bike.\nShe rode it to the gate."
        )
        session.add(visit)
    # The count follows the save at once, without a sync.
    qtbot.waitUntil(lambda: bar.pending.text() == "1 change waiting", timeout=5000)

    details = bar.open_details()  # the bar's child, deleted when closed
    with qtbot.waitSignal(details.sig_loaded, timeout=10_000):
        pass
    text = details.text.toPlainText()
    assert "Waiting to be sent (1)" in text
    assert "Amara" in text and "visit" in text and "signed off" in text
    _shot(details, "sync-details-waiting")
    details.close()

    # The service refuses it (as a lowered limit or a rule would), and the case moves away.
    with laptop.store.write(remote=True) as session:
        [entry] = session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == visit.id))
        entry.state, entry.rejection_reason = REJECTED, "Refused here for the test: too long."
    server.allocate("child", child.id, colleague)
    _sync(qtbot, bar)
    qtbot.waitUntil(lambda: bar.controller.state.rejected == 1, timeout=5000)
    assert bar.details_button.isVisible()
    details = bar.open_details()  # the bar's child, deleted when closed
    with qtbot.waitSignal(details.sig_loaded, timeout=10_000):
        pass
    text = details.text.toPlainText()
    assert "Not accepted by the service (1)" in text and "too long" in text
    assert "Kept on this laptop" in text
    assert "record by record" in text and "kept on this laptop until your work" in text
    assert details.refused_button.isVisible()
    _shot(details, "sync-details-refused")

    viewer = details.open_refused()
    qtbot.waitUntil(lambda: len(viewer.changes) == 1, timeout=10_000)
    assert "Amara showed me her new bike." in viewer.text.toPlainText()
    assert "too long" in viewer.reason.text()
    viewer.resize(1366, 768)
    _shot(viewer, "refused-change-viewer")

    qtbot.mouseClick(viewer.copy_button, Qt.MouseButton.LeftButton)
    assert "She rode it to the gate." in QApplication.clipboard().text()

    monkeypatch.setattr(actions, "choose_path", lambda _p, _c, offered: tmp_path / offered.name)
    monkeypatch.setattr(actions, "tell", lambda *_args: None)
    export = viewer.export_pdf()
    assert export is not None
    with qtbot.waitSignal(export.sig_saved, timeout=20_000) as saved:
        pass
    pdf = Path(saved.args[0])
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")

    box = viewer.ask_dealt_with()
    assert isinstance(box, QMessageBox)
    with qtbot.waitSignal(viewer.sig_changed, timeout=10_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: viewer.changes == [], timeout=10_000)
    qtbot.waitUntil(lambda: bar.controller.state.rejected == 0, timeout=10_000)
    with laptop.store.read() as session:
        # Decided: the case it kept back has left the laptop, and the doctor passes.
        assert session.get(Visit, visit.id) is None and session.get(Child, child.id) is None
    assert all(check.ok for check in doctor(laptop.store))


def test_a_refused_change_retried_from_the_viewer_is_sent(
    qtbot: QtBot, server: LiveServer, office: tuple[Device, str], bar: SyncStatusBar
) -> None:
    laptop, _colleague = office
    with laptop.store.write() as session:
        child = factories.child(allocated_worker=laptop.user, given_name="Kofi")
        session.add(child)
    _sync(qtbot, bar)
    with laptop.store.write() as session:
        visit = factories.finalised_visit(child.id, observations="Kofi is settled.")
        session.add(visit)
    with laptop.store.write(remote=True) as session:
        [entry] = session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == visit.id))
        entry.state, entry.rejection_reason = REJECTED, "Refused here for the test."
    bar.controller.refresh_state()
    qtbot.waitUntil(lambda: bar.controller.state.rejected == 1, timeout=5000)
    viewer = RefusedChangesDialog(laptop.store)
    qtbot.addWidget(viewer)
    viewer.sig_changed.connect(bar.controller.refresh_state)
    qtbot.waitUntil(lambda: len(viewer.changes) == 1, timeout=10_000)
    with qtbot.waitSignal(viewer.sig_changed, timeout=10_000):
        qtbot.mouseClick(viewer.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.pending.text() == "1 change waiting", timeout=5000)
    _sync(qtbot, bar)
    assert bar.summary.text() == "Sent 1, received 0"
    assert bar.pending.text() == "No changes waiting"
    assert isinstance(SyncDetailsDialog, type)


def test_the_dashboard_flags_work_recorded_before_a_case_moved_here(
    qtbot: QtBot, store: Store
) -> None:
    """The service's flag note (as a sync brings it) shows above the caseload, naming the
    child and who recorded the work."""
    with store.write() as session:
        child = factories.child(allocated_worker="carol", given_name="Amara")
        session.add(child)
    with store.write(remote=True) as session:
        session.add(
            CaseNote(
                child_id=child.id,
                kind="LATE_WORK",
                event_date=clock.today(),
                subject="Recorded by alice before the case moved to you",
                text="alice recorded this work while they held the case.",
                status="finalised",
            )
        )
    view = DashboardView(store)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        view.refresh()
    notice = view.findChild(QLabel, "lateWork")
    assert notice is not None
    qtbot.waitUntil(notice.isVisible, timeout=5000)
    assert "Amara" in notice.text() and "Recorded by alice before the case moved" in notice.text()
    _shot(view, "dashboard-late-work")
