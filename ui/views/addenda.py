"""The addenda under a signed-off record: what has been added since, and the box to add more.

A signed record never changes; a correction or addition is an addendum, written and signed on
its own. This box is hidden while the record is a draft (there is nothing to correct yet: the
worker edits the draft) and takes the fields' place once it is signed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from app.services.visits import AddendumView
from ui.views.common import local_time, uk_date
from ui.views.form_page import error_label


def when_written(moment: datetime) -> str:
    """A stored UTC instant as the laptop's local date and time: 27 Nov 2026 at 14:03."""
    return f"{uk_date(moment.astimezone().date())} at {local_time(moment)}"


class AddendaBox(QGroupBox):
    """The addenda so far, a box for a new one and its Add button."""

    sig_add = Signal(str)
    """The worker asked to add what is in the box.

    Parameters
    ----------
    text : str
    """

    def __init__(self, box: QPlainTextEdit, *, placeholder: str, caption: str) -> None:
        """``box``: the text box to write in (made by the form, sized like its own);
        ``caption``: its label, with its shortcut marker."""
        super().__init__("Addenda (corrections and additions)")
        self._addenda: list[AddendumView] = []
        self._list = QLabel("")
        self._list.setWordWrap(True)
        self._list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._list.setAccessibleName("Addenda")
        self.text_box = box
        box.setAccessibleName("New addendum")
        box.setPlaceholderText(placeholder)
        self.add_button = QPushButton("Add adde&ndum")
        self.add_button.setAccessibleName("Add addendum")
        self._error = error_label()
        label = QLabel(caption)
        label.setBuddy(box)
        layout = QVBoxLayout(self)
        layout.addWidget(self._list)
        layout.addWidget(label)
        layout.addWidget(box)
        layout.addWidget(self._error)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.setVisible(False)
        self.add_button.clicked.connect(lambda: self.sig_add.emit(box.toPlainText()))

    def show_addenda(self, addenda: Sequence[AddendumView]) -> None:
        self._addenda = list(addenda)
        self._show()

    def added(self, addendum: AddendumView) -> None:
        """An addendum reached the store: listed, and the box emptied for the next."""
        self._addenda.append(addendum)
        self._show()
        self.text_box.clear()
        self._error.setVisible(False)

    def failed(self, message: str) -> None:
        self._error.setText(message)
        self._error.setVisible(True)

    def _show(self) -> None:
        if not self._addenda:
            self._list.setText("No addenda yet.")
            return
        self._list.setText(
            "\n\n".join(
                f"{when_written(a.written_at)}, {a.written_by}: {a.text}" for a in self._addenda
            )
        )
