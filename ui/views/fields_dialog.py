"""What the small record dialogs (an action, a carer's training) share: a mode, a control and
an error line per field, and a busy flag while a save runs on a worker thread.

A problem the service layer finds is shown on its own line under the field it is about, so a
worker reads it where they will fix it; this class holds those lines so each dialog does not
build them its own way.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateEdit, QDialog, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.views.common import FOCUS_STYLE


class FieldsDialog(QDialog):
    def __init__(self, mode: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mode = mode
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self._busy = False
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

    def field(self, name: str) -> QWidget:
        """The control for a field, by its name in the service's values (tests, and focus
        on a problem)."""
        return self._fields[name]

    def error_text(self, name: str) -> str:
        return self._errors[name].text() if name in self._errors else ""

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
