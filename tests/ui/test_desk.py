"""A worker's desk through the real window and store: Caseload (Alt+Home) goes home in one
step saving the draft on the way; My drafts lists every unsigned record oldest first with its
age and opens one; the diary shows the weeks ahead (overdue first) and exports them as an
iCalendar file Outlook reads; after lock and unlock the page and record that were open come
back, over the child's case."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from icalendar import Calendar
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import clock, diary_calendar
from app.ids import new_id
from app.models import AuditEvent, Visit
from app.services import case_notes
from app.services.case_notes import NoteFields
from tests.conftest import PASSPHRASE
from tests.ui import test_main_window as main_window_tests
from ui.main_window import MainWindow
from ui.views.case_note_form import CaseNoteForm
from ui.views.case_view import CaseView
from ui.views.dashboard import DashboardView
from ui.views.my_work import DiaryView, DraftsView
from ui.views.visit_form import VisitForm

#: The main window over a real profile holding Mara's case (fixtures reused from its tests).
profile = main_window_tests.profile
window = main_window_tests.window
_open_mara = main_window_tests._open_mara
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _active(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def _visit_with_words(window: MainWindow, qtbot: QtBot, words: str) -> VisitForm:
    case = _open_mara(window, qtbot)
    case.sig_record_visit.emit(case.child_id)
    form = window.current_page
    assert isinstance(form, VisitForm)
    qtbot.waitUntil(lambda: form.field("observations").isEnabled(), timeout=5000)
    box = form.field("observations")
    assert isinstance(box, QPlainTextEdit)
    box.setFocus()
    qtbot.keyClicks(box, words)
    return form


def test_caseload_goes_home_in_one_step_and_keeps_the_draft(
    window: MainWindow, qtbot: QtBot
) -> None:
    form = _visit_with_words(window, qtbot, "Settled and chatty.")
    _active(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_Home, Qt.KeyboardModifier.AltModifier)
    assert isinstance(window.current_page, DashboardView)
    assert not window.back_action.isEnabled()

    def stored() -> bool:
        with window.store.read() as session:
            visit = session.get(Visit, form.visit_id)
            return visit is not None and visit.observations == "Settled and chatty."

    qtbot.waitUntil(stored, timeout=5000)


def test_my_drafts_are_oldest_first_with_their_age_and_open(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A case note started ten days ago comes before today's draft visit; Enter opens it."""
    case = _open_mara(window, qtbot)
    note_id = new_id()
    case_notes.save_draft(
        window.store,
        note_id=note_id,
        child_id=case.child_id,
        values=NoteFields("PHONE_CALL", clock.today() - timedelta(days=10), "Call", "Notes"),
    )
    with window.store.write() as session:
        note = session.get(case_notes.CaseNote, note_id)
        assert note is not None
        note.created_at = clock.utcnow() - timedelta(days=10)
    _active(window, qtbot)
    qtbot.keyClick(
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    view = window.current_page
    assert isinstance(view, DraftsView)
    qtbot.waitUntil(lambda: bool(view.drafts), timeout=5000)
    drafts = view.drafts
    assert [d.record_type for d in drafts] == ["case_note", "visit"]
    first = view.tree.topLevelItem(0)
    assert first is not None
    assert first.text(1) == "10 days" and first.text(3) == "Phone call: Call"
    assert "Mara" in first.text(4)
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    form = window.current_page
    assert isinstance(form, CaseNoteForm) and form.note_id == note_id


def test_the_diary_lists_the_weeks_ahead_and_exports_them_for_outlook(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """Overdue items first, then each week; the file holds one all-day event per item ahead,
    which the icalendar reader reads back; Enter on an item opens the child."""
    _active(window, qtbot)
    qtbot.keyClick(
        window,
        Qt.Key.Key_Y,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    view = window.current_page
    assert isinstance(view, DiaryView)
    qtbot.waitUntil(lambda: bool(view.weeks), timeout=5000)
    weeks = view.weeks
    assert weeks[0].monday is None
    assert any("dental" in i.title for i in weeks[0].items)  # overdue two days
    ahead = [i for w in weeks[1:] for i in w.items]
    assert ahead and all(i.due >= clock.today() for i in ahead)
    assert all(i.due < clock.today() + timedelta(weeks=6) for i in ahead)
    life_story = [i for i in ahead if "life story" in i.title]
    assert life_story and life_story[0].due == clock.today() + timedelta(days=30)
    for week in weeks[1:]:
        assert week.monday is not None and week.monday.weekday() == 0
        assert all(week.monday <= i.due < week.monday + timedelta(days=7) for i in week.items)

    target = tmp_path / "diary.ics"
    with qtbot.waitSignal(view.sig_exported, timeout=5000):
        view.export(target)
    calendar = Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(ahead)
    summaries = [str(e.get("summary")) for e in events]
    assert any("life story" in s and "Mara" in s for s in summaries)
    days = {e.decoded("dtstart") for e in events}
    assert clock.today() + timedelta(days=30) in days
    assert all(str(e.get("class")) == "CONFIDENTIAL" for e in events)
    # It names children: its leaving is in the audit trail (never where it went).
    with window.store.read() as session:
        trail = session.scalars(
            select(AuditEvent).where(AuditEvent.action == diary_calendar.EXPORT_ACTION)
        ).all()
    assert [(e.actor, e.detail) for e in trail] == [
        (window.store.worker, f"calendar file, {len(ahead)} events")
    ]
    assert str(tmp_path) not in trail[0].detail

    overdue = view.tree.topLevelItem(0)
    assert overdue is not None
    dental = next(
        overdue.child(n)
        for n in range(overdue.childCount())
        if "dental" in overdue.child(n).text(1)
    )
    view.tree.setCurrentItem(dental)
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert isinstance(window.current_page, CaseView)


def test_after_lock_and_unlock_the_visit_and_case_under_it_come_back(
    window: MainWindow, qtbot: QtBot
) -> None:
    form = _visit_with_words(window, qtbot, "Typed before the lock.")
    visit_id: uuid.UUID = form.visit_id
    with qtbot.waitSignal(window.sig_locked, timeout=10_000):
        window.lock("idle")
    unlock = window.unlock_window
    assert unlock is not None
    with qtbot.waitSignal(window.sig_unlocked, timeout=10_000):
        qtbot.keyClicks(unlock.passphrase, PASSPHRASE)
        qtbot.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    again = window.current_page
    assert isinstance(again, VisitForm) and again.visit_id == visit_id
    qtbot.waitUntil(lambda: again.field("observations").isEnabled(), timeout=5000)
    box = again.field("observations")
    assert isinstance(box, QPlainTextEdit) and box.toPlainText() == "Typed before the lock."
    window.back_action.trigger()
    assert isinstance(window.current_page, CaseView)
    window.back_action.trigger()
    assert isinstance(window.current_page, DashboardView)
