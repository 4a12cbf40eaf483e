"""Render the caseload views at the laptop's 1366x768 to test-artifacts/screenshots/, so a
person can look at them (and CI keeps them as artifacts). Each test also checks the render is
not blank."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.services import assessments
from app.settings import Settings
from app.store import Profile, Store
from tests.ui import form_typist, views_support
from tests.ui.test_main_window import quiet_sync
from ui import tasks
from ui.main_window import MainWindow
from ui.views.assessment_form import AssessmentForm
from ui.views.case_view import CaseView
from ui.views.dashboard import DashboardView
from ui.views.household_view import HouseholdView
from ui.views.households import HouseholdsView
from ui.views.review_form import ReviewForm
from ui.views.visit_form import VisitForm


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from views_support.demo_store(tmp_path_factory.mktemp("screenshots-demo"))


def _looks_drawn(path: Path) -> None:
    image = QImage(str(path))
    assert (image.width(), image.height()) == views_support.SCREEN
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, 400, 23)}
    assert len(colours) > 5, "the render is blank"


def test_dashboard_screenshot(qtbot: QtBot, demo: Store) -> None:
    """The dashboard of the demo caseload, most urgent first."""
    view = DashboardView(demo)
    qtbot.addWidget(view)
    view.resize(*views_support.SCREEN)
    view.show()
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        view.refresh()
    _looks_drawn(views_support.screenshot(view, "dashboard"))
    view.search_box.setFocus()
    with qtbot.waitSignal(view.sig_searched, timeout=5000):
        qtbot.keyClicks(view.search_box, "football")
    _looks_drawn(views_support.screenshot(view, "dashboard-search"))


def test_case_view_screenshot(qtbot: QtBot, store: Store) -> None:
    """A child's case with a chronology."""
    child_id = views_support.child_with_history(store)
    view = CaseView(store, child_id)
    qtbot.addWidget(view)
    view.resize(*views_support.SCREEN)
    view.show()
    qtbot.waitUntil(lambda: view.case is not None, timeout=5000)
    _looks_drawn(views_support.screenshot(view, "case-view"))


def test_visit_form_screenshots(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A visit form mid-way (with a problem shown beside its field), then finalised with an
    addendum."""
    child_id = views_support.child_with_history(store)
    form = VisitForm(store, child_id)
    form.AUTOSAVE_MS = 100
    qtbot.addWidget(form)
    form.resize(*views_support.SCREEN)
    with qtbot.waitSignal(form.sig_ready, timeout=5000):
        form.show()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    wishes = form.field("wishes_and_feelings")
    wishes.setFocus()
    qtbot.keyClicks(wishes, "Mara wants to carry on with choir and to see her brother more.")
    observations = form.field("observations")
    assert isinstance(observations, QPlainTextEdit)
    observations.setPlainText("Relaxed and chatty; showed me her new bedroom and school reports.")
    with qtbot.waitSignal(form.sig_failed, timeout=5000):
        form.finalise()
    _looks_drawn(views_support.screenshot(form, "visit-form-problems"))

    qtbot.keyClicks(form.field("who_was_seen"), "Mara and her foster carer Sandra")
    seen = form.field("seen_alone")
    assert isinstance(seen, QComboBox)
    seen.setCurrentIndex(seen.findText("Yes"))
    with qtbot.waitSignal(form.finalised, timeout=5000):
        form.finalise()
    box = [w for w in form.findChildren(QPlainTextEdit) if w.accessibleName() == "New addendum"][0]
    box.setFocus()
    qtbot.keyClicks(box, "Also present: Sandra's son Tom.")
    with qtbot.waitSignal(form.sig_changed, timeout=5000):
        qtbot.keyClick(form, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    _looks_drawn(views_support.screenshot(form, "visit-form-finalised"))
    assert isinstance(form.visit_id, uuid.UUID)


def test_assessment_form_screenshots(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An assessment part-way (a missing answer shown beside its question and summarised at
    the top), the same assessment finalised, and a record made with an older form version."""
    child_id = views_support.child_with_history(store)
    form = AssessmentForm(store, child_id=child_id, template_id="child_asset_based")
    form.AUTOSAVE_MS = 100
    qtbot.addWidget(form)
    form.resize(*views_support.SCREEN)
    with qtbot.waitSignal(form.sig_ready, timeout=5000):
        form.show()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert form.renderer is not None
    missing = form_typist.unanswered(form.renderer)[0]
    form_typist.fill_required(qtbot, form.renderer, leave=missing.id)
    with qtbot.waitSignal(form.sig_failed, timeout=10_000):
        form.finalise()
    QApplication.processEvents()  # the header makes room for the new status words
    _looks_drawn(views_support.screenshot(form, "assessment-form-problems"))

    form_typist.answer(qtbot, form.renderer.input(missing.id))
    form_typist.fill_required(qtbot, form.renderer)
    with qtbot.waitSignal(form.sig_finalised, timeout=10_000):
        form.finalise()
    QApplication.processEvents()
    _looks_drawn(views_support.screenshot(form, "assessment-form-finalised"))

    old_id = uuid.uuid4()
    assessments.save_draft(
        store,
        assessment_id=old_id,
        template_id="child_asset_based",
        template_version=1,
        child_id=child_id,
        household_id=None,
        answers={"strengths": "Swimming, drawing and looking after her little brother."},
    )
    old = AssessmentForm(store, assessment_id=old_id)
    qtbot.addWidget(old)
    old.resize(*views_support.SCREEN)
    with qtbot.waitSignal(old.sig_ready, timeout=5000):
        old.show()
    QApplication.processEvents()  # the questions arrived with the record: lay them out
    _looks_drawn(views_support.screenshot(old, "assessment-form-old-version"))


def test_main_window_screenshots(qtbot: QtBot, demo: Store) -> None:
    """The main window as a worker sees it: the caseload, a child's case, a visit form."""
    window = MainWindow(demo, Settings(), Profile(demo.profile_path), sync_factory=quiet_sync)
    qtbot.addWidget(window)
    window.resize(*views_support.SCREEN)
    dashboard = window.dashboard
    assert dashboard is not None
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=10_000):
        window.show()
    _looks_drawn(views_support.screenshot(window, "main-window-dashboard"))

    rows = [dashboard.proxy.row_at(r) for r in range(dashboard.proxy.rowCount())]
    child_id = next(row.subject_id for row in rows if row.kind == "child")
    case = window.open_child(child_id)
    qtbot.waitUntil(lambda: case.case is not None, timeout=5000)
    _looks_drawn(views_support.screenshot(window, "main-window-case"))

    form = window.open_visit(child_id, None)
    qtbot.waitUntil(lambda: form.field("observations").isEnabled(), timeout=5000)
    _looks_drawn(views_support.screenshot(window, "main-window-visit-form"))
    window.back()
    window.back()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=5000)


