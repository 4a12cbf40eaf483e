"""The HTTP surface: health, bad inputs, body limits, gzip, documents and the OpenAPI contract."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import uuid
from pathlib import Path

import pytest
import requests

from tests.server.conftest import LiveServer, ServerFactory, backends
from tests.server.helpers import child_fields, upsert


def test_health_reports_the_database_and_protocol(server: LiveServer) -> None:
    """/health answers without authentication and touches the database."""
    body = requests.get(f"{server.url}/health", timeout=10).json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["protocol_version"] == 1


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        # Not JSON either, though Python's own reader takes them: NaN, and half a character.
        b'{"changes": [], "cursor": NaN}',
        b'{"changes": [], "cursor": "\\ud800"}',
    ],
)
def test_malformed_json_is_a_422_with_a_code(server: LiveServer, body: bytes) -> None:
    """A body that is not JSON is refused as a whole with malformed_json."""
    client = server.client(server.user("worker", server.team()))
    response = client.http.post(
        f"{server.url}/v1/sync/push",
        data=body,
        headers={**client.headers, "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 422 and response.json()["code"] == "malformed_json"


@pytest.mark.parametrize(
    ("change_patch", "field"),
    [
        ({"record_id": "not-a-uuid"}, "changes.0.record_id"),
        ({"operation": "explode"}, "changes.0.operation"),
        ({"base_revision": -1}, "changes.0.base_revision"),
        ({"surprise": 1}, "changes.0.surprise"),
    ],
)
def test_malformed_changes_are_422_naming_the_field(
    server: LiveServer, change_patch: dict[str, object], field: str
) -> None:
    """Wrong types and unknown fields in the envelope are refused with the field named."""
    client = server.client(server.user("worker", server.team()))
    change = {**upsert("child", uuid.uuid4(), child_fields()), **change_patch}
    response = client.push_raw([change])
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request" and response.json()["field"] == field


def test_too_many_changes_in_one_batch_is_refused(server: LiveServer) -> None:
    """A batch over the protocol's maximum answers 422 on the changes field."""
    client = server.client(server.user("worker", server.team()))
    change = upsert("child", uuid.uuid4(), {})
    response = client.push_raw([change] * 1001)
    assert response.status_code == 422 and response.json()["field"] == "changes"


