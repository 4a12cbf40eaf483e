"""The one renderer that turns any form template into a form on screen.

It only presents: it is given a ``FormTemplate`` and answers, says when the worker changes
something (``sig_changed``), hands back the answers (``answers()``) in the shape
``app.forms.answers`` documents, and shows problems beside the questions they are about. It
never touches the store; the assessment page around it saves, loads and signs off.

Conditions are judged exactly as ``app.forms.answers`` judges them when finalising (from the
same functions), so a question is on screen if and only if finalising will ask for it. A
question hidden by a later change keeps its answer in the draft (see ``prune_hidden``): switching
a choice back and forth never loses what was typed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.errors import FieldProblem
from app.forms.answers import field_name, visible_questions
from app.forms.template import FormTemplate, Question, Section, is_answered
from ui.forms.block import REQUIRED_MARK, QuestionBlock
from ui.forms.group import GroupInput
from ui.forms.inputs import QuestionInput, make_input, show_if
from ui.views.common import heading_font

REQUIRED_NOTE = (
    f"Questions marked{REQUIRED_MARK} must be answered before the form can be finalised. "
    "Until then it is kept as a draft, however much is missing."
)


#: Disabled choices on a finalised form keep dark text (the platform greys them out).
READ_ONLY_STYLE = """
QRadioButton:disabled, QCheckBox:disabled, QComboBox:disabled { color: #0b0c0c; }
"""


class FormRenderer(QWidget):
    """A form template as sections of questions; see the module docstring."""

    sig_changed = Signal()
    """The worker changed an answer (never sent for ``set_answers``)."""

    def __init__(
        self,
        template: FormTemplate,
        answers: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._template = template
        self._read_only = False
        self._blocks: dict[str, QuestionBlock] = {}
        self._sections: dict[str, QFrame] = {}
        #: Answers to questions this version does not have: kept, never silently dropped.
        self._unknown: dict[str, Any] = {}
        self.setAccessibleName(template.title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self._note = QLabel(REQUIRED_NOTE)
        self._note.setWordWrap(True)
        self._note.setProperty("role", "help")
        self._needs_note = any(q.required or _has_required(q) for _s, q in template.questions())
        self._note.setVisible(self._needs_note)
        layout.addWidget(self._note)
        for section in template.sections:
            box = self._section(section)
            self._sections[section.id] = box
            layout.addWidget(box)
        if answers:
            self.set_answers(answers)
        else:
            self._show_visible()

    # ---- Public API

    @property
    def template(self) -> FormTemplate:
        return self._template

    @property
    def is_read_only(self) -> bool:
        return self._read_only

    def answers(self) -> dict[str, Any]:
        """Every answered question (hidden ones too, for the draft), question id to value."""
        found = dict(self._unknown)
        for question_id, block in self._blocks.items():
            value = block.input.value()
            if is_answered(value):
                found[question_id] = value
        return found

    def set_answers(self, answers: Mapping[str, Any]) -> None:
        """Show stored answers, replacing what is on screen; not counted as an edit."""
        self._unknown = {k: v for k, v in answers.items() if k not in self._blocks}
        for question_id, block in self._blocks.items():
            block.input.set_value(answers.get(question_id))
        self._show_visible()

    def set_read_only(self, read_only: bool) -> None:
        """A finalised record: everything readable, nothing editable, no Add/Remove/Clear."""
        self._read_only = read_only
        for block in self._blocks.values():
            block.input.set_read_only(read_only)
        self._note.setVisible(self._needs_note and not read_only)
        # Choices are disabled on a finalised form, but an answer must stay easy to read.
        self.setStyleSheet(READ_ONLY_STYLE if read_only else "")

    def input(self, question_id: str) -> QuestionInput:
        """The input of a top-level question (for the page and for tests)."""
        return self._blocks[question_id].input

    def block(self, field: str) -> QuestionBlock | None:
        """The question a problem field (``answers.<q>`` or ``answers.<g>.<n>.<f>``) names."""
        parts = field.split(".")
        if len(parts) < 2 or parts[0] != "answers" or parts[1] not in self._blocks:
            return None
        block = self._blocks[parts[1]]
        if len(parts) == 2:
            return block
        group = block.input
        if len(parts) != 4 or not isinstance(group, GroupInput) or not parts[2].isdigit():
            return None
        return group.block(int(parts[2]), parts[3])

    def is_shown(self, question_id: str) -> bool:
        """Whether a top-level question is on the form as its answers stand."""
        return question_id in self._shown()

    def error_text(self, field: str) -> str:
        block = self.block(field)
        return block.problem if block is not None else ""

    def show_problems(self, problems: list[FieldProblem]) -> list[FieldProblem]:
        """Put each problem beside its question, bring the first into view with the focus on
        it, and return those that belong to no question on screen (the page shows them)."""
        self.clear_problems()
        unplaced: list[FieldProblem] = []
        placed: dict[int, QuestionBlock] = {}
        order = {id(block): n for n, block in enumerate(self._all_blocks())}
        for problem in problems:
            block = self.block(problem.field)
            if block is None or not block.isVisibleTo(self):
                unplaced.append(problem)
                continue
            text = block.problem
            block.show_problem(f"{text} {problem.message}" if text else problem.message)
            placed[order.get(id(block), len(order))] = block
        if placed:
            first = placed[min(placed)]
            first.input.focus_target().setFocus()
            # After the layout has made room for the messages.
            QTimer.singleShot(0, self, lambda: self._bring_into_view(first))
        return unplaced

    def clear_problems(self) -> None:
        for block in self._all_blocks():
            if block.problem:
                block.clear_problem()

    def local_problems(self) -> list[FieldProblem]:
        """What the inputs can tell by themselves is wrong (a date that is not a date), as
        problems for the questions shown; finalising must not go ahead with these."""
        found = []
        shown = self._shown()
        for _section, question in self._template.questions():
            block = self._blocks[question.id]
            if question.id not in shown:
                continue
            group = block.input
            if isinstance(group, GroupInput):
                for n, entry in enumerate(group.entries, start=1):
                    for field_id, inner in entry.blocks.items():
                        if not inner.isHidden() and (message := inner.input.local_problem()):
                            found.append(
                                FieldProblem(field_name(question.id, n, field_id), message)
                            )
            elif message := block.input.local_problem():
                found.append(FieldProblem(field_name(question.id), message))
        return found

    # ---- Private API

    def _section(self, section: Section) -> QFrame:
        """A section: its title as a heading (a screen reader's heading list finds it), its
        help, then its questions."""
        box = QFrame()
        box.setObjectName("FormSection")
        box.setAccessibleName(section.title)
        title = QLabel(section.title)
        title.setFont(heading_font(self.font(), 1.25))
        title.setWordWrap(True)
        title.setAccessibleName(f"Section: {section.title}")
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(rule)
        layout.addWidget(title)
        if section.help:
            help_label = QLabel(section.help)
            help_label.setWordWrap(True)
            help_label.setProperty("role", "help")
            layout.addWidget(help_label)
        for question in section.questions:
            field: QuestionInput = (
                GroupInput(question) if question.type == "group" else make_input(question)
            )
            block = QuestionBlock(question, field)
            field.sig_edited.connect(self._edited)
            self._blocks[question.id] = block
            layout.addWidget(block)
        return box

    def _edited(self) -> None:
        self._show_visible()
        self.sig_changed.emit()

    def _shown(self) -> set[str]:
        """The top-level questions on the form as the answers stand, by the very function
        finalising uses."""
        return {
            question.id for _section, question in visible_questions(self._template, self.answers())
        }

    def _show_visible(self) -> None:
        """Show the questions whose conditions hold; a section with none shown goes too."""
        shown = self._shown()
        for section in self._template.sections:
            any_shown = False
            for question in section.questions:
                show_if(self._blocks[question.id], question.id in shown)
                any_shown = any_shown or question.id in shown
            show_if(self._sections[section.id], any_shown)

    def _all_blocks(self) -> Iterator[QuestionBlock]:
        """Every question and group field, in form order."""
        for block in self._blocks.values():
            yield block
            if isinstance(block.input, GroupInput):
                yield from block.input.blocks()

    def _bring_into_view(self, block: QuestionBlock) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(block, 16, 48)


def _has_required(question: Question) -> bool:
    return any(field.required for field in question.fields)
