"""What the small record dialogs (an action, a carer's training, a carer's stage, a new
household, leaving care) share: a mode, a control and an error line per field, a line for
problems no field owns, Save and Cancel, and a busy flag while a save runs on a worker thread.

A problem the service layer finds is shown on its own line under the field it is about, so a
worker reads it where they will fix it; this class holds those lines, and the one way a failed
save is shown, so each dialog does not build them its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError
from ui.errors import message_for
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive

#: What a dialog says when a save failed for a reason the worker cannot act on.
SAVE_FAILED = "That could not be saved. Try again in a moment."


class FieldsDialog(QDialog):
    #: A save failed; the problems are on screen beside their fields.
    sig_failed = Signal()

    def __init__(self, mode: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mode = mode
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self._busy = False
        #: Problems no field owns (and failures that are not about a field); the subclass
        #: places it in its layout.
        self._general = QLabel("")
        self._general.setProperty("role", "error")
        self._general.setWordWrap(True)
        self._general.setVisible(False)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setStyleSheet(FOCUS_STYLE)

    # ---- Public API

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def is_busy(self) -> bool:
        return self._busy

    @property
    def save_button(self) -> QPushButton:
        return self._save_button

    def field(self, name: str) -> QWidget:
        """The control for a field, by its name in the service's values (tests, and focus
        on a problem)."""
        return self._fields[name]

    def error_text(self, name: str) -> str:
        return self._errors[name].text() if name in self._errors else ""

    def save(self) -> None:
        """Save on a worker thread (``_run_save``); the dialog closes when it is stored."""
        raise NotImplementedError

    # ---- Subclass API

    def _with_error(self, name: str, widget: QWidget, problem_with: str) -> QWidget:
        """The field with its own error line underneath (named "Problem with
        ``problem_with``" for a screen reader), so a problem sits beside it."""
        box = QWidget()
        # The row takes the dialog's width, so a problem wraps across it, not under a narrow box.
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if isinstance(widget, QDateEdit):  # a date needs no more than its own width
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            layout.addWidget(widget)
        error = QLabel("")
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.setVisible(False)
        error.setAccessibleName(f"Problem with {problem_with}")
        layout.addWidget(error)
        self._errors[name] = error
        return box

    def _add_row(
        self,
        form: QFormLayout,
        name: str,
        caption: str,
        control: QWidget,
        what: str,
        *,
        shown: QWidget | None = None,
        problem_with: str = "",
    ) -> None:
        """A labelled row for field ``name``: ``caption`` (with its mnemonic) as the label of
        ``control``, which a screen reader calls ``what``; ``shown`` is what sits in the row
        when the control comes with other widgets (a date with its tick box). Its error line
        is "Problem with ``problem_with``" (``what`` unless given)."""
        control.setAccessibleName(what)
        label = QLabel(caption)
        label.setBuddy(control)
        problem_with = problem_with or what.lower()
        form.addRow(label, self._with_error(name, shown or control, problem_with))
        self._fields[name] = control

    def _save_buttons(self, accessible_name: str, words: str = "&Save") -> QDialogButtonBox:
        """Save and Cancel. Enter saves wherever the focus is: Save is the default and no
        button takes that over when it gets focus (which a click, or a problem moving focus,
        would do)."""
        self._save_button = QPushButton(words)
        self._save_button.setAccessibleName(accessible_name)
        self._save_button.setAutoDefault(False)
        self._save_button.setDefault(True)
        buttons = QDialogButtonBox()
        buttons.addButton(self._save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self._save_button.clicked.connect(self.save)
        return buttons

    def _run_save(self, work: Callable[[], Any]) -> None:
        """Run ``work`` on a worker thread unless a save is running already. The button stays
        enabled (a second press is ignored while busy): disabling it would hand focus, and with
        it Enter, to Cancel, and an Enter after a problem would then throw away what the worker
        typed."""
        if self._busy:
            return
        self._busy = True
        self._general.setVisible(False)
        run_task(work, self._saved, self._failed)

    def _announce_saved(self, result: Any) -> None:
        """Tell listeners what was saved (each dialog's own ``sig_saved`` shape)."""
        raise NotImplementedError

    def _clear_problems(self) -> None:
        for name, label in self._errors.items():
            label.clear()
            label.setVisible(False)
            self._fields[name].setAccessibleDescription("")
        self._general.setVisible(False)

    def _show_problems(self, exc: BaseException) -> None:
        """Each validation problem under its field (the first such field takes the focus),
        the rest on the general line; any other failure in its plain words (``ui.errors``)."""
        general: list[str] = []
        first: QWidget | None = None
        if isinstance(exc, ValidationError):
            for problem in exc.problems:
                label = self._errors.get(problem.field or "")
                if label is None:
                    general.append(problem.message)
                    continue
                label.setText(problem.message)
                label.setVisible(True)
                control = self._fields[problem.field or ""]
                control.setAccessibleDescription(problem.message)
                first = first or control
        else:
            general.append(message_for(exc, SAVE_FAILED))
        if general:
            self._general.setText(" ".join(general))
            self._general.setVisible(True)
        self.adjustSize()  # room for the words just shown
        if first is not None and first.isEnabled() and first.isVisibleTo(self):
            first.setFocus()

    # ---- Private API

    def _saved(self, result: Any) -> None:
        if not alive(self):
            return
        self._busy = False
        self._clear_problems()
        self._announce_saved(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._busy = False
        self._clear_problems()
        self._show_problems(exc)
        self.sig_failed.emit()
