"""The page a record form is drawn on: each field with its own problem line underneath, a
general problem line at the top, and a body of readable width that scrolls.

Why problems sit beside their fields: a worker told "3 things need putting right" at the top of
a long form has to hunt for them; a screen reader user needs each problem to be the field's own
description. Problems from a draft save and from a sign-off are told apart (``_problems_from``)
so that an autosave, which runs while the worker is fixing sign-off problems, clears only its
own.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.errors import FieldProblem
from ui.views.common import FOCUS_STYLE


def error_label() -> QLabel:
    """A red line for a problem, hidden until there is one."""
    label = QLabel("")
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class FormPage(QWidget):
    """Fields with their problem lines, a general problem line, a scrolling body."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self._rows: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}
        #: Which write the problems on screen came from ("save", "check" or "finalise").
        self._problems_from = ""
        self._general = error_label()
        self.setStyleSheet(FOCUS_STYLE)

    def _text_box(self, lines: int = 5) -> QPlainTextEdit:
        box = QPlainTextEdit()
        # Tab moves to the next control: a keyboard user must be able to leave the box.
        box.setTabChangesFocus(True)
        # Heights follow the font, so a worker using large text still sees the lines.
        line = self.fontMetrics().lineSpacing()
        box.setMinimumHeight(line * lines + 12)
        box.setMaximumHeight(line * (lines + 3) + 12)
        return box

    def _with_error(self, name: str, widget: QWidget) -> QWidget:
        """The field with its own error line underneath, so a problem sits beside its field.
        The box spans the form's width (so the message has room) while a narrow control such
        as a drop-down keeps its natural size."""
        box = QWidget()
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(widget)
        if widget.sizePolicy().horizontalPolicy() != QSizePolicy.Policy.Expanding:
            row.addStretch(1)
        layout.addLayout(row)
        error = error_label()
        error.setAccessibleName(f"Problem with {widget.accessibleName() or name}")
        layout.addWidget(error)
        self._errors[name] = error
        self._fields[name] = widget
        self._rows[name] = box
        return box

    def _scrolling(self, parts: Sequence[QWidget | QLayout], chars: int) -> QVBoxLayout:
        """The page's body in a scroll area (``self._scroll``): the general problem line,
        ``parts``, then the addenda; at most ``chars`` average characters wide, a readable
        line length on a wide screen. Answers the body's layout."""
        body = QWidget()
        body.setMaximumWidth(self.fontMetrics().averageCharWidth() * chars)
        layout = QVBoxLayout(body)
        layout.addWidget(self._general)
        for part in parts:
            if isinstance(part, QWidget):
                layout.addWidget(part)
            else:
                layout.addLayout(part)
        layout.addStretch(1)
        page = QWidget()
        page_layout = QHBoxLayout(page)
        page_layout.addWidget(body, 1)
        page_layout.addStretch(0)
        self._scroll = QScrollArea()
        self._scroll.setWidget(page)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        return layout

    def _form_rows(self, form: QFormLayout, rows: Sequence[tuple[str, str, QWidget, str]]) -> None:
        """Rows of (field name, caption with its shortcut marker, control, accessible name),
        each control with its error line (``_with_error``)."""
        for name, caption, widget, accessible in rows:
            widget.setAccessibleName(accessible)
            label = QLabel(caption)
            label.setBuddy(widget)
            # Long captions wrap beside a tall box; a one-line control keeps its caption whole.
            label.setWordWrap(isinstance(widget, QPlainTextEdit))
            self._labels[name] = label
            form.addRow(label, self._with_error(name, widget))

    def _widget_for(self, field: str) -> QWidget | None:
        """The control a problem about ``field`` puts the focus in."""
        return self._fields.get(field)

    # ---- Problems

    def _focus_first(self, problems: Sequence[FieldProblem]) -> None:
        for problem in problems:
            widget = self._widget_for(problem.field)
            if widget is not None:
                widget.setFocus()
                return

    def _show_problems(self, problems: Sequence[FieldProblem], *, source: str) -> None:
        """Each problem beside its field; those with no field of their own at the top."""
        self._clear_problems()
        self._problems_from = source
        general: list[str] = []
        for problem in problems:
            label = self._errors.get(problem.field)
            if label is None or self._rows[problem.field].isHidden():
                general.append(problem.message)
                continue
            label.setText(problem.message)
            label.setVisible(True)
            self._fields[problem.field].setAccessibleDescription(problem.message)
        if general:
            self._show_general(" ".join(general))

    def _clear_problems(self) -> None:
        self._problems_from = ""
        for name, label in self._errors.items():
            label.clear()
            label.setVisible(False)
            self._fields[name].setAccessibleDescription(self._description(name))
        self._general.setVisible(False)

    def _description(self, name: str) -> str:
        """A field's standing accessible description (restored when its problem clears)."""
        return ""

    def _show_general(self, message: str) -> None:
        self._general.setText(message)
        self._general.setVisible(True)
