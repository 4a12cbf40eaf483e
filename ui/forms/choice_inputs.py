"""The inputs for questions answered by choosing: one option (radio buttons, or a drop-down
when there are many), several options (tick boxes), or a point on a rating scale."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.forms.template import Question
from ui.forms.question_input import QuestionInput, bare, show_if

#: Radio labels this short in total sit on one line; longer ones stack, one option a line.
_ONE_LINE_CHARS = 48
#: The data of a drop-down's empty first entry.
_NO_ANSWER = ""


class _ClearButton(QPushButton):
    """Takes an answer back to "not answered": radio buttons alone cannot be unticked."""

    def __init__(self) -> None:
        super().__init__("Clear answer")
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the buttons beside it do not jump about
        self.setSizePolicy(policy)


class _RadioRow(QuestionInput):
    """Radio buttons in an exclusive group that can also be empty."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._group = QButtonGroup(self)
        self._buttons: list[QRadioButton] = []
        self._values: list[Any] = []
        self._clear = _ClearButton()
        self._clear.setVisible(False)
        self._clear.clicked.connect(self._cleared)
        self._group.buttonToggled.connect(self._toggled)

    def value(self) -> Any:
        checked = self._group.checkedId()
        return self._values[checked] if checked >= 0 else None

    def focus_target(self) -> QWidget:
        checked = self._group.checkedButton()
        return checked if checked is not None else self._buttons[0]

    def set_accessible_label(self, label: str) -> None:
        self.setAccessibleName(label)
        self._clear.setAccessibleName(f"Clear answer to {label}")

    def set_accessible_hint(self, hint: str) -> None:
        for button in self._buttons:
            button.setAccessibleDescription(hint)

    @property
    def buttons(self) -> list[QRadioButton]:
        return list(self._buttons)

    def _add(self, text: str, value: Any, accessible: str = "") -> QRadioButton:
        button = QRadioButton(text)
        if accessible:
            button.setAccessibleName(accessible)
        self._group.addButton(button, len(self._buttons))
        self._buttons.append(button)
        self._values.append(value)
        return button

    def _show(self, value: Any) -> None:
        if value is not None and value not in self._values:
            # A value the form no longer offers is shown as it is, never dropped.
            button = self._add(str(value), value)
            self._place_extra(button)
        self._group.setExclusive(False)
        for button, own in zip(self._buttons, self._values, strict=True):
            button.setChecked(value is not None and own == value)
        self._group.setExclusive(True)
        show_if(self._clear, value is not None and not self._read_only)

    def _place_extra(self, button: QRadioButton) -> None:
        raise NotImplementedError

    def _apply_read_only(self, read_only: bool) -> None:
        for button in self._buttons:
            button.setEnabled(not read_only)
        show_if(self._clear, not read_only and self.value() is not None)

    def _toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            show_if(self._clear, not self._read_only)
            self._edited()

    def _cleared(self) -> None:
        self._group.setExclusive(False)
        for button in self._buttons:
            button.setChecked(False)
        self._group.setExclusive(True)
        self._clear.setVisible(False)
        self._buttons[0].setFocus()
        self._edited()


class RadioChoiceInput(_RadioRow):
    """A few options, all in sight: one line when short, one option a line when not."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        for option in question.options:
            self._add(option.label, option.value)
        one_line = sum(len(o.label) for o in question.options) <= _ONE_LINE_CHARS
        self._list: QBoxLayout = QHBoxLayout() if one_line else QVBoxLayout()
        self._list.setContentsMargins(0, 0, 0, 0)
        for button in self._buttons:
            self._list.addWidget(button)
        layout = bare(QHBoxLayout(self))
        layout.addLayout(self._list)
        layout.addSpacing(12)
        layout.addWidget(self._clear, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addStretch(1)

    def _place_extra(self, button: QRadioButton) -> None:
        self._list.addWidget(button)


class ComboChoiceInput(QuestionInput):
    """Many options: a drop-down whose first, empty entry means "not answered"."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._box = QComboBox()
        # "" rather than None: some Qt bindings miscount references to a None they hand back.
        self._box.addItem("", _NO_ANSWER)
        for option in question.options:
            self._box.addItem(option.label, option.value)
        self._box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        layout = bare(QHBoxLayout(self))
        layout.addWidget(self._box)
        layout.addStretch(1)
        self._box.currentIndexChanged.connect(self._edited)

    @property
    def box(self) -> QComboBox:
        return self._box

    def value(self) -> Any:
        value = self._box.currentData()
        return None if value == _NO_ANSWER else value

    def focus_target(self) -> QWidget:
        return self._box

    def _show(self, value: Any) -> None:
        index = self._box.findData(value) if value is not None else 0
        if index == self._box.currentIndex():
            return
        if index < 0:
            self._box.addItem(str(value), value)
            index = self._box.count() - 1
        self._box.setCurrentIndex(index)

    def _apply_read_only(self, read_only: bool) -> None:
        self._box.setEnabled(not read_only)


