"""Assessments with the real widgets: every shipped form is filled in by typing and clicking,
autosaves, refuses to finalise with a required answer missing (saying so beside the question),
finalises and reopens read-only; an old record opens with its own form version; a manager
approves; an approval arriving by sync shows in the status line; the main window and the
child's case open assessments and keep their drafts when the page is left or the app locks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from app.forms import registry
from app.forms.template import FormTemplate
from app.models import Assessment
from app.services import assessments
from app.settings import Settings
from app.store import Profile, Store
from sync import account
from sync.client import Credentials
from tests.app import factories
from tests.conftest import PASSPHRASE
from tests.ui import views_support
from tests.ui.form_typist import answer, click, fill_required, unanswered
from tests.ui.test_main_window import quiet_sync
from ui import tasks
from ui.forms.renderer import FormRenderer
from ui.main_window import MainWindow
from ui.views.assessment_form import AssessmentForm
from ui.views.case_view import CaseView
from ui.views.new_assessment import NewAssessmentDialog


def newest_shipped() -> list[FormTemplate]:
    newest: dict[str, FormTemplate] = {}
    for template in registry.bundled():
        if template.id not in newest or template.version > newest[template.id].version:
            newest[template.id] = template
    return sorted(newest.values(), key=lambda t: t.id)


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.child(given_name="Mara", family_name="Osei")
        session.add(made)
    return made.id


@pytest.fixture
def household_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.household(name="The Whitfield household")
        session.add(made)
    return made.id


@pytest.fixture
def yes_to_questions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Answer every "Are you sure?" with Yes, remembering what was asked."""
    asked: list[str] = []

    def answer_yes(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))  # (parent, title, text, ...)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    yield asked


def open_form(qtbot: QtBot, store: Store, **kwargs: object) -> AssessmentForm:
    form = AssessmentForm(store, **kwargs)  # type: ignore[arg-type]
    form.AUTOSAVE_MS = 200
    qtbot.addWidget(form)
    form.resize(*views_support.SCREEN)
    with qtbot.waitSignal(form.sig_ready, timeout=5000):
        form.show()
    return form


def renderer_of(form: AssessmentForm) -> FormRenderer:
    assert form.renderer is not None
    return form.renderer


def label_text(form: AssessmentForm, name: str) -> str:
    """The text of the visible label with this accessible name ("" if hidden)."""
    found = [w for w in form.findChildren(QLabel) if w.accessibleName() == name]
    assert len(found) == 1, name
    return found[0].text() if found[0].isVisible() else ""


def stored(store: Store, assessment_id: uuid.UUID) -> Assessment | None:
    with store.read() as session:
        return session.get(Assessment, assessment_id)


def settled(qtbot: QtBot, form: AssessmentForm) -> None:
    qtbot.waitUntil(lambda: not form.is_busy and not form.is_dirty, timeout=10_000)


def finalised_by_typing(
    qtbot: QtBot, store: Store, subject: dict[str, uuid.UUID], template: FormTemplate
) -> AssessmentForm:
    """A new assessment filled in completely and finalised through the form."""
    form = open_form(qtbot, store, template_id=template.id, **subject)
    fill_required(qtbot, renderer_of(form))
    with qtbot.waitSignal(form.sig_finalised, timeout=10_000):
        form.finalise()
    return form


