"""The form renderer with real widgets: every question type gives the answer shape
``app.forms.answers`` documents, conditions show and hide questions as the worker answers,
repeating groups add and remove entries within their limits, problems land beside their
questions, and a finalised form cannot be changed."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app import clock
from app.errors import FieldProblem
from app.forms.answers import problems
from app.forms.template import FormTemplate, parse_template
from tests.ui.form_typist import click
from ui.forms.group import GroupInput
from ui.forms.inputs import ComboChoiceInput, DateInput
from ui.forms.renderer import REQUIRED_NOTE, FormRenderer

FORM = """
id = "visit_review"
version = 3
kind = "CHILD_ASSET_BASED"
subject = "child"
title = "Review of a child's week"

[[sections]]
id = "basics"
title = "The basics"
help = "What happened this week."

  [[sections.questions]]
  id = "name"
  type = "text"
  label = "Name the child uses"
  required = true
  max_length = 20

  [[sections.questions]]
  id = "story"
  type = "long_text"
  label = "What the child said"
  help = "Use their own words."

  [[sections.questions]]
  id = "met_on"
  type = "date"
  label = "Date of the meeting"

  [[sections.questions]]
  id = "seen_alone"
  type = "choice"
  label = "Was the child seen alone?"
  required = true
  options = [{ value = "YES", label = "Yes" }, { value = "NO", label = "No" }]

  [[sections.questions]]
  id = "why_not"
  type = "long_text"
  label = "Why was the child not seen alone?"
  required = true
  visible_if = { question = "seen_alone", equals = "NO" }

  [[sections.questions]]
  id = "school"
  type = "choice"
  label = "School year"
  options = [
    { value = "R", label = "Reception" }, { value = "Y1", label = "Year 1" },
    { value = "Y2", label = "Year 2" }, { value = "Y3", label = "Year 3" },
    { value = "Y4", label = "Year 4" }, { value = "Y5", label = "Year 5" },
  ]

  [[sections.questions]]
  id = "likes"
  type = "multi_choice"
  label = "What the child enjoys"
  options = [
    { value = "SPORT", label = "Sport" }, { value = "MUSIC", label = "Music" },
    { value = "FAMILY", label = "Time with family" },
  ]

  [[sections.questions]]
  id = "settled"
  type = "rating"
  label = "How settled is the child?"
  min = 1
  max = 5
  min_label = "Not at all"
  max_label = "Completely"

  [[sections.questions]]
  id = "score"
  type = "rating"
  label = "Strengths and difficulties score"
  min = 0
  max = 40

[[sections]]
id = "family"
title = "Family time"
visible_if = { question = "likes", any_of = ["FAMILY"] }

  [[sections.questions]]
  id = "people"
  type = "group"
  label = "People the child sees"
  required = true
  min_items = 1
  max_items = 2

    [[sections.questions.fields]]
    id = "who"
    type = "text"
    label = "Who"
    required = true

    [[sections.questions.fields]]
    id = "relation"
    type = "choice"
    label = "Relationship"
    options = [
      { value = "SIBLING", label = "Brother or sister" }, { value = "OTHER", label = "Other" },
    ]

    [[sections.questions.fields]]
    id = "relation_other"
    type = "text"
    label = "What relationship?"
    visible_if = { question = "relation", equals = "OTHER" }
"""


@pytest.fixture
def template() -> FormTemplate:
    return parse_template(tomllib.loads(FORM))


@pytest.fixture
def form(qtbot: QtBot, template: FormTemplate) -> Iterator[FormRenderer]:
    made = FormRenderer(template)
    scroll = QScrollArea()
    scroll.setWidget(made)
    scroll.setWidgetResizable(True)
    qtbot.addWidget(scroll)
    scroll.resize(900, 700)
    scroll.show()
    qtbot.waitExposed(scroll)
    yield made


def named(form: QWidget, kind: type[QWidget], name: str) -> QWidget:
    """The one visible control of a type with this accessible name (as a screen reader finds
    it)."""
    found = [w for w in form.findChildren(kind) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} {kind.__name__} named {name!r}"
    return found[0]


def radio(form: QWidget, text: str, within: QWidget | None = None) -> QRadioButton:
    found = [b for b in (within or form).findChildren(QRadioButton) if b.text() == text]
    assert len(found) == 1, text
    return found[0]


def test_nothing_answered_is_an_empty_map(form: FormRenderer) -> None:
    """A fresh form gives no answers at all: no blank text, no today's date, no scale bottom."""
    assert form.answers() == {}
    date_box = named(form, QLineEdit, "Date of the meeting")
    assert isinstance(date_box, QLineEdit) and date_box.text() == ""
    spin = named(form, QSpinBox, "Strengths and difficulties score")
    assert isinstance(spin, QSpinBox) and spin.text() == "Not answered"


