"""Recording reviews with the real widgets, through the main window: a child's review with two
actions (a wrong participation code and missing decisions shown beside their fields), signed
off, its actions on the case page and the dashboard, one marked done and gone from the due
list; and a foster carer annual review opened for a household."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import clock
from app.models import Action, CarerHousehold, Child, Review
from app.settings import Settings
from app.store import Profile, Store
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui import views_support
from ui import tasks
from ui.main_window import MainWindow
from ui.sync_controller import SyncController
from ui.views.case_view import CaseView
from ui.views.common import qdate
from ui.views.dashboard import DashboardView
from ui.views.review_form import ReviewForm

HOUSEHOLD = "The Okonjo household"


def quiet_sync(store: Store, settings: Settings) -> SyncController:
    return SyncController(store, settings, auto_sync_interval_ms=None, probe_interval_ms=None)


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    """Mara (aged 9, in care, with history) and an approved foster household."""
    made = Profile.create("alice", PASSPHRASE, worker="alice", root=tmp_path, kdf=fast_kdf())
    with made.unlock(PASSPHRASE) as store:
        views_support.child_with_history(store)
        with store.write() as session:
            session.add(factories.household(name=HOUSEHOLD))
    return made


@pytest.fixture
def window(qtbot: QtBot, profile: Profile) -> Iterator[MainWindow]:
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


@pytest.fixture(autouse=True)
def yes_to_finalise(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def answer(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


def _ids(store: Store) -> tuple[uuid.UUID, uuid.UUID]:
    with store.read() as session:
        child = session.scalars(select(Child).where(Child.given_name == "Amara")).one()
        household = session.scalars(
            select(CarerHousehold).where(CarerHousehold.name == HOUSEHOLD)
        ).one()
        return child.id, household.id


def _button(parent: CaseView, name: str) -> QPushButton:
    found = [b for b in parent.findChildren(QPushButton) if b.accessibleName() == name]
    assert found, name
    return found[0]


def _choose(box: object, code: str) -> None:
    assert isinstance(box, QComboBox)
    index = box.findData(code)
    assert index >= 0, code
    box.setCurrentIndex(index)


def _ready(qtbot: QtBot, form: ReviewForm) -> None:
    form.AUTOSAVE_MS = 150
    qtbot.waitUntil(lambda: form.field("chair").isEnabled(), timeout=5000)


def _tooltip(dashboard: DashboardView, name: str) -> str:
    proxy = dashboard.proxy
    for row in range(proxy.rowCount()):
        if name in str(proxy.index(row, 1).data()):
            return str(proxy.index(row, 0).data(Qt.ItemDataRole.ToolTipRole))
    raise AssertionError(f"{name} is not on the dashboard")


def _back_to_dashboard(window: MainWindow, qtbot: QtBot) -> DashboardView:
    while not isinstance(window.current_page, DashboardView):
        window.back()
    dashboard = window.current_page
    assert isinstance(dashboard, DashboardView)
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    return dashboard


def test_a_childs_review_with_actions_from_typing_to_done(
    window: MainWindow, qtbot: QtBot, yes_to_finalise: list[str]
) -> None:
    """Typed through the widgets, the review refuses PN0 for a nine-year-old and sign-off
    without decisions, beside each field; signed, its two actions show on the case page and
    the dashboard; marking one done takes it off the dashboard's due items."""
    child_id, _ = _ids(window.store)
    case = window.open_child(child_id)
    qtbot.waitUntil(lambda: case.case is not None, timeout=5000)
    qtbot.mouseClick(_button(case, "Record a review"), Qt.MouseButton.LeftButton)
    form = window.current_page
    assert isinstance(form, ReviewForm)
    assert "Review" in window.windowTitle()
    _ready(qtbot, form)
    assert form.is_shown("participation") and not form.is_shown("carer.suitability")

    today = clock.today()
    form.field("review_date").setDate(qdate(today - timedelta(days=10)))  # type: ignore[attr-defined]
    qtbot.keyClicks(form.field("chair"), "Priya Shah (IRO)")
    qtbot.keyClicks(form.field("attendees"), "Mara, her carers, her social worker")
    _choose(form.field("participation"), "PN0")
    qtbot.waitUntil(lambda: "4 or older" in form.error_text("participation"), timeout=5000)
    _choose(form.field("participation"), "PN1")
    qtbot.waitUntil(lambda: form.error_text("participation") == "", timeout=5000)

    qtbot.mouseClick(form.add_action_button, Qt.MouseButton.LeftButton)
    first = form.action_lines[0]
    qtbot.keyClicks(first.description, "Ring the school about her reading support")
    qtbot.keyClicks(first.owner, "Sam Reid")
    first.due.setDate(qdate(today - timedelta(days=3)))
    qtbot.mouseClick(form.add_action_button, Qt.MouseButton.LeftButton)
    second = form.action_lines[1]
    qtbot.keyClicks(second.description, "Arrange contact with her brother")
    qtbot.keyClicks(second.owner, "Carers")
    second.due.setDate(qdate(today + timedelta(days=30)))

    with qtbot.waitSignal(form.sig_failed, timeout=5000):
        qtbot.mouseClick(form.finalise_button, Qt.MouseButton.LeftButton)
    assert form.error_text("decisions") == "Record the review's decisions before signing off."
    assert not form.is_read_only and yes_to_finalise

    qtbot.keyClicks(form.field("decisions"), "Placement continues; reading support to be chased.")
    with qtbot.waitSignal(form.finalised, timeout=5000):
        qtbot.mouseClick(form.finalise_button, Qt.MouseButton.LeftButton)
    assert form.is_read_only and form.error_text("decisions") == ""
    with window.store.read() as session:
        review = session.get(Review, form.review_id)
        assert review is not None and review.is_finalised and review.participation == "PN1"
        agreed = session.scalars(select(Action).where(Action.source_id == review.id)).all()
        assert sorted(a.owner for a in agreed) == ["Carers", "Sam Reid"]

    window.back()
    case = window.current_page
    assert isinstance(case, CaseView)
    qtbot.waitUntil(lambda: case.actions_model.rowCount() == 4, timeout=5000)
    model = case.actions_model
    descriptions = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Ring the school about her reading support" in descriptions
    assert "Arrange contact with her brother" in descriptions

    dashboard = _back_to_dashboard(window, qtbot)
    qtbot.waitUntil(
        lambda: (
            "Action: Ring the school about her reading support (Sam Reid): Overdue"
            in _tooltip(dashboard, "Mara")
        ),
        timeout=5000,
    )
    assert "Action: Arrange contact with her brother (Carers): Upcoming" in _tooltip(
        dashboard, "Mara"
    )

    case = window.open_child(child_id)
    qtbot.waitUntil(lambda: case.actions_model.rowCount() == 4, timeout=5000)
    row = case.actions_model.row_of(first.action_id)
    case.actions_table.setFocus()
    case.actions_table.selectRow(row)
    assert case.mark_done_button.isEnabled()
    qtbot.mouseClick(case.mark_done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: case.actions_panel.dialog is not None, timeout=2000)
    dialog = case.actions_panel.dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: str(
            case.actions_model.index(case.actions_model.row_of(first.action_id), 3).data()
        ).startswith("Done"),
        timeout=5000,
    )
    dashboard = _back_to_dashboard(window, qtbot)
    qtbot.waitUntil(lambda: "Ring the school" not in _tooltip(dashboard, "Mara"), timeout=5000)
    assert "Arrange contact with her brother" in _tooltip(dashboard, "Mara")


