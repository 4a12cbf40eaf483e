"""The first-run wizard against a live local server: connecting, the errors a worker can meet,
choosing a passphrase, and the offline-only path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app import settings as app_settings
from app.store import Profile, Store
from sync import account
from tests.conftest import PASSPHRASE, fast_kdf
from tests.server.conftest import PASSWORD, LiveServer, free_port
from tests.ui import views_support
from ui import tasks
from ui.views.first_run import (
    CONNECT_PAGE,
    PASSPHRASE_PAGE,
    FirstRunWizard,
    guidance,
    profile_name_for,
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def wizard(qtbot: QtBot, root: Path) -> Iterator[FirstRunWizard]:
    shown = FirstRunWizard(root, kdf=fast_kdf())
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)


def _fill_connect(
    qtbot: QtBot, wizard: FirstRunWizard, url: str, username: str, password: str
) -> None:
    page = wizard.connect_page
    qtbot.keyClicks(page.url_edit, url)
    qtbot.keyClicks(page.username_edit, username)
    qtbot.keyClicks(page.password_edit, password)
    page.device_edit.clear()
    qtbot.keyClicks(page.device_edit, "LAPTOP-0042")


def _click(qtbot: QtBot, wizard: FirstRunWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _next_fails(qtbot: QtBot, wizard: FirstRunWizard) -> str:
    with qtbot.waitSignal(wizard.sig_failed, timeout=20_000) as blocker:
        _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    return str(blocker.args[0])


def _next_succeeds(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    qtbot.waitUntil(lambda: wizard.currentId() == PASSPHRASE_PAGE, timeout=20_000)


def _finish(qtbot: QtBot, wizard: FirstRunWizard, passphrase: str = PASSPHRASE) -> Store:
    page = wizard.passphrase_page
    qtbot.keyClicks(page.passphrase_edit, passphrase)
    qtbot.keyClicks(page.confirm_edit, passphrase)
    with qtbot.waitSignal(wizard.sig_ready, timeout=20_000) as blocker:
        _click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    store = blocker.args[0]
    assert isinstance(store, Store)
    return store


def test_signing_in_and_choosing_a_passphrase_makes_a_connected_profile(
    qtbot: QtBot,
    wizard: FirstRunWizard,
    server: LiveServer,
    root: Path,
) -> None:
    """URL, sign-in and device name, Next, passphrase twice, Create: the store comes back
    unlocked and remembers the service account; the settings are saved beside it."""
    worker = server.user("worker", server.team())
    assert wizard.connect_page.device_edit.text()  # the machine's name by default
    _fill_connect(qtbot, wizard, server.url, worker, PASSWORD)
    views_support.screenshot(wizard, "first_run_connect")
    _next_succeeds(qtbot, wizard)
    store = _finish(qtbot, wizard)
    try:
        assert not store.is_locked
        assert store.worker == worker
        remembered = account.account(store)
        assert remembered is not None
        assert remembered.worker == worker
        profile = Profile.open(profile_name_for(worker), root=root)
        saved = app_settings.load(profile.path)
        assert saved.service_url == server.url
        assert not saved.offline_only
    finally:
        store.lock()
    assert not wizard.isVisible()
    assert wizard.result() == QWizard.DialogCode.Accepted


def test_a_wrong_password_is_explained_and_the_page_stays(
    qtbot: QtBot,
    wizard: FirstRunWizard,
    server: LiveServer,
) -> None:
    """A wrong password gives a plain message on the Connect page, which stays."""
    worker = server.user("worker", server.team())
    _fill_connect(qtbot, wizard, server.url, worker, "not the right password")
    with qtbot.waitSignal(wizard.sig_failed, timeout=20_000) as blocker:
        _click(qtbot, wizard, QWizard.WizardButton.NextButton)
        assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
        assert "Signing in" in wizard.connect_page.status_label.text()
    message = str(blocker.args[0])
    views_support.screenshot(wizard, "first_run_wrong_password")
    assert "username or password is not right" in message
    assert wizard.currentId() == CONNECT_PAGE
    assert wizard.connect_page.error_label.isVisibleTo(wizard)
    assert wizard.connect_page.error_label.text() == message
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_an_unreachable_service_is_explained(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    """A service nobody answers at (a closed port) gives a plain message and the page stays."""
    _fill_connect(qtbot, wizard, f"http://127.0.0.1:{free_port()}", "someone", PASSWORD)
    message = _next_fails(qtbot, wizard)
    assert "cannot reach the service" in message.lower()
    assert wizard.currentId() == CONNECT_PAGE


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("casebook.example.gov.uk", "should look like https://"),
        ("http://casebook.example.gov.uk", "must start with https://"),
    ],
)
def test_a_mistyped_address_is_explained(
    qtbot: QtBot, wizard: FirstRunWizard, url: str, expected: str
) -> None:
    """An address that is not a usable https URL is refused before anything is sent."""
    _fill_connect(qtbot, wizard, url, "someone", PASSWORD)
    message = _next_fails(qtbot, wizard)
    assert expected in message
    assert wizard.currentId() == CONNECT_PAGE


def test_a_missing_certificate_bundle_is_explained(
    qtbot: QtBot, wizard: FirstRunWizard, tmp_path: Path
) -> None:
    """A certificate bundle path that does not exist is named as the problem."""
    _fill_connect(qtbot, wizard, "https://casebook.example.gov.uk", "someone", PASSWORD)
    qtbot.keyClicks(wizard.connect_page.ca_edit, str(tmp_path / "missing.pem"))
    message = _next_fails(qtbot, wizard)
    assert "certificate bundle file could not be found" in message


def test_an_offline_only_profile_needs_no_service(
    qtbot: QtBot, wizard: FirstRunWizard, root: Path
) -> None:
    """Offline only: a name and a passphrase make a working profile with no account."""
    page = wizard.connect_page
    qtbot.mouseClick(page.offline_check, Qt.MouseButton.LeftButton)
    assert page.offline_check.isChecked()
    assert not page.url_edit.isEnabled()
    assert not page.password_edit.isEnabled()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # no name yet
    qtbot.keyClicks(page.username_edit, "trial.worker")
    _next_succeeds(qtbot, wizard)
    store = _finish(qtbot, wizard)
    try:
        assert store.worker == "trial.worker"
        assert account.account(store) is None
        saved = app_settings.load(Profile.open("trial.worker", root=root).path)
        assert saved.offline_only
    finally:
        store.lock()


def test_the_passphrase_page_guides_and_checks_the_confirmation(
    qtbot: QtBot, wizard: FirstRunWizard
) -> None:
    """A short passphrase is explained and cannot be used; a mismatch is said in words."""
    page = wizard.connect_page
    qtbot.mouseClick(page.offline_check, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.username_edit, "trial.worker")
    _next_succeeds(qtbot, wizard)
    chooser = wizard.passphrase_page
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.keyClicks(chooser.passphrase_edit, "short")
    assert "at least 12 characters" in chooser.guidance_label.text()
    assert not finish.isEnabled()
    chooser.passphrase_edit.clear()
    qtbot.keyClicks(chooser.passphrase_edit, PASSPHRASE)
    assert chooser.guidance_label.text().startswith("Strong")
    qtbot.keyClicks(chooser.confirm_edit, "correct horse")  # still typing: no complaint
    assert not chooser.mismatch_label.isVisibleTo(wizard)
    qtbot.keyClicks(chooser.confirm_edit, " battery stable")
    assert chooser.mismatch_label.isVisibleTo(wizard)
    assert "do not match" in chooser.mismatch_label.text()
    assert not finish.isEnabled()
    chooser.confirm_edit.clear()
    qtbot.keyClicks(chooser.confirm_edit, PASSPHRASE)
    assert not chooser.mismatch_label.isVisibleTo(wizard)
    assert finish.isEnabled()


def test_an_existing_profile_is_not_overwritten(
    qtbot: QtBot, wizard: FirstRunWizard, root: Path
) -> None:
    """Setting up a profile that already exists on the laptop is refused in plain words."""
    Profile.create("trial.worker", PASSPHRASE, worker="trial.worker", root=root, kdf=fast_kdf())
    page = wizard.connect_page
    qtbot.mouseClick(page.offline_check, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.username_edit, "trial.worker")
    message = _next_fails(qtbot, wizard)
    assert "already has a Casebook profile" in message
    assert wizard.currentId() == CONNECT_PAGE


def test_guidance_and_profile_names() -> None:
    """Guidance is words, not colour; email-style usernames make valid profile names."""
    assert "three" in guidance("").lower()
    assert guidance("aaaaaaaaaaaaaaaa").startswith("Not yet")
    assert profile_name_for("sam.jones@council.gov.uk") == "sam.jones-council.gov.uk"
    assert profile_name_for("@@@") == "worker"


def test_every_control_has_an_accessible_name(wizard: FirstRunWizard) -> None:
    """Screen readers can name every input and button on both pages."""
    connect, chooser = wizard.connect_page, wizard.passphrase_page
    for control in (
        connect.url_edit,
        connect.username_edit,
        connect.password_edit,
        connect.device_edit,
        connect.offline_check,
        connect.ca_edit,
        connect.ca_browse,
        chooser.passphrase_edit,
        chooser.confirm_edit,
        chooser.show_check,
        wizard.button(QWizard.WizardButton.NextButton),
        wizard.button(QWizard.WizardButton.FinishButton),
    ):
        assert control.accessibleName()
