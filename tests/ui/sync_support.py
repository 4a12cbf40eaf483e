"""Helpers for the sync widget tests: laptops signed in to the live test server the way the app
signs them in (credentials kept in the encrypted store, where ``sync.account.client_for`` reads
them), and a closed port for "the service cannot be reached"."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

from app.settings import Settings
from sync import account
from tests.app import factories
from tests.server.conftest import LiveServer
from tests.sync.devices import Device


def signed_in_device(server: LiveServer, user: str, root: Path, name: str) -> Device:
    """A registered laptop whose store holds its credentials, as after the first-run flow."""
    device = Device.register(server, user, root, name)
    assert device.client.credentials is not None
    who = account.Account(user, user.title(), "worker", device.client.credentials.device_id)
    account.remember(device.store, account.Connection(who, device.client.credentials))
    return device


def settings_for(server: LiveServer) -> Settings:
    return Settings(service_url=server.url, auto_sync=False)


def add_children(device: Device, count: int = 3) -> list[uuid.UUID]:
    """Children allocated to the device's worker, recorded on the laptop and not yet sent."""
    ids = []
    with device.store.write() as session:
        for n in range(count):
            child = factories.child(allocated_worker=device.user, given_name=f"Child{n}")
            session.add(child)
            ids.append(child.id)
    return ids


def closed_port_url() -> str:
    """An address on this machine where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    return f"http://127.0.0.1:{port}"
