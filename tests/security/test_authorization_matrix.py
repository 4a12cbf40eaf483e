"""Authorization matrix: every route of the server × every role × own / other team's case.

The routes come from the application's own route table, so a new endpoint fails
``test_every_route_has_a_policy`` until someone writes down who may call it. Each policy cell
is the answer expected over real HTTP from a live server: a status code, and for sync routes
what happened inside a 200 (``applied`` / ``rejected``, ``seen`` / ``unseen``).

Roles: ``anonymous`` (no token), ``worker``, ``manager`` (of the worker's team), ``admin`` (no
team; holds only what is allocated to them) and ``revoked`` (a worker whose laptop was revoked).
Scopes: ``own`` is a child the role may hold (the worker's own child; for the manager, a child of
their team; for the admin, a child allocated to them), ``other`` is a child of another team.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import requests
from fastapi import FastAPI

from server.main import create_app
from server.services import accounts
from sync.protocol.records import RECORD_FIELDS
from tests.server.conftest import PASSWORD, Client, LiveServer, ServerFactory, backends
from tests.server.helpers import new_child, upsert

ROLES = ("anonymous", "worker", "manager", "admin", "revoked")
SCOPES = ("own", "other")
ATTACHMENTS = "/v1/attachments/{sha256}"

#: role -> (answer for the role's own case, answer for another team's case)
Cells = dict[str, tuple[str, str]]


def public(answer: str = "200") -> Cells:
    """Anyone, signed in or not, revoked or not."""
    return {role: (answer, answer) for role in ROLES}


def signed_in(answer: str = "200") -> Cells:
    """Any signed-in laptop; a revoked one is told to wipe (403), no token is 401."""
    cells = {role: (answer, answer) for role in ROLES}
    cells["anonymous"] = ("401", "401")
    cells["revoked"] = ("403", "403")
    return cells


def scoped(own: str = "200", other: str = "404") -> Cells:
    """Object-level: the role's own case answers ``own``; another team's looks missing."""
    cells = {role: (own, other) for role in ROLES}
    cells["anonymous"] = ("401", "401")
    cells["revoked"] = ("403", "403")
    return cells


POLICY: dict[tuple[str, str], Cells] = {
    # FastAPI's documentation pages are not served unless the service turns them on
    # (tests/server/test_http.py, test_api_documentation_is_off_unless_configured_on).
    ("GET", "/health"): public(),
    # Sign-in: anonymous here means a wrong password. Revoking one laptop does not disable the
    # account, so the worker's password still registers a new laptop.
    ("POST", "/v1/devices"): {**public("201"), "anonymous": ("401", "401")},
    # A revoked laptop refreshing its token must be told to wipe, not just to sign in again:
    # a laptop whose 15-minute access token has expired only ever calls refresh.
    ("POST", "/v1/auth/refresh"): signed_in(),
    ("GET", "/v1/me"): signed_in(),
    ("GET", "/v1/people"): signed_in(),
    # The service's name is the same for everyone; still only for a signed-in laptop.
    ("GET", "/v1/service"): signed_in(),
    # Own: the admin issued a grant for this laptop. Other: for another team's laptop, which
    # must stay unclaimed.
    ("POST", "/v1/devices/current/reset-grant"): scoped("200", "404"),
    ("POST", "/v1/sync/push"): scoped("200:applied", "200:rejected"),
    ("GET", "/v1/sync/pull"): scoped("200:seen", "200:unseen"),
    ("GET", "/v1/records/{record_type}/{record_id}"): scoped(),
    ("GET", ATTACHMENTS + "/upload"): scoped(),
    ("HEAD", ATTACHMENTS + "/upload"): scoped(),
    ("PUT", ATTACHMENTS + "/upload"): scoped(),
    ("GET", ATTACHMENTS): scoped(),
    ("GET", "/v1/templates"): signed_in(),
    ("GET", "/v1/templates/{name}"): signed_in(),
    ("GET", "/v1/rules"): signed_in(),
    ("GET", "/v1/rules/{name}"): signed_in(),
    # A manager's own team only: there is no team to name, and another team's child is missing.
    ("GET", "/v1/team/overview"): {**signed_in("403"), "manager": ("200", "200")},
    ("GET", "/v1/team/reentries"): {**signed_in("403"), "manager": ("200", "200")},
    ("POST", "/v1/team/allocations"): {**signed_in("403"), "manager": ("200", "404")},
    # The service's figures: a manager their own team's (no case is named, so own and other
    # alike); a worker, and an admin without a reports grant, are refused.
    ("GET", "/v1/reports/figures"): {
        **signed_in("403"),
        "manager": ("200", "200"),
    },
    # The carer register: the service's case-holding staff in any team (a child's worker and
    # the placements team match children to carers); it names no case, so own and other alike.
    # An admin runs the service, not cases, and is refused.
    ("GET", "/v1/register"): {
        **signed_in("403"),
        "worker": ("200", "200"),
        "manager": ("200", "200"),
    },
    # The fostering panel: its dates are read by workers and managers of any team (a worker
    # sees only their own households' items); it is changed by managers as the service's panel
    # administrator, for a household of any team (the panel sits for the whole service). Own
    # and other: a household held in the caller's team or in another.
    ("GET", "/v1/panels"): {
        **signed_in("403"),
        "worker": ("200", "200"),
        "manager": ("200", "200"),
    },
    ("POST", "/v1/panels"): {**signed_in("403"), "manager": ("200", "200")},
    ("POST", "/v1/panels/{meeting_id}/items"): {**signed_in("403"), "manager": ("200", "200")},
    ("POST", "/v1/panel-items/{item_id}/recommendation"): {
        **signed_in("403"),
        "manager": ("200", "200"),
    },
    ("POST", "/v1/panel-items/{item_id}/decision"): {
        **signed_in("403"),
        "manager": ("200", "200"),
    },
    # The service's courses for foster carers: case-holding staff book their carers onto
    # them; a course names no case, so own and other alike. Admins are refused.
    ("GET", "/v1/courses"): {
        **signed_in("403"),
        "worker": ("200", "200"),
        "manager": ("200", "200"),
    },
}


def route_table(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the application answers, read from its router (included routers
    flattened) and cross-checked with the OpenAPI document. HEAD that Starlette adds to a GET
    is the same handler, so it is not listed separately."""
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI >= 0.150

        routes = [context.route for context in iter_route_contexts(app.routes)]
    except ImportError:
        routes = list(app.routes)
    table: set[tuple[str, str]] = set()
    for route in routes:
        methods = set(getattr(route, "methods", None) or ())
        if "GET" in methods:
            methods.discard("HEAD")
        table |= {(method, str(getattr(route, "path", ""))) for method in methods}
    for path, operations in app.openapi()["paths"].items():
        table |= {(method.upper(), path) for method in operations}
    return table


