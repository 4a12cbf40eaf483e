"""Accounts and devices: sign-in, throttling, token expiry and refresh, revocation and wipe."""

from __future__ import annotations

import time

import pytest
import requests

from server.services import accounts, audit
from tests.server.conftest import Client, LiveServer, ServerFactory, backends


def test_registration_returns_a_token_pair(server: LiveServer) -> None:
    """A worker's credentials register a device and give short-lived access plus refresh."""
    worker = server.user("worker", server.team())
    client = Client(server.url)
    response = client.register(worker)
    assert response.status_code == 201
    body = response.json()
    assert body["worker"] == worker and body["role"] == "worker"
    assert body["access_expires_in"] == server.settings.access_token_seconds
    assert client.get("/v1/me").json()["device_id"] == body["device_id"]


def test_wrong_password_and_unknown_user_get_the_same_answer(server: LiveServer) -> None:
    """Bad credentials answer 401 without saying whether the account exists."""
    worker = server.user("worker", server.team())
    wrong = Client(server.url).register(worker, "not the password")
    unknown = Client(server.url).register("nobody-" + worker, "whatever password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "bad_credentials"


def test_requests_without_or_with_garbage_tokens_are_refused(server: LiveServer) -> None:
    """No token or a forged token answers 401 asking the laptop to sign in again."""
    bare = requests.get(f"{server.url}/v1/sync/pull", timeout=10)
    assert bare.status_code == 401 and bare.json()["action"] == "reauthenticate"
    forged = requests.get(
        f"{server.url}/v1/sync/pull", headers={"Authorization": "Bearer cba1.e30.AAAA"}, timeout=10
    )
    assert forged.status_code == 401 and forged.json()["code"] == "invalid_token"
    # A push is signed in within its own transaction, and refused the same way.
    forged_push = requests.post(
        f"{server.url}/v1/sync/push",
        json={"changes": []},
        headers={"Authorization": "Bearer cba1.e30.AAAA"},
        timeout=10,
    )
    assert forged_push.status_code == 401 and forged_push.json()["code"] == "invalid_token"


def test_refresh_rotates_and_the_old_refresh_token_dies(server: LiveServer) -> None:
    """A refresh gives new tokens; the presented refresh token never works again."""
    client = server.client(server.user("worker", server.team()))
    old = client.tokens["refresh_token"]
    first = requests.post(f"{server.url}/v1/auth/refresh", json={"refresh_token": old}, timeout=10)
    assert first.status_code == 200
    assert first.json()["refresh_token"] != old
    again = requests.post(f"{server.url}/v1/auth/refresh", json={"refresh_token": old}, timeout=10)
    assert again.status_code == 401 and again.json()["action"] == "reauthenticate"


def refresh(server: LiveServer, token: str) -> requests.Response:
    return requests.post(f"{server.url}/v1/auth/refresh", json={"refresh_token": token}, timeout=10)


def test_a_replayed_refresh_token_ends_the_whole_sign_in(server: LiveServer) -> None:
    """Someone copied a laptop's refresh token; the laptop refreshed, then the copy comes back.
    The service cannot tell which holder is the laptop, so that device's sign-in ends: the
    newest refresh token and the newest access token stop working at once, the laptop is told
    to sign in again (not to wipe: its unsent work is safe) and can, and the worker's other
    laptop is untouched. The replay is audited."""
    worker = server.user("worker", server.team())
    laptop = server.client(worker)
    other = server.client(worker)
    copied = laptop.tokens["refresh_token"]
    rotated = refresh(server, copied)
    assert rotated.status_code == 200
    laptop.tokens = rotated.json()
    assert laptop.get("/v1/sync/pull").status_code == 200

    replay = refresh(server, copied)
    assert replay.status_code == 401
    assert replay.json()["code"] == "sign_in_ended"
    assert replay.json()["action"] == "reauthenticate"
    newest_access = laptop.get("/v1/sync/pull")
    assert newest_access.status_code == 401
    assert newest_access.json()["action"] == "reauthenticate"
    assert laptop.push_raw([]).status_code == 401
    newest_refresh = refresh(server, laptop.tokens["refresh_token"])
    assert newest_refresh.status_code == 401
    assert newest_refresh.json()["action"] == "reauthenticate"

    assert other.get("/v1/sync/pull").status_code == 200
    again = server.client(worker)  # signing in with the password gives a working laptop
    assert again.get("/v1/sync/pull").status_code == 200
    events = server.database.run_write(
        lambda s: [
            e.device_id for e in audit.query_events(s, action="device.refresh_replayed", limit=1000)
        ]
    )
    assert str(laptop.tokens["device_id"]) in {str(device) for device in events}


def test_a_forged_or_foreign_refresh_token_ends_no_sign_in(server: LiveServer) -> None:
    """Knowing a device's id is not enough to end its sign-in: a token naming the device with
    a signature the service did not make is simply refused, and the laptop carries on."""
    laptop = server.client(server.user("worker", server.team()))
    prefix, device, _random, signature = laptop.tokens["refresh_token"].split(".")
    forged = refresh(server, f"{prefix}.{device}.{'A' * 43}.{signature}")
    assert forged.status_code == 401 and forged.json()["code"] == "invalid_refresh_token"
    assert refresh(server, "cbr1.not-a-token").json()["code"] == "invalid_refresh_token"
    assert laptop.get("/v1/sync/pull").status_code == 200
    assert refresh(server, laptop.tokens["refresh_token"]).status_code == 200


def test_a_replayed_refresh_token_of_a_revoked_laptop_still_says_wipe(server: LiveServer) -> None:
    """A revoked laptop must learn to wipe whichever of its tokens it presents."""
    laptop = server.client(server.user("worker", server.team()))
    old = laptop.tokens["refresh_token"]
    laptop.tokens = refresh(server, old).json()
    server.database.run_write(
        lambda s: accounts.revoke_device(
            s, device_id=accounts.parse_device_id(str(laptop.tokens["device_id"])), actor="test"
        )
    )
    for token in (old, laptop.tokens["refresh_token"]):
        answer = refresh(server, token)
        assert answer.status_code == 403 and answer.json()["action"] == "wipe"


@pytest.mark.parametrize("backend", backends())
def test_access_tokens_expire_and_refresh_restores_access(
    server_factory: ServerFactory, backend: str
) -> None:
    """With a 2-second access token the laptop gets token_expired, refreshes and carries on."""
    short = server_factory(backend, access_token_seconds=2)
    client = short.client(short.user("worker", short.team()))
    assert client.get("/v1/sync/pull").status_code == 200
    time.sleep(3.1)
    expired = client.get("/v1/sync/pull")
    assert expired.status_code == 401 and expired.json()["code"] == "token_expired"
    refreshed = requests.post(
        f"{short.url}/v1/auth/refresh",
        json={"refresh_token": client.tokens["refresh_token"]},
        timeout=10,
    )
    client.tokens = refreshed.json()
    assert client.get("/v1/sync/pull").status_code == 200


def test_revoked_device_is_told_to_wipe_forever(server: LiveServer) -> None:
    """After revocation every request and refresh from the device answers 403 with wipe."""
    worker = server.user("worker", server.team())
    client = server.client(worker)
    other = server.client(worker)
    device_id = client.tokens["device_id"]
    server.database.run_write(
        lambda s: accounts.revoke_device(
            s, device_id=accounts.parse_device_id(device_id), actor="test"
        )
    )
    for response in (
        client.get("/v1/sync/pull"),
        client.push_raw([]),
        requests.post(
            f"{server.url}/v1/auth/refresh",
            json={"refresh_token": client.tokens["refresh_token"]},
            timeout=10,
        ),
    ):
        assert response.status_code in (401, 403)
        assert response.json()["action"] in ("wipe", "reauthenticate")
    assert client.get("/v1/sync/pull").json()["action"] == "wipe"
    assert other.get("/v1/sync/pull").status_code == 200  # the worker's other laptop is fine


def test_disabling_a_worker_wipes_all_their_devices(server: LiveServer) -> None:
    """A disabled account's laptops are told to wipe and the account cannot sign in again."""
    worker = server.user("worker", server.team())
    laptops = [server.client(worker), server.client(worker)]
    server.database.run_write(
        lambda s: accounts.set_user_disabled(s, username=worker, disabled=True, actor="test")
    )
    for laptop in laptops:
        response = laptop.get("/v1/sync/pull")
        assert response.status_code == 403 and response.json()["action"] == "wipe"
    assert Client(server.url).register(worker).status_code == 401


@pytest.mark.parametrize("backend", backends())
def test_sign_in_is_throttled_per_account_and_per_address(
    server_factory: ServerFactory, backend: str
) -> None:
    """Too many failures lock the account (even for the right password) and then the address,
    with a 429 and a Retry-After header."""
    live = server_factory(
        backend, login_max_failures_per_account=3, login_max_failures_per_address=6
    )
    victim = live.user("worker", live.team())
    for _ in range(3):
        assert Client(live.url).register(victim, "wrong password").status_code == 401
    locked = Client(live.url).register(victim)
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= live.settings.login_window_seconds
    bystander = live.user("worker", live.team())
    for _ in range(3):
        Client(live.url).register(live.user("worker"), "wrong password")
    from_address = Client(live.url).register(bystander)
    assert from_address.status_code == 429


def test_reset_grant_can_be_claimed_once(server: LiveServer) -> None:
    """An admin's reset-lockout grant is handed to that device once, then gone."""
    client = server.client(server.user("worker", server.team()))
    assert client.post("/v1/devices/current/reset-grant").status_code == 404
    server.database.run_write(
        lambda s: accounts.create_reset_grant(
            s, device_id=accounts.parse_device_id(client.tokens["device_id"]), actor="test"
        )
    )
    claimed = client.post("/v1/devices/current/reset-grant")
    assert claimed.status_code == 200 and claimed.json()["issued_by"] == "test"
    assert client.post("/v1/devices/current/reset-grant").status_code == 404
