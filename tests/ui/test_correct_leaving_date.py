"""Correcting the day a child left care, from the case's "Legal status and placements" tab: a
day recorded by mistake is moved with a reason; without a reason the dialog says so beside the
field and keeps the day chosen; saved, the history shows the new day, the support after return
home is due from it, and the chronology keeps both days and the reason."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app import clock, leaving_care
from app.models import LegalStatus, Placement
from app.store import Store
from tests.app import factories
from tests.ui import views_support
from tests.ui.form_typist import click
from ui.views.case_view import CaseView
from ui.views.common import qdate
from ui.views.leaving_care_dialog import CorrectLeavingDateDialog

HISTORY_TAB, DUE_TAB = 1, 3
SHOTS = Path("/work/notes/shots/w30-home")
TODAY = datetime(2026, 3, 12, 12, 0).astimezone()


def _went_home_on_the_wrong_day(store: Store) -> uuid.UUID:
    """On a care order since January 2025; recorded as going home on Monday 9 March 2026
    when it was Monday 2 March."""
    with store.write() as session:
        child = factories.child(given_name="Evie", family_name="Whitfield")
        session.add(child)
        session.flush()
        began = clock.today().replace(year=2025, month=1, day=6)
        session.add(LegalStatus(child_id=child.id, code="C2", start_date=began))
        session.add(Placement(child_id=child.id, placement_type="P1", start_date=began))
        child_id = child.id
    leaving_care.record_leaving_care(store, child_id, clock.today().replace(day=9), "E4A")
    return child_id


def _shot(widget: QWidget, name: str) -> None:
    if SHOTS.is_dir():
        widget.grab().save(str(SHOTS / f"{name}.png"))


def _support_plan_due(view: CaseView) -> str:
    model = view.due_model
    [row] = [
        r
        for r in range(model.rowCount())
        if model.item_at(r).title == "Support plan after return home"
    ]
    return f"{model.item_at(row).due:%d %b %Y}"


def test_a_worker_corrects_the_day_with_a_reason(qtbot: QtBot, store: Store) -> None:
    with clock.frozen_at(TODAY):
        child_id = _went_home_on_the_wrong_day(store)
        view = CaseView(store, child_id)
        qtbot.addWidget(view)
        view.resize(*views_support.SCREEN)
        view.show()
        qtbot.waitUntil(lambda: view.case is not None, timeout=5000)
        assert _support_plan_due(view) == "23 Mar 2026"  # ten working days from 9 March
        view.tabs.setCurrentIndex(HISTORY_TAB)
        assert view.correct_leaving_button.isEnabled()
        assert not view.leaving_care_button.isEnabled()  # nothing current to end
        click(qtbot, view.correct_leaving_button)
        qtbot.waitUntil(lambda: bool(view.findChildren(CorrectLeavingDateDialog)), timeout=5000)
        dialog = view.findChildren(CorrectLeavingDateDialog)[-1]
        assert dialog.date_box.date() == qdate(TODAY.date().replace(day=9))  # starts at it

        dialog.date_box.setDate(qdate(TODAY.date().replace(day=2)))
        with qtbot.waitSignal(dialog.sig_failed, timeout=10_000):
            click(qtbot, dialog.save_button)
        assert dialog.error_text("reason") == "Say why the day is being corrected."
        assert dialog.isVisible() and dialog.date_box.date() == qdate(TODAY.date().replace(day=2))

        dialog.reason_edit.setFocus()
        qtbot.keyClicks(dialog.reason_edit, "The review date was typed, not the discharge.")
        _shot(dialog, "correct-leaving-date-dialog")
        with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
            click(qtbot, dialog.save_button)
        assert view.case is not None
        [status] = view.case.legal_statuses
        assert status.end == TODAY.date().replace(day=2) and status.reason_code == "E4A"
        assert [p.end for p in view.case.placements] == [TODAY.date().replace(day=2)]
        assert "Returned home on 2 March 2026" in view.case.profile.return_home
        view.tabs.setCurrentIndex(DUE_TAB)
        assert _support_plan_due(view) == "16 Mar 2026"  # ten working days from 2 March
        [note] = [e for e in view.case.chronology if e.title.startswith("Record corrected")]
        assert "from 9 March 2026 to 2 March 2026" in note.summary
        assert "review date was typed" in note.summary
        view.tabs.setCurrentIndex(HISTORY_TAB)
        _shot(view, "correct-leaving-date-after")