def test_a_carer_annual_review_opened_for_a_household(window: MainWindow, qtbot: QtBot) -> None:
    """``open_review(household_id=...)`` asks the carer review's questions, not the child's;
    signed off, it is the household's review and its action is the household's due item."""
    _, household_id = _ids(window.store)
    form = window.open_review(household_id=household_id)
    _ready(qtbot, form)
    kind = form.field("kind")
    assert isinstance(kind, QComboBox)
    assert [kind.itemData(i) for i in range(kind.count())] == ["CARER_ANNUAL"]
    titles = [
        w.text() for w in form.findChildren(QLabel) if w.accessibleName() == "Review form title"
    ]
    assert titles == [f"Foster carer annual review: {HOUSEHOLD}"]
    assert form.is_shown("carer.suitability") and not form.is_shown("participation")
    assert not form.is_shown("decisions")

    qtbot.keyClicks(form.field("chair"), "Fostering reviewing officer")
    qtbot.keyClicks(form.field("attendees"), "Both carers, supervising social worker")
    _choose(form.field("carer.suitability"), "YES")
    _choose(form.field("carer.terms"), "YES")
    _choose(form.field("carer.panel"), "NO")
    qtbot.keyClicks(form.field("carer.carers_views"), "They feel well supported.")
    qtbot.mouseClick(form.add_action_button, Qt.MouseButton.LeftButton)
    line = form.action_lines[0]
    qtbot.keyClicks(line.description, "Book the TSD portfolio check")
    qtbot.keyClicks(line.owner, "Bob Hale")
    line.due.setDate(qdate(clock.today() + timedelta(days=5)))

    with qtbot.waitSignal(form.sig_failed, timeout=5000):
        qtbot.mouseClick(form.finalise_button, Qt.MouseButton.LeftButton)
    assert "first annual review" in form.error_text("carer.panel")
    _choose(form.field("carer.panel"), "YES")
    with qtbot.waitSignal(form.finalised, timeout=5000):
        qtbot.mouseClick(form.finalise_button, Qt.MouseButton.LeftButton)
    with window.store.read() as session:
        review = session.get(Review, form.review_id)
        assert review is not None and review.household_id == household_id
        assert review.child_id is None and review.kind == "CARER_ANNUAL"
        assert "Carers' views:\nThey feel well supported." in review.decisions

    dashboard = _back_to_dashboard(window, qtbot)
    qtbot.waitUntil(
        lambda: (
            "Action: Book the TSD portfolio check (Bob Hale): Due soon"
            in _tooltip(dashboard, HOUSEHOLD)
        ),
        timeout=5000,
    )


