"""A horizontal bar chart drawn with QPainter: one labelled bar a row, its figure in words at
the end of the bar.

Why not Qt's own charts: PySide6-Essentials, which Casebook ships, has no QtCharts; it comes
with PySide6-Addons, a 175 MB wheel (438 MB installed) for every developer, CI run and build,
and Qt Charts is deprecated since Qt 6.10 in favour of Qt Graphs, which needs Qt Quick. The
Service page needs bars that compare groups (shares on time, counts by provider), which
QPainter draws in a page of code, scales with the font, prints the exact figure beside every
bar (so nothing depends on reading a bar's length or its colour), and gives screen readers the
same figures as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

#: Dark enough for white text and for 3:1 against the page (a bar is a graphical object).
BAR_COLOUR = "#1d5fa8"


@dataclass(frozen=True)
class Bar:
    label: str
    #: Where the bar ends, as a part of the chart's maximum (None: nothing to draw).
    value: float | None
    #: The figure in words, printed at the end of the bar (e.g. "87% (26 of 30)").
    text: str


class BarChart(QWidget):
    def __init__(
        self,
        title: str,
        parent: QWidget | None = None,
        *,
        empty: str = "Nothing was due in this period.",
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._empty = empty
        self._bars: list[Bar] = []
        self._maximum = 1.0
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # so a screen reader can reach it

    @property
    def bars(self) -> list[Bar]:
        return list(self._bars)

    @property
    def title(self) -> str:
        return self._title

    def set_title(self, title: str) -> None:
        self._title = title
        self.setAccessibleName(title)
        self.update()

    def set_bars(self, bars: list[Bar], maximum: float | None = None) -> None:
        """Show these bars; ``maximum`` is the value of a full-width bar (default: the largest,
        or 1.0 for shares)."""
        self._bars = bars
        values = [b.value for b in bars if b.value is not None]
        self._maximum = maximum or max(values, default=1.0) or 1.0
        lines = "; ".join(f"{b.label}: {b.text}" for b in bars) or "no figures"
        self.setAccessibleDescription(f"{self._title}. {lines}.")
        self.setToolTip("\n".join(f"{b.label}: {b.text}" for b in bars))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(480, self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(320, self._height())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        row = self._row()
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        painter.drawText(
            QRectF(0, 0, self.width(), row), Qt.AlignmentFlag.AlignVCenter, self._title
        )
        painter.setFont(self.font())
        if not self._bars:
            painter.drawText(
                QRectF(0, row, self.width(), row),
                Qt.AlignmentFlag.AlignVCenter,
                self._empty,
            )
            return
        label_width = min(
            max(metrics.horizontalAdvance(b.label) for b in self._bars) + 12, self.width() // 3
        )
        text_width = max(metrics.horizontalAdvance(b.text) for b in self._bars) + 12
        bar_space = max(20.0, self.width() - label_width - text_width)
        for index, bar in enumerate(self._bars):
            top = row * (index + 1)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(0, top, label_width - 8, row),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                label,
            )
            length = 0.0
            if bar.value is not None and self._maximum > 0:
                length = bar_space * max(0.0, min(1.0, bar.value / self._maximum))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(BAR_COLOUR))
                painter.drawRect(QRectF(label_width, top + row * 0.2, length, row * 0.6))
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(label_width + length + 6, top, text_width, row),
                Qt.AlignmentFlag.AlignVCenter,
                bar.text,
            )
        painter.end()

    def _row(self) -> int:
        return self.fontMetrics().height() + 10

    def _height(self) -> int:
        return self._row() * (max(1, len(self._bars)) + 1) + 4
