"""One input per question type, all with the same small face: ``value()``, ``set_value()``,
``sig_edited``, read-only, and the widget that takes focus.

Why one face: the renderer, a repeating group and the tests then treat every question alike,
and a new question type is one class here. Each input reports "not answered" as ``None``
(never an empty string, today's date or the bottom of a scale), so what is stored is what the
worker actually said; see ``app.forms.answers`` for the shapes of the values.

Filling an input from stored answers (``set_value``) never counts as an edit: only what the
worker does emits ``sig_edited``, so opening a draft does not save it again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QLocale, QSizeF, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from app import clock
from app.forms.answers import future_problem
from app.forms.template import Question, is_answered
from ui.forms.dates import date_problem, parse_uk_date, show_date
from ui.views.common import qdate

#: Up to this many options show as radio buttons (all visible at once); more use a drop-down.
MAX_RADIO_OPTIONS = 5
#: A rating scale with up to this many points shows as a row of radio buttons (0 to 10 fits).
MAX_RATING_BUTTONS = 11
#: Radio labels this short in total sit on one line; longer ones stack, one option a line.
_ONE_LINE_CHARS = 48
#: The data of a drop-down's empty first entry.
_NO_ANSWER = ""
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


def make_input(question: Question, parent: QWidget | None = None) -> QuestionInput:
    """The input for a question of any type but ``group`` (see ``ui.forms.group``)."""
    match question.type:
        case "text":
            return TextInput(question, parent)
        case "long_text":
            return LongTextInput(question, parent)
        case "date":
            return DateInput(question, parent)
        case "choice":
            if len(question.options) <= MAX_RADIO_OPTIONS:
                return RadioChoiceInput(question, parent)
            return ComboChoiceInput(question, parent)
        case "multi_choice":
            return MultiChoiceInput(question, parent)
        case "rating":
            assert question.min is not None and question.max is not None
            if question.max - question.min + 1 <= MAX_RATING_BUTTONS:
                return RatingButtonsInput(question, parent)
            return RatingSpinInput(question, parent)
    raise ValueError(f"no single input for a {question.type!r} question")


def show_if(widget: QWidget, shown: bool) -> None:
    """Show or hide, touching the widget only when that changes: this runs on every keystroke,
    and a call that changes nothing still costs (and, in some Qt bindings, leaks)."""
    if widget.isHidden() == shown:
        widget.setVisible(shown)


def set_text(label: QLabel, text: str) -> None:
    """Set a label's text only when it differs (see ``show_if``)."""
    if label.text() != text:
        label.setText(text)


def _bare(layout: QBoxLayout) -> QBoxLayout:
    layout.setContentsMargins(0, 0, 0, 0)
    return layout


# ---- Text


class TextInput(QuestionInput):
    """One line of text, cut off at the template's length limit as it is typed."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._edit = QLineEdit()
        if question.max_length:
            self._edit.setMaxLength(question.max_length)
        _bare(QVBoxLayout(self)).addWidget(self._edit)
        self._edit.textEdited.connect(self._edited)

    def value(self) -> Any:
        text = self._edit.text()
        return text if text.strip() else None

    def focus_target(self) -> QWidget:
        return self._edit

    def _show(self, value: Any) -> None:
        self._edit.setText("" if value is None else str(value))

    def _apply_read_only(self, read_only: bool) -> None:
        self._edit.setReadOnly(read_only)
        self._edit.setPlaceholderText(NOT_ANSWERED if read_only else "")


class GrowingTextEdit(QPlainTextEdit):
    """A text box that grows with what is typed (from ``MIN_LINES`` to ``MAX_LINES``), so a
    long answer is read in the page's own scroll rather than in a little window of its own."""

    MIN_LINES = 3
    MAX_LINES = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Tab moves to the next control: a keyboard user must be able to leave the box.
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = self.document().documentLayout()
        layout.documentSizeChanged.connect(self._fit)
        self._fit(QSizeF(0, 0))

    def _fit(self, size: QSizeF) -> None:
        """The plain-text layout measures its document in lines (wrapped lines included)."""
        lines = min(max(int(size.height()), self.MIN_LINES), self.MAX_LINES)
        margin = self.document().documentMargin()
        height = lines * self.fontMetrics().lineSpacing() + 2 * (margin + self.frameWidth()) + 2
        self.setFixedHeight(int(height))


