"""A manager's laptop and a worker's laptop on the live test service, for the manager's pages:
the worker's children reach the service by sync, and the manager's laptop pulls the team's."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.settings import Settings
from app.store import Profile, Store
from sync import account
from tests.server.conftest import LiveServer
from tests.sync.devices import FAST_RETRY, Device
from tests.ui import sync_support
from ui.sync_controller import SyncController

SHOTS = Path(os.environ.get("CASEBOOK_SHOTS", "/work/notes/shots/w27-manager"))


@dataclass
class Team:
    name: str
    manager: Device
    worker: Device
    #: A second member of the team, with no laptop.
    other_worker: str


def signed_in(server: LiveServer, user: str, root: Path, name: str, role: str) -> Device:
    device = Device.register(server, user, root, name)
    assert device.client.credentials is not None
    who = account.Account(user, user.title(), role, device.client.credentials.device_id)
    account.remember(device.store, account.Connection(who, device.client.credentials))
    return device


def team(server: LiveServer, root: Path, children: int = 3) -> Team:
    name = server.team()
    manager = server.user("manager", name)
    worker = server.user("worker", name)
    other = server.user("worker", name)
    worker_laptop = signed_in(server, worker, root, "worker-laptop", "worker")
    sync_support.add_children(worker_laptop, children)
    worker_laptop.sync()
    manager_laptop = signed_in(server, manager, root, "manager-laptop", "manager")
    manager_laptop.sync()
    return Team(name, manager_laptop, worker_laptop, other)


def quiet_sync(store: Store, settings: Settings) -> SyncController:
    return SyncController(
        store, settings, auto_sync_interval_ms=None, probe_interval_ms=None, retry=FAST_RETRY
    )


def profile_of(device: Device) -> Profile:
    return Profile.open(device.name, root=device.root)


def shoot(widget: QWidget, name: str) -> Path | None:
    """A screenshot of the window at 1366x768 (when the folder can be written)."""
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    path = SHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path
