"""The laptop's real client against the real service: when a copy of its refresh token is
used after the laptop has refreshed, the laptop's sign-in ends at once (its current access
token too) and the laptop is asked to sign in again, which works."""

from __future__ import annotations

import pytest
import requests

from sync.client import ServiceClient, ServiceRefused
from tests.server.conftest import PASSWORD, LiveServer


def test_a_copied_refresh_token_used_later_signs_the_laptop_out(server: LiveServer) -> None:
    now = [1_000_000_000.0]
    worker = server.user("worker", server.team())
    laptop = ServiceClient(server.url, clock=lambda: now[0])
    laptop.register_device(username=worker, password=PASSWORD, device_name="Laptop")
    assert laptop.credentials is not None
    copied = laptop.credentials.refresh_token

    now[0] = laptop.credentials.access_expires_at + 1  # the laptop refreshes before its pull
    assert laptop.pull(cursor=None, limit=10) is not None
    assert laptop.credentials.refresh_token != copied

    replayed = requests.post(
        f"{server.url}/v1/auth/refresh", json={"refresh_token": copied}, timeout=10
    )
    assert replayed.status_code == 401 and replayed.json()["action"] == "reauthenticate"

    with pytest.raises(ServiceRefused) as refused:
        laptop.pull(cursor=None, limit=10)  # its access token has not expired, yet is refused
    assert refused.value.error.action == "reauthenticate"
    assert refused.value.error.code == "sign_in_ended"

    again = ServiceClient(server.url)
    again.register_device(username=worker, password=PASSWORD, device_name="Laptop")
    assert again.pull(cursor=None, limit=10) is not None
    for client in (laptop, again):
        client.close()