class LongTextInput(QuestionInput):
    """Paragraphs of text. Near the template's length limit a count appears, so the worker
    learns of the limit before a save is refused for it rather than after."""

    #: Show the count once this share of the limit is used.
    WARN_AT = 0.9

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._edit = GrowingTextEdit()
        self._count = QLabel("")
        self._count.setVisible(False)
        self._count.setProperty("role", "help")
        layout = _bare(QVBoxLayout(self))
        layout.setSpacing(2)
        layout.addWidget(self._edit)
        layout.addWidget(self._count)
        self._edit.textChanged.connect(self._text_changed)

    def value(self) -> Any:
        text = self._edit.toPlainText()
        return text if text.strip() else None

    def focus_target(self) -> QWidget:
        return self._edit

    def _show(self, value: Any) -> None:
        self._edit.setPlainText("" if value is None else str(value))

    def _apply_read_only(self, read_only: bool) -> None:
        self._edit.setReadOnly(read_only)
        self._edit.setPlaceholderText(NOT_ANSWERED if read_only else "")

    def _text_changed(self) -> None:
        limit = self._question.max_length
        if limit:
            used = len(self._edit.toPlainText())
            near = used >= limit * self.WARN_AT and not self._read_only
            if near:
                set_text(self._count, f"{used:,} of at most {limit:,} characters")
            show_if(self._count, near)
        self._edited()


# ---- Dates


class DateInput(QuestionInput):
    """A date typed day first (or picked from a calendar), blank until answered."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._edit = QLineEdit()
        self._edit.setPlaceholderText("dd/mm/yyyy")
        self._edit.setMaximumWidth(self.fontMetrics().averageCharWidth() * 18 + 16)
        self._pick = QPushButton("Calendar…")
        self._calendar = QCalendarWidget()
        self._calendar.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        self._calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self._calendar.setGridVisible(True)
        menu = QMenu(self._pick)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self._calendar)
        menu.addAction(holder)
        menu.aboutToShow.connect(self._calendar_opens)
        self._menu = menu
        self._pick.clicked.connect(self._open_calendar)
        self._problem = QLabel("")
        self._problem.setProperty("role", "error")
        self._problem.setWordWrap(True)
        self._problem.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self._edit)
        row.addWidget(self._pick)
        row.addStretch(1)
        layout = _bare(QVBoxLayout(self))
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self._problem)
        self._edit.textEdited.connect(self._typed)
        self._edit.editingFinished.connect(self._tidy)
        self._calendar.clicked.connect(self._picked)
        self._calendar.activated.connect(self._picked)

    def value(self) -> Any:
        on = parse_uk_date(self._edit.text())
        return on.isoformat() if on is not None else None

    def focus_target(self) -> QWidget:
        return self._edit

    def set_accessible_label(self, label: str) -> None:
        super().set_accessible_label(label)
        self._pick.setAccessibleName(f"Choose {label} from a calendar")
        self._calendar.setAccessibleName(f"Calendar for {label}")

    def local_problem(self) -> str:
        problem = date_problem(self._edit.text(), self._question.label)
        on = parse_uk_date(self._edit.text())
        if not problem and on is not None and self._question.past_only:
            problem = future_problem(self._question.label, on, clock.today())
        return problem

    def _show(self, value: Any) -> None:
        on = parse_uk_date(str(value)) if value is not None else None
        self._edit.setText(show_date(on) if on is not None else ("" if value is None else value))
        self._show_problem(typing=False)

    def _apply_read_only(self, read_only: bool) -> None:
        self._edit.setReadOnly(read_only)
        self._edit.setPlaceholderText(NOT_ANSWERED if read_only else "dd/mm/yyyy")
        self._pick.setVisible(not read_only)

    def _typed(self) -> None:
        self._show_problem(typing=True)
        self._edited()

    def _tidy(self) -> None:
        """Once the worker leaves the box, write the date back unambiguously (3/11 becomes
        03 Nov 2026), so a slip of day and month is seen at once."""
        on = parse_uk_date(self._edit.text())
        if on is not None and self._edit.text() != show_date(on):
            self._edit.setText(show_date(on))
        self._show_problem(typing=False)

    def _show_problem(self, *, typing: bool) -> None:
        """While typing, a half-written date is not yet a problem; a finished one that cannot
        be read is said at once, under the box."""
        problem = self.local_problem()
        if typing and problem:
            return
        set_text(self._problem, problem)
        show_if(self._problem, bool(problem))

    def _open_calendar(self) -> None:
        self._menu.popup(self._pick.mapToGlobal(self._pick.rect().bottomLeft()))

    def _calendar_opens(self) -> None:
        on = parse_uk_date(self._edit.text())
        self._calendar.setSelectedDate(qdate(on if on is not None else clock.today()))
        self._calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self._menu.close()
        if self._read_only:
            return
        self._edit.setText(show_date(date(day.year(), day.month(), day.day())))
        self._show_problem(typing=False)
        self._edited()
        self._edit.setFocus()


# ---- Choices


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
        layout = _bare(QHBoxLayout(self))
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
        layout = _bare(QHBoxLayout(self))
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
        self._layout = _bare(QVBoxLayout(self))
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
        layout = _bare(QHBoxLayout(self))
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
        layout = _bare(QHBoxLayout(self))
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
