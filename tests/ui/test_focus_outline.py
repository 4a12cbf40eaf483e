"""Keyboard focus is easy to see: the focused button, check box or box has a thick blue frame
drawn around it, which the unfocused one has not."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.views.common import FOCUS_STYLE

FOCUS_BLUE = QColor("#1d70b8")


def _blue_pixels(image: QImage) -> int:
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - FOCUS_BLUE.red()) < 24
                and abs(pixel.green() - FOCUS_BLUE.green()) < 24
                and abs(pixel.blue() - FOCUS_BLUE.blue()) < 24
            ):
                count += 1
    return count


def test_the_focused_control_has_a_thick_blue_frame(qtbot: QtBot) -> None:
    page = QWidget()
    page.setStyleSheet(FOCUS_STYLE)
    layout = QVBoxLayout(page)
    controls = [QPushButton("Save draft now"), QCheckBox("Welfare concern"), QLineEdit("Mara")]
    for control in controls:
        layout.addWidget(control)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    for control in controls:
        before = _blue_pixels(control.grab().toImage())
        control.setFocus()
        qtbot.waitUntil(control.hasFocus, timeout=2000)
        control.update()
        after = _blue_pixels(control.grab().toImage())
        # A frame at least two pixels thick round the whole control, not a dotted hint.
        perimeter = 2 * (control.width() + control.height())
        assert after - before >= perimeter, (type(control).__name__, before, after, perimeter)
