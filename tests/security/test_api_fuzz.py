"""API fuzzing: schemathesis against the live server's ``/openapi.json``, signed in as a worker.

Every operation in the document is fuzzed with data that fits the schema (``positive``), with
data that does not (``negative``; except the operations in :data:`NO_INPUT`, which take none)
and, where a path names a record or a file, with the worker's own ids (``known``). Each answer
must

* never be a 5xx (``not_a_server_error``);
* use a status code, content type and body the document declares for that operation
  (``status_code_conformance``, ``content_type_conformance``, ``response_schema_conformance``);
* when it is a 4xx, carry the server's :class:`~sync.protocol.messages.ErrorBody` (a HEAD answer
  has no body: there only the JSON content type is checked).

The operations come from the live document and are checked against :data:`FUZZED` by
``test_every_operation_is_fuzzed``, so a new endpoint fails until it is listed here.

Bounded for ``make test``: ``MAX_EXAMPLES`` examples per operation and mode, derandomized (the
same cases every run), no example database. ``CASEBOOK_FUZZ_EXAMPLES`` raises the count for a
longer local or soak run.

The three bugs the fuzzer found when it was written are fixed, and each has a test of its own
below (``test_undecodable_json_body``, ``test_nul_in_sign_in``, ``test_range_download_conforms``)
so that it stays fixed however the random cases fall.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sync.protocol.messages import ErrorBody
from tests.server.conftest import PASSWORD, Client, LiveServer
from tests.server.helpers import new_child, upsert

MAX_EXAMPLES = int(os.environ.get("CASEBOOK_FUZZ_EXAMPLES", "20"))
REQUEST_TIMEOUT = 30

#: Every operation of the OpenAPI document, all fuzzed with the worker's own token. Nothing is
#: excluded: no operation revokes the caller's laptop or disables the account (revoking is an
#: admin's console command, not an HTTP endpoint), so the token stays valid throughout.
FUZZED: tuple[tuple[str, str], ...] = (
    ("GET", "/health"),
    ("POST", "/v1/devices"),
    ("POST", "/v1/auth/refresh"),
    ("GET", "/v1/me"),
    ("GET", "/v1/people"),
    ("GET", "/v1/service"),
    ("POST", "/v1/devices/current/reset-grant"),
    ("POST", "/v1/sync/push"),
    ("GET", "/v1/sync/pull"),
    ("GET", "/v1/records/{record_type}/{record_id}"),
    ("GET", "/v1/attachments/{sha256}/upload"),
    ("HEAD", "/v1/attachments/{sha256}/upload"),
    ("PUT", "/v1/attachments/{sha256}/upload"),
    ("GET", "/v1/attachments/{sha256}"),
    ("GET", "/v1/templates"),
    ("GET", "/v1/templates/{name}"),
    ("GET", "/v1/rules"),
    ("GET", "/v1/rules/{name}"),
    ("GET", "/v1/team/overview"),
    ("GET", "/v1/team/reentries"),
    ("POST", "/v1/team/allocations"),
    ("GET", "/v1/reports/figures"),
    ("GET", "/v1/register"),
    ("GET", "/v1/panels"),
    ("POST", "/v1/panels"),
    ("POST", "/v1/panels/{meeting_id}/items"),
    ("POST", "/v1/panel-items/{item_id}/recommendation"),
    ("POST", "/v1/panel-items/{item_id}/decision"),
    ("GET", "/v1/courses"),
)

#: Operations that take no input (no parameter, no body): no request can break their schema, so
#: schemathesis cannot generate a negative case; they are fuzzed in the positive mode only.
NO_INPUT: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/health"),
        ("GET", "/v1/me"),
        ("GET", "/v1/people"),
        ("GET", "/v1/service"),
        ("POST", "/v1/devices/current/reset-grant"),
        ("GET", "/v1/templates"),
        ("GET", "/v1/rules"),
        ("GET", "/v1/team/overview"),
        ("GET", "/v1/team/reentries"),
        ("GET", "/v1/panels"),
        ("GET", "/v1/courses"),
    }
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


#: A third mode, ``known``: positive cases whose path parameters name things in the worker's own
#: caseload (random ids only ever reach "not found"), so the 200/206 answers are fuzzed too.
KNOWN = "known"
KNOWN_PATHS: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/v1/records/{record_type}/{record_id}"): {"record_type": "type", "record_id": "child"},
    ("GET", "/v1/attachments/{sha256}/upload"): {"sha256": "uploaded"},
    ("HEAD", "/v1/attachments/{sha256}/upload"): {"sha256": "pending"},
    ("PUT", "/v1/attachments/{sha256}/upload"): {"sha256": "pending"},
    ("GET", "/v1/attachments/{sha256}"): {"sha256": "uploaded"},
}


@dataclass
class Target:
    server: LiveServer
    schema: Any
    url: str
    session: requests.Session
    headers: dict[str, str]
    known: dict[str, str]


@pytest.fixture(scope="module")
def target(server: LiveServer) -> Target:
    """The service's document (read from the application: a service serves it only when told
    to, see test_http), and a worker's laptop registered over HTTP as the tests do."""
    from server.main import create_app

    schema = schemathesis.openapi.from_dict(
        create_app(server.settings, database=server.database).openapi()
    )
    worker = server.user("worker", server.team())
    laptop = Client(server.url)
    response = laptop.register(worker)
    assert response.status_code == 201, response.text
    child_id, _revision = new_child(laptop)
    known = {"type": "child", "child": str(child_id)}
    for name, data in (("uploaded", os.urandom(3000)), ("pending", os.urandom(3000))):
        sha256 = hashlib.sha256(data).hexdigest()
        fields = {
            "target_type": "child",
            "target_id": str(child_id),
            "filename": f"{name}.pdf",
            "media_type": "application/pdf",
            "size": len(data),
            "sha256": sha256,
            "child_id": str(child_id),
        }
        [result] = laptop.push(upsert("attachment", uuid.uuid4(), fields))
        assert result["status"] == "applied", result
        known[name] = sha256
        if name == "uploaded":
            uploaded = laptop.put(
                f"/v1/attachments/{sha256}/upload",
                params={"offset": 0},
                data=data,
                headers={"Content-Type": "application/octet-stream"},
            )
            assert uploaded.status_code == 200 and uploaded.json()["complete"], uploaded.text
    return Target(server, schema, server.url, requests.Session(), laptop.headers, known)


