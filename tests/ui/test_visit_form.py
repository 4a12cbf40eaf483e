"""Recording a visit with the real widgets: typing autosaves a draft (on a timer and when focus
moves, one write at a time), a killed app keeps its draft, validation speaks next to the field,
finalising asks and locks the form, and corrections go in as addenda."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QLineEdit, QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import Addendum, Attachment, Visit
from app.services import visits
from app.store import Profile, Store
from tests.app import factories
from tests.conftest import PASSPHRASE
from tests.ui import views_support
from tests.ui.visit_typist import TYPED
from ui.views.visit_form import VisitForm

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.child(given_name="Kai", family_name="Osei", sex="M")
        session.add(made)
    return made.id


@pytest.fixture
def form(qtbot: QtBot, store: Store, child_id: uuid.UUID) -> VisitForm:
    made = VisitForm(store, child_id)
    made.AUTOSAVE_MS = 200
    qtbot.addWidget(made)
    made.resize(*views_support.SCREEN)
    with qtbot.waitSignal(made.sig_ready, timeout=5000):
        made.show()
    return made


@pytest.fixture
def yes_to_finalise(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Answer the "Finalise?" question with Yes, remembering that it was asked."""
    asked: list[str] = []

    def answer(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))  # (parent, title, text, ...)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    yield asked


def _stored(store: Store, visit_id: uuid.UUID) -> Visit | None:
    with store.read() as session:
        return session.get(Visit, visit_id)


def _choose(box: QComboBox, text: str) -> None:
    index = box.findText(text)
    assert index >= 0, text
    box.setCurrentIndex(index)


def _type_visit(qtbot: QtBot, form: VisitForm) -> None:
    who = form.field("who_was_seen")
    who.setFocus()
    qtbot.keyClicks(who, "Kai and his foster carer Sandra")
    wishes = form.field("wishes_and_feelings")
    wishes.setFocus()
    qtbot.keyClicks(wishes, "Kai wants to keep playing football on Saturdays.")


def test_typing_autosaves_a_draft(qtbot: QtBot, form: VisitForm, store: Store) -> None:
    """Typed words reach the store as a draft visit, and the form says when."""
    _type_visit(qtbot, form)
    with qtbot.waitSignal(form.saved, timeout=5000) as saved:
        pass
    qtbot.waitUntil(lambda: not form.is_dirty and not form.is_busy, timeout=5000)
    assert saved.args == [form.visit_id]
    stored = _stored(store, form.visit_id)
    assert stored is not None and stored.status == "draft"
    assert stored.who_was_seen == "Kai and his foster carer Sandra"
    assert stored.wishes_and_feelings == "Kai wants to keep playing football on Saturdays."
    status = [w.text() for w in form.findChildren(QLabel) if w.accessibleName() == "Save status"]
    assert status[0].startswith("Draft saved ")


def test_leaving_a_field_saves_at_once(qtbot: QtBot, form: VisitForm, store: Store) -> None:
    """Moving focus to another field saves without waiting for the timer."""
    form.AUTOSAVE_MS = 60_000
    observations = form.field("observations")
    observations.setFocus()
    qtbot.keyClicks(observations, "Bedroom tidy")
    with qtbot.waitSignal(form.saved, timeout=3000):
        form.field("actions_agreed").setFocus()
    stored = _stored(store, form.visit_id)
    assert stored is not None and stored.observations == "Bedroom tidy"


