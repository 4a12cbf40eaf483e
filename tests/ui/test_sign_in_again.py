"""Signing in again after the service refused the laptop's sign-in, against the real service:
the dialog keeps the new tokens and sync resumes with nothing lost; a wrong password or another
worker's username is explained and changes nothing; the main window opens the dialog when sync
is told to sign in again, and syncs once the worker has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.settings import Settings
from app.store import Profile, Store
from sync import account
from sync.engine import SyncSummary, run_sync
from tests.server.conftest import PASSWORD, LiveServer
from tests.sync.devices import FAST_RETRY, Device
from tests.ui import sync_support
from ui import tasks
from ui.main_window import MainWindow
from ui.sync_controller import SyncController
from ui.views.sign_in_again import SignInAgainDialog


@pytest.fixture
def device(server: LiveServer, tmp_path: Path) -> Iterator[Device]:
    """A signed-in laptop whose service sign-in has since been forgotten (as after the service
    refused it), holding two children not yet sent."""
    worker = server.user("worker", server.team())
    laptop = sync_support.signed_in_device(server, worker, tmp_path, "laptop")
    sync_support.add_children(laptop, 2)
    account.forget(laptop.store)
    yield laptop
    laptop.close()


def _open_dialog(qtbot: QtBot, store: Store, settings: Settings) -> SignInAgainDialog:
    dialog = SignInAgainDialog(store, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not tasks.busy() and dialog.device_edit.text() != "", timeout=5000)
    return dialog


def _type_and_sign_in(qtbot: QtBot, dialog: SignInAgainDialog, password: str) -> None:
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)


def test_signing_in_again_keeps_new_tokens_and_sync_sends_the_waiting_work(
    qtbot: QtBot, server: LiveServer, device: Device
) -> None:
    """With the username prefilled, typing the password and clicking Sign in signs the laptop
    in again, and the next sync sends the work that was waiting."""
    settings = sync_support.settings_for(server)
    assert account.client_for(device.store, settings) is None
    dialog = _open_dialog(qtbot, device.store, settings)
    assert dialog.username_edit.text() == device.user
    assert "Your unsent work is safe on this laptop." in dialog.explanation.text()
    with qtbot.waitSignals([dialog.sig_signed_in, dialog.accepted], timeout=30_000):
        _type_and_sign_in(qtbot, dialog, PASSWORD)
    assert not dialog.isVisible()
    client = account.client_for(device.store, settings)
    assert client is not None
    try:
        summary = run_sync(device.store, client, retry=FAST_RETRY)
    finally:
        client.close()
    assert summary.ok and summary.sent == 2


def test_a_wrong_password_is_explained_and_nothing_is_signed_in(
    qtbot: QtBot, server: LiveServer, device: Device
) -> None:
    """A wrong password shows the service's plain refusal in the dialog, which stays open,
    and the laptop stays signed out."""
    settings = sync_support.settings_for(server)
    dialog = _open_dialog(qtbot, device.store, settings)
    with qtbot.assertNotEmitted(dialog.sig_signed_in):
        _type_and_sign_in(qtbot, dialog, "not the password")
        qtbot.waitUntil(lambda: dialog.error_text() != "", timeout=30_000)
        qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    assert dialog.isVisible() and not dialog.busy
    assert account.client_for(device.store, settings) is None


def test_another_workers_username_is_refused_without_asking_the_service(
    qtbot: QtBot, server: LiveServer, device: Device
) -> None:
    """Another username is refused with a message saying whose profile this is."""
    settings = Settings(service_url=sync_support.closed_port_url(), auto_sync=False)
    dialog = _open_dialog(qtbot, device.store, settings)
    dialog.username_edit.clear()
    qtbot.keyClicks(dialog.username_edit, "someone.else")
    with qtbot.assertNotEmitted(dialog.sig_signed_in):
        _type_and_sign_in(qtbot, dialog, PASSWORD)
    assert f"This profile belongs to {device.user}" in dialog.error_text()
    assert not dialog.busy and not tasks.busy()
    assert account.client_for(device.store, settings) is None


def test_main_window_asks_to_sign_in_again_then_syncs(
    qtbot: QtBot, server: LiveServer, device: Device
) -> None:
    """When a sync finds the laptop signed out the main window opens Sign in again; after
    signing in it syncs by itself and the waiting work is sent."""
    settings = sync_support.settings_for(server)

    def quiet_sync(store: Store, chosen: Settings) -> SyncController:
        return SyncController(
            store, chosen, auto_sync_interval_ms=None, probe_interval_ms=None, retry=FAST_RETRY
        )

    profile = Profile.open(device.name, root=device.root)
    window = MainWindow(device.store, settings, profile, sync_factory=quiet_sync)
    qtbot.addWidget(window)
    window.show()
    controller = window.sync_controller
    assert controller is not None
    with qtbot.waitSignal(controller.sig_reauthenticate, timeout=30_000):
        window.sync_now()
    dialog = window.findChild(SignInAgainDialog)
    assert isinstance(dialog, SignInAgainDialog)
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.device_edit.text() != "", timeout=5000)
    window.sync_now()  # signed out still: a second request does not open a second dialog
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    assert len(window.findChildren(SignInAgainDialog)) == 1
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as finished:
        _type_and_sign_in(qtbot, dialog, PASSWORD)
    summary: SyncSummary = finished.args[0]
    assert summary.ok and summary.sent == 2
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)  # the pages' reloads after sync
    window.close()  # stops the sync, then locks the store
    qtbot.waitUntil(lambda: device.store.is_locked and not window.isVisible(), timeout=30_000)
