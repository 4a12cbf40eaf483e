"""A generic typist for assessment forms: answers any question through its real widgets, by
the question's type, as a worker would (typing, clicking, arrow keys).

Used by the assessment form tests to fill in every shipped template without knowing its
questions: answer every shown required question, and again for the ones an answer brings into
view, until the form asks for nothing more.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from app.forms.answers import item_fields, visible_questions
from app.forms.template import Question, is_answered
from ui.forms.group import GroupInput
from ui.forms.inputs import (
    ComboChoiceInput,
    MultiChoiceInput,
    QuestionInput,
    RadioChoiceInput,
    RatingButtonsInput,
)
from ui.forms.renderer import FormRenderer

SHORT = "Sandra Whitfield, foster carer"
LONG = "Mara told me she loves swimming on Saturdays and wants to keep seeing her brother."
DATE = "03/11/2025"
#: More rounds than any template's chain of "this answer brings that question" needs.
_ROUNDS = 8


def click(qtbot: QtBot, button: QWidget) -> None:
    """Click a button; a tick box or radio button on its box (a stretched one's middle may
    be empty space past its text), once it is on screen with a size (as a person would)."""
    qtbot.waitUntil(lambda: button.isVisible() and button.height() > 0, timeout=5000)
    if isinstance(button, QCheckBox | QRadioButton):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def needs_answer(question: Question) -> bool:
    """Finalising will ask for it (a group: for at least one entry)."""
    return question.required or (question.type == "group" and question.min_items > 0)


def answer(qtbot: QtBot, field: QuestionInput) -> None:
    """Answer one question through its widgets, whatever its type."""
    question = field.question
    target = field.focus_target()
    match question.type:
        case "text":
            target.setFocus()
            qtbot.keyClicks(target, SHORT[: question.max_length or len(SHORT)])
        case "long_text":
            target.setFocus()
            qtbot.keyClicks(target, LONG)
        case "date":
            target.setFocus()
            qtbot.keyClicks(target, DATE)
        case "choice" if isinstance(field, RadioChoiceInput):
            click(qtbot, field.buttons[0])
        case "choice":
            assert isinstance(field, ComboChoiceInput)
            field.box.setFocus()
            qtbot.keyClick(field.box, Qt.Key.Key_Down)  # from the empty entry to the first
        case "multi_choice":
            assert isinstance(field, MultiChoiceInput)
            click(qtbot, field.boxes[0])
        case "rating" if isinstance(field, RatingButtonsInput):
            buttons = field.buttons
            click(qtbot, buttons[len(buttons) // 2])
        case "rating":
            target.setFocus()
            qtbot.keyClick(target, Qt.Key.Key_Up)  # from "Not answered" to the bottom
        case "group":
            assert isinstance(field, GroupInput)
            for _ in range(max(1, question.min_items)):
                click(qtbot, field.add_button)
            for entry in field.entries:
                for _round in range(_ROUNDS):
                    values = entry.values()
                    todo = [
                        f
                        for f in item_fields(question, values)
                        if f.required and not is_answered(values.get(f.id))
                    ]
                    if not todo:
                        break
                    for inner in todo:
                        answer(qtbot, entry.blocks[inner.id].input)
    assert is_answered(field.value()), f"typing did not answer {question.id!r}"


def unanswered(form: FormRenderer, *, leave: str | None = None) -> list[Question]:
    """Shown questions finalising will ask for that have no answer yet (but ``leave``)."""
    answers = form.answers()
    return [
        question
        for _section, question in visible_questions(form.template, answers)
        if needs_answer(question)
        and not is_answered(answers.get(question.id))
        and question.id != leave
    ]


def fill_required(qtbot: QtBot, form: FormRenderer, *, leave: str | None = None) -> None:
    """Answer every shown required question but ``leave``, including those that answers bring
    into view."""
    for _round in range(_ROUNDS):
        todo = unanswered(form, leave=leave)
        if not todo:
            return
        for question in todo:
            answer(qtbot, form.input(question.id))
    raise AssertionError(f"still unanswered: {[q.id for q in unanswered(form, leave=leave)]}")
