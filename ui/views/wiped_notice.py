"""What the worker is told after the service revoked this laptop and its profile was erased."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

WIPED_MESSAGE = (
    "Your service has removed this laptop from Casebook (for example because it was reported "
    "lost, or the account was closed). To protect the children's records, everything Casebook "
    "kept on this laptop has been erased.\n\n"
    "If you did not expect this, contact the service desk. You can set Casebook up again on "
    "this laptop once they have re-enabled your account."
)


def tell_wiped(parent: QWidget, on_closed: Callable[[], None]) -> QMessageBox:
    """Open the notice over ``parent`` (not blocking); ``on_closed`` runs when it is closed."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Casebook has been removed", WIPED_MESSAGE)
    box.setParent(parent, box.windowFlags())
    box.finished.connect(lambda _r: on_closed())
    box.open()
    return box
