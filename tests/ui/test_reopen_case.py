"""Reopening a closed case from the child's page: the button shows only on a closed case; no
reason is said beside the field; with one, the case is open again, its support items are back
and the chronology keeps the reason."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pytestqt.qtbot import QtBot

from app import clock
from app.models import LegalStatus
from app.services import assessments
from app.store import Store
from tests.app import factories
from tests.ui import views_support
from tests.ui.form_typist import click
from ui.views.case_view import CaseView
from ui.views.reopen_case_dialog import ReopenCaseDialog

HISTORY_TAB = 1
TODAY = datetime(2027, 3, 3, 12, 0).astimezone()


def _closed_after_going_home(store: Store) -> uuid.UUID:
    with store.write() as session:
        child = factories.child(given_name="Evie", family_name="Whitfield")
        session.add(child)
        session.flush()
        session.add(
            LegalStatus(
                child_id=child.id,
                code="C2",
                start_date=date(2025, 6, 2),
                end_date=date(2026, 3, 2),
                reason_ceased="E4A",
            )
        )
        child_id = child.id
    assessments.finalise(
        store,
        assessment_id=uuid.uuid4(),
        template_id="return_home_outcome",
        template_version=1,
        child_id=child_id,
        household_id=None,
        answers={
            "point": "TWELVE_MONTHS",
            "where": "AT_HOME",
            "how_going": "Settled.",
            "support_next": "CLOSE",
        },
    )
    return child_id


def test_a_worker_reopens_a_closed_case(qtbot: QtBot, store: Store) -> None:
    with clock.frozen_at(TODAY):
        child_id = _closed_after_going_home(store)
        view = CaseView(store, child_id)
        qtbot.addWidget(view)
        view.resize(*views_support.SCREEN)
        view.show()
        qtbot.waitUntil(lambda: view.case is not None, timeout=5000)
        assert view.case is not None and not view.case.profile.case_open
        assert view.due_model.rowCount() == 0
        view.tabs.setCurrentIndex(HISTORY_TAB)
        assert view.reopen_button.isVisible()
        click(qtbot, view.reopen_button)
        qtbot.waitUntil(lambda: bool(view.findChildren(ReopenCaseDialog)), timeout=5000)
        dialog = view.findChildren(ReopenCaseDialog)[-1]
        with qtbot.waitSignal(dialog.sig_failed, timeout=10_000):
            click(qtbot, dialog.save_button)
        assert dialog.error_text("reason") == "Say why the case is being reopened."
        dialog.reason_edit.setFocus()
        qtbot.keyClicks(dialog.reason_edit, "Closed by mistake.")
        with qtbot.waitSignal(view.sig_loaded, timeout=10_000):
            click(qtbot, dialog.save_button)
        assert view.case is not None and view.case.profile.case_open
        assert not view.reopen_button.isVisible()
        titles = {view.due_model.item_at(r).title for r in range(view.due_model.rowCount())}
        assert "Outcome twelve months after return home" in titles
        assert any(e.title.startswith("Case reopened") for e in view.case.chronology)
