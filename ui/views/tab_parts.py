"""The small parts a record page's tabs are built from (a household's visits, training,
reviews): a button that waits for the record to load, a row of them, a tab's page, and a status
line coloured as well as worded."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.deadlines.engine import Status
from ui.views.common import STATUS_COLOURS


def record_button(text: str) -> QPushButton:
    """A button named for a screen reader by its words; off until the record has loaded."""
    button = QPushButton(text)
    button.setAccessibleName(text.replace("&", "").removesuffix("…"))
    button.setEnabled(False)
    return button


def tab_page(*parts: QWidget | QHBoxLayout, stretch_last: bool = True) -> QWidget:
    """A tab's page: ``parts`` top to bottom, the last taking the spare height."""
    page = QWidget()
    lay_out(page, *parts, stretch_last=stretch_last)
    return page


def lay_out(page: QWidget, *parts: QWidget | QHBoxLayout, stretch_last: bool = True) -> None:
    """``parts`` top to bottom on ``page``, the last taking the spare height."""
    layout = QVBoxLayout(page)
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if isinstance(part, QHBoxLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part, 1 if last and stretch_last else 0)


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def colour_by_status(label: QLabel, status: Status | None) -> None:
    """Status colour as well as words (never colour alone)."""
    label.setStyleSheet(f"color: {STATUS_COLOURS[status]};" if status is not None else "")
