"""A worker takes a child home, against the live service: the assessment for return and the
decision on the placement with parents are typed and finalised from the child's case, the care
order is discharged (reason E4A) through "Record leaving care…", the sync carries the discharge to
the service and the case stays on the worker's laptop as support after return, with its items on
the Due tab and the dashboard; the support plan meets its item, and six months on the outcome is
due and recorded, and synced."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app import clock
from app.dashboard import build
from app.deadlines.engine import Status
from app.models import Child, LegalStatus, Placement
from tests.app import factories
from tests.server.conftest import LiveServer
from tests.sync.devices import Device
from tests.ui import manager_support, sync_support, views_support
from tests.ui.form_typist import click, fill_required
from ui.forms.inputs import ComboChoiceInput, RadioChoiceInput
from ui.main_window import MainWindow
from ui.views.assessment_form import AssessmentForm
from ui.views.case_view import CaseView
from ui.views.common import qdate
from ui.views.leaving_care_dialog import LeavingCareDialog
from ui.views.new_assessment import NewAssessmentDialog

HISTORY_TAB = 1
DUE_TAB = 3
SHOTS = Path("/work/notes/shots/w30-home")


@pytest.fixture
def worker(server: LiveServer, tmp_path: Path) -> Iterator[Device]:
    user = server.user("worker", server.team())
    device = manager_support.signed_in(server, user, tmp_path, "worker-laptop", "worker")
    yield device
    device.close()


def _child_at_home_on_a_care_order(device: Device) -> tuple[uuid.UUID, date]:
    """A child of the worker's on a care order for a year, placed with their parents for two
    months (plan: return home), already on the service. Returns the child and the order's
    first day."""
    today = clock.today()
    ordered, placed = today - timedelta(days=365), today - timedelta(days=60)
    with device.store.write() as session:
        child = factories.child(
            allocated_worker=device.user, given_name="Evie", family_name="Whitfield"
        )
        session.add(child)
        session.flush()
        session.add(LegalStatus(child_id=child.id, code="C2", start_date=ordered))
        session.add(
            Placement(
                child_id=child.id,
                placement_type="U6",
                provider="PR1",
                start_date=ordered,
                end_date=placed,
                reason_changed="CARPL",
            )
        )
        session.add(
            Placement(child_id=child.id, placement_type="P1", provider="PR0", start_date=placed)
        )
        child_id = child.id
    summary = device.sync()
    assert summary.ok, summary.errors
    return child_id, ordered


def _shot(widget: object, name: str) -> None:
    if SHOTS.is_dir():
        widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def _case(qtbot: QtBot, window: MainWindow, child_id: uuid.UUID) -> CaseView:
    case = window.open_child(child_id)
    with qtbot.waitSignal(case.sig_loaded, timeout=10_000):
        pass
    return case


def _assess(
    qtbot: QtBot,
    window: MainWindow,
    case: CaseView,
    template_id: str,
    choose: dict[str, str] | None = None,
) -> AssessmentForm:
    """New assessment from the child's case, with this form, typed in full and finalised;
    ``choose`` picks these choice questions' answers (by value) first, as a worker clicks."""
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
    for question, value in (choose or {}).items():
        field = form.renderer.input(question)
        if isinstance(field, RadioChoiceInput):
            values = [option.value for option in field.question.options]
            click(qtbot, field.buttons[values.index(value)])
        else:
            assert isinstance(field, ComboChoiceInput)
            field.box.setCurrentIndex(field.box.findData(value))
        assert field.value() == value
    fill_required(qtbot, form.renderer)
    _shot(window, f"{template_id}-filled")
    with qtbot.waitSignal(form.sig_finalised, timeout=10_000):
        form.finalise()
    return form


def _due(case: CaseView) -> dict[str, Status]:
    model = case.due_model
    return {model.item_at(r).title: model.item_at(r).status for r in range(model.rowCount())}