def test_a_signed_review_reopens_read_only_with_mark_done(window: MainWindow, qtbot: QtBot) -> None:
    """Opened again by its id, a signed review cannot be edited; its open action can be
    marked done from the form, which then says when."""
    child_id, _ = _ids(window.store)
    form = window.open_review(child_id=child_id)
    _ready(qtbot, form)
    qtbot.keyClicks(form.field("chair"), "Priya Shah")
    qtbot.keyClicks(form.field("attendees"), "Mara and her carers")
    _choose(form.field("participation"), "PN1")
    qtbot.keyClicks(form.field("decisions"), "Placement continues.")
    qtbot.mouseClick(form.add_action_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.action_lines[0].description, "Update the health plan")
    qtbot.keyClicks(form.action_lines[0].owner, "Sam Reid")
    form.action_lines[0].due.setDate(qdate(clock.today() + timedelta(days=20)))
    with qtbot.waitSignal(form.finalised, timeout=5000):
        qtbot.mouseClick(form.finalise_button, Qt.MouseButton.LeftButton)
    review_id = form.review_id
    window.back()

    again = window.open_review(review_id=review_id)
    qtbot.waitUntil(lambda: again.is_read_only, timeout=5000)
    line = again.action_lines[0]
    assert line.description.isReadOnly() and line.remove.isHidden()
    qtbot.waitUntil(line.mark_done.isVisible, timeout=2000)
    with qtbot.waitSignal(again.sig_action_done, timeout=5000):
        qtbot.mouseClick(line.mark_done, Qt.MouseButton.LeftButton)
    assert line.state.text().startswith("Done") and line.mark_done.isHidden()


def test_a_review_left_with_back_keeps_its_draft_and_its_action(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Going Back from a half-written review saves it, with the action typed so far, as
    leaving a visit does."""
    child_id, _ = _ids(window.store)
    form = window.open_review(child_id=child_id)
    form.AUTOSAVE_MS = 60_000  # only leaving the page may save
    qtbot.waitUntil(lambda: form.field("chair").isEnabled(), timeout=5000)
    form.field("chair").setFocus()
    qtbot.keyClicks(form.field("chair"), "Priya Shah")
    line = form.add_action()
    qtbot.keyClicks(line.description, "Ask the carers about half-term")
    qtbot.keyClicks(line.owner, "Sam Reid")
    review_id = form.review_id
    window.back()
    assert isinstance(window.current_page, DashboardView)
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=5000)
    with window.store.read() as session:
        review = session.get(Review, review_id)
        assert review is not None and review.chair == "Priya Shah" and not review.is_finalised
        action = session.get(Action, line.action_id)
        assert action is not None and action.description == "Ask the carers about half-term"


def test_the_case_pages_actions_table_passes_qt_model_checks(
    qtmodeltester: object, window: MainWindow, qtbot: QtBot
) -> None:
    """The actions table's model behaves as Qt's views expect."""
    child_id, _ = _ids(window.store)
    case = window.open_child(child_id)
    qtbot.waitUntil(lambda: case.actions_model.rowCount() == 2, timeout=5000)
    qtmodeltester.check(case.actions_model)  # type: ignore[attr-defined]


def test_enter_on_a_review_in_the_chronology_opens_it(window: MainWindow, qtbot: QtBot) -> None:
    """A review recorded for the child is in their chronology; Enter on it opens the form."""
    child_id, _ = _ids(window.store)
    form = window.open_review(child_id=child_id)
    _ready(qtbot, form)
    form.field("chair").setFocus()
    qtbot.keyClicks(form.field("chair"), "Priya Shah")
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save_now()
    review_id = form.review_id
    window.back()
    case = window.open_child(child_id)
    qtbot.waitUntil(lambda: case.case is not None, timeout=5000)
    model = case.chronology_model
    row = next(r for r in range(model.rowCount()) if model.entry_at(r).kind == "review")
    case.chronology.setFocus()
    case.chronology.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(case.chronology, Qt.Key.Key_Return)
    opened = window.current_page
    assert isinstance(opened, ReviewForm) and opened.review_id == review_id
    qtbot.waitUntil(lambda: opened.field("chair").isEnabled(), timeout=5000)
    chair = opened.field("chair")
    assert isinstance(chair, QLineEdit) and chair.text() == "Priya Shah"