def test_locked_main_window_screenshot(qtbot: QtBot, store: Store, profile: Profile) -> None:
    """The locked main window: nothing of the caseload, only the unlock window and why."""
    views_support.child_with_history(store)
    window = MainWindow(store, Settings(), profile, sync_factory=quiet_sync)
    qtbot.addWidget(window)
    window.resize(*views_support.SCREEN)
    dashboard = window.dashboard
    assert dashboard is not None
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=10_000):
        window.show()
    with qtbot.waitSignal(window.sig_locked, timeout=10_000):
        window.lock("idle")
    path = views_support.screenshot(window, "main-window-locked")
    image = QImage(str(path))
    assert (image.width(), image.height()) == views_support.SCREEN
    middle = {image.pixel(x, y) for x in range(500, 860, 3) for y in range(250, 420, 3)}
    assert len(middle) > 5, "the unlock window is not drawn"


def test_carer_household_screenshots(qtbot: QtBot, store: Store) -> None:
    """The carer households list, and one household's overview and training tabs."""
    households = views_support.carer_households(store)
    listing = HouseholdsView(store)
    qtbot.addWidget(listing)
    listing.resize(*views_support.SCREEN)
    with qtbot.waitSignal(listing.sig_loaded, timeout=10_000):
        listing.show()
    _looks_drawn(views_support.screenshot(listing, "households"))
    view = HouseholdView(store, households["Whitfield"])
    qtbot.addWidget(view)
    view.resize(*views_support.SCREEN)
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        view.show()
    _looks_drawn(views_support.screenshot(view, "household-overview"))
    for index in range(view.tabs.count()):
        if view.tabs.tabText(index).replace("&", "").startswith("Training"):
            view.tabs.setCurrentIndex(index)
    _looks_drawn(views_support.screenshot(view, "household-training"))


def test_review_form_screenshot(qtbot: QtBot, store: Store) -> None:
    """A new child's review, as the worker first sees it."""
    child_id = views_support.child_with_history(store)
    form = ReviewForm(store, child_id=child_id)
    qtbot.addWidget(form)
    form.resize(*views_support.SCREEN)
    with qtbot.waitSignal(form.sig_ready, timeout=5000):
        form.show()
    _looks_drawn(views_support.screenshot(form, "review-form"))


def test_case_note_drafts_and_diary_screenshots(
    qtbot: QtBot, store: Store, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case note being written (with a sign-off problem showing) and signed off, My drafts
    and the diary, in the main window at the laptop's size."""
    from ui import desk  # the worker's own pages, added to the window by ui.desk
    from ui.views.case_note_form import CaseNoteForm
    from ui.views.my_work import DiaryView, DraftsView

    child_id = views_support.child_with_history(store)
    window = MainWindow(store, Settings(), profile, sync_factory=quiet_sync)
    qtbot.addWidget(window)
    window.resize(*views_support.SCREEN)
    window.show()
    window.open_child(child_id)
    form = window.open_case_note(child_id=child_id)
    assert isinstance(form, CaseNoteForm)
    qtbot.waitUntil(lambda: form.field("text").isEnabled(), timeout=5000)
    subject = form.field("subject")
    qtbot.keyClicks(subject, "Call with the designated teacher")
    form.finalise()  # the note is empty: the problem shows, nothing is asked
    _looks_drawn(views_support.screenshot(window, "case-note-problem"))
    qtbot.keyClicks(
        form.field("text"),
        "Mara's teacher says her attendance is up to 96% this term and she has joined the "
        "choir. She asked whether Mara could try for the school's climbing club.",
    )
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(form.sig_finalised, timeout=5000):
        form.finalise()
    _looks_drawn(views_support.screenshot(window, "case-note-signed"))
    drafts = desk.open_drafts(window)
    assert isinstance(drafts, DraftsView)
    qtbot.waitSignal(drafts.sig_loaded, timeout=5000)
    qtbot.waitUntil(lambda: bool(drafts.drafts), timeout=5000)
    _looks_drawn(views_support.screenshot(window, "my-drafts"))
    diary = desk.open_diary(window)
    assert isinstance(diary, DiaryView)
    qtbot.waitUntil(lambda: bool(diary.weeks), timeout=5000)
    _looks_drawn(views_support.screenshot(window, "diary"))
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
