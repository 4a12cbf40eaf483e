"""The caseload dashboard over a demo caseload: rows in words, sorting, filters, search as you
type, and opening a child with Enter."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import clock
from app.dashboard import build, caseload
from app.deadlines.engine import Status
from app.store import Store
from tests.ui import views_support
from ui.models.dashboard_model import CaseloadModel, Column, measure_model
from ui.views.common import uk_date
from ui.views.dashboard import DashboardView


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The 60-child demo caseload, built once for this module (about a second)."""
    yield from views_support.demo_store(tmp_path_factory.mktemp("dashboard-demo"))


@pytest.fixture(scope="module")
def noted_child(demo: Store) -> uuid.UUID:
    """A demo child with a case note holding a word no other record uses."""
    chosen = build(demo, clock.today()).children[7].child_id
    views_support.add_case_note(
        demo, chosen, f"Went {views_support.RARE_WORD} with the carers' nephew."
    )
    return chosen


@pytest.fixture
def view(qtbot: QtBot, demo: Store, noted_child: uuid.UUID) -> DashboardView:
    shown = DashboardView(demo)
    qtbot.addWidget(shown)
    shown.resize(*views_support.SCREEN)
    shown.show()
    with qtbot.waitSignal(shown.sig_loaded, timeout=10_000):
        shown.refresh()
    return shown


def _column(view: DashboardView, column: int) -> list[str]:
    proxy = view.proxy
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def test_rows_show_every_child_and_household_in_words(view: DashboardView, demo: Store) -> None:
    """Each child and carer household appears once, most urgent first, status in words with
    an icon, and the items spelt out in the tooltip."""
    expected = build(demo, clock.today())
    assert view.model.rowCount() == len(expected.children) + len(expected.households)
    statuses = _column(view, Column.STATUS)
    assert statuses[0] == "Overdue"
    assert set(statuses) <= {"Overdue", "Due soon", "Upcoming", "Done", "Nothing due"}
    first = view.proxy.index(0, Column.STATUS)
    assert first.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "Overdue (due" in first.data(Qt.ItemDataRole.ToolTipRole)
    names = {r.name for r in expected.children}
    assert names <= set(_column(view, Column.NAME))
    assert all(len(d.split()) == 3 for d in _column(view, Column.DUE) if d)  # "03 Nov 2026"


def test_columns_sort_both_ways_from_the_header(view: DashboardView, qtbot: QtBot) -> None:
    """Sorting by name goes A to Z and back; sorting by status puts overdue first again."""
    view.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    names = _column(view, Column.NAME)
    assert names == sorted(names, key=str.casefold)
    view.table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert _column(view, Column.NAME) == sorted(names, key=str.casefold, reverse=True)
    view.table.sortByColumn(Column.DUE, Qt.SortOrder.AscendingOrder)
    dues = [view.proxy.row_at(r).next_due for r in range(view.proxy.rowCount())]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated) and dues[: len(dated)] == dated
    view.table.sortByColumn(Column.STATUS, Qt.SortOrder.AscendingOrder)
    assert _column(view, Column.STATUS)[0] == "Overdue"


def test_filters_narrow_the_table(view: DashboardView) -> None:
    """Status, kind of item, legal status and children-only filters each narrow the rows, and
    clearing them shows everyone again."""
    total = view.proxy.rowCount()
    view.set_filters(status=Status.OVERDUE)
    overdue = [view.proxy.row_at(r) for r in range(view.proxy.rowCount())]
    assert 0 < len(overdue) < total
    assert all(any(s is Status.OVERDUE for _, s in r.items) for r in overdue)
    view.set_filters(status=Status.DUE_SOON, obligation="child_visit", kind="child")
    rows = [view.proxy.row_at(r) for r in range(view.proxy.rowCount())]
    assert rows and all(r.kind == "child" for r in rows)
    assert all(("child_visit", Status.DUE_SOON) in r.items for r in rows)
    view.set_filters(legal_status="C2")
    rows = [view.proxy.row_at(r) for r in range(view.proxy.rowCount())]
    assert rows and all(r.legal_code == "C2" for r in rows)
    view.set_filters()
    assert view.proxy.rowCount() == total


def test_search_as_you_type_finds_a_child_by_case_text_and_enter_opens_them(
    view: DashboardView, qtbot: QtBot, noted_child: uuid.UUID
) -> None:
    """Typing part of a word from a case note lists that child; Enter opens them."""
    view.search_box.setFocus()
    with qtbot.waitSignal(view.sig_searched, timeout=5000):
        qtbot.keyClicks(view.search_box, views_support.RARE_WORD[:7])
    assert view.results.count() == 1
    assert view.results.item(0).data(Qt.ItemDataRole.UserRole) == noted_child
    assert "a case note" in view.results.item(0).text()
    with qtbot.waitSignal(view.sig_child_opened, timeout=2000) as opened:
        qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert opened.args == [noted_child]
    qtbot.keyClick(view.search_box, Qt.Key.Key_Escape)
    assert view.search_box.text() == "" and not view.results.isVisible()


def test_enter_on_a_row_opens_the_child(view: DashboardView, qtbot: QtBot) -> None:
    """Selecting a child's row and pressing Enter emits sig_child_opened with their id."""
    view.set_filters(kind="child")
    view.table.setFocus()
    view.table.selectRow(2)
    expected = view.proxy.row_at(2).subject_id
    with qtbot.waitSignal(view.sig_child_opened, timeout=2000) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [expected]


def test_model_passes_qt_model_checks(qtmodeltester: object, demo: Store) -> None:
    """The table model keeps Qt's model contract (row counts, indexes, roles)."""
    lines = caseload(demo, clock.today())
    model = CaseloadModel()
    model.set_caseload(lines)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    timings = measure_model(lines, runs=1)
    assert set(timings) == {"load", "sort", "filter"}


def test_words_worked_out_as_painted_are_the_dashboards(view: DashboardView, demo: Store) -> None:
    """The model keeps raw values and words them only when asked; what it says for each child
    and household is what the dashboard rows say: names, legal status, placement and carers,
    next item and its due date, the items in the tooltip and the filters' (item, status)."""
    expected = build(demo, clock.today())
    rows = {
        view.model.row_at(r).subject_id: view.model.row_at(r) for r in range(view.model.rowCount())
    }
    for child in expected.children:
        row = rows[child.child_id]
        nxt = child.next_item
        assert (row.kind, row.name, row.age, row.legal_code) == (
            "child",
            child.name,
            child.age,
            child.legal_status_code,
        )
        assert row.legal == child.legal_status
        assert row.where == child.placement + (f" ({child.carers})" if child.carers else "")
        assert row.worst is child.worst and row.next_due == child.next_due
        assert row.next_item == (nxt.title if nxt else "Nothing due")
        assert row.due_text == uk_date(child.next_due)
        assert row.summary == child.summary(limit=5)
        assert row.items == frozenset((i.obligation, i.status) for i in child.items)
    for household in expected.households:
        row = rows[household.household_id]
        assert (row.kind, row.name, row.legal, row.where) == (
            "household",
            household.name,
            household.approval_status,
            household.carer_type,
        )
        assert row.worst is household.worst and row.next_due == household.next_due
        assert row.items == frozenset((i.obligation, i.status) for i in household.items)
    assert len(rows) == len(expected.children) + len(expected.households)
