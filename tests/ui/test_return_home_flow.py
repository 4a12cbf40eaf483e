"""A worker takes a demo child home: the assessment for return and the decision on the placement
with parents are typed and finalised from the child's case, the care order is discharged
(reason E4A), the case stays on the worker's laptop as support after return, with its items on
the Due tab and the dashboard, the support plan meets its item, and six months on the outcome is
due and recorded.

The discharge itself arrives as a legal status record (the service's, or the returns team's);
the laptop has no form for legal statuses, so the test writes it to the real store as sync
would, and everything after it is the worker's own clicks and typing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import clock
from app.dashboard import build
from app.deadlines.engine import Status
from app.demo import populate
from app.models import LegalStatus, Placement
from app.settings import Settings
from app.store import Profile, Store
from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui import views_support
from tests.ui.form_typist import click, fill_required
from tests.ui.test_main_window import quiet_sync
from ui.main_window import MainWindow
from ui.views.assessment_form import AssessmentForm
from ui.views.case_view import CaseView
from ui.views.new_assessment import NewAssessmentDialog

DUE_TAB = 3
SHOTS = Path("/work/notes/shots/w30-home")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Profile, Store]]:
    profile = Profile.create(
        "demo", PASSPHRASE, worker="demo.worker", root=tmp_path, kdf=fast_kdf()
    )
    store = profile.unlock(PASSPHRASE)
    populate(
        store, children=30, visits_per_child=4, seed=views_support.DEMO_SEED, today=clock.today()
    )
    try:
        yield profile, store
    finally:
        store.lock()


def _child_at_home_on_a_care_order(store: Store) -> uuid.UUID:
    """The demo's child on a care order placed with their parents (plan: return home)."""
    with store.read() as session:
        for status in session.scalars(
            select(LegalStatus).where(LegalStatus.code == "C2", LegalStatus.end_date.is_(None))
        ):
            placed = session.scalars(
                select(Placement).where(
                    Placement.child_id == status.child_id,
                    Placement.end_date.is_(None),
                    Placement.placement_type == "P1",
                )
            ).first()
            if placed is not None:
                return status.child_id
    raise AssertionError("the demo has no child on a care order placed with parents")


def _shot(widget: object, name: str) -> None:
    if SHOTS.is_dir():
        widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def _case(qtbot: QtBot, window: MainWindow, child_id: uuid.UUID) -> CaseView:
    case = window.open_child(child_id)
    with qtbot.waitSignal(case.sig_loaded, timeout=10_000):
        pass
    return case


def _assess(qtbot: QtBot, window: MainWindow, case: CaseView, template_id: str) -> AssessmentForm:
    """New assessment from the child's case, with this form, typed in full and finalised."""
    new = [b for b in case.findChildren(QPushButton) if b.accessibleName() == "New assessment"]
    click(qtbot, new[0])
    qtbot.waitUntil(lambda: bool(window.findChildren(NewAssessmentDialog)), timeout=5000)
    dialog = window.findChildren(NewAssessmentDialog)[-1]
    qtbot.waitUntil(lambda: bool(dialog.templates()), timeout=5000)
    assert template_id in {t.id for t in dialog.templates()}
    dialog.choose(template_id)
    click(qtbot, dialog.start_button)
    form = window.current_page
    assert isinstance(form, AssessmentForm)
    qtbot.waitUntil(lambda: form.renderer is not None, timeout=5000)
    assert form.renderer is not None
    fill_required(qtbot, form.renderer)
    _shot(window, f"{template_id}-filled")
    with qtbot.waitSignal(form.sig_finalised, timeout=10_000):
        form.finalise()
    return form


def _due(case: CaseView) -> dict[str, Status]:
    model = case.due_model
    return {model.item_at(r).title: model.item_at(r).status for r in range(model.rowCount())}


def test_a_child_goes_home_and_support_after_return_follows(
    qtbot: QtBot, demo: tuple[Profile, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Finalise this assessment?": the worker answers Yes.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    profile, store = demo
    child_id = _child_at_home_on_a_care_order(store)
    window = MainWindow(store, Settings(), profile, sync_factory=quiet_sync)
    qtbot.addWidget(window)
    window.resize(*views_support.SCREEN)
    window.show()

    # 1. The assessment for return, then the nominated officer's decision on the placement
    #    with parents, both from the child's case.
    case = _case(qtbot, window, child_id)
    _assess(qtbot, window, case, "reunification_assessment")
    window.back()
    window.back()
    case = _case(qtbot, window, child_id)
    _assess(qtbot, window, case, "placement_with_parents")
    window.back()
    window.back()
    case = _case(qtbot, window, child_id)
    assert case.case is not None
    titles = {e.title for e in case.case.chronology}
    assert any("return home" in t for t in titles), titles
    assert any("with their parents" in t for t in titles), titles

    # 2. The care order is discharged yesterday: the child went home as planned (E4A).
    home_on = clock.today() - timedelta(days=1)
    with store.write() as session:
        for status in session.scalars(
            select(LegalStatus).where(
                LegalStatus.child_id == child_id, LegalStatus.end_date.is_(None)
            )
        ):
            status.end_date, status.reason_ceased = home_on, "E4A"
        for placed in session.scalars(
            select(Placement).where(Placement.child_id == child_id, Placement.end_date.is_(None))
        ):
            placed.end_date, placed.reason_changed = home_on, "CARPL"

    # 3. The case stays open: support after return home, on the Due tab and the dashboard.
    window.back()
    case = _case(qtbot, window, child_id)
    assert case.case is not None
    assert case.case.profile.legal_status == "Not looked after"
    assert case.case.profile.return_home.startswith("Returned home on ")
    case.tabs.setCurrentIndex(DUE_TAB)
    due = _due(case)
    assert due["Support plan after return home"] is Status.DUE_SOON
    assert due["First support visit after return home"] is Status.DUE_SOON
    assert due["Outcome six months after return home"] is Status.UPCOMING
    assert not any("looked-after review" in title.casefold() for title in due)
    _shot(window, "due-tab-after-return-home")
    [row] = [r for r in build(store, clock.today()).children if r.child_id == child_id]
    assert {i.rule_ref for i in row.open_items} >= {"RH1", "RH2", "RH4", "RH5", "RH6"}

    # 4. The support plan, agreed with the family, meets its item.
    _assess(qtbot, window, case, "return_home_support_plan")
    window.back()
    window.back()
    case = _case(qtbot, window, child_id)
    assert _due(case)["Support plan after return home"] is Status.DONE

    # 5. Six months on, the outcome is due; recorded, it is done and twelve months is next.
    later = datetime.combine(home_on + timedelta(days=183), time(10)).astimezone()
    with clock.frozen_at(later):
        window.back()
        case = _case(qtbot, window, child_id)
        assert _due(case)["Outcome six months after return home"] is Status.OVERDUE
        _assess(qtbot, window, case, "return_home_outcome")
        window.back()
        window.back()
        case = _case(qtbot, window, child_id)
        case.tabs.setCurrentIndex(DUE_TAB)
        due = _due(case)
        assert due["Outcome six months after return home"] is Status.DONE
        assert due["Outcome twelve months after return home"] is Status.UPCOMING
        _shot(window, "due-tab-six-months-on")
