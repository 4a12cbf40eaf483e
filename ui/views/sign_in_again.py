"""Sign in again: the service refused this laptop's sign-in, and the worker signs it back in.

The sync controller has already forgotten the dead tokens when this dialog opens; nothing else
was touched, so every change not yet sent is still waiting in the store. Sign in registers the
laptop again (``sync.account.connect``) and keeps the new tokens in the encrypted store
(``sync.account.remember``), both on a worker thread. The username must be the profile's own
worker: a profile holds one worker's caseload, so signing it in as anyone else is refused
(before asking the service, and again on the service's answer).

The name the laptop was given last time it signed in here is kept beside the tokens, so the
service desk sees the same name; the first time, the machine's own name is offered.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import CasebookError
from app.settings import Settings
from app.store import Store
from sync import account
from ui.errors import message_for
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive

log = logging.getLogger(__name__)

EXPLANATION = (
    "The service asked you to sign in again. Your unsent work is safe on this laptop. "
    "It will be sent once you have signed in."
)
SIGNING_IN = "Signing in…"
UNEXPECTED = (
    "Something unexpected went wrong while signing in. Your work is still safe on this "
    "laptop. Try again; if it happens again, contact the service desk."
)


class WrongWorker(CasebookError):
    """Someone other than the profile's worker tried to sign this profile in."""

    def __init__(self, worker: str) -> None:
        super().__init__(
            f"This profile belongs to {worker}, so only {worker} can sign it in. If you are "
            f"{worker}, check the username; otherwise close this window and use your own "
            "profile."
        )


@dataclass(frozen=True)
class Prefill:
    """What the form starts with."""

    username: str
    device_name: str


# ---- Work run on worker threads (no widgets here)


def read_prefill(store: Store) -> Prefill:
    """The username this laptop signed in as (else the profile's worker) and the laptop's
    previous name (else the machine's own name)."""
    found = account.account(store)
    name = account.device_name(store)
    return Prefill(found.worker if found else store.worker, name or socket.gethostname())


def sign_in_again(
    store: Store, settings: Settings, *, username: str, password: str, device_name: str
) -> account.Connection:
    """Register this laptop again and keep the new tokens in the store. Raises ``WrongWorker``,
    ``ServiceUnavailable`` or ``ServiceRefused``, each with a plain message; nothing is stored
    unless every step succeeded."""
    _check_worker(store.worker, username)
    connection = account.connect(
        settings, username=username, password=password, device_name=device_name
    )
    if store.worker and connection.account.worker != store.worker:
        raise WrongWorker(store.worker)
    account.remember(store, connection)
    account.remember_device_name(store, device_name)
    return connection


def _check_worker(worker: str, username: str) -> None:
    if worker and username.casefold() != worker.casefold():
        raise WrongWorker(worker)


def plain_message(exc: BaseException) -> str:
    """The sentence the worker reads for a failed sign-in."""
    return message_for(exc, UNEXPECTED)


# ---- The dialog


