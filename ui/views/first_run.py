"""The first-run wizard: connect this laptop to the service, then choose the local passphrase.

Two pages, in the order a worker thinks of them:

1. **Connect**: the service address, their usual sign-in, and a name for this laptop (the
   machine's own name by default, so the service desk recognises it). Next signs in on a
   worker thread (``sync.account.connect``); a wrong password, an unreachable service, a
   certificate the laptop cannot check or a mistyped address is explained on the page, and the
   page stays. "Use offline only" skips the service entirely, for trying the app.
2. **Passphrase**: the passphrase that protects the records on this laptop, with live guidance
   from ``app.store.passphrase_policy`` and a confirmation. Finish creates the profile
   (Argon2id, so on a worker thread), saves the settings beside it, unlocks it and stores the
   device's tokens inside the encrypted store, then hands the unlocked store on with
   ``sig_ready``.

Signing in happens before the profile exists, so the tokens are held in memory until Finish;
they are never written anywhere but the encrypted store.
"""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app import settings as app_settings
from app.errors import ProfileExists, WeakPassphrase
from app.settings import Settings, SettingsInvalid
from app.store import Profile, Store, passphrase_policy
from app.store.keys import KdfParams
from app.store.paths import profiles_root
from sync import account
from sync.account import Connection
from sync.client import ServiceRefused
from ui.errors import message_for
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive

log = logging.getLogger(__name__)

CONNECT_PAGE, PASSPHRASE_PAGE = 0, 1

_UNEXPECTED = (
    "Something unexpected went wrong, and nothing has been saved. Try again; if it happens "
    "again, contact the service desk."
)


@dataclass(frozen=True)
class Connected:
    """What the Connect page settled: the checked settings, who the worker is, the profile's
    name, and the sign-in (None for an offline-only profile)."""

    settings: Settings
    worker: str
    profile_name: str
    connection: Connection | None


def profile_name_for(worker: str) -> str:
    """A folder name for the worker's profile: their username, with anything a profile name
    may not hold (``@`` in an email-style username, say) turned into dashes."""
    name = re.sub(r"[^A-Za-z0-9 _.-]", "-", worker).lstrip(" _.-")[:64].rstrip()
    return name or "worker"


# ---- Work run on worker threads (no widgets here)


def sign_in(
    settings: Settings,
    *,
    username: str,
    password: str,
    device_name: str,
    root: Path | None,
) -> Connected:
    """Check the settings, sign in (unless offline only) and make sure no profile of that name
    exists yet. Raises ``SettingsInvalid``, ``ServiceUnavailable``, ``ServiceRefused`` or
    ``ProfileExists``, each with a plain message."""
    checked = settings.validated()
    connection: Connection | None = None
    worker = username
    if not checked.offline_only:
        connection = account.connect(
            checked, username=username, password=password, device_name=device_name
        )
        worker = connection.account.worker
    name = profile_name_for(worker)
    if (profiles_root(root) / name).exists():
        raise ProfileExists(
            f"This laptop already has a Casebook profile for {worker}. Close this window and "
            "unlock that profile instead, or ask the service desk to remove it."
        )
    return Connected(checked, worker, name, connection)


def create_profile(
    connected: Connected, passphrase: str, *, root: Path | None, kdf: KdfParams | None
) -> Store:
    """Create the profile, save its settings, unlock it and remember the sign-in.

    If anything after creation fails, the brand-new profile is erased again: it holds nothing
    but an empty database, and leaving it would block the worker's next try with "already
    exists". (A profile holding real work is never erased this way.)
    """
    profile = Profile.create(
        connected.profile_name, passphrase, worker=connected.worker, root=root, kdf=kdf
    )
    store: Store | None = None
    try:
        app_settings.save(profile.path, connected.settings)
        store = profile.unlock(passphrase)
        if connected.connection is not None:
            account.remember(store, connected.connection)
    except BaseException:
        if store is not None:
            store.lock()
        profile.wipe()
        raise
    return store


def plain_message(exc: BaseException) -> str:
    """The sentence a worker reads for a failure on either page."""
    return message_for(exc, _UNEXPECTED)


