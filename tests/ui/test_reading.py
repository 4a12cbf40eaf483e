"""A new form puts the cursor in its first field; a signed-off record reads as a document:
its fields as words in the controls' place, not greyed controls beside boxes that look
editable."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import Visit
from tests.ui import test_main_window as main_window_tests
from ui.main_window import MainWindow
from ui.views.visit_form import VisitForm

profile = main_window_tests.profile
window = main_window_tests.window
_open_mara = main_window_tests._open_mara


def test_a_new_visit_starts_with_the_cursor_in_its_first_field(
    window: MainWindow, qtbot: QtBot
) -> None:
    case = _open_mara(window, qtbot)
    case.sig_record_visit.emit(case.child_id)
    form = window.current_page
    assert isinstance(form, VisitForm)
    first = form.field("visit_type")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=5000)


def test_a_signed_off_visit_reads_as_a_document(window: MainWindow, qtbot: QtBot) -> None:
    """Every field of a finalised visit shows its words as plain text (an empty one says
    "Not recorded"), with no drop-down, date box or text box left on show among them."""
    case = _open_mara(window, qtbot)
    with window.store.read() as session:
        signed = session.scalars(
            select(Visit).where(Visit.child_id == case.child_id, Visit.status == "finalised")
        ).first()
        assert signed is not None
        visit_id, wishes = signed.id, signed.wishes_and_feelings
    form = window.open_visit(case.child_id, visit_id)

    def readings() -> dict[str, str]:
        return {
            label.objectName().removeprefix("reading_"): label.text()
            for label in form.findChildren(QLabel)
            if label.objectName().startswith("reading_") and label.isVisible()
        }

    qtbot.waitUntil(lambda: form.is_read_only and "visit_type" in readings(), timeout=5000)
    shown_words = readings()
    assert shown_words["wishes_and_feelings"] == wishes
    assert shown_words["visit_type"] == "Statutory visit to a child"
    assert shown_words["actions_agreed"] == "Not recorded"
    assert len(shown_words["visit_date"].split()) == 3  # "03 Nov 2026"
    for name in shown_words:
        assert not form.field(name).isVisible(), name
    controls = (QComboBox, QDateEdit, QLineEdit, QPlainTextEdit)
    shown = [
        type(w).__name__
        for w in form.findChildren(QWidget)
        if isinstance(w, controls)
        and w.isVisible()
        and (not w.isEnabled() or getattr(w, "isReadOnly", bool)())
    ]
    assert shown == [], "greyed-out controls are still on show"
