"""The question a person quitting with changes not yet sent is asked: they are safe on this
laptop and go at the next sync, so Quit is fine, but they may Stay and sync first."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_to_quit(parent: QWidget, note: str, on_quit: Callable[[], None]) -> QMessageBox:
    """Open the question (window-modal, not blocking); ``on_quit`` runs if they choose Quit."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Changes not sent yet",
        note + "\n\nQuit now, or stay and sync first?",
        QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.button(QMessageBox.StandardButton.Close).setText("Quit")
    box.button(QMessageBox.StandardButton.Cancel).setText("Stay")
    box.setObjectName("UnsentOnQuit")

    def answered(button: int) -> None:
        if button == QMessageBox.StandardButton.Close:
            on_quit()

    box.finished.connect(answered)
    box.open()
    return box