@pytest.mark.parametrize("template", newest_shipped(), ids=lambda t: t.id)
def test_each_shipped_form_is_typed_autosaved_checked_finalised_and_reopened(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    household_id: uuid.UUID,
    template: FormTemplate,
    yes_to_questions: list[str],
) -> None:
    """Every required question answered through the widgets but one: the draft autosaves,
    finalising names the missing answer beside its question and in the summary, and once it is
    answered the assessment finalises, awaits approval and reopens read-only as it was."""
    subject = (
        {"child_id": child_id} if template.subject == "child" else {"household_id": household_id}
    )
    form = open_form(qtbot, store, template_id=template.id, **subject)
    form_view = renderer_of(form)
    assert form.template == template
    assert form.status_text == "Draft"
    name = "Mara Osei" if template.subject == "child" else "The Whitfield household"
    assert label_text(form, "Assessment form title") == template.title
    assert label_text(form, "Who the assessment is about") == (
        f"About {name} · version {template.version} of this form"
    )
    assert not label_text(form, "Form version")  # the newest version: nothing to say
    missing = next(q for q in unanswered(form_view) if q.type != "group")
    fill_required(qtbot, form_view, leave=missing.id)

    settled(qtbot, form)
    row = stored(store, form.assessment_id)
    assert row is not None and row.status == "draft"
    assert (row.template_id, row.template_version) == template.key
    assert row.answers == form_view.answers()

    with qtbot.waitSignal(form.sig_failed, timeout=10_000):
        form.finalise()
    assert yes_to_questions and "cannot be changed" in yes_to_questions[0]
    assert form.error_text(f"answers.{missing.id}") == (
        f"Answer '{missing.label}' before finalising."
    )
    assert form.summary_text.startswith(
        "This assessment has not been finalised: 1 thing needs putting right first. Each is "
        "shown in red beside its question."
    )
    assert f"• Answer '{missing.label}' before finalising." in form.summary_text
    assert form.focusWidget() is form_view.input(missing.id).focus_target()
    assert not form.is_read_only

    answer(qtbot, form_view.input(missing.id))
    fill_required(qtbot, form_view)  # anything the answer brought into view
    assert form.error_text(f"answers.{missing.id}") == ""
    with qtbot.waitSignal(form.sig_finalised, timeout=10_000):
        form.finalise()
    assert form.is_read_only and form.is_finalised and not form.is_approved
    assert form.status_text.startswith("Finalised by alice on ")
    assert form.status_text.endswith("Awaiting manager approval.")
    row = stored(store, form.assessment_id)
    assert row is not None and row.status == "finalised"
    signed = dict(row.answers)

    reopened = open_form(qtbot, store, assessment_id=form.assessment_id)
    again = renderer_of(reopened)
    assert reopened.is_read_only and reopened.template == template
    assert again.answers() == signed
    assert reopened.status_text == form.status_text
    text_boxes = [
        w for kind in (QLineEdit, QPlainTextEdit) for w in again.findChildren(kind) if w.isVisible()
    ]
    assert text_boxes and all(box.isReadOnly() for box in text_boxes)
    assert not [
        b
        for b in reopened.findChildren(QPushButton)
        if b.isVisible() and b.accessibleName() in ("Save draft now", "Finalise assessment")
    ]


def test_an_old_record_opens_with_its_own_form_version(
    qtbot: QtBot, store: Store, child_id: uuid.UUID
) -> None:
    """An assessment made with version 1 of the asset-based form shows version 1's questions
    (not version 2's) and says a newer version exists."""
    assessment_id = uuid.uuid4()
    assessments.save_draft(
        store,
        assessment_id=assessment_id,
        template_id="child_asset_based",
        template_version=1,
        child_id=child_id,
        household_id=None,
        answers={"positive_relationships": "Her brother Kai and her swimming coach."},
    )
    form = open_form(qtbot, store, assessment_id=assessment_id)
    view = renderer_of(form)
    assert form.template is not None and form.template.version == 1
    box = [
        w
        for w in view.findChildren(QPlainTextEdit)
        if w.accessibleName().startswith("Who are the important people in the child's life")
    ]
    assert len(box) == 1 and box[0].toPlainText() == "Her brother Kai and her swimming coach."
    with store.read() as session:
        v1 = registry.get(session, "child_asset_based", 1)
        v2 = registry.get(session, "child_asset_based", 2)
    on_screen = {w.text().removesuffix(" *") for w in view.findChildren(QLabel)}
    v1_labels = {q.label for _s, q in v1.questions()}
    assert v1_labels <= on_screen
    v2_only = {q.label for _s, q in v2.questions()} - v1_labels
    assert v2_only and not v2_only & on_screen
    with pytest.raises(KeyError):
        view.input("contributors")  # a version 2 question
    assert label_text(form, "Form version").startswith(
        "Made with version 1 of this form; the current version is 2."
    )
    assert label_text(form, "Who the assessment is about") == (
        "About Mara Osei · version 1 of this form"
    )
    worries = view.input("worries").focus_target()
    worries.setFocus()
    qtbot.keyClicks(worries, "Missing her brother.")
    settled(qtbot, form)
    row = stored(store, assessment_id)
    assert row is not None and row.template_version == 1
    assert row.answers["worries"] == "Missing her brother."


