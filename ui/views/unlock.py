"""The unlock window: the first thing a worker sees at start and after every lock.

The passphrase check runs Argon2id (about half a second by design) and then opens and checks
the database, so it always runs on a worker thread through ``ui.tasks.run_task``; the window
says it is busy meanwhile and never freezes.

What a worker may meet here, and what they are told:

- a wrong passphrase: a plain message (Caps Lock?), the field cleared for the next try;
- after five wrong tries in a row: a live countdown of the back-off wait, with Unlock disabled
  until it ends (the profile enforces the wait itself; the countdown only makes it visible);
- after ten: the profile is locked until the service resets it, and who to ask;
- a database that will not open: a plain message, and the technical text behind a "Details"
  expander for the service desk. Nothing is ever deleted here.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import (
    KeyFileDamaged,
    ProfileLockedOut,
    StoreDamaged,
    TryAgainLater,
    WrongPassphrase,
)
from app.store import Profile, Store
from app.store.attempts import Attempts
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font

log = logging.getLogger(__name__)

_BUSY = "Unlocking… this takes about a second."
_UNEXPECTED = (
    "Casebook could not unlock this profile because of an unexpected problem. Nothing has been "
    "changed. Try again, and if it happens again contact the service desk with the details below."
)


def _check_allowed(profile: Profile) -> float:
    """Runs on a worker thread: seconds still to wait before the next try (0 if none).
    Raises ``ProfileLockedOut`` when only the service can re-enable the profile."""
    try:
        profile.attempts.check_allowed()
    except TryAgainLater as exc:
        return exc.wait_seconds
    return 0.0


class UnlockWindow(QWidget):
    """Asks for the passphrase and unlocks ``profile`` off the GUI thread."""

    sig_unlocked = Signal(object)
    """The profile is unlocked.

    Parameters
    ----------
    store: app.store.Store
        The unlocked store; the receiver owns it and must ``lock()`` it in the end.
    """

    sig_failed = Signal(str)
    """An unlock attempt failed (or cannot be made yet); the message is now on screen.

    Parameters
    ----------
    message: str
        The plain-English message shown to the worker.
    """

    def __init__(
        self,
        profile: Profile,
        parent: QWidget | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self._monotonic = monotonic
        self._busy = False
        self._wait_until: float | None = None
        self._locked_out = False
        self.setWindowTitle("Unlock Casebook")
        self.setAccessibleName("Unlock Casebook")
        self.setStyleSheet(FOCUS_STYLE)
        self._build()
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)
        # A back-off or lockout from before the app started must show before the first try.
        run_task(lambda: _check_allowed(profile), self._on_checked, self._on_check_failed)

    # ---- Public API

    def set_locked_message(self, text: str) -> None:
        """Say why the window is showing, e.g. "Locked after 5 minutes without use"; an empty
        text hides the line."""
        self.locked_label.setText(text)
        self.locked_label.setVisible(bool(text))

    @property
    def waiting(self) -> bool:
        """Whether a back-off wait is counting down."""
        return self._wait_until is not None

    # ---- Private API

    def _build(self) -> None:
        title = QLabel("Unlock Casebook")
        title.setFont(heading_font(self.font()))
        title.setAccessibleName("Unlock Casebook")

        self.profile_label = QLabel(f"Profile: {self.profile.name}")
        self.profile_label.setAccessibleName(f"Profile {self.profile.name}")

        self.locked_label = QLabel()
        self.locked_label.setWordWrap(True)
        self.locked_label.setAccessibleName("Why Casebook is locked")
        self.locked_label.setVisible(False)

        prompt = QLabel("&Passphrase")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setAccessibleDescription("Your Casebook passphrase for this laptop")
        self.passphrase.returnPressed.connect(self._unlock)
        prompt.setBuddy(self.passphrase)

        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.setAutoDefault(True)
        self.unlock_button.clicked.connect(self._unlock)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Unlock status")
        self.status_label.setVisible(False)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setProperty("role", "error")
        self.error_label.setAccessibleName("Problem")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setVisible(False)

        self.countdown_label = QLabel()
        self.countdown_label.setWordWrap(True)
        self.countdown_label.setAccessibleName("Time to wait before trying again")
        self.countdown_label.setVisible(False)

        self.details_button = QToolButton()
        self.details_button.setText("Details")
        self.details_button.setAccessibleName("Show technical details")
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.toggled.connect(self._toggle_details)
        self.details_button.setVisible(False)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Technical details for the service desk")
        self.details.setMaximumHeight(100)
        self.details.setVisible(False)

        row = QHBoxLayout()
        row.addWidget(self.passphrase, 1)
        row.addWidget(self.unlock_button)

        # A narrow column in the middle, however big the window: a long field on a wide
        # screen is hard to read, and the window may be full-screen to hide what is behind it.
        # Measured in characters so it grows with a larger font setting.
        panel = QWidget()
        panel.setMaximumWidth(self.fontMetrics().averageCharWidth() * 80)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(panel, 8)
        middle.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(2)
        layout = QVBoxLayout(panel)
        layout.addWidget(title)
        layout.addWidget(self.profile_label)
        layout.addWidget(self.locked_label)
        layout.addSpacing(8)
        layout.addWidget(prompt)
        layout.addLayout(row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.countdown_label)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)
        self.setFocusProxy(self.passphrase)

    def _unlock(self) -> None:
        if self._busy or self._locked_out or self.waiting:
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self._fail("Type your passphrase, then choose Unlock.")
            return
        self._set_busy(True)
        self._clear_problem()
        profile = self.profile
        run_task(lambda: profile.unlock(passphrase), self._on_unlocked, self._on_failed)

    def _on_unlocked(self, store: Store) -> None:
        if not alive(self):
            store.lock()  # nobody is left to hand the key to
            return
        self._set_busy(False)
        self.passphrase.clear()
        self.set_locked_message("")
        self.sig_unlocked.emit(store)

    def _on_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._set_busy(False)
        self.passphrase.clear()
        if isinstance(exc, WrongPassphrase):
            message = str(exc)
            wait = Attempts.wait_after(exc.failures)
            if wait:
                self._start_countdown(wait)
            self._fail(message)
        elif isinstance(exc, TryAgainLater):
            self._start_countdown(exc.wait_seconds)
            self._fail("Too many wrong passphrases in a row.")
        elif isinstance(exc, ProfileLockedOut):
            self._lock_out(str(exc))
        elif isinstance(exc, StoreDamaged | KeyFileDamaged):
            self._fail(str(exc), details=exc.detail)
        else:
            log.error("unlock failed unexpectedly: %s", type(exc).__name__)
            self._fail(_UNEXPECTED, details=f"{type(exc).__name__}: {exc}")
        self.passphrase.setFocus()

    def _on_checked(self, wait: float) -> None:
        if alive(self) and wait > 0 and not self._busy:
            self._start_countdown(wait)

    def _on_check_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        if isinstance(exc, ProfileLockedOut):
            self._lock_out(str(exc))
        else:
            # A problem reading the counter will surface, explained, on the first try.
            log.info("could not check unlock attempts: %s", type(exc).__name__)

    def _lock_out(self, message: str) -> None:
        self._locked_out = True
        self._stop_countdown()
        self.unlock_button.setEnabled(False)
        self._fail(message)

    def _fail(self, message: str, *, details: str = "") -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        self.details.setPlainText(details)
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(False)
        self.sig_failed.emit(message)

    def _clear_problem(self) -> None:
        self.error_label.clear()
        self.error_label.setVisible(False)
        self.details_button.setVisible(False)
        self.details_button.setChecked(False)
        self.details.clear()

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.details_button.setAccessibleName(
            "Hide technical details" if shown else "Show technical details"
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.passphrase.setEnabled(not busy)
        self._update_button()
        self.status_label.setText(_BUSY if busy else "")
        self.status_label.setVisible(busy)

    def _update_button(self) -> None:
        self.unlock_button.setEnabled(not (self._busy or self._locked_out or self.waiting))

    def _start_countdown(self, seconds: float) -> None:
        self._wait_until = self._monotonic() + seconds
        self._countdown.start()
        self._tick()

    def _stop_countdown(self) -> None:
        self._wait_until = None
        self._countdown.stop()
        self.countdown_label.clear()
        self.countdown_label.setVisible(False)
        self._update_button()

    def _tick(self) -> None:
        if self._wait_until is None:
            return
        left = self._wait_until - self._monotonic()
        if left <= 0:
            self._stop_countdown()
            self.passphrase.setFocus()
            return
        whole = math.ceil(left)
        unit = "second" if whole == 1 else "seconds"
        self.countdown_label.setText(f"You can try again in {whole} {unit}.")
        self.countdown_label.setVisible(True)
        self._update_button()
