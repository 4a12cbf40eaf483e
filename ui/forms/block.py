"""One question on screen: its label (marked when required), its help, its input and the line
where a problem with it is shown.

Why the problem line belongs to the question: a worker who is told "answer 'Who lives in the
household' before finalising" at the top of a long form has to hunt for it; said under the
question itself (and read out by a screen reader as the input's description) it needs no hunt.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.forms.template import Question
from ui.forms.inputs import QuestionInput

#: The mark after a required question's label; the form explains it once at the top.
REQUIRED_MARK = " *"
REQUIRED_WORDS = "Needed before the form can be finalised."


class QuestionBlock(QWidget):
    """A question's label, help, input and problem line, stacked."""

    def __init__(
        self, question: Question, field: QuestionInput, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._question = question
        self._input = field
        self._label = QLabel(question.label + (REQUIRED_MARK if question.required else ""))
        self._label.setWordWrap(True)
        self._label.setProperty("role", "question")
        self._label.setBuddy(field.focus_target())
        self._help = QLabel(question.help)
        self._help.setWordWrap(True)
        self._help.setProperty("role", "help")
        self._help.setVisible(bool(question.help))
        self._error = QLabel("")
        self._error.setProperty("role", "error")
        self._error.setWordWrap(True)
        self._error.setVisible(False)
        self._error.setAccessibleName(f"Problem with {question.label}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(3)
        layout.addWidget(self._label)
        layout.addWidget(self._help)
        layout.addWidget(field)
        layout.addWidget(self._error)
        self.set_accessible_label(question.label)
        # A problem goes as soon as the worker changes the answer it is about: the message
        # has done its job, and a stale one would say something no longer true.
        field.sig_edited.connect(self._answer_changed)

    # ---- Public API

    @property
    def question(self) -> Question:
        return self._question

    @property
    def input(self) -> QuestionInput:
        return self._input

    @property
    def problem(self) -> str:
        return self._error.text()

    def set_accessible_label(self, label: str) -> None:
        """Name the input (a group's fields add which entry they belong to)."""
        self._input.set_accessible_label(label)
        self._describe()

    def show_problem(self, message: str) -> None:
        self._error.setText(message)
        self._error.setVisible(True)
        self._describe()

    def clear_problem(self) -> None:
        self._error.clear()
        self._error.setVisible(False)
        self._describe()

    # ---- Private API

    def _answer_changed(self) -> None:
        if self._error.text():
            self.clear_problem()

    def _describe(self) -> None:
        """A screen reader hears the problem first, then the help, then whether it is needed."""
        parts = [self._error.text(), self._question.help]
        if self._question.required:
            parts.append(REQUIRED_WORDS)
        self._input.set_accessible_hint(" ".join(p for p in parts if p))
