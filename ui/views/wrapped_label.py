"""A word-wrapped label that keeps the height its lines need.

Inside the main window's page stack a wrapped label is laid out at the height of its first
text: ``QStackedLayout`` does not pass height-for-width on, so a longer message (an offline
reason, a refusal) was cut off after its first line. This label asks for the height its text
needs at its current width whenever either changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget


class WrappedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def set_warning(self, warning: bool) -> None:
        """Dark red for a warning (offline, refused), in the label's own weight: text drawn
        bolder by a style sheet than the font the label measures with is cut off."""
        self.setStyleSheet("color: #b3261e;" if warning else "")
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        """A new font or style (an error message turns bold) changes the lines needed."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def _fit(self) -> None:
        needed = self.heightForWidth(max(1, self.width()))
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)