def test_saves_never_overlap_and_the_last_edit_wins(
    qtbot: QtBot, form: VisitForm, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However fast saves are asked for, one write runs at a time and the store ends with the
    last words typed."""
    running = 0
    most = 0
    lock = threading.Lock()
    real = visits.save_draft

    def slow_save(*args: object, **kwargs: object) -> visits.Saved:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)
            return real(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(visits, "save_draft", slow_save)
    box = form.field("observations")
    assert isinstance(box, QPlainTextEdit)
    for n in range(12):
        box.setPlainText(f"Version {n}")
        form.save_now()
        qtbot.wait(15)
    qtbot.waitUntil(lambda: not form.is_busy and not form.is_dirty, timeout=10_000)
    assert most == 1
    stored = _stored(store, form.visit_id)
    assert stored is not None and stored.observations == "Version 11"


def test_sign_off_checks_come_before_the_question_and_clear_as_each_field_is_fixed(
    qtbot: QtBot, form: VisitForm, yes_to_finalise: list[str]
) -> None:
    """Finalising an incomplete visit names what is missing beside each field (who was seen,
    seen alone, the child's wishes and feelings, observations) without asking "cannot be
    changed?"; each message goes as soon as its field is put right, and choosing "not seen
    alone" asks for the reason (reg 29) at once."""
    with qtbot.waitSignal(form.sig_failed, timeout=5000):
        form.finalise()
    assert yes_to_finalise == []
    assert form.error_text("who_was_seen") == "Record who was seen before signing off the visit."
    assert "seen alone" in form.error_text("seen_alone")
    assert form.error_text("wishes_and_feelings").startswith(
        "Record the child's wishes and feelings before signing off"
    )
    assert form.error_text("observations") == (
        "Record what you observed of the child before signing off."
    )
    assert form.focusWidget() is form.field("who_was_seen")
    assert not form.is_read_only
    qtbot.keyClicks(form.field("who_was_seen"), "Kai")
    assert form.error_text("who_was_seen") == ""
    assert form.error_text("observations") != ""
    seen = form.field("seen_alone")
    assert isinstance(seen, QComboBox)
    _choose(seen, "No")
    assert form.error_text("seen_alone") == ""
    assert "regulation 29" in form.error_text("not_seen_alone_reason")
    qtbot.keyClicks(form.field("wishes_and_feelings"), "Wants a bike.")
    qtbot.keyClicks(form.field("observations"), "Relaxed with his carer.")
    assert form.error_text("wishes_and_feelings") == form.error_text("observations") == ""
    assert yes_to_finalise == []


def test_a_baby_s_visit_records_what_was_observed_instead_of_words(
    qtbot: QtBot, form: VisitForm, store: Store, yes_to_finalise: list[str]
) -> None:
    """For a child too young to say, the reason stands in for their words and the form asks
    for what was observed of them; with that written the visit signs off."""
    qtbot.keyClicks(form.field("who_was_seen"), "Baby Ava and her carer")
    seen = form.field("seen_alone")
    assert isinstance(seen, QComboBox)
    _choose(seen, "No")
    reason = form.field("not_seen_alone_reason")
    assert isinstance(reason, QComboBox)
    _choose(reason, "The social worker judged it inappropriate")
    because = form.field("wishes_not_gathered")
    assert isinstance(because, QComboBox)
    _choose(because, "The child is too young to put them into words")
    with qtbot.waitSignal(form.sig_failed, timeout=5000):
        form.finalise()
    assert yes_to_finalise == []
    assert form.error_text("wishes_and_feelings") == ""
    assert "too young to say" in form.error_text("observations")
    observations = form.field("observations")
    assert isinstance(observations, QPlainTextEdit)
    assert "What you observed of the child" in observations.placeholderText()
    qtbot.keyClicks(observations, "Smiled and reached for her carer; feeding well.")
    assert form.error_text("observations") == ""
    with qtbot.waitSignal(form.finalised, timeout=5000):
        form.finalise()
    assert len(yes_to_finalise) == 1
    stored = _stored(store, form.visit_id)
    assert stored is not None and stored.status == "finalised"
    assert stored.wishes_not_gathered == "TOO_YOUNG" and stored.wishes_and_feelings == ""


def test_finalise_locks_the_form_and_addenda_are_added(
    qtbot: QtBot, form: VisitForm, store: Store, yes_to_finalise: list[str]
) -> None:
    """After sign-off the fields are read-only, the visit is finalised in the store, and an
    addendum typed into the addendum box is stored against it."""
    _type_visit(qtbot, form)
    seen = form.field("seen_alone")
    assert isinstance(seen, QComboBox)
    _choose(seen, "No")
    reason = form.field("not_seen_alone_reason")
    assert isinstance(reason, QComboBox) and reason.isEnabled()
    _choose(reason, "The child did not want to be seen alone")
    qtbot.keyClicks(form.field("observations"), "Relaxed and chatty with his carer.")
    with qtbot.waitSignal(form.finalised, timeout=5000) as done:
        form.finalise()
    assert done.args == [form.visit_id]
    assert form.is_read_only
    who = form.field("who_was_seen")
    assert isinstance(who, QLineEdit) and who.isReadOnly()
    assert not seen.isEnabled()
    stored = _stored(store, form.visit_id)
    assert stored is not None and stored.status == "finalised"
    assert stored.not_seen_alone_reason == "CHILD_REFUSED"

    box = [w for w in form.findChildren(QPlainTextEdit) if w.accessibleName() == "New addendum"][0]
    assert box.isVisible()
    box.setFocus()
    qtbot.keyClicks(box, "Sandra's surname is Whitfield, not Whitfeld.")
    with qtbot.waitSignal(form.sig_changed, timeout=5000):
        qtbot.keyClick(form, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    with store.read() as session:
        added = session.scalars(select(Addendum)).one()
    assert added.target_id == form.visit_id and "Whitfield" in added.text
    assert box.toPlainText() == ""


def test_an_existing_visit_opens_as_it_was_saved(
    qtbot: QtBot, store: Store, child_id: uuid.UUID
) -> None:
    """A draft reopens editable with its words; a finalised visit reopens read-only."""
    with store.write() as session:
        draft = factories.visit(child_id, observations="Half-written")
        signed = factories.finalised_visit(child_id, observations="Signed off")
        session.add_all([draft, signed])
    for visit, read_only in ((draft, False), (signed, True)):
        opened = VisitForm(store, child_id, visit.id)
        qtbot.addWidget(opened)
        with qtbot.waitSignal(opened.sig_ready, timeout=5000):
            opened.show()
        box = opened.field("observations")
        assert isinstance(box, QPlainTextEdit)
        assert box.toPlainText() == visit.observations
        assert opened.is_read_only is read_only and not opened.is_dirty


def test_attach_a_file_from_disk(
    qtbot: QtBot,
    form: VisitForm,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file picked in the dialog is attached to the visit (saving the draft first) and
    listed under the form."""
    photo = tmp_path / "bedroom.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"\0" * 2048)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(photo)], "Photos and documents")
    )
    with qtbot.waitSignal(form.sig_changed, timeout=5000):
        qtbot.keyClick(form, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    with store.read() as session:
        attached = session.scalars(select(Attachment)).one()
        assert session.get(Visit, form.visit_id) is not None
    assert attached.target_id == form.visit_id and attached.filename == "bedroom.jpg"


@pytest.fixture
def household_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.household()
        session.add(made)
    return made.id


def test_a_visit_to_carers_asks_only_what_applies_and_signs_off(
    qtbot: QtBot, store: Store, household_id: uuid.UUID, yes_to_finalise: list[str]
) -> None:
    """Opened for a household, the form offers the carers' visit types, leaves out the
    child-only questions, words the rest for a home, autosaves a draft about the household
    and signs off once who was seen is recorded."""
    form = VisitForm(store, household_id=household_id, visit_type="SUPERVISING")
    form.AUTOSAVE_MS = 200
    qtbot.addWidget(form)
    with qtbot.waitSignal(form.sig_ready, timeout=5000):
        form.show()
    kind = form.field("visit_type")
    assert isinstance(kind, QComboBox)
    assert [kind.itemData(n) for n in range(kind.count())] == [
        "SUPERVISING",
        "UNANNOUNCED",
        "SGO_SUPPORT",
    ]
    assert kind.currentData() == "SUPERVISING"
    assert not form.question_shown("seen_alone")
    assert not form.question_shown("not_seen_alone_reason")
    assert form.question_shown("wishes_and_feelings")
    assert form.caption("wishes_and_feelings") == "Children's views (if seen):"
    titles = [
        w.text() for w in form.findChildren(QLabel) if w.accessibleName() == "Visit form title"
    ]
    assert titles == ["Visit to The Whitfield household"]
    observations = form.field("observations")
    observations.setFocus()
    qtbot.keyClicks(observations, "Bedrooms checked; safer caring policy signed.")
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.field("actions_agreed").setFocus()
    stored = _stored(store, form.visit_id)
    assert stored is not None and stored.household_id == household_id
    assert stored.child_id is None and stored.visit_type == "SUPERVISING"
    with qtbot.waitSignal(form.sig_failed, timeout=5000):
        form.finalise()
    assert form.error_text("who_was_seen") == "Record who was seen before signing off the visit."
    assert form.error_text("seen_alone") == ""
    qtbot.keyClicks(form.field("who_was_seen"), "Sandra and Mike")
    with qtbot.waitSignal(form.finalised, timeout=5000):
        form.finalise()
    stored = _stored(store, form.visit_id)
    assert stored is not None and stored.status == "finalised" and stored.seen_alone is None


def test_a_child_visit_still_asks_the_child_questions(form: VisitForm) -> None:
    """Opened for a child, the form offers child-visit types and asks about seeing the child
    alone, in the child's words."""
    kind = form.field("visit_type")
    assert isinstance(kind, QComboBox) and kind.currentData() == "STATUTORY_CHILD"
    assert kind.findData("SUPERVISING") < 0
    assert form.question_shown("seen_alone") and form.question_shown("not_seen_alone_reason")
    assert form.caption("wishes_and_feelings") == "Child's wishes and feelings:"


def test_an_existing_household_visit_reopens(
    qtbot: QtBot, store: Store, household_id: uuid.UUID
) -> None:
    """A signed-off unannounced visit reopens read-only with its words, as a carers' visit."""
    with store.write() as session:
        signed = Visit(
            household_id=household_id,
            visit_type="UNANNOUNCED",
            visit_date=views_support.today_minus(3),
            who_was_seen="Sandra",
            observations="Home warm and tidy.",
            status="finalised",
        )
        session.add(signed)
    opened = VisitForm(store, None, signed.id, household_id=household_id)
    qtbot.addWidget(opened)
    with qtbot.waitSignal(opened.sig_ready, timeout=5000):
        opened.show()
    kind = opened.field("visit_type")
    assert isinstance(kind, QComboBox) and kind.currentData() == "UNANNOUNCED"
    box = opened.field("observations")
    assert isinstance(box, QPlainTextEdit) and box.toPlainText() == "Home warm and tidy."
    assert opened.is_read_only and not opened.question_shown("seen_alone")


@pytest.mark.slow
def test_a_draft_survives_the_app_being_killed(
    profile: Profile, profile_root: Path, store: Store, child_id: uuid.UUID
) -> None:
    """A child process types into the form, waits for the autosave, and is killed with
    SIGKILL; reopening the profile finds the draft with every autosaved word."""
    store.lock()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    typist = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [
            sys.executable,
            "-m",
            "tests.ui.visit_typist",
            str(profile_root),
            profile.name,
            str(child_id),
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert typist.stdin is not None and typist.stdout is not None
        typist.stdin.write(PASSPHRASE + "\n")
        typist.stdin.close()
        line = _read_line(typist, timeout=30)
        assert line.startswith("saved "), line
        visit_id = uuid.UUID(line.split()[1])
    finally:
        typist.send_signal(signal.SIGKILL)
        typist.wait(timeout=10)
    assert typist.returncode == -signal.SIGKILL
    reopened = profile.unlock(PASSPHRASE)
    try:
        stored = _stored(reopened, visit_id)
        assert stored is not None and stored.status == "draft"
        assert stored.wishes_and_feelings.startswith(TYPED)
    finally:
        reopened.lock()


def _read_line(process: subprocess.Popen[str], *, timeout: float) -> str:
    """One line of the child's output, or fail with its error output after ``timeout``."""
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()))  # type: ignore[union-attr]
    reader.daemon = True
    reader.start()
    reader.join(timeout)
    if not found or not found[0]:
        process.kill()
        process.wait(timeout=5)
        err = process.stderr.read() if process.stderr else ""
        raise AssertionError(f"the typist never reported a save: {err[-2000:]}")
    return found[0].strip()
