"""Change the passphrase from inside the app, as the service desk's ``casebook-store passwd``
does: the profile's data key is sealed again under the new passphrase (the database is not
re-encrypted), on a worker thread, since the key derivation takes about half a second.

The current passphrase is asked for again (a laptop left unlocked must not let a passer-by
lock its owner out), wrong tries count towards the same lock-out as the unlock window's, and
the two new ones must match.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import WrongPassphrase
from app.store import Profile
from ui.errors import message_for
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive

MISMATCH = "The two new passphrases are not the same. Type the new one again in both boxes."
SAME = "The new passphrase is the same as the current one. Choose a different one."
FAILED = "The passphrase could not be changed. Nothing was changed; try again."


class PassphraseDialog(QDialog):
    """Current, new and repeated passphrase; OK seals the key again."""

    sig_changed = Signal()
    """The new passphrase is in force (the next unlock needs it)."""

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._profile = profile
        self._busy = False
        self.setWindowTitle("Change passphrase")
        self.setAccessibleName("Change passphrase")
        self.setStyleSheet(FOCUS_STYLE)
        self.current = self._box("Current passphrase")
        self.new = self._box("New passphrase")
        self.repeat = self._box("New passphrase again")
        form = QFormLayout()
        for caption, box in (
            ("&Current passphrase:", self.current),
            ("&New passphrase:", self.new),
            ("New passphrase a&gain:", self.repeat),
        ):
            label = QLabel(caption)
            label.setBuddy(box)
            form.addRow(label, box)
        self.problem = QLabel("")
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self.current.setFocus()

    def _box(self, name: str) -> QLineEdit:
        box = QLineEdit()
        box.setEchoMode(QLineEdit.EchoMode.Password)
        box.setAccessibleName(name)
        return box

    def _ok(self) -> None:
        if self._busy:
            return
        old, new = self.current.text(), self.new.text()
        if new != self.repeat.text():
            self._fail(MISMATCH, self.repeat)
            return
        if new == old:
            self._fail(SAME, self.new)
            return
        self._busy = True
        self.buttons.setEnabled(False)
        profile = self._profile
        run_task(lambda: profile.change_passphrase(old, new), self._done, self._failed)

    def _done(self, _result: object) -> None:
        if not alive(self):
            return
        self._busy = False
        self.sig_changed.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._busy = False
        self.buttons.setEnabled(True)
        # The store's own words (a wrong current passphrase with the tries left, a new one
        # too weak and why); never the passphrases themselves.
        message = message_for(exc, FAILED)
        if isinstance(exc, WrongPassphrase):
            message = f"The current passphrase is not right. {message.split('. ', 1)[-1]}"
        self._fail(message, self.current if isinstance(exc, WrongPassphrase) else self.new)

    def _fail(self, message: str, box: QLineEdit) -> None:
        self.problem.setText(message)
        self.problem.show()
        box.selectAll()
        box.setFocus()
