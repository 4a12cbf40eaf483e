"""What every question's input is: the small face the renderer, a repeating group and the
tests treat alike (``value()``, ``set_value()``, ``sig_edited``, read-only, the widget that
takes focus), and the few helpers the inputs share.

Filling an input from stored answers (``set_value``) never counts as an edit: only what the
worker does emits ``sig_edited``, so opening a draft does not save it again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QLabel,
    QWidget,
)

from app.forms.template import Question, is_answered

#: What an empty box says on a finalised form (an empty box alone could be a fault).
NOT_ANSWERED = "Not answered"


class QuestionInput(QWidget):
    """The base of every input: see the module docstring for the contract."""

    sig_edited = Signal()
    """The worker changed the answer (typing, clicking, choosing; never ``set_value``)."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._question = question
        self._filling = False
        self._read_only = False

    # ---- Public API

    @property
    def question(self) -> Question:
        return self._question

    @property
    def is_read_only(self) -> bool:
        return self._read_only

    def value(self) -> Any:
        """The answer as ``app.forms.answers`` stores it, or None when not answered."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show a stored answer (None: not answered) without counting it as an edit."""
        self._filling = True
        try:
            self._show(value if is_answered(value) else None)
        finally:
            self._filling = False

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._apply_read_only(read_only)

    def focus_target(self) -> QWidget:
        """The control a label points at and a problem sends the focus to."""
        raise NotImplementedError

    def set_accessible_label(self, label: str) -> None:
        """The name a screen reader (and a test) finds this input by."""
        self.setAccessibleName(label)
        self.focus_target().setAccessibleName(label)

    def set_accessible_hint(self, hint: str) -> None:
        self.focus_target().setAccessibleDescription(hint)

    def local_problem(self) -> str:
        """A problem the input can see by itself (a date that is not a date), or ""."""
        return ""

    # ---- Private API

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _apply_read_only(self, read_only: bool) -> None:
        raise NotImplementedError

    def _edited(self, *_args: object) -> None:
        if not self._filling and not self._read_only:
            self.sig_edited.emit()


def show_if(widget: QWidget, shown: bool) -> None:
    """Show or hide, touching the widget only when that changes: this runs on every keystroke,
    and a call that changes nothing still costs (and, in some Qt bindings, leaks)."""
    if widget.isHidden() == shown:
        widget.setVisible(shown)


def set_text(label: QLabel, text: str) -> None:
    """Set a label's text only when it differs (see ``show_if``)."""
    if label.text() != text:
        label.setText(text)


def bare(layout: QBoxLayout) -> QBoxLayout:
    layout.setContentsMargins(0, 0, 0, 0)
    return layout


# ---- Text