# ---- the world the matrix runs in


@dataclass
class Case:
    """A child with an uploaded attachment."""

    child_id: uuid.UUID
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class World:
    server: LiveServer
    usernames: dict[str, str]
    clients: dict[str, Client]
    own: dict[str, Case]
    other: Case
    other_laptop: Client
    revoked_refresh_token: str
    template: str
    rules: str
    spare: list[Client] = field(default_factory=list)

    def case(self, role: str, scope: str) -> Case:
        return self.own[role] if scope == "own" else self.other

    def headers(self, role: str) -> dict[str, str]:
        return self.clients[role].headers if role in self.clients else {}


def _attach(client: Client, child_id: uuid.UUID) -> Case:
    data = os.urandom(2048)
    case = Case(child_id, data)
    fields = {
        "target_type": "child",
        "target_id": str(child_id),
        "filename": "scan.pdf",
        "media_type": "application/pdf",
        "size": len(data),
        "sha256": case.sha256,
        "child_id": str(child_id),
    }
    [result] = client.push(upsert("attachment", uuid.uuid4(), fields))
    assert result["status"] == "applied", result
    uploaded = client.put(
        f"/v1/attachments/{case.sha256}/upload",
        params={"offset": 0},
        data=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert uploaded.status_code == 200 and uploaded.json()["complete"], uploaded.text
    return case


@pytest.fixture(scope="module", params=backends())
def matrix_server(
    request: pytest.FixtureRequest,
    server_factory: ServerFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> LiveServer:
    """A live server that also serves one form template and one rule table."""
    documents = tmp_path_factory.mktemp("documents")
    for kind in ("forms", "rules"):
        (documents / kind).mkdir()
        (documents / kind / f"{kind}-sample.toml").write_text("version = 1\n")
    return server_factory(
        request.param, forms_dir=documents / "forms", rules_dir=documents / "rules"
    )


@pytest.fixture(scope="module")
def world(matrix_server: LiveServer) -> World:
    server = matrix_server
    team, other_team = server.team(), server.team()
    names = {
        "worker": server.user("worker", team),
        "manager": server.user("manager", team),
        "admin": server.user("admin"),
        "revoked": server.user("worker", team),
    }
    other_worker = server.user("worker", other_team)
    clients = {role: server.client(name) for role, name in names.items()}
    other_laptop = server.client(other_worker)

    worker_case = _attach(clients["worker"], new_child(clients["worker"])[0])
    admin_child, _ = new_child(clients["worker"])
    admin_case = _attach(clients["worker"], admin_child)
    server.allocate("child", admin_child, names["admin"])
    revoked_case = _attach(clients["revoked"], new_child(clients["revoked"])[0])
    other_case = _attach(other_laptop, new_child(other_laptop)[0])

    device = accounts.parse_device_id(clients["revoked"].tokens["device_id"])
    server.database.run_write(lambda s: accounts.revoke_device(s, device_id=device, actor="test"))

    templates = clients["worker"].get("/v1/templates").json()["documents"]
    rules = clients["worker"].get("/v1/rules").json()["documents"]
    assert templates and rules, "the server serves no templates or rules to read"
    return World(
        server=server,
        usernames=names,
        clients=clients,
        own={
            "anonymous": worker_case,
            "worker": worker_case,
            "manager": worker_case,
            "admin": admin_case,
            "revoked": revoked_case,
        },
        other=other_case,
        other_laptop=other_laptop,
        revoked_refresh_token=clients["revoked"].tokens["refresh_token"],
        template=templates[0]["name"],
        rules=rules[0]["name"],
    )


# ---- probes: one request for one cell, answered as the policy writes it

Probe = Callable[[World, str, str, str, str], str]


def _answer(response: requests.Response, method: str) -> str:
    """The status, or a complaint when an error answer is not an ErrorBody."""
    if response.status_code >= 400 and method != "HEAD":
        try:
            body = response.json()
        except ValueError:
            return f"{response.status_code}:not-json"
        if not (isinstance(body, dict) and body.get("code") and body.get("message")):
            return f"{response.status_code}:not-an-ErrorBody"
    return str(response.status_code)


def _fill(world: World, path: str, case: Case) -> str:
    name = world.rules if path.startswith("/v1/rules") else world.template
    return path.format(sha256=case.sha256, record_type="child", record_id=case.child_id, name=name)


def generic(world: World, method: str, path: str, role: str, scope: str) -> str:
    """The request with path parameters taken from the cell's case and no body."""
    case = world.case(role, scope)
    extra: dict[str, Any] = {}
    if method == "PUT" and path.endswith("/upload"):
        extra = {"params": {"offset": 0}, "data": case.data}
        extra["headers"] = {"Content-Type": "application/octet-stream"}
    headers = {**world.headers(role), **extra.pop("headers", {})}
    response = requests.request(
        method, world.server.url + _fill(world, path, case), headers=headers, timeout=30, **extra
    )
    return _answer(response, method)


def register(world: World, method: str, path: str, role: str, scope: str) -> str:
    username = world.usernames.get(role, "nobody-" + uuid.uuid4().hex[:8])
    password = PASSWORD if role in world.usernames else "not the password"
    body = {"username": username, "password": password, "device_name": "Matrix laptop"}
    response = requests.post(world.server.url + path, json=body, timeout=30)
    return _answer(response, method)


def refresh(world: World, method: str, path: str, role: str, scope: str) -> str:
    if role == "anonymous":
        token = "not-a-refresh-token"
    elif role == "revoked":
        token = world.revoked_refresh_token
    else:  # a laptop of its own: refreshing rotates the token of the laptop that asks
        token = world.server.client(world.usernames[role]).tokens["refresh_token"]
    response = requests.post(world.server.url + path, json={"refresh_token": token}, timeout=30)
    return _answer(response, method)


def push(world: World, method: str, path: str, role: str, scope: str) -> str:
    note = {
        "kind": "CASE_NOTE",
        "event_date": "2024-01-01",
        "subject": "Matrix",
        "text": "Written by the authorization matrix.",
        "status": "draft",
        "child_id": str(world.case(role, scope).child_id),
    }
    body = {"changes": [upsert("case_note", uuid.uuid4(), note)]}
    response = requests.post(
        world.server.url + path, json=body, headers=world.headers(role), timeout=30
    )
    if response.status_code != 200:
        return _answer(response, method)
    return f"200:{response.json()['results'][0]['status']}"


def pull(world: World, method: str, path: str, role: str, scope: str) -> str:
    wanted = str(world.case(role, scope).child_id)
    cursor: str | None = None
    seen = False
    while True:
        params = {"cursor": cursor} if cursor else {}
        response = requests.get(
            world.server.url + path, params=params, headers=world.headers(role), timeout=60
        )
        if response.status_code != 200:
            return _answer(response, method)
        page = response.json()
        seen = seen or any(record["record_id"] == wanted for record in page["records"])
        cursor = page["cursor"] or cursor
        if not page["more"]:
            return "200:seen" if seen else "200:unseen"


def claim_grant(world: World, method: str, path: str, role: str, scope: str) -> str:
    laptop = world.clients.get(role) if scope == "own" else world.other_laptop
    if laptop is not None and role != "revoked":
        device = accounts.parse_device_id(laptop.tokens["device_id"])
        world.server.database.run_write(
            lambda s: accounts.create_reset_grant(s, device_id=device, actor="test")
        )
    response = requests.post(world.server.url + path, headers=world.headers(role), timeout=30)
    answer = _answer(response, method)
    # Whatever the caller was told, another laptop's grant must still be there to claim.
    if scope == "other" and role != "revoked" and world.other_laptop.post(path).status_code != 200:
        return answer + ":stole-the-grant"
    return answer


def allocate(world: World, method: str, path: str, role: str, scope: str) -> str:
    """Move the case to the team's manager and, if that worked, straight back, so the other
    cells' worker still holds it."""
    case = world.case(role, scope)

    def move(to: str) -> requests.Response:
        body = {"kind": "child", "subject_id": str(case.child_id), "worker": to}
        return requests.post(
            world.server.url + path, json=body, headers=world.headers(role), timeout=30
        )

    response = move(world.usernames["manager"])
    if response.status_code == 200:
        back = move(world.usernames["worker"] if scope == "own" else "")
        assert back.status_code == 200, back.text
    return _answer(response, method)


def _applicant(world: World, scope: str) -> str:
    """A household being assessed, its report complete, held in the team or in another."""
    laptop = world.clients["worker"] if scope == "own" else world.other_laptop
    day = date.today().isoformat()
    fields: dict[str, Any] = {name: None for name in RECORD_FIELDS["carer_household"]}
    fields.update(
        {k: "" for k, kind in RECORD_FIELDS["carer_household"].items() if kind == "str"},
        name="Matrix household",
        carer_type="MAINSTREAM_FOSTER",
        approval_status="APPLICANT",
        enquiry_date=day,
        initial_visit_date=day,
        application_date=day,
        stage1_completed=day,
        stage2_completed=day,
    )
    household = uuid.uuid4()
    [result] = laptop.push(upsert("carer_household", household, fields))
    assert result["status"] == "applied", result
    return str(household)


def _panel_today(world: World, scope: str, stage: str) -> tuple[str, str]:
    """A panel sitting today with the household on it (and, past ``booked``, recommended)."""
    manager = world.clients["manager"]
    meeting = str(uuid.uuid4())
    made = manager.post(
        "/v1/panels", json={"meeting_id": meeting, "sits_on": date.today().isoformat()}
    )
    assert made.status_code == 200, made.text
    if stage == "meeting":
        return meeting, ""
    item = str(uuid.uuid4())
    body = {"item_id": item, "household_id": _applicant(world, scope), "kind": "APPROVAL"}
    booked = manager.post(f"/v1/panels/{meeting}/items", json=body)
    assert booked.status_code == 200, booked.text
    if stage == "recommended":
        said = manager.post(
            f"/v1/panel-items/{item}/recommendation", json={"recommendation": "APPROVE"}
        )
        assert said.status_code == 200, said.text
    return meeting, item


def panel_change(world: World, method: str, path: str, role: str, scope: str) -> str:
    """Each change asked with a body that is right, on a household of the cell's scope."""
    if path == "/v1/panels":
        body: dict[str, Any] = {"meeting_id": str(uuid.uuid4()), "sits_on": "2031-01-09"}
        url = path
    elif path.endswith("/items"):
        meeting, _ = _panel_today(world, scope, "meeting")
        body = {"item_id": str(uuid.uuid4()), "household_id": _applicant(world, scope)}
        body["kind"] = "APPROVAL"
        url = path.format(meeting_id=meeting)
    elif path.endswith("/recommendation"):
        _, item = _panel_today(world, scope, "booked")
        body, url = {"recommendation": "APPROVE"}, path.format(item_id=item)
    else:
        _, item = _panel_today(world, scope, "recommended")
        body = {"decision": "NOT_APPROVE", "decided_on": date.today().isoformat()}
        url = path.format(item_id=item)
    response = requests.post(
        world.server.url + url, json=body, headers=world.headers(role), timeout=30
    )
    return _answer(response, method)


PROBES: dict[tuple[str, str], Probe] = {
    ("POST", "/v1/panels"): panel_change,
    ("POST", "/v1/panels/{meeting_id}/items"): panel_change,
    ("POST", "/v1/panel-items/{item_id}/recommendation"): panel_change,
    ("POST", "/v1/panel-items/{item_id}/decision"): panel_change,
    ("POST", "/v1/team/allocations"): allocate,
    ("POST", "/v1/devices"): register,
    ("POST", "/v1/auth/refresh"): refresh,
    ("POST", "/v1/sync/push"): push,
    ("GET", "/v1/sync/pull"): pull,
    ("POST", "/v1/devices/current/reset-grant"): claim_grant,
}


# ---- the tests


def test_every_route_has_a_policy(server: LiveServer) -> None:
    """Each route the app answers has a row in POLICY, and POLICY names no route that is gone."""
    table = route_table(create_app(server.settings, database=server.database))
    missing = sorted(table - POLICY.keys())
    stale = sorted(POLICY.keys() - table)
    assert not missing, f"routes with no authorization policy (add them to POLICY): {missing}"
    assert not stale, f"POLICY rows for routes that no longer exist: {stale}"
    for route, cells in POLICY.items():
        assert set(cells) == set(ROLES), f"{route} does not say what every role gets"


@pytest.mark.parametrize("route", sorted(POLICY), ids=" ".join)
def test_authorization_matrix(world: World, route: tuple[str, str]) -> None:
    """Every role × scope gets exactly the answer the policy declares for this route."""
    method, path = route
    probe = PROBES.get(route, generic)
    wrong = []
    for role in ROLES:
        for index, scope in enumerate(SCOPES):
            expected = POLICY[route][role][index]
            got = probe(world, method, path, role, scope)
            if got != expected:
                wrong.append(f"{role:>9} × {scope:<5}: expected {expected}, got {got}")
    assert not wrong, f"{method} {path}\n" + "\n".join(wrong)
