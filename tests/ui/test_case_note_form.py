"""Case notes with the real window and store: a new note from the child's case autosaves as a
draft of the kind chosen, with the day it happened apart from the day it was written; the draft
opens again from the chronology; signing off checks before it asks, and the check clears as
the note is written; addenda correct it after; its words are found by search and it is in the
chronology PDF."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app import clock
from app.exports.builders import chronology_document
from app.exports.document import ExportContext
from app.models import Addendum, CaseNote
from app.store import Store
from tests.ui import test_main_window as main_window_tests
from ui.main_window import MainWindow
from ui.views.case_note_form import CaseNoteForm
from ui.views.case_view import CaseView
from ui.views.dashboard import DashboardView

#: The main window over a real profile holding Mara's case (fixtures reused from its tests).
profile = main_window_tests.profile
window = main_window_tests.window
_open_mara = main_window_tests._open_mara

SUBJECT = "Meeting with the designated teacher"
TEXT = "Mara's attendance is up; she wants to join the school's climbing club."


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Answer "Sign off?" with Yes, remembering each time it was asked."""
    questions: list[str] = []

    def answer(*args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        questions.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    yield questions


def _stored(store: Store, note_id: uuid.UUID) -> CaseNote | None:
    with store.read() as session:
        return session.get(CaseNote, note_id)


def _new_note(window: MainWindow, qtbot: QtBot) -> CaseNoteForm:
    case = _open_mara(window, qtbot)
    window.activateWindow()  # Alt letters reach the active window only
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(case, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(window.current_page, CaseNoteForm), timeout=2000)
    form = window.current_page
    assert isinstance(form, CaseNoteForm)
    form.AUTOSAVE_MS = 200
    qtbot.waitUntil(lambda: form.field("text").isEnabled(), timeout=5000)
    return form


def _write(qtbot: QtBot, form: CaseNoteForm, *, text: str = TEXT) -> None:
    kind = form.field("kind")
    assert isinstance(kind, QComboBox)
    kind.setCurrentIndex(kind.findText("Meeting"))
    when = form.field("event_date")
    assert isinstance(when, QDateEdit)
    when.setDate(when.date().addDays(-3))
    subject = form.field("subject")
    assert isinstance(subject, QLineEdit)
    subject.setFocus()
    qtbot.keyClicks(subject, SUBJECT)
    box = form.field("text")
    box.setFocus()
    if text:
        qtbot.keyClicks(box, text)


def test_a_new_note_autosaves_and_its_draft_opens_from_the_chronology(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The kinds are the service's; typing saves a draft with the day it happened (three days
    ago) apart from the day written; Back, then Enter on the draft in the chronology opens it
    with every word."""
    form = _new_note(window, qtbot)
    kind = form.field("kind")
    assert isinstance(kind, QComboBox)
    offered = [kind.itemText(i) for i in range(kind.count())]
    for words in ("Phone call", "Meeting", "Email or letter", "Management oversight"):
        assert words in offered
    assert "Supervision" in offered and "Direct work with the child" in offered
    with qtbot.waitSignal(form.sig_saved, timeout=5000):
        _write(qtbot, form)
    qtbot.waitUntil(lambda: not form.is_dirty and not form.is_busy, timeout=5000)
    stored = _stored(window.store, form.note_id)
    assert stored is not None and stored.status == "draft"
    assert (stored.kind, stored.subject, stored.text) == ("MEETING", SUBJECT, TEXT)
    assert stored.event_date == clock.today() - timedelta(days=3)
    assert stored.created_at.astimezone().date() == clock.today()

    window.back_action.trigger()
    case = window.current_page
    assert isinstance(case, CaseView)
    qtbot.waitUntil(
        lambda: any(
            e.record_id == form.note_id for e in (case.case.chronology if case.case else [])
        ),
        timeout=5000,
    )
    model = case.chronology_model
    row = next(r for r in range(model.rowCount()) if model.entry_at(r).record_id == form.note_id)
    assert model.entry_at(row).title == f"Meeting: {SUBJECT}"
    case.chronology.setFocus()
    case.chronology.selectRow(row)
    qtbot.keyClick(case.chronology, Qt.Key.Key_Return)
    again = window.current_page
    assert isinstance(again, CaseNoteForm) and again.note_id == form.note_id
    qtbot.waitUntil(lambda: again.field("text").isEnabled(), timeout=5000)
    text = again.field("text")
    assert isinstance(text, QPlainTextEdit) and text.toPlainText() == TEXT
    assert "Mara" in window.windowTitle() or "Case note" in window.windowTitle()


def test_sign_off_checks_before_asking_and_the_problem_clears_as_the_note_is_written(
    window: MainWindow, qtbot: QtBot, asked: list[str]
) -> None:
    """An empty note is not offered for sign-off: the problem shows beside the note and the
    "cannot be changed" question is not asked; typing clears it at once; then signing asks
    once, stores it signed, and an addendum is added underneath."""
    form = _new_note(window, qtbot)
    _write(qtbot, form, text="")
    qtbot.mouseClick(form.finalise_button, Qt.MouseButton.LeftButton)
    assert asked == []
    assert form.error_text("text") == "Write the note before signing it off."
    assert form.focusWidget() is form.field("text")
    qtbot.keyClicks(form.field("text"), "S")
    assert form.error_text("text") == ""
    qtbot.keyClicks(form.field("text"), TEXT[1:])
    with qtbot.waitSignal(form.sig_finalised, timeout=5000):
        qtbot.mouseClick(form.finalise_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "cannot be changed" in asked[0]
    assert form.is_read_only
    stored = _stored(window.store, form.note_id)
    assert stored is not None and stored.status == "finalised" and stored.text == "S" + TEXT[1:]

    form.addendum_box.setPlainText("Correction: the club is on Thursdays.")
    with qtbot.waitSignal(form.sig_changed, timeout=5000):
        qtbot.mouseClick(form.add_addendum_button, Qt.MouseButton.LeftButton)
    with window.store.read() as session:
        added = session.query(Addendum).filter_by(target_id=form.note_id).one()
        assert added.target_type == "case_note" and added.child_id == stored.child_id


def test_a_signed_note_is_found_by_search_and_printed_in_the_chronology(
    window: MainWindow, qtbot: QtBot, asked: list[str]
) -> None:
    """Words only the note holds find the child from the dashboard's search, and the
    chronology PDF's document lists the note on the day it happened."""
    form = _new_note(window, qtbot)
    _write(qtbot, form)
    with qtbot.waitSignal(form.sig_finalised, timeout=5000):
        form.finalise()
    window.back_action.trigger()
    window.back_action.trigger()
    dashboard = window.current_page
    assert isinstance(dashboard, DashboardView)
    dashboard.search_box.setFocus()
    with qtbot.waitSignal(dashboard.sig_searched, timeout=5000):
        qtbot.keyClicks(dashboard.search_box, "climbing")
    assert dashboard.results.count() == 1
    assert "a case note" in dashboard.results.item(0).text()

    stored = _stored(window.store, form.note_id)
    assert stored is not None and stored.child_id is not None
    with window.store.read() as session:
        context = ExportContext("Test service", "alice", clock.utcnow())
        document = chronology_document(session, stored.child_id, context)
    rows = [row for section in document.sections if section.table for row in section.table.rows]
    mine = [row for row in rows if row[2] == f"Meeting: {SUBJECT}"]
    assert len(mine) == 1
    assert mine[0][0] == f"{clock.today() - timedelta(days=3):%d %b %Y}"
    assert mine[0][4] == "Finalised"