def ask_to_sign_in(
    shown: SignInAgainDialog | None,
    store: Store,
    settings: Settings,
    parent: QWidget,
    *,
    on_signed_in: Callable[[], None],
) -> SignInAgainDialog:
    """One dialog at a time: the one on show (``shown``) brought to the front, else a new one
    opened over ``parent``; ``on_signed_in`` runs once the laptop is signed in again."""
    if shown is not None and alive(shown) and shown.isVisible():
        shown.raise_()
        shown.activateWindow()
        return shown
    dialog = SignInAgainDialog(store, settings, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.sig_signed_in.connect(on_signed_in)
    dialog.open()
    return dialog


class SignInAgainDialog(QDialog):
    """Username, password and laptop name; Sign in registers the laptop again off the GUI
    thread, then emits ``sig_signed_in`` and closes."""

    sig_signed_in = Signal()
    """The laptop is signed in again and its new tokens are in the store: sync can resume."""

    def __init__(self, store: Store, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._settings = settings
        self._busy = False
        self.setWindowTitle("Sign in again")
        self.setAccessibleName("Sign in again")
        self.setStyleSheet(FOCUS_STYLE)
        self._build()
        self._set_busy(False)
        run_task(lambda: read_prefill(store), self._prefilled, self._prefill_failed)

    # ---- Public API

    @property
    def busy(self) -> bool:
        """Whether a sign-in is running."""
        return self._busy

    def error_text(self) -> str:
        """The problem shown under the form ("" when none)."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    # ---- Private API

    def _build(self) -> None:
        self.explanation = QLabel(EXPLANATION, self)
        self.explanation.setWordWrap(True)
        self.explanation.setAccessibleName("Why you need to sign in again")

        self.username_edit = QLineEdit(self._store.worker, self)
        self.username_edit.setAccessibleName("Username")
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.device_edit = QLineEdit(self)
        self.device_edit.setAccessibleName("Name for this laptop")
        self.device_edit.setAccessibleDescription(
            "How this laptop appears to the service desk, for example its asset tag"
        )
        self.device_edit.setMaxLength(120)

        form = QFormLayout()
        for text, edit in (
            ("&Username:", self.username_edit),
            ("&Password:", self.password_edit),
            ("&Device name:", self.device_edit),
        ):
            label = QLabel(text, self)
            label.setBuddy(edit)
            form.addRow(label, edit)

        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Sign-in progress")
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.error_label = QLabel(self)
        self.error_label.setProperty("role", "error")
        self.error_label.setAccessibleName("Sign-in problem")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.sign_in_button = QPushButton("&Sign in", self)
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel, and sign in later")
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_in_button.clicked.connect(self._sign_in)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

        for edit in (self.username_edit, self.password_edit, self.device_edit):
            edit.textChanged.connect(lambda _t: self._update_button())
        self.password_edit.setFocus()

    def _update_button(self) -> None:
        ready = all(
            edit.text().strip()
            for edit in (self.username_edit, self.password_edit, self.device_edit)
        )
        self.sign_in_button.setEnabled(ready and not self._busy)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for edit in (self.username_edit, self.password_edit, self.device_edit):
            edit.setReadOnly(busy)
        self.status_label.setText(SIGNING_IN if busy else "")
        self.status_label.setVisible(busy)
        self._update_button()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _prefilled(self, prefill: Prefill) -> None:
        if not alive(self):
            return
        # Only fill what the worker has not already typed over.
        if prefill.username and self.username_edit.text() in ("", self._store.worker):
            self.username_edit.setText(prefill.username)
        if not self.device_edit.text():
            self.device_edit.setText(prefill.device_name)

    def _prefill_failed(self, exc: BaseException) -> None:
        log.info("could not read the previous sign-in: %s", type(exc).__name__)
        if alive(self) and not self.device_edit.text():
            self.device_edit.setText(socket.gethostname())

    def _sign_in(self) -> None:
        if self._busy or not self.sign_in_button.isEnabled():
            return
        self.error_label.hide()
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        device_name = self.device_edit.text().strip()
        try:
            _check_worker(self._store.worker, username)
        except WrongWorker as exc:
            self._show_error(str(exc))
            self.username_edit.setFocus()
            return
        store, settings = self._store, self._settings
        self._set_busy(True)
        run_task(
            lambda: sign_in_again(
                store, settings, username=username, password=password, device_name=device_name
            ),
            self._signed_in,
            self._failed,
        )

    def _signed_in(self, _connection: account.Connection) -> None:
        if not alive(self):
            return
        log.info("signed in again")
        self._set_busy(False)
        self.password_edit.clear()
        self.sig_signed_in.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        # Type only: never the password, and a message may quote what was typed.
        log.info("signing in again failed: %s", type(exc).__name__)
        if not alive(self):
            return
        self._set_busy(False)
        self._show_error(plain_message(exc))
        self.password_edit.selectAll()
        self.password_edit.setFocus()
