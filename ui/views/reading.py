"""A signed-off record read as a document: a control's value as plain words.

A finalised visit or review cannot change, so its fields are shown as text in the controls'
place rather than as greyed-out drop-downs and empty-looking boxes that invite typing (an
accessibility review's complaint: disabled controls are low-contrast and skipped by some screen
readers, while plain text is read in order).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

#: Shown, greyed, where a signed-off record left a field empty.
NOT_RECORDED = "Not recorded"

#: Boxes that stay on a signed-off page (an assessment's answers) lose their frame and fill,
#: so their words read as text.
READING_STYLE = """
QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"] {
    border: none;
    background: transparent;
}
QLabel[role="reading"] { padding: 2px 0; }
QLabel[role="reading"][empty="true"] { color: #505a5f; }
"""


def reading(widget: QWidget) -> str | None:
    """The words a control shows ("" when it holds nothing); None for a control with no plain
    reading (left as it is)."""
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    if isinstance(widget, QComboBox):
        # A question not answered shows a choice without data ("Choose a reason") among
        # choices with data.
        blank = widget.currentData() is None and any(
            widget.itemData(i) is not None for i in range(widget.count())
        )
        return "" if blank else widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        words = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        return f"{words}: {'Yes' if widget.isChecked() else 'No'}"
    return None


def reading_label(widget: QWidget, name: str) -> QLabel | None:
    """The words of ``widget`` as a label to put in its place (None for a control with no
    plain reading): selectable, and reachable by Tab for a screen reader."""
    words = reading(widget)
    if words is None:
        return None
    shown = QLabel(words or NOT_RECORDED)
    shown.setObjectName(f"reading_{name}")
    shown.setWordWrap(True)
    shown.setProperty("role", "reading")
    shown.setProperty("empty", not words)
    shown.setTextFormat(Qt.TextFormat.PlainText)
    shown.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    shown.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    shown.setAccessibleName(widget.accessibleName() or name)
    return shown