def test_a_manager_approves_a_finalised_assessment(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    yes_to_questions: list[str],
) -> None:
    """The worker's form has no Approve button; the manager's does on a finalised, unapproved
    assessment, and approving changes the status line and the stored record."""
    template = next(t for t in newest_shipped() if t.id == "kinship_viability")
    worker_form = finalised_by_typing(qtbot, store, {"child_id": child_id}, template)
    approve = [
        b
        for b in worker_form.findChildren(QPushButton)
        if b.accessibleName() == ("Approve assessment")
    ][0]
    assert not approve.isVisible()

    manager_form = open_form(
        qtbot, store, assessment_id=worker_form.assessment_id, can_approve=True
    )
    approve = [
        b
        for b in manager_form.findChildren(QPushButton)
        if b.accessibleName() == ("Approve assessment")
    ][0]
    assert approve.isVisible()
    with qtbot.waitSignal(manager_form.sig_approved, timeout=5000):
        click(qtbot, approve)
    assert "Approve this assessment?" in yes_to_questions[-1]
    assert manager_form.is_approved and not approve.isVisible()
    assert "Approved" in manager_form.status_text
    assert "Awaiting manager approval" not in manager_form.status_text
    row = stored(store, worker_form.assessment_id)
    assert row is not None and row.status == "approved"


def test_an_approval_arriving_by_sync_shows_in_the_status_line(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    yes_to_questions: list[str],
) -> None:
    """When sync brings the manager's approval (who and when), the open form's status line
    says who approved it and when."""
    template = next(t for t in newest_shipped() if t.id == "kinship_viability")
    form = finalised_by_typing(qtbot, store, {"child_id": child_id}, template)
    assert form.status_text.endswith("Awaiting manager approval.")
    with store.write(remote=True) as session:
        row = session.get(Assessment, form.assessment_id)
        assert row is not None
        row.status = "approved"
        row.approved_by = "Priya Shah"
        row.approved_at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    with qtbot.waitSignal(form.sig_changed, timeout=5000):
        form.refresh()
    assert "Approved by Priya Shah on 20 Nov 2026 at " in form.status_text
    assert "Awaiting" not in form.status_text
    assert form.is_approved


def test_the_new_assessment_dialog_lists_the_forms_for_the_subject(
    qtbot: QtBot, store: Store
) -> None:
    """A child's assessment offers only forms about children, newest versions, with what each
    is for; choosing one says which."""
    dialog = NewAssessmentDialog(store, subject="child", name="Mara")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_loaded, timeout=5000):
        dialog.show()
    listed = dialog.templates()
    assert {t.id for t in listed} == {t.id for t in newest_shipped() if t.subject == "child"}
    assert all(
        t.version == max(v.version for v in registry.bundled() if v.id == t.id) for t in listed
    )
    dialog.choose("kinship_viability")
    kinship = next(t for t in listed if t.id == "kinship_viability")
    described = [
        w.text()
        for w in dialog.findChildren(QLabel)
        if w.accessibleName() == ("What the form is for")
    ]
    assert described and described[0].startswith(kinship.description[:40])
    with qtbot.waitSignal(dialog.sig_chosen, timeout=2000) as chosen:
        click(qtbot, dialog.start_button)
    assert chosen.args == ["kinship_viability"]


