"""The carer households pages with real widgets in the main window: the list opens from its
action (Ctrl+H), narrows as the worker types and opens a household; an unannounced visit
recorded through the real visit form moves the household's unannounced-visit deadline; TSD
marked complete through the dialog (after a problem shown beside its field) turns the TSD item
to done."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app import clock
from app.deadlines.engine import Status
from app.settings import Settings
from app.store import Profile
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui import views_support
from tests.ui.test_main_window import quiet_sync
from ui import tasks
from ui.main_window import MainWindow
from ui.models.households_model import Column
from ui.views.assessment_form import AssessmentForm
from ui.views.common import uk_date
from ui.views.household_view import PLANS, REVIEWS, TRAINING, VISITS, HouseholdView
from ui.views.households import HouseholdsView
from ui.views.review_form import ReviewForm
from ui.views.visit_form import VisitForm


@pytest.fixture
def households(tmp_path: Path) -> tuple[Profile, dict[str, uuid.UUID]]:
    made = Profile.create("alice", PASSPHRASE, worker="alice", root=tmp_path, kdf=fast_kdf())
    with made.unlock(PASSPHRASE) as store:
        ids = views_support.carer_households(store)
    return made, ids


@pytest.fixture
def window(qtbot: QtBot, households: tuple[Profile, dict[str, uuid.UUID]]) -> Iterator[MainWindow]:
    profile, _ = households
    store = profile.unlock(PASSPHRASE)
    shown = MainWindow(store, Settings(), profile, sync_factory=quiet_sync)
    qtbot.addWidget(shown)
    shown.resize(*views_support.SCREEN)
    dashboard = shown.dashboard
    assert dashboard is not None
    with qtbot.waitSignal(dashboard.sig_loaded, timeout=10_000):
        shown.show()
    yield shown
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    shown.store.lock()


@pytest.fixture
def yes_to_finalise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


def _open(window: MainWindow, qtbot: QtBot, household_id: uuid.UUID) -> HouseholdView:
    view = window.open_household(household_id)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    return view


def test_the_list_opens_from_its_action_filters_and_opens_a_household(
    qtbot: QtBot, window: MainWindow, households: tuple[Profile, dict[str, uuid.UUID]]
) -> None:
    """Ctrl+H shows every household, most urgent (overdue) first; typing narrows the list;
    Enter opens the household, whose name heads its page and the window title."""
    _, ids = households
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    page = window.current_page
    assert isinstance(page, HouseholdsView)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    assert page.household_at(0).household_id == ids["Whitfield"]
    assert "Overdue" in str(page.proxy.index(0, Column.NEXT_DUE).data())
    assert page.proxy.index(0, Column.PLACED).data() == "1"
    assert page.filter_box.hasFocus()
    qtbot.keyClicks(page.filter_box, "family and friends")
    assert page.proxy.rowCount() == 1
    assert page.household_at(0).household_id == ids["Okafor"]
    qtbot.keyClick(page.filter_box, Qt.Key.Key_Return)
    view = window.current_page
    assert isinstance(view, HouseholdView) and view.household_id == ids["Okafor"]
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    assert view.label("Household name").text() == "The Okafor household"
    assert window.windowTitle().startswith("The Okafor household")


def test_the_list_sorts_by_a_column(
    qtbot: QtBot, window: MainWindow, households: tuple[Profile, dict[str, uuid.UUID]]
) -> None:
    """Clicking a column sorts by it: by name, the Abbott household comes first."""
    page = window.open_households()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    page.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    names = [page.household_at(n).name for n in range(3)]
    assert names == sorted(names) and names[0] == "The Abbott household"


def test_recording_an_unannounced_visit_moves_the_deadline(
    qtbot: QtBot,
    window: MainWindow,
    households: tuple[Profile, dict[str, uuid.UUID]],
    yes_to_finalise: None,
) -> None:
    """The unannounced visit is overdue; one recorded through the visit form (carers' visit
    types, no child-only questions) and signed off shows as the last one, with the next due
    a year later."""
    _, ids = households
    view = _open(window, qtbot, ids["Whitfield"])
    view.tabs.setCurrentIndex(VISITS)
    before = view.label("Unannounced visits").text()
    assert "Overdue" in before and "Unannounced visit to the foster home" in before
    qtbot.mouseClick(view.button("Record unannounced visit"), Qt.MouseButton.LeftButton)
    form = window.current_page
    assert isinstance(form, VisitForm) and form.household_id == ids["Whitfield"]
    qtbot.waitUntil(lambda: form.field("who_was_seen").isEnabled(), timeout=5000)
    kind = form.field("visit_type")
    assert isinstance(kind, QComboBox) and kind.currentData() == "UNANNOUNCED"
    assert not form.question_shown("seen_alone")
    assert not form.question_shown("not_seen_alone_reason")
    who = form.field("who_was_seen")
    assert isinstance(who, QLineEdit)
    who.setFocus()
    qtbot.keyClicks(who, "Sandra and Mike Whitfield")
    with qtbot.waitSignal(form.finalised, timeout=5000):
        form.finalise()
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        window.back()
    assert window.current_page is view
    after = view.label("Unannounced visits").text()
    assert f"Last unannounced visit: {uk_date(clock.today())}" in after
    assert "Upcoming" in after and "Overdue" not in after
    assert view.file is not None and view.file.visits[0].visit_type == "UNANNOUNCED"
    item = view.file.next_unannounced
    assert item is not None and item.status is Status.UPCOMING


def test_tsd_completion_through_the_dialog(
    qtbot: QtBot, window: MainWindow, households: tuple[Profile, dict[str, uuid.UUID]]
) -> None:
    """TSD is shown overdue for foster carers (12 months from approval); marking it complete
    without a name shows the problem beside the name field and keeps the dialog open; with the
    name it saves, and the TSD item becomes done."""
    _, ids = households
    view = _open(window, qtbot, ids["Whitfield"])
    view.tabs.setCurrentIndex(TRAINING)
    tsd = view.label("TSD standards")
    assert "within 12 months of approval" in tsd.text() and "Overdue" in tsd.text()
    qtbot.mouseClick(view.button("Mark TSD complete"), Qt.MouseButton.LeftButton)
    dialog = view.training_dialog
    assert dialog is not None and dialog.isVisible()
    title = dialog.field("title")
    assert isinstance(title, QLineEdit)
    title.clear()
    save = [b for b in dialog.findChildren(QPushButton) if b.accessibleName() == "Save training"]
    with qtbot.waitSignal(dialog.sig_failed, timeout=5000):
        qtbot.mouseClick(save[0], Qt.MouseButton.LeftButton)
    assert dialog.error_text("title") == "Enter the name of the training."
    problem = [w for w in dialog.findChildren(QLabel) if w.accessibleName() == "Problem with title"]
    assert problem and problem[0].isVisible()
    assert dialog.isVisible() and title.hasFocus()
    qtbot.keyClicks(title, "TSD workbook")
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        qtbot.keyClick(title, Qt.Key.Key_Return)
    assert view.training_dialog is None  # closed once saved
    assert "Done: completed" in tsd.text()
    assert view.file is not None and view.file.tsd is not None
    assert view.file.tsd.status is Status.DONE
    assert [t.title for t in view.file.training] == ["TSD workbook"]


def test_training_is_added_then_corrected(
    qtbot: QtBot, window: MainWindow, households: tuple[Profile, dict[str, uuid.UUID]]
) -> None:
    """A course added for one carer appears in the training table; Enter on it opens it with
    its words, and a corrected name is saved."""
    _, ids = households
    view = _open(window, qtbot, ids["Whitfield"])
    view.tabs.setCurrentIndex(TRAINING)
    qtbot.mouseClick(view.button("Add training"), Qt.MouseButton.LeftButton)
    dialog = view.training_dialog
    assert dialog is not None
    who = dialog.field("carer_id")
    assert isinstance(who, QComboBox)
    who.setCurrentIndex(who.findText("Mike Whitfield"))
    qtbot.keyClicks(dialog.field("title"), "Safer carng")
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        qtbot.keyClick(dialog.field("title"), Qt.Key.Key_Return)
    table = view.table("Training records")
    assert table.model().rowCount() == 1
    assert table.model().index(0, 0).data() == "Mike Whitfield"
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    editing = view.training_dialog
    assert editing is not None and editing is not dialog
    title = editing.field("title")
    assert isinstance(title, QLineEdit) and title.text() == "Safer carng"
    title.selectAll()
    qtbot.keyClicks(title, "Safer caring")
    with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
        qtbot.keyClick(title, Qt.Key.Key_Return)
    assert view.file is not None
    assert [(t.who, t.title) for t in view.file.training] == [("Mike Whitfield", "Safer caring")]


def test_adopters_have_no_tsd_or_unannounced_visits(
    qtbot: QtBot, window: MainWindow, households: tuple[Profile, dict[str, uuid.UUID]]
) -> None:
    """For adopters the page says the TSD standards and unannounced visits do not apply."""
    _, ids = households
    view = _open(window, qtbot, ids["Abbott"])
    assert "do not apply" in view.label("TSD standards").text()
    assert "not required" in view.label("Unannounced visits").text()


def test_review_and_support_plan_open_their_forms_for_the_household(
    qtbot: QtBot, window: MainWindow, households: tuple[Profile, dict[str, uuid.UUID]]
) -> None:
    """ "Record annual review" opens the review form for the household; "New support plan"
    opens the support plan form for it."""
    _, ids = households
    view = _open(window, qtbot, ids["Whitfield"])
    view.tabs.setCurrentIndex(REVIEWS)
    qtbot.mouseClick(view.button("Record annual review"), Qt.MouseButton.LeftButton)
    review = window.current_page
    assert isinstance(review, ReviewForm) and review.household_id == ids["Whitfield"]
    assert review.child_id is None
    window.back()
    assert window.current_page is view
    view.tabs.setCurrentIndex(PLANS)
    qtbot.mouseClick(view.button("New support plan"), Qt.MouseButton.LeftButton)
    plan = window.current_page
    assert isinstance(plan, AssessmentForm) and plan.household_id == ids["Whitfield"]
    qtbot.waitUntil(lambda: plan.template is not None, timeout=10_000)
    assert plan.template is not None and plan.template.id == "support_plan"


def test_households_model_passes_qt_model_checks(
    qtmodeltester: object, qtbot: QtBot, window: MainWindow
) -> None:
    """The list's table model and its filter behave as Qt requires."""
    page = window.open_households()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    qtmodeltester.check(page.proxy)  # type: ignore[attr-defined]