def test_every_operation_is_fuzzed(target: Target) -> None:
    live = {
        (method.upper(), path)
        for path, operations in target.schema.raw_schema["paths"].items()
        for method in operations
    }
    assert live == set(FUZZED), "list new operations in FUZZED (or remove gone ones)"
    no_input = {
        (method.upper(), path)
        for path, operations in target.schema.raw_schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("parameters") and "requestBody" not in operation
    }
    assert no_input == NO_INPUT


def _params() -> list[Any]:
    params = []
    for method, path in FUZZED:
        modes: list[str] = [GenerationMode.POSITIVE]
        if (method, path) not in NO_INPUT:
            modes.append(GenerationMode.NEGATIVE)
        if (method, path) in KNOWN_PATHS:
            modes.append(KNOWN)
        params += [pytest.param(method, path, mode, id=f"{method} {path} {mode}") for mode in modes]
    return params


def _check_error_body(method: str, response: Any) -> None:
    """``response`` is schemathesis' own (headers: lowercase keys, list values)."""
    if not 400 <= response.status_code < 500:
        return
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json"), (response.status_code, content_type)
    if method == "HEAD":
        return  # a HEAD answer carries no body
    ErrorBody.model_validate(response.json())


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "mode"), _params())
def test_fuzz_operation(target: Target, method: str, path: str, mode: str) -> None:
    operation = target.schema[path][method]
    if mode == KNOWN:
        names = KNOWN_PATHS[(method, path)]
        strategy = operation.as_strategy(
            GenerationMode.POSITIVE,
            path_parameters={key: target.known[name] for key, name in names.items()},
        )
    else:
        strategy = operation.as_strategy(GenerationMode(mode))

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @hypothesis.given(case=strategy)
    def fuzz(case: Any) -> None:
        # The worker's token replaces whatever Authorization the case generated, so every
        # request reaches the handler rather than stopping at the sign-in check.
        response = case.call(
            base_url=target.url,
            session=target.session,
            headers=target.headers,
            timeout=REQUEST_TIMEOUT,
        )
        case.validate_response(response, checks=CHECKS, headers=target.headers)
        _check_error_body(method, response)

    fuzz()


def test_fuzzer_token_still_valid(target: Target) -> None:
    """The fuzzing ran signed in throughout: nothing it sent revoked its own laptop."""
    response = target.session.get(f"{target.url}/v1/me", headers=target.headers, timeout=30)
    assert response.status_code == 200, response.text
    assert uuid.UUID(response.json()["device_id"])


def test_range_download_conforms(target: Target) -> None:
    """A laptop's resumed download (``Range: bytes=N-M``) must match the document too."""
    operation = target.schema["/v1/attachments/{sha256}"]["GET"]
    case = operation.Case(
        path_parameters={"sha256": target.known["uploaded"]}, headers={"Range": "bytes=0-99"}
    )
    response = case.call(
        base_url=target.url,
        session=target.session,
        headers=target.headers,
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 206, response.status_code
    case.validate_response(response, checks=CHECKS, headers=target.headers)


#: The operations that take a JSON body.
JSON_BODY = ("/v1/devices", "/v1/auth/refresh", "/v1/sync/push")


@pytest.mark.parametrize("path", JSON_BODY)
def test_undecodable_json_body(target: Target, path: str) -> None:
    """Found by the fuzzer: a body that is not UTF-8 is refused like any other body that is not
    JSON (422 malformed_json, a documented answer), not with the framework's own 400."""
    response = target.session.post(
        f"{target.url}{path}",
        data=b"\xff\xfe{",
        headers={**target.headers, "Content-Type": "application/json"},
        timeout=REQUEST_TIMEOUT,
    )
    assert ErrorBody.model_validate(response.json()).code == "malformed_json"
    declared = target.schema.raw_schema["paths"][path]["post"]["responses"]
    assert response.status_code == 422 and "422" in declared, (response.status_code, response.text)


@pytest.mark.parametrize("field", ["username", "device_name"])
def test_nul_in_sign_in(target: Target, field: str) -> None:
    """Found by the fuzzer: a NUL byte in the sign-in strings was a 500 on PostgreSQL and was
    stored on SQLite; it is refused with an ErrorBody naming the field, on both."""
    body = {
        "username": target.server.user("worker"),
        "password": PASSWORD,
        "device_name": "Test laptop",
    }
    body[field] = body[field] + "\x00"
    response = target.session.post(f"{target.url}/v1/devices", json=body, timeout=30)
    assert response.status_code == 422, (response.status_code, response.text)
    assert ErrorBody.model_validate(response.json()).field == field


def test_a_cursor_with_non_ascii_characters_is_refused_plainly(target: Target) -> None:
    """Found by the fuzzer: a pull cursor that is not ASCII was a 500 (the signature check
    refused to compare it); it is the same plain 400 as any cursor this server did not issue."""
    response = target.session.get(
        f"{target.url}/v1/sync/pull",
        params={"cursor": "øñ.§"},
        headers=target.headers,
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 400, response.text
    assert ErrorBody.model_validate(response.json()).code == "invalid_cursor"
