"""The case view: the child in words at the top, their history, actions, and a chronology of
everything recorded that opens visits with Enter."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView, QTabWidget
from pytestqt.qtbot import QtBot

from app.store import Store
from tests.ui import views_support
from ui.models.chronology_model import ChronologyModel
from ui.models.chronology_model import Column as C
from ui.views.case_view import CaseView


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    return views_support.child_with_history(store)


@pytest.fixture
def view(qtbot: QtBot, store: Store, child_id: uuid.UUID) -> CaseView:
    shown = CaseView(store, child_id)
    qtbot.addWidget(shown)
    shown.resize(*views_support.SCREEN)
    shown.show()
    qtbot.waitUntil(lambda: shown.case is not None, timeout=5000)
    return shown


def _label(view: CaseView, name: str) -> str:
    found = [w for w in view.findChildren(QLabel) if w.accessibleName() == name]
    assert found, name
    return found[0].text()


def test_header_says_who_the_child_is_in_words(view: CaseView) -> None:
    """Name, age, date of birth as 14 Mar 2017 and the legal status in words."""
    assert _label(view, "Child's name") == "Mara Okafor"
    facts = _label(view, "Age and legal status")
    assert "born 14 Mar 2017" in facts and "Full care order (s31)" in facts
    assert "The Whitfield household" in _label(view, "Current placement")


def test_chronology_is_newest_first_and_filters_by_kind(view: CaseView) -> None:
    """Every record is listed newest first; "Visits" shows visits and their addenda only."""
    model = view.chronology_model
    assert model.rowCount() == 6
    kinds = [model.index(r, C.KIND).data() for r in range(model.rowCount())]
    assert sorted(kinds) == sorted(["Visit", "Visit", "Addendum", "Case note", "Action", "Action"])
    days = [model.entry_at(r).on for r in range(model.rowCount())]
    assert days == sorted(days, reverse=True)
    view.kind_filter.setCurrentIndex(view.kind_filter.findText("Visits"))
    assert {model.entry_at(r).kind for r in range(model.rowCount())} == {"visit", "addendum"}
    view.kind_filter.setCurrentIndex(view.kind_filter.findText("Case notes"))
    assert model.rowCount() == 1 and "Call from school" in model.index(0, C.WHAT).data()
    view.kind_filter.setCurrentIndex(0)
    assert model.rowCount() == 6


def test_enter_on_a_visit_or_its_addendum_opens_the_visit(
    view: CaseView, qtbot: QtBot, child_id: uuid.UUID
) -> None:
    """Enter on a visit opens it; Enter on an addendum opens the visit it corrects."""
    model = view.chronology_model
    rows = {model.entry_at(r).kind + model.entry_at(r).status: r for r in range(model.rowCount())}
    signed = model.entry_at(rows["visitFinalised"])
    view.chronology.setFocus()
    view.chronology.selectRow(rows["visitFinalised"])
    with qtbot.waitSignal(view.sig_open_visit, timeout=2000) as opened:
        qtbot.keyClick(view.chronology, Qt.Key.Key_Return)
    assert opened.args == [child_id, signed.record_id]
    view.chronology.selectRow(rows["addendum"])
    with qtbot.waitSignal(view.sig_open_visit, timeout=2000) as opened:
        qtbot.keyClick(view.chronology, Qt.Key.Key_Return)
    assert opened.args == [child_id, signed.record_id]


def test_record_a_visit_and_the_other_tabs(
    view: CaseView, qtbot: QtBot, child_id: uuid.UUID
) -> None:
    """The record-visit button names the child; history and actions have their own tabs."""
    tabs = view.findChild(QTabWidget)
    assert tabs is not None
    assert [tabs.tabText(i).replace("&", "") for i in range(tabs.count())] == [
        "Chronology",
        "Legal status and placements",
        "Actions (2 open)",
        "Due (4 overdue)",  # first review, care plan, placement plan, the dental check-up
    ]
    case = view.case
    assert case is not None
    assert [s.code for s in case.legal_statuses] == ["C2", "C1"]
    assert case.actions[0].overdue and case.actions[0].description == "Book a dental check-up"
    with qtbot.waitSignal(view.sig_record_visit, timeout=2000) as asked:
        qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert asked.args == [child_id]


def test_a_missing_child_is_explained(qtbot: QtBot, store: Store) -> None:
    """A child no longer on the laptop shows a plain message, not an empty page."""
    shown = CaseView(store, uuid.uuid4())
    qtbot.addWidget(shown)
    with qtbot.waitSignal(shown.sig_loaded, timeout=5000):
        pass
    assert _label(shown, "Child's name") == "Case not available"


def test_chronology_model_passes_qt_model_checks(qtmodeltester: object, view: CaseView) -> None:
    """The chronology model keeps Qt's model contract."""
    case = view.case
    assert case is not None
    model = ChronologyModel()
    model.set_entries(case.chronology)
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_enter_on_a_placement_opens_its_carers_household(
    view: CaseView, qtbot: QtBot, store: Store
) -> None:
    """Enter on a placement whose carers' household is on this laptop opens that household."""
    case = view.case
    assert case is not None
    [placement] = [p for p in case.placements if p.household_id is not None]
    row = case.placements.index(placement)
    tables = [t for t in view.findChildren(QTableView) if t.accessibleName() == "Placements"]
    assert len(tables) == 1
    placements = tables[0]
    placements.setCurrentIndex(placements.model().index(row, 0))
    with qtbot.waitSignal(view.sig_open_household, timeout=2000) as asked:
        qtbot.keyClick(placements, Qt.Key.Key_Return)
    assert asked.args == [placement.household_id]
