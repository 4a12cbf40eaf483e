"""The page the main window shows while it is locked: "Locking…" while drafts save and the
store drops its key, then the unlock window in its place.

The page goes up before anything else happens, so no case text stays on screen while a draft
is being saved or the sync is stopping.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.store import Profile
from ui.views.common import heading_font
from ui.views.unlock import UnlockWindow


def lock_message(reason: str, idle_minutes: int) -> str:
    """Why the unlock window is showing, in the worker's words."""
    if reason == "idle":
        unit = "minute" if idle_minutes == 1 else "minutes"
        return f"Locked after {idle_minutes} {unit} without use."
    if reason == "suspend":
        return "Locked because the laptop went to sleep."
    return "Casebook is locked."


class LockedPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LockedPage")
        self.setAccessibleName("Casebook is locked")
        self._layout = QVBoxLayout(self)
        self._layout.addStretch(1)
        self._title = QLabel("Locking…")
        self._title.setObjectName("LockingLabel")
        self._title.setFont(heading_font(self.font()))
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self._title)
        self._layout.addStretch(2)

    def show_unlock(self, profile: Profile, message: str) -> UnlockWindow:
        """Put the unlock window, saying ``message``, where "Locking…" was."""
        unlock = UnlockWindow(profile, self)
        unlock.set_locked_message(message)
        self._title.hide()
        # The whole page, not a centred cell: the unlock window centres its own column, and
        # only a widget that fills its cell gets the height its wrapped lines need (a long
        # "wrong passphrase" message is never cut off).
        self._layout.insertWidget(2, unlock, 100)
        unlock.show()
        unlock.setFocus()
        return unlock
