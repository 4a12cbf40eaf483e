"""ui.errors: the one place a failure becomes the sentence a worker reads."""

from __future__ import annotations

import sqlite3
from concurrent.futures import CancelledError

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.errors import FieldProblem, ValidationError
from app.settings import SettingsInvalid
from sync.client import UNREACHABLE, ServiceUnavailable
from ui.errors import GENERIC_SAVE, load_message, message_for, show_exception


def test_a_refused_record_says_each_problem() -> None:
    """Every problem the rules found is said, in the rules' own words."""
    exc = ValidationError(
        [FieldProblem("visit_date", "Give the date."), FieldProblem("seen", "Say who.")]
    )
    assert message_for(exc) == "Give the date. Say who."


@pytest.mark.parametrize(
    "exc",
    [
        ServiceUnavailable(UNREACHABLE),
        SettingsInvalid("service_url", "The service address must start with https://."),
        LookupError("This visit is no longer on this laptop."),
    ],
)
def test_words_written_for_the_worker_are_shown_as_they_are(exc: Exception) -> None:
    """The sync client's, the settings' and a missing record's sentences reach the screen."""
    assert message_for(exc, "generic") == str(exc)


def test_a_fault_never_shows_its_own_text() -> None:
    """A database error's text (which can quote the record) is replaced by the generic
    sentence, on a save and on an open alike."""
    exc = sqlite3.OperationalError("UNIQUE constraint failed: child.family_name 'Okafor'")
    assert message_for(exc) == GENERIC_SAVE
    opened = load_message(exc, "household")
    assert "Okafor" not in opened and opened.startswith("This household could not be opened.")


def test_a_cancelled_task_shows_nothing(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancelling is what the worker asked for: no dialog; any other failure gets one."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    show_exception(parent=None, exception=CancelledError(), title="Export")
    assert shown == []
    show_exception(parent=None, exception=RuntimeError("boom"), title="Export")
    assert shown == [GENERIC_SAVE]