def test_a_child_goes_home_and_support_after_return_follows(
    qtbot: QtBot, server: LiveServer, worker: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Finalise this assessment?": the worker answers Yes.
    asked: list[str] = []

    def yes(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    store = worker.store
    child_id, ordered = _child_at_home_on_a_care_order(worker)
    window = MainWindow(
        store,
        sync_support.settings_for(server),
        manager_support.profile_of(worker),
        sync_factory=manager_support.quiet_sync,
    )
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

    # 2. The care order is discharged yesterday: the child went home as planned (E4A). The
    #    worker records it on the "Legal status and placements" tab; a day before the order
    #    began is refused in words, and what was chosen stays.
    home_on = clock.today() - timedelta(days=1)
    case.tabs.setCurrentIndex(HISTORY_TAB)
    assert case.leaving_care_button.isEnabled()
    click(qtbot, case.leaving_care_button)
    qtbot.waitUntil(lambda: bool(case.findChildren(LeavingCareDialog)), timeout=5000)
    dialog = case.findChildren(LeavingCareDialog)[-1]
    assert dialog.reason_box.currentData() == "E4A"  # offered first
    dialog.date_box.setDate(qdate(ordered - timedelta(days=1)))
    with qtbot.waitSignal(dialog.sig_failed, timeout=10_000):
        click(qtbot, dialog.save_button)
    assert "cannot be before this legal status began" in dialog.error_text("end_date")
    assert dialog.isVisible() and dialog.reason_box.currentData() == "E4A"
    dialog.date_box.setDate(qdate(home_on))
    qtbot.waitUntil(lambda: dialog.height() >= dialog.sizeHint().height(), timeout=5000)
    _shot(window, "leaving-care-window")
    _shot(dialog, "leaving-care-dialog")
    with qtbot.waitSignal(case.sig_loaded, timeout=10_000):
        click(qtbot, dialog.save_button)
    assert case.case is not None
    assert case.case.profile.legal_status == "Not looked after"
    assert not case.leaving_care_button.isEnabled()
    assert [p.end for p in case.case.placements if p.end is not None] == [
        home_on,
        clock.today() - timedelta(days=60),
    ]

    # The sync carries the discharge; the worker's caseload keeps the child.
    summary = worker.sync()
    assert summary.ok, summary.errors
    pulled = server.client(worker.user).pull_all()
    assert str(child_id) in pulled.records and str(child_id) not in pulled.removed
    ended = [
        r["fields"]
        for r in pulled.records.values()
        if r["record_type"] == "legal_status" and r["fields"]["child_id"] == str(child_id)
    ]
    assert ended == [
        {**ended[0], "code": "C2", "end_date": home_on.isoformat(), "reason_ceased": "E4A"}
    ]
    with store.read() as session:
        assert session.get(Child, child_id) is not None

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
    summary = worker.sync()
    assert summary.ok, summary.errors

    # 6. Twelve months on, the outcome says the return has lasted and the case can close:
    #    signing it off closes the case (off the dashboard, no more items, a chronology entry)
    #    and the sync carries the closure to the service.
    later = datetime.combine(home_on + timedelta(days=367), time(10)).astimezone()
    with clock.frozen_at(later):
        window.back()
        case = _case(qtbot, window, child_id)
        assert _due(case)["Outcome twelve months after return home"] is Status.OVERDUE
        _assess(
            qtbot,
            window,
            case,
            "return_home_outcome",
            {"point": "TWELVE_MONTHS", "where": "AT_HOME", "support_next": "CLOSE"},
        )
        assert "close the case?" in asked[-1] and "leaves your caseload" in asked[-1]
        assert "close the case" not in asked[-2]  # the six-month outcome carried on
        window.back()
        window.back()
        case = _case(qtbot, window, child_id)
        assert case.case is not None and not case.case.profile.case_open
        [facts] = [
            label
            for label in case.findChildren(QLabel)
            if label.accessibleName() == "Age and legal status"
        ]
        assert "Case closed" in facts.text()
        assert "support after return home" not in facts.text()  # support has ended
        assert facts.height() >= facts.heightForWidth(facts.width())  # every line shown
        closed = [e for e in case.case.chronology if e.title.startswith("Case closed")]
        assert len(closed) == 1 and "twelve months" in closed[0].summary
        case.tabs.setCurrentIndex(DUE_TAB)
        assert _due(case) == {}
        _shot(window, "case-closed-twelve-months-on")
        assert all(r.child_id != child_id for r in build(store, clock.today()).children)
    summary = worker.sync()
    assert summary.ok, summary.errors
    pulled = server.client(worker.user).pull_all()
    assert pulled.records[str(child_id)]["fields"]["case_open"] is False
    notes = [
        r["fields"]
        for r in pulled.records.values()
        if r["record_type"] == "case_note" and r["fields"].get("child_id") == str(child_id)
    ]
    assert [(n["kind"], n["status"]) for n in notes] == [("CASE_CLOSED", "finalised")]