# ---- Pages


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setProperty("role", "error")
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def _status_label(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setVisible(False)
    return label


class ConnectPage(QWizardPage):
    """Service address, sign-in and device name; Next signs in off the GUI thread."""

    def __init__(self, root: Path | None, on_failed: Callable[[str], None]) -> None:
        super().__init__()
        self._root = root
        self._on_failed = on_failed
        self._busy = False
        self._inputs_signed_in: tuple[str, ...] | None = None
        self.connected: Connected | None = None
        self.setTitle("Connect to your service")
        self.setSubTitle(
            "Sign in with the username and password you use for Casebook at work. This laptop "
            "is then registered with the service so your caseload can sync."
        )

        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://casebook.example.gov.uk")
        self.url_edit.setAccessibleName("Service address")
        self.username_edit = QLineEdit()
        self.username_edit.setAccessibleName("Username")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.device_edit = QLineEdit(socket.gethostname())
        self.device_edit.setAccessibleName("Name for this laptop")
        self.device_edit.setAccessibleDescription(
            "How this laptop appears to the service desk, for example its asset tag"
        )
        self.offline_check = QCheckBox("Use &offline only (for trying the app)")
        self.offline_check.setAccessibleName("Use offline only, for trying the app")
        self.offline_check.toggled.connect(self._offline_toggled)

        self.ca_edit = QLineEdit()
        self.ca_edit.setAccessibleName("Certificate bundle file (optional)")
        self.ca_edit.setPlaceholderText("Only if IT gave you one")
        self.ca_browse = QPushButton("&Browse…")
        self.ca_browse.setAccessibleName("Choose certificate bundle file")
        self.ca_browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_browse)
        self.advanced = QGroupBox("Advanced (optional)")
        self.advanced.setAccessibleName("Advanced settings")
        advanced_form = QFormLayout(self.advanced)
        ca_label = QLabel("&Certificate bundle:")
        ca_label.setBuddy(self.ca_edit)
        advanced_form.addRow(ca_label, ca_row)

        form = QFormLayout()
        form.addRow("Service &address:", self.url_edit)
        form.addRow("&Username:", self.username_edit)
        form.addRow("&Password:", self.password_edit)
        form.addRow("&Device name:", self.device_edit)
        self._form = form

        self.status_label = _status_label("Connection progress")
        self.error_label = _error_label("Connection problem")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.offline_check)
        layout.addWidget(self.advanced)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

        for edit in (self.url_edit, self.username_edit, self.password_edit, self.device_edit):
            edit.textChanged.connect(self.completeChanged)
        self.ca_edit.textChanged.connect(self.completeChanged)

    # ---- Public API

    @property
    def busy(self) -> bool:
        return self._busy

    # ---- Qt methods

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        if self._busy or not self.username_edit.text().strip():
            return False
        if self.offline_check.isChecked():
            return True
        return all(
            edit.text().strip() for edit in (self.url_edit, self.password_edit, self.device_edit)
        )

    def validatePage(self) -> bool:  # noqa: N802 (Qt name)
        """Next: pass once this exact input has signed in; otherwise start signing in and stay
        on the page (the answer moves the wizard on, or explains what went wrong)."""
        inputs = self._inputs()
        if self.connected is not None and self._inputs_signed_in == inputs:
            return True
        if self._busy:
            return False
        offline = self.offline_check.isChecked()
        settings = Settings(
            service_url="" if offline else self.url_edit.text().strip(),
            ca_bundle="" if offline else self.ca_edit.text().strip(),
        )
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        device = self.device_edit.text().strip()
        root = self._root
        self.connected = None
        self._set_busy(True, "" if offline else "Signing in to the service…")
        self._show_error("")
        run_task(
            lambda: sign_in(
                settings, username=username, password=password, device_name=device, root=root
            ),
            lambda connected: self._on_signed_in(connected, inputs),
            self._on_sign_in_failed,
        )
        return False

    # ---- Private API

    def _inputs(self) -> tuple[str, ...]:
        return (
            self.url_edit.text().strip(),
            self.username_edit.text().strip(),
            self.password_edit.text(),
            self.device_edit.text().strip(),
            self.ca_edit.text().strip(),
            str(self.offline_check.isChecked()),
        )

    def _on_signed_in(self, connected: Connected, inputs: tuple[str, ...]) -> None:
        if not alive(self):
            return
        self._set_busy(False, "")
        self.connected = connected
        self._inputs_signed_in = inputs
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()

    def _on_sign_in_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._set_busy(False, "")
        message = plain_message(exc)
        if message == _UNEXPECTED:
            log.error("sign-in failed unexpectedly: %s", type(exc).__name__)
        self._show_error(message)
        focus = {
            "service_url": self.url_edit,
            "ca_bundle": self.ca_edit,
        }.get(exc.field if isinstance(exc, SettingsInvalid) else "")
        if isinstance(exc, ServiceRefused):
            focus = self.password_edit
            self.password_edit.selectAll()
        (focus or self.url_edit).setFocus()
        self._on_failed(message)

    def _set_busy(self, busy: bool, status: str) -> None:
        self._busy = busy
        for control in (
            self.url_edit,
            self.username_edit,
            self.password_edit,
            self.device_edit,
            self.offline_check,
            self.advanced,
        ):
            control.setEnabled(not busy)
        if not busy:
            self._offline_toggled(self.offline_check.isChecked())
        self.status_label.setText(status)
        self.status_label.setVisible(bool(status))
        self.completeChanged.emit()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _offline_toggled(self, offline: bool) -> None:
        for control in (self.url_edit, self.password_edit, self.device_edit, self.advanced):
            control.setEnabled(not offline)
        self.username_edit.setAccessibleName("Your name" if offline else "Username")
        label = self._form.labelForField(self.username_edit)
        if isinstance(label, QLabel):
            label.setText("Your &name:" if offline else "&Username:")
        self.completeChanged.emit()

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose certificate bundle", "", "Certificates (*.pem *.crt);;All files (*)"
        )
        if path:
            self.ca_edit.setText(path)