def test_every_question_type_gives_its_answer(qtbot: QtBot, form: FormRenderer) -> None:
    """Typing, clicking and choosing through the real widgets gives the documented shapes,
    and each edit says so with sig_changed."""
    with qtbot.waitSignal(form.sig_changed):
        qtbot.keyClicks(named(form, QLineEdit, "Name the child uses"), "Mara")
    qtbot.keyClicks(named(form, QPlainTextEdit, "What the child said"), "I like my room.")
    date_box = named(form, QLineEdit, "Date of the meeting")
    qtbot.keyClicks(date_box, "3/11/2026")
    click(qtbot, radio(form, "No"))
    school = named(form, QComboBox, "School year")
    assert isinstance(school, QComboBox) and school.itemText(0) == ""
    school.setFocus()
    qtbot.keyClick(school, Qt.Key.Key_Down)
    qtbot.keyClick(school, Qt.Key.Key_Down)
    click(qtbot, next(b for b in form.findChildren(QCheckBox) if b.text() == "Music"))
    click(qtbot, next(b for b in form.findChildren(QCheckBox) if b.text() == "Sport"))
    click(qtbot, radio(form, "4"))
    spin = named(form, QSpinBox, "Strengths and difficulties score")
    spin.setFocus()
    for _ in range(13):
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert form.answers() == {
        "name": "Mara",
        "story": "I like my room.",
        "met_on": "2026-11-03",
        "seen_alone": "NO",
        "school": "Y1",
        "likes": ["SPORT", "MUSIC"],
        "settled": 4,
        "score": 12,
    }
    assert problems(form.template, form.answers(), finalising=False) == []


def test_text_is_cut_at_the_template_limit(qtbot: QtBot, form: FormRenderer) -> None:
    """A one-line answer cannot grow past the template's max_length."""
    box = named(form, QLineEdit, "Name the child uses")
    qtbot.keyClicks(box, "A name far longer than twenty letters")
    assert form.answers()["name"] == "A name far longer th"


def test_dates_are_read_day_first_and_written_back_plainly(
    qtbot: QtBot, form: FormRenderer
) -> None:
    """3/11/2026 is 3 November, shown back as 03 Nov 2026 once the worker moves on; a date
    that does not exist is said under the box and is not an answer."""
    box = named(form, QLineEdit, "Date of the meeting")
    box.setFocus()
    qtbot.keyClicks(box, "3/11/2026")
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.text() == "03 Nov 2026"
    assert form.answers()["met_on"] == "2026-11-03"
    box.clear()
    box.setFocus()
    qtbot.keyClicks(box, "31/02/2026")
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert "met_on" not in form.answers()
    date_input = form.input("met_on")
    assert isinstance(date_input, DateInput)
    shown = [
        w.text()
        for w in date_input.findChildren(QLabel)
        if w.isVisible() and "does not exist" in w.text()
    ]
    assert shown == [
        "'Date of the meeting': 31 February 2026 does not exist (February 2026 has 28 days)."
    ]
    assert [p.field for p in form.local_problems()] == ["answers.met_on"]


def test_a_choice_can_be_taken_back(qtbot: QtBot, form: FormRenderer) -> None:
    """Radio buttons alone cannot be unticked; "Clear answer" makes the question unanswered."""
    click(qtbot, radio(form, "Yes"))
    assert form.answers() == {"seen_alone": "YES"}
    clear = named(form, QPushButton, "Clear answer to Was the child seen alone?")
    assert clear.isVisible()
    with qtbot.waitSignal(form.sig_changed):
        click(qtbot, clear)
    assert form.answers() == {}
    assert not clear.isVisible()


def test_a_rating_is_chosen_with_the_keyboard(qtbot: QtBot, form: FormRenderer) -> None:
    """Arrow keys move along the scale's radio buttons, choosing as they go."""
    first = named(form, QRadioButton, "1, Not at all")
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Space)
    assert form.answers() == {"settled": 1}
    qtbot.keyClick(first, Qt.Key.Key_Right)
    assert form.answers() == {"settled": 2}
    assert named(form, QRadioButton, "5, Completely").isVisible()


