"""The local demo service behind ``make run``: started as a real child process, it holds the
service's demo data, the demo profile registers with it and syncs a caseload down, and stopping
it leaves no process behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from app.models import Child
from app.settings import load
from sync import account
from tests.conftest import fast_kdf
from ui import demo_service
from ui.demo_service import DEMO_SERVICE_PROFILE, DemoService


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoService]:
    """One demo service for the module, stopped at the end."""
    with demo_service.running(tmp_path_factory.mktemp("demo-service")) as running:
        yield running


def _children(store: demo_service.Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(Child)) or 0)


def test_the_service_answers_health_and_holds_demo_accounts(service: DemoService) -> None:
    """The first start migrates and loads the demo data; /health answers on 127.0.0.1."""
    assert service.fresh
    assert service.url.startswith("http://127.0.0.1:")
    assert requests.get(f"{service.url}/health", timeout=5).status_code == 200
    assert service.username.startswith("worker") and service.password.startswith("demo-")


def test_the_demo_profile_registers_and_syncs_a_caseload(
    service: DemoService, tmp_path: Path
) -> None:
    """The first run creates the demo profile, registers it as the demo worker's laptop and a
    sync brings that worker's children; a second run reuses the profile and its device."""
    root = tmp_path / "data"
    opened = demo_service.open_profile(service, root=root, kdf=fast_kdf(), device_name="Test")
    try:
        assert opened.profile.name == DEMO_SERVICE_PROFILE
        assert opened.summary.ok and opened.summary.received > 0
        assert _children(opened.store) > 0
        signed_in = account.account(opened.store)
        assert signed_in is not None and signed_in.worker == service.username
        assert load(opened.profile.path).service_url == service.url
        device = signed_in.device_id
    finally:
        opened.store.lock()
    again = demo_service.open_profile(service, root=root, device_name="Test")
    try:
        again_account = account.account(again.store)
        assert again_account is not None and again_account.device_id == device
        assert _children(again.store) > 0
    finally:
        again.store.lock()


def test_refused_tokens_register_the_laptop_again(service: DemoService, tmp_path: Path) -> None:
    """Tokens the service no longer accepts (a rebuilt service) lead to a new registration,
    not to a demo that cannot sync."""
    root = tmp_path / "data"
    opened = demo_service.open_profile(service, root=root, kdf=fast_kdf(), device_name="Test")
    first = account.account(opened.store)
    with opened.store.write(remote=True) as session:
        state = session.get(account.ProfileState, account.CREDENTIALS_KEY)
        assert state is not None
        state.value = state.value.replace('"refresh_token": "', '"refresh_token": "x')
        state.value = state.value.replace('"access_token": "', '"access_token": "x')
    opened.store.lock()
    again = demo_service.open_profile(service, root=root, device_name="Test")
    try:
        second = account.account(again.store)
        assert first is not None and second is not None
        assert second.device_id != first.device_id
        assert again.summary.ok
    finally:
        again.store.lock()


def test_stopping_ends_the_server_process(tmp_path: Path) -> None:
    """Leaving the ``with`` block, even by an exception, stops the server process."""
    folder = tmp_path / "service"
    with pytest.raises(RuntimeError), demo_service.running(folder) as started:
        assert started.running
        process = started.process
        raise RuntimeError("the app failed")
    assert process.poll() is not None
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{started.url}/health", timeout=2)
    # A later start reuses the database and its accounts.
    with demo_service.running(folder) as again:
        assert not again.fresh and again.username == started.username
    assert again.process.poll() is not None
