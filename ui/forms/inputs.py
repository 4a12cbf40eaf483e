"""One input per question type, all with the same small face: ``value()``, ``set_value()``,
``sig_edited``, read-only, and the widget that takes focus (``ui.forms.question_input``). The
typed answers (text, long text, a date) are here, the chosen ones in ``ui.forms.choice_inputs``;
``make_input`` picks one for a question.

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

from PySide6.QtCore import QDate, QLocale, QSizeF, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from app import clock
from app.forms.answers import future_problem
from app.forms.template import Question
from ui.forms.choice_inputs import (
    ComboChoiceInput,
    MultiChoiceInput,
    RadioChoiceInput,
    RatingButtonsInput,
    RatingSpinInput,
)
from ui.forms.dates import date_problem, parse_uk_date, show_date
from ui.forms.question_input import NOT_ANSWERED, QuestionInput, bare, set_text, show_if
from ui.views.common import qdate

__all__ = [
    "NOT_ANSWERED",
    "ComboChoiceInput",
    "DateInput",
    "LongTextInput",
    "MultiChoiceInput",
    "QuestionInput",
    "RadioChoiceInput",
    "RatingButtonsInput",
    "RatingSpinInput",
    "TextInput",
    "make_input",
    "set_text",
    "show_if",
]

#: Up to this many options show as radio buttons (all visible at once); more use a drop-down.
MAX_RADIO_OPTIONS = 5
#: A rating scale with up to this many points shows as a row of radio buttons (0 to 10 fits).
MAX_RATING_BUTTONS = 11


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


class TextInput(QuestionInput):
    """One line of text, cut off at the template's length limit as it is typed."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._edit = QLineEdit()
        if question.max_length:
            self._edit.setMaxLength(question.max_length)
        bare(QVBoxLayout(self)).addWidget(self._edit)
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
        layout = bare(QVBoxLayout(self))
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
        layout = bare(QVBoxLayout(self))
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