@pytest.mark.parametrize("backend", backends())
def test_huge_and_gzip_bombed_bodies_get_413(server_factory: ServerFactory, backend: str) -> None:
    """Bodies over the limit, plain or after gzip decompression, answer 413 with an ErrorBody."""
    live = server_factory(backend, max_body_bytes=64 * 1024)
    client = live.client(live.user("worker", live.team()))
    big = json.dumps(
        {"changes": [upsert("child", uuid.uuid4(), child_fields(about_me="x" * 70_000))]}
    )
    plain = client.http.post(
        f"{live.url}/v1/sync/push",
        data=big,
        headers={**client.headers, "Content-Type": "application/json"},
    )
    assert plain.status_code == 413 and plain.json()["code"] == "body_too_large"
    bomb = gzip.compress(b" " * 2_000_000)
    zipped = client.http.post(
        f"{live.url}/v1/sync/push",
        data=bomb,
        headers={**client.headers, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert zipped.status_code == 413


def test_only_the_one_parameter_lifts_the_batch_limit_to_a_record(
    server_factory: ServerFactory,
) -> None:
    """A single change may be as large as the service's largest record (``?one=true``); a
    query that merely contains those letters (``someone=true``) keeps the batch limit."""
    live = server_factory("sqlite", max_body_bytes=64 * 1024, max_record_bytes=100 * 1024)
    client = live.client(live.user("worker", live.team()))
    big = json.dumps(
        {"changes": [upsert("child", uuid.uuid4(), child_fields(about_me="x" * 70_000))]}
    )
    headers = {**client.headers, "Content-Type": "application/json"}
    lookalike = client.http.post(f"{live.url}/v1/sync/push?someone=true", data=big, headers=headers)
    assert lookalike.status_code == 413 and lookalike.json()["code"] == "body_too_large"
    single = client.http.post(f"{live.url}/v1/sync/push?one=true", data=big, headers=headers)
    assert single.status_code != 413


def test_gzip_request_and_response_bodies(server: LiveServer) -> None:
    """A gzip-encoded push is accepted and a large pull comes back gzip-compressed."""
    client = server.client(server.user("worker", server.team()))
    changes = [upsert("child", uuid.uuid4(), child_fields(about_me="y" * 500)) for _ in range(10)]
    body = gzip.compress(json.dumps({"changes": changes}).encode())
    response = client.http.post(
        f"{server.url}/v1/sync/push",
        data=body,
        headers={**client.headers, "Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200
    assert {r["status"] for r in response.json()["results"]} == {"applied"}
    pulled = client.get("/v1/sync/pull", headers={**client.headers, "Accept-Encoding": "gzip"})
    assert pulled.headers.get("Content-Encoding") == "gzip"
    assert len(pulled.json()["records"]) == 10


def test_a_damaged_gzip_body_gets_400_and_changes_nothing(server: LiveServer) -> None:
    """A push whose gzip stream is cut short or is not gzip at all is refused with a
    structured 400, and none of its changes is applied."""
    client = server.client(server.user("worker", server.team()))
    child_id = uuid.uuid4()
    whole = gzip.compress(
        json.dumps({"changes": [upsert("child", child_id, child_fields())]}).encode()
    )
    for damaged in (whole[: len(whole) // 2], b"not gzip at all" * 10):
        response = client.http.post(
            f"{server.url}/v1/sync/push",
            data=damaged,
            headers={
                **client.headers,
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
            },
        )
        assert response.status_code == 400 and response.json()["code"] == "bad_encoding"
    assert client.get(f"/v1/records/child/{child_id}").status_code == 404


def test_unknown_paths_answer_an_error_body(server: LiveServer) -> None:
    """Even a 404 for a missing route is an ErrorBody."""
    response = requests.get(f"{server.url}/v1/nothing-here", timeout=10)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


DOCS_PAGES = ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")


@pytest.fixture(scope="module")
def documented(server_factory: ServerFactory) -> LiveServer:
    """A service configured to serve its API documentation."""
    return server_factory("sqlite", api_docs=True)


def test_api_documentation_is_off_unless_configured_on(
    server: LiveServer, documented: LiveServer
) -> None:
    """The interactive documentation answers without sign-in, so a service does not serve it
    unless configured to (``CASEBOOK_SERVER_API_DOCS=1``); then it does."""
    for page in DOCS_PAGES:
        answer = requests.get(f"{server.url}{page}", timeout=10)
        assert answer.status_code == 404, page
        assert answer.json()["code"] == "not_found"
    for page in DOCS_PAGES:
        assert requests.get(f"{documented.url}{page}", timeout=10).status_code == 200, page


def test_openapi_describes_every_route_with_models_and_errors(documented: LiveServer) -> None:
    """Each operation has a documented success response and declares ErrorBody answers."""
    spec = requests.get(f"{documented.url}/openapi.json", timeout=10).json()
    expected = {
        "/health",
        "/v1/devices",
        "/v1/auth/refresh",
        "/v1/me",
        "/v1/devices/current/reset-grant",
        "/v1/sync/push",
        "/v1/sync/pull",
        "/v1/records/{record_type}/{record_id}",
        "/v1/attachments/{sha256}/upload",
        "/v1/attachments/{sha256}",
        "/v1/templates",
        "/v1/templates/{name}",
        "/v1/rules",
        "/v1/rules/{name}",
        "/v1/team/overview",
        "/v1/team/reentries",
        "/v1/team/allocations",
        "/v1/reports/figures",
        "/v1/people",
        "/v1/service",
        "/v1/register",
        "/v1/panels",
        "/v1/panels/{meeting_id}/items",
        "/v1/panel-items/{item_id}/recommendation",
        "/v1/panel-items/{item_id}/decision",
        "/v1/courses",
    }
    assert set(spec["paths"]) == expected
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = next(code for code in responses if code.startswith("2"))
            assert responses[success].get("content") or method == "head", (path, method)
            if path != "/health":
                errors = [code for code in responses if code.startswith("4")]
                assert errors, (path, method)
                for code in errors:
                    schema = responses[code]["content"]["application/json"]["schema"]
                    assert schema["$ref"].endswith("/ErrorBody"), (path, method, code)
    for model in ("PushRequest", "PushResponse", "PullResponse", "TokenPair", "UploadStatus"):
        assert model in spec["components"]["schemas"]


@pytest.mark.parametrize("backend", backends())
def test_templates_and_rules_are_served_versioned(
    server_factory: ServerFactory, backend: str, tmp_path: Path
) -> None:
    """Rule files in the rules directory are listed with a content hash and served parsed;
    a missing forms directory serves an empty list."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "deadlines.toml").write_text("version = 3\n[visits]\nfirst_within_days = 7\n")
    (rules / "notes.txt").write_text("ignored")
    live = server_factory(backend, rules_dir=rules, forms_dir=tmp_path / "no-forms")
    client = live.client(live.user("worker", live.team()))
    assert client.get("/v1/templates").json() == {"documents": []}
    [summary] = client.get("/v1/rules").json()["documents"]
    assert summary["name"] == "deadlines" and summary["version"] == 3
    document = client.get("/v1/rules/deadlines").json()
    assert document["content"]["visits"]["first_within_days"] == 7
    assert document["sha256"] == summary["sha256"]
    assert client.get("/v1/rules/missing").status_code == 404


def test_the_access_log_names_attachment_routes_without_the_hash(server: LiveServer) -> None:
    """An attachment's SHA-256 fingerprints a child's file: uvicorn's access log keeps the
    route, method and status of attachment requests but never the hash."""
    digest = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    access = logging.getLogger("uvicorn.access")
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    keep, level = Keep(), access.level
    access.addHandler(keep)
    access.setLevel(logging.INFO)
    try:
        for path in (f"/v1/attachments/{digest}/upload?x=1", f"/v1/attachments/{digest}"):
            assert requests.get(f"{server.url}{path}", timeout=10).status_code == 401
        assert requests.get(f"{server.url}/health", timeout=10).status_code == 200
    finally:
        access.removeHandler(keep)
        access.setLevel(level)
    text = "\n".join(lines)
    assert digest not in text
    assert '"GET /v1/attachments/{sha256}/upload?x=1 HTTP/1.1" 401' in text
    assert '"GET /v1/attachments/{sha256} HTTP/1.1" 401' in text
    assert '"GET /health HTTP/1.1" 200' in text  # other routes are logged as they were