def test_conditions_show_and_hide_questions_as_answers_change(
    qtbot: QtBot, form: FormRenderer
) -> None:
    """ "No" brings the follow-up question; "Yes" hides it again but the draft keeps what was
    typed in it; a section appears when its condition holds."""
    assert not form.is_shown("why_not")
    click(qtbot, radio(form, "No"))
    assert form.is_shown("why_not")
    why = named(form, QPlainTextEdit, "Why was the child not seen alone?")
    assert why.isVisible()
    qtbot.keyClicks(why, "Her carer stayed in the room.")
    click(qtbot, radio(form, "Yes"))
    assert not why.isVisible() and not form.is_shown("why_not")
    assert form.answers()["why_not"] == "Her carer stayed in the room."

    family = named(form, QPushButton, "Add entry to People the child sees")
    assert not family.isVisible()
    click(qtbot, next(b for b in form.findChildren(QCheckBox) if b.text() == "Time with family"))
    assert family.isVisible() and form.is_shown("people")


def test_group_entries_are_added_and_removed_within_limits(
    qtbot: QtBot, form: FormRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Add entry" adds an entry with the group's fields up to max_items, Remove takes one
    away (asking first when something is written in it) but never below min_items, and a
    field's condition looks at its own entry."""
    click(qtbot, next(b for b in form.findChildren(QCheckBox) if b.text() == "Time with family"))
    group = form.input("people")
    assert isinstance(group, GroupInput)
    add = group.add_button
    click(qtbot, add)
    first_who = named(form, QLineEdit, "Who (entry 1)")
    assert first_who.hasFocus()
    qtbot.keyClicks(first_who, "Kai")
    remove_first = named(form, QPushButton, "Remove entry 1 of People the child sees")
    assert not remove_first.isEnabled()  # at least one entry is needed
    click(qtbot, add)
    assert not add.isEnabled()  # at most two
    qtbot.keyClicks(named(form, QLineEdit, "Who (entry 2)"), "Nan")
    entry_two = group.entries[1]
    other = radio(form, "Other", within=entry_two)
    click(qtbot, other)
    what = named(form, QLineEdit, "What relationship? (entry 2)")
    assert what.isVisible()
    assert not named(form, QLineEdit, "What relationship? (entry 1)").isVisible()
    qtbot.keyClicks(what, "Grandmother")
    assert form.answers()["people"] == [
        {"who": "Kai"},
        {"who": "Nan", "relation": "OTHER", "relation_other": "Grandmother"},
    ]

    asked: list[str] = []

    def no(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", no)
    click(qtbot, remove_first)  # enabled again now there are two
    assert asked == ["Remove entry 1 of 'People the child sees' and everything written in it?"]
    assert len(group.entries) == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(form.sig_changed):
        click(qtbot, remove_first)
    assert form.answers()["people"] == [
        {"who": "Nan", "relation": "OTHER", "relation_other": "Grandmother"}
    ]
    assert named(form, QLineEdit, "Who (entry 1)").text() == "Nan"
    assert add.isEnabled()


def test_problems_are_shown_beside_their_questions(qtbot: QtBot, form: FormRenderer) -> None:
    """Each problem sits under the question it is about (a group entry's field too), the
    first gets the focus, a problem for no question comes back to the page, and changing the
    answer takes its message away."""
    click(qtbot, next(b for b in form.findChildren(QCheckBox) if b.text() == "Time with family"))
    group = form.input("people")
    assert isinstance(group, GroupInput)
    click(qtbot, group.add_button)
    found = problems(form.template, form.answers(), finalising=True)
    assert {p.field for p in found} == {
        "answers.name",
        "answers.seen_alone",
        "answers.people.1.who",
    }
    stray = FieldProblem("started_date", "The start date cannot be in the future.")
    left = form.show_problems([*reversed(found), stray])
    assert left == [stray]
    assert form.error_text("answers.name") == "Answer 'Name the child uses' before finalising."
    assert form.error_text("answers.people.1.who") == (
        "Fill in 'Who' for entry 1 of 'People the child sees' before finalising."
    )
    name = named(form, QLineEdit, "Name the child uses")
    assert name.hasFocus()  # the first in the form, whatever order the problems came in
    assert "before finalising" in name.accessibleDescription()
    shown = [w for w in form.findChildren(QLabel) if w.accessibleName() == "Problem with Who"]
    assert shown[0].isVisible()
    qtbot.keyClicks(name, "Mara")
    assert form.error_text("answers.name") == ""
    assert form.error_text("answers.seen_alone") != ""


def test_set_answers_fills_without_counting_as_an_edit(qtbot: QtBot, form: FormRenderer) -> None:
    """Stored answers come back exactly, group entries and hidden answers included, without
    a sig_changed (opening a draft must not save it again)."""
    stored = {
        "name": "Mara",
        "met_on": "2026-11-03",
        "seen_alone": "YES",
        "why_not": "kept while hidden",
        "school": "Y5",
        "likes": ["FAMILY"],
        "settled": 3,
        "score": 0,
        "people": [{"who": "Kai", "relation": "SIBLING"}, {}],
    }
    with qtbot.assertNotEmitted(form.sig_changed):
        form.set_answers(stored)
    assert form.answers() == stored
    assert not form.is_shown("why_not") and form.is_shown("people")
    date_box = named(form, QLineEdit, "Date of the meeting")
    assert isinstance(date_box, QLineEdit) and date_box.text() == "03 Nov 2026"
    school = form.input("school")
    assert isinstance(school, ComboChoiceInput) and school.box.currentText() == "Year 5"


def test_read_only_shows_answers_but_takes_no_edits(qtbot: QtBot, form: FormRenderer) -> None:
    """A finalised form: text is read-only, choices are disabled, Add/Remove/Clear are gone,
    and nothing the worker does changes the answers."""
    form.set_answers({"name": "Mara", "seen_alone": "NO", "likes": ["FAMILY"], "people": [{}]})
    form.set_read_only(True)
    name = named(form, QLineEdit, "Name the child uses")
    assert isinstance(name, QLineEdit) and name.isReadOnly()
    with qtbot.assertNotEmitted(form.sig_changed):
        name.setFocus()
        qtbot.keyClicks(name, "x")
        click(qtbot, radio(form, "Yes"))
    assert not radio(form, "Yes").isEnabled()
    assert not named(form, QPushButton, "Add entry to People the child sees").isVisible()
    assert not named(form, QPushButton, "Remove entry 1 of People the child sees").isVisible()
    assert not named(form, QPushButton, "Clear answer to Was the child seen alone?").isVisible()
    assert not [
        b for b in form.findChildren(QPushButton) if b.isVisible() and b.text() == "Calendar…"
    ]
    assert not [w for w in form.findChildren(QLabel) if w.isVisible() and w.text() == REQUIRED_NOTE]
    assert form.answers() == {
        "name": "Mara",
        "seen_alone": "NO",
        "likes": ["FAMILY"],
        "people": [{}],
    }


def test_required_questions_are_marked_and_the_mark_explained(form: FormRenderer) -> None:
    """Required questions carry a * after their label, explained once at the top, and a screen
    reader hears that the answer is needed."""
    labels = [w.text() for w in form.findChildren(QLabel)]
    assert labels.count(REQUIRED_NOTE) == 1
    assert "Name the child uses *" in labels and "What the child said" in labels
    name = named(form, QLineEdit, "Name the child uses")
    assert "Needed before the form can be finalised." in name.accessibleDescription()
    story = named(form, QPlainTextEdit, "What the child said")
    assert story.accessibleDescription() == "Use their own words."


def test_long_text_grows_with_what_is_typed(qtbot: QtBot, form: FormRenderer) -> None:
    """A long answer makes its box taller (read in the page's scroll, not a tiny window)."""
    story = named(form, QPlainTextEdit, "What the child said")
    before = story.height()
    story.setFocus()
    for n in range(8):
        qtbot.keyClicks(story, f"Line {n}")
        qtbot.keyClick(story, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: story.height() > before * 2, timeout=2000)


def test_a_date_can_be_picked_from_the_calendar(
    qtbot: QtBot, form: FormRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Calendar…" opens a month on today's date; the arrow keys and Enter pick a day, which
    is written into the box in UK form."""
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 3))
    date_input = form.input("met_on")
    assert isinstance(date_input, DateInput)
    click(qtbot, named(form, QPushButton, "Choose Date of the meeting from a calendar"))
    calendar = named(form, QCalendarWidget, "Calendar for Date of the meeting")
    qtbot.waitUntil(calendar.isVisible, timeout=2000)
    assert calendar.selectedDate() == QDate(2026, 11, 3)
    days = calendar.findChild(QTableView)
    assert days is not None
    days.setFocus()
    qtbot.keyClick(days, Qt.Key.Key_Right)
    with qtbot.waitSignal(form.sig_changed):
        qtbot.keyClick(days, Qt.Key.Key_Return)
    assert form.answers() == {"met_on": "2026-11-04"}
    assert named(form, QLineEdit, "Date of the meeting").text() == "04 Nov 2026"
    qtbot.waitUntil(lambda: not calendar.isVisible(), timeout=2000)