class PassphrasePage(QWizardPage):
    """The new passphrase, with live guidance, and its confirmation."""

    def __init__(self) -> None:
        super().__init__()
        self._busy = False
        self.setTitle("Choose a passphrase for this laptop")
        self.setSubTitle(
            "It protects the records kept on this laptop if it is lost. You will type it each "
            "time you unlock Casebook. It is not your work password."
        )
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("New passphrase")
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit.setAccessibleName("Type the passphrase again")
        self.show_check = QCheckBox("&Show passphrase")
        self.show_check.setAccessibleName("Show passphrase")
        self.show_check.toggled.connect(self._show_toggled)

        self.guidance_label = QLabel()
        self.guidance_label.setWordWrap(True)
        self.guidance_label.setAccessibleName("Passphrase guidance")
        self.mismatch_label = _error_label("Passphrases do not match")
        self.status_label = _status_label("Progress")
        self.error_label = _error_label("Problem")

        form = QFormLayout()
        form.addRow("&New passphrase:", self.passphrase_edit)
        form.addRow("&Confirm:", self.confirm_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.show_check)
        layout.addWidget(self.guidance_label)
        layout.addWidget(self.mismatch_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

        self.passphrase_edit.textChanged.connect(self._changed)
        self.confirm_edit.textChanged.connect(self._changed)
        self._changed()

    # ---- Public API

    @property
    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def set_busy(self, busy: bool, status: str = "") -> None:
        self._busy = busy
        for control in (self.passphrase_edit, self.confirm_edit, self.show_check):
            control.setEnabled(not busy)
        self.status_label.setText(status)
        self.status_label.setVisible(bool(status))
        self.completeChanged.emit()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # ---- Qt methods

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        return (
            not self._busy
            and _weakness(self.passphrase) is None
            and self.passphrase == self.confirm_edit.text()
        )

    # ---- Private API

    def _changed(self) -> None:
        self.guidance_label.setText(guidance(self.passphrase))
        confirm = self.confirm_edit.text()
        mismatch = bool(confirm) and confirm != self.passphrase
        # Still typing the confirmation: say nothing until it can no longer match.
        if mismatch and self.passphrase.startswith(confirm):
            mismatch = False
        self.mismatch_label.setText("The two passphrases do not match." if mismatch else "")
        self.mismatch_label.setVisible(mismatch)
        self.show_error("")
        self.completeChanged.emit()

    def _show_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase_edit.setEchoMode(mode)
        self.confirm_edit.setEchoMode(mode)


def _weakness(passphrase: str) -> str | None:
    try:
        passphrase_policy.check(passphrase)
    except WeakPassphrase as exc:
        return str(exc)
    return None


def guidance(passphrase: str) -> str:
    """Live advice on the passphrase being typed, in words (never colour alone)."""
    if not passphrase:
        return (
            f"Use at least {passphrase_policy.MIN_LENGTH} characters. Three random words make "
            "a strong passphrase that is easy to remember."
        )
    weakness = _weakness(passphrase)
    if weakness is not None:
        return f"Not yet: {weakness}"
    if len(passphrase) >= 20 and len(passphrase.split()) >= 3:
        return "Strong: a long passphrase of several words."
    return "Acceptable. Longer is stronger: three or four random words are best."


# ---- The wizard


class FirstRunWizard(QWizard):
    """Connect to the service (or choose offline only), choose a passphrase, create the
    profile; ``sig_ready`` hands over the unlocked store."""

    sig_ready = Signal(object)
    """The profile has been created and unlocked.

    Parameters
    ----------
    store: app.store.Store
        The unlocked store of the new profile; the receiver owns it and must ``lock()`` it.
    """

    sig_failed = Signal(str)
    """A step failed; the message is now shown on the page.

    Parameters
    ----------
    message: str
        The plain-English message shown to the worker.
    """

    def __init__(
        self,
        root: Path | None = None,
        parent: QWidget | None = None,
        *,
        kdf: KdfParams | None = None,
    ) -> None:
        """``root`` is the profiles root as ``Profile.create`` takes it (None: the default);
        ``kdf`` lets tests use a fast Argon2id instead of the calibrated one."""
        super().__init__(parent)
        self._root = root
        self._kdf = kdf
        self._finishing = False
        self.setWindowTitle("Set up Casebook")
        self.setAccessibleName("Set up Casebook")
        self.setStyleSheet(FOCUS_STYLE)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.connect_page = ConnectPage(root, self.sig_failed.emit)
        self.passphrase_page = PassphrasePage()
        self.setPage(CONNECT_PAGE, self.connect_page)
        self.setPage(PASSPHRASE_PAGE, self.passphrase_page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create profile")
        for which, name in (
            (QWizard.WizardButton.NextButton, "Next"),
            (QWizard.WizardButton.BackButton, "Back"),
            (QWizard.WizardButton.FinishButton, "Create profile"),
            (QWizard.WizardButton.CancelButton, "Cancel"),
        ):
            self.button(which).setAccessibleName(name)

    # ---- Public API

    @property
    def busy(self) -> bool:
        return self._finishing or self.connect_page.busy

    # ---- Qt methods

    def accept(self) -> None:
        """Finish: create the profile on a worker thread; the dialog closes when it is ready."""
        if self._finishing:
            return
        connected = self.connect_page.connected
        if connected is None or not self.passphrase_page.isComplete():
            return
        self._finishing = True
        passphrase = self.passphrase_page.passphrase
        root, kdf = self._root, self._kdf
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.button(QWizard.WizardButton.CancelButton).setEnabled(False)
        self.passphrase_page.show_error("")
        self.passphrase_page.set_busy(True, "Creating your profile… this takes a few seconds.")
        run_task(
            lambda: create_profile(connected, passphrase, root=root, kdf=kdf),
            self._on_created,
            self._on_create_failed,
        )

    def reject(self) -> None:
        # Half way through creating the profile there is nothing safe to cancel.
        if not self._finishing:
            super().reject()

    # ---- Private API

    def _on_created(self, store: Store) -> None:
        if not alive(self):
            store.lock()
            return
        self._finishing = False
        self.passphrase_page.set_busy(False)
        self.passphrase_page.passphrase_edit.clear()
        self.passphrase_page.confirm_edit.clear()
        self.sig_ready.emit(store)
        super().accept()

    def _on_create_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._finishing = False
        self.passphrase_page.set_busy(False)
        self.button(QWizard.WizardButton.BackButton).setEnabled(True)
        self.button(QWizard.WizardButton.CancelButton).setEnabled(True)
        message = plain_message(exc)
        if message == _UNEXPECTED:
            log.error("creating the profile failed: %s", type(exc).__name__)
        self.passphrase_page.show_error(message)
        self.sig_failed.emit(message)