class MultiChoiceInput(QuestionInput):
    """Any number of options ticked; none ticked is "not answered"."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._boxes: list[tuple[QCheckBox, str]] = []
        self._layout = bare(QVBoxLayout(self))
        self._layout.setSpacing(4)
        for option in question.options:
            self._add(option.label, option.value)

    @property
    def boxes(self) -> list[QCheckBox]:
        return [box for box, _value in self._boxes]

    def value(self) -> Any:
        chosen = [value for box, value in self._boxes if box.isChecked()]
        return chosen or None

    def focus_target(self) -> QWidget:
        return self._boxes[0][0]

    def set_accessible_label(self, label: str) -> None:
        self.setAccessibleName(label)

    def set_accessible_hint(self, hint: str) -> None:
        for box, _value in self._boxes:
            box.setAccessibleDescription(hint)

    def _add(self, text: str, value: str) -> None:
        box = QCheckBox(text)
        box.toggled.connect(self._edited)
        self._layout.addWidget(box)
        self._boxes.append((box, value))

    def _show(self, value: Any) -> None:
        chosen = [str(v) for v in value] if isinstance(value, list) else []
        known = {v for _box, v in self._boxes}
        for extra in chosen:
            if extra not in known:
                self._add(extra, extra)  # a value the form no longer offers: kept, shown
        for box, own in self._boxes:
            box.setChecked(own in chosen)

    def _apply_read_only(self, read_only: bool) -> None:
        for box, _value in self._boxes:
            box.setEnabled(not read_only)


# ---- Ratings


class RatingButtonsInput(_RadioRow):
    """A short scale as a row of numbered radio buttons between its two end labels."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        assert question.min is not None and question.max is not None
        low, high = question.min, question.max
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if question.min_label:
            row.addWidget(self._end_label(question.min_label))
        for n in range(low, high + 1):
            end = question.min_label if n == low else question.max_label if n == high else ""
            row.addWidget(self._add(str(n), n, f"{n}, {end}" if end else str(n)))
        if question.max_label:
            row.addWidget(self._end_label(question.max_label))
        self._row = row
        layout = bare(QHBoxLayout(self))
        layout.addLayout(row)
        layout.addSpacing(12)
        layout.addWidget(self._clear)
        layout.addStretch(1)

    def _end_label(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "help")
        return label

    def _place_extra(self, button: QRadioButton) -> None:
        self._row.addWidget(button)


class RatingSpinInput(QuestionInput):
    """A long scale as a number box, stepped with the arrow keys; one below the scale's
    bottom reads "Not answered" so the bottom of the scale is never a silent default."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        assert question.min is not None and question.max is not None
        self._spin = QSpinBox()
        self._spin.setRange(question.min - 1, question.max)
        self._spin.setSpecialValueText("Not answered")
        self._spin.setValue(question.min - 1)
        layout = bare(QHBoxLayout(self))
        ends = " to ".join(
            f"{n} ({words})" if words else str(n)
            for n, words in ((question.min, question.min_label), (question.max, question.max_label))
        )
        scale = QLabel(f"From {ends}")
        scale.setProperty("role", "help")
        layout.addWidget(self._spin)
        layout.addWidget(scale)
        layout.addStretch(1)
        self._spin.valueChanged.connect(self._edited)

    def value(self) -> Any:
        value = self._spin.value()
        return value if value >= self._spin.minimum() + 1 else None

    def focus_target(self) -> QWidget:
        return self._spin

    def _show(self, value: Any) -> None:
        self._spin.setValue(int(value) if value is not None else self._spin.minimum())

    def _apply_read_only(self, read_only: bool) -> None:
        self._spin.setReadOnly(read_only)