def test_the_case_and_main_window_open_assessments_and_keep_drafts(
    qtbot: QtBot, store: Store, profile: Profile, child_id: uuid.UUID
) -> None:
    """ "New assessment…" on a child's case asks for the form and opens it; typing then going
    Back keeps the draft, which the chronology lists and opens again."""
    window = MainWindow(store, Settings(), profile, sync_factory=quiet_sync)
    qtbot.addWidget(window)
    window.resize(*views_support.SCREEN)
    window.show()
    case = window.open_child(child_id)
    with qtbot.waitSignal(case.sig_loaded, timeout=5000):
        pass
    new = [b for b in case.findChildren(QPushButton) if b.accessibleName() == "New assessment"]
    click(qtbot, new[0])
    qtbot.waitUntil(lambda: bool(window.findChildren(NewAssessmentDialog)), timeout=5000)
    dialog = window.findChildren(NewAssessmentDialog)[0]
    qtbot.waitUntil(lambda: bool(dialog.templates()), timeout=5000)
    dialog.choose("child_asset_based")
    click(qtbot, dialog.start_button)
    form = window.current_page
    assert isinstance(form, AssessmentForm)
    qtbot.waitUntil(lambda: form.renderer is not None, timeout=5000)
    assert window.windowTitle().startswith("Assessment")
    strengths = renderer_of(form).input("strengths").focus_target()
    strengths.setFocus()
    qtbot.keyClicks(strengths, "Brilliant at swimming.")
    assessment_id = form.assessment_id
    window.back()  # saves the draft on the way out
    qtbot.waitUntil(lambda: stored(store, assessment_id) is not None, timeout=5000)
    row = stored(store, assessment_id)
    assert row is not None and row.answers == {"strengths": "Brilliant at swimming."}

    assert isinstance(window.current_page, CaseView)
    qtbot.waitUntil(
        lambda: (
            any(e.record_id == assessment_id for e in case.case.chronology) if case.case else False
        ),
        timeout=5000,
    )
    row_number = next(
        n
        for n in range(case.chronology_model.rowCount())
        if case.chronology_model.entry_at(n).record_id == assessment_id
    )
    case.chronology.activated.emit(case.chronology_model.index(row_number, 0))
    reopened = window.current_page
    assert isinstance(reopened, AssessmentForm) and reopened.assessment_id == assessment_id
    qtbot.waitUntil(lambda: reopened.renderer is not None, timeout=5000)
    assert renderer_of(reopened).answers() == {"strengths": "Brilliant at swimming."}

    more = renderer_of(reopened).input("interests").focus_target()
    qtbot.keyClicks(more, "Drawing")
    with qtbot.waitSignal(window.sig_locked, timeout=10_000):
        window.lock("manual")
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=5000)
    reopened_store = profile.unlock(PASSPHRASE)
    try:
        row = stored(reopened_store, assessment_id)
        assert row is not None and row.answers["interests"] == "Drawing"
    finally:
        reopened_store.lock()


def test_a_managers_window_offers_approval_and_a_workers_does_not(
    qtbot: QtBot,
    store: Store,
    profile: Profile,
    child_id: uuid.UUID,
    yes_to_questions: list[str],
) -> None:
    """The main window reads the signed-in account's role: a manager's assessment pages show
    Approve on a finalised assessment, a worker's never do."""
    template = next(t for t in newest_shipped() if t.id == "kinship_viability")
    finalised = finalised_by_typing(qtbot, store, {"child_id": child_id}, template)
    for role, offered in (("worker", False), ("manager", True)):
        who = account.Account("priya", "Priya Shah", role, "device-1")
        account.remember(store, account.Connection(who, Credentials("device-1", "a", "r", 0.0)))
        window = MainWindow(store, Settings(), profile, sync_factory=quiet_sync)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda w=window: w.windowTitle().endswith("Priya Shah"), timeout=5000)
        form = window.open_assessment(child_id=child_id, assessment_id=finalised.assessment_id)
        assert form is not None
        qtbot.waitUntil(lambda f=form: f.renderer is not None, timeout=5000)
        approve = [b for b in form.findChildren(QPushButton) if b.text() == "A&pprove…"]
        assert approve[0].isVisible() is offered, role
        window.back()
