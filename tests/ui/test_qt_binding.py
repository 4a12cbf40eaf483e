"""The Qt binding itself: a PySide6 build that loses references to None would crash the app
("Fatal Python error: none_dealloc") after some hours of typing, taking unsaved keystrokes with
it. PySide6 6.12.0 does this on Python 3.11 (each call returning None drops one reference), so
the dependency excludes it; this test fails on any build that does it again."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_calls_that_return_nothing_keep_nones_references(qtbot: QtBot) -> None:
    """Ten thousand ordinary widget calls leave None's reference count where it was."""
    label, line, combo = QLabel(), QLineEdit(), QComboBox()
    for widget in (label, line, combo):
        qtbot.addWidget(widget)
    combo.addItem("Not answered", None)
    before = sys.getrefcount(None)
    for n in range(2_500):
        label.setText(f"Saved {n}")
        line.setVisible(True)
        combo.currentData()
        line.setFocus()
    # A little slack for objects made or freed meanwhile, far below the 10,000 a leak loses.
    assert abs(sys.getrefcount(None) - before) < 100
