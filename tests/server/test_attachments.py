"""Attachments: resumable chunked upload, hash verification, dedup, limits and scope."""

from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any

import pytest

from tests.server.conftest import Client, LiveServer, ServerFactory, backends
from tests.server.helpers import new_child, upsert


def _attach(client: Client, child_id: uuid.UUID, data: bytes, **overrides: Any) -> dict[str, Any]:
    fields = {
        "target_type": "child",
        "target_id": str(child_id),
        "filename": "scan.pdf",
        "media_type": "application/pdf",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "child_id": str(child_id),
    }
    fields.update(overrides)
    [result] = client.push(upsert("attachment", uuid.uuid4(), fields))
    return dict(result)


def _put(client: Client, sha: str, offset: int, data: bytes) -> Any:
    return client.put(
        f"/v1/attachments/{sha}/upload",
        params={"offset": offset},
        data=data,
        headers={**client.headers, "Content-Type": "application/octet-stream"},
    )


def test_upload_resumes_after_an_interruption_and_downloads_intact(server: LiveServer) -> None:
    """Chunks append at the server's offset; a wrong offset says where to resume; the finished
    file downloads byte for byte."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    assert _attach(client, child_id, data)["status"] == "applied"
    assert _put(client, sha, 0, data[:100_000]).json()["received"] == 100_000
    # The laptop lost its connection and does not know what arrived: it asks.
    status = client.get(f"/v1/attachments/{sha}/upload").json()
    assert status == {
        "sha256": sha,
        "size": 300_000,
        "received": 100_000,
        "complete": False,
        "max_chunk_bytes": server.settings.max_chunk_bytes,
    }
    head = client.http.head(f"{server.url}/v1/attachments/{sha}/upload", headers=client.headers)
    assert head.headers["Upload-Offset"] == "100000"
    wrong = _put(client, sha, 0, data[:100_000])
    assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == "100000"
    assert _put(client, sha, 100_000, data[100_000:200_000]).status_code == 200
    done = _put(client, sha, 200_000, data[200_000:])
    assert done.json()["complete"] is True
    download = client.get(f"/v1/attachments/{sha}")
    assert download.status_code == 200 and download.content == data


def test_a_file_that_does_not_match_its_hash_is_discarded(server: LiveServer) -> None:
    """When the bytes do not hash to the name, the upload is refused and starts again at 0."""
    client = server.client(server.user("worker", server.team()))
    child_id, _ = new_child(client)
    data = b"genuine contents" * 100
    sha = hashlib.sha256(data).hexdigest()
    _attach(client, child_id, data)
    bad = _put(client, sha, 0, b"X" * len(data))
    assert bad.status_code == 422 and bad.json()["code"] == "hash_mismatch"
    assert client.get(f"/v1/attachments/{sha}/upload").json()["received"] == 0
    assert client.get(f"/v1/attachments/{sha}").status_code == 404


def test_identical_files_are_stored_once(server: LiveServer) -> None:
    """A second worker attaching the same bytes finds the upload already complete."""
    team = server.team()
    first = server.client(server.user("worker", team))
    second = server.client(server.user("worker", team))
    data = os.urandom(5000)
    sha = hashlib.sha256(data).hexdigest()
    _attach(first, new_child(first)[0], data)
    _put(first, sha, 0, data)
    _attach(second, new_child(second)[0], data)
    assert second.get(f"/v1/attachments/{sha}/upload").json()["complete"] is True
    assert second.get(f"/v1/attachments/{sha}").content == data


def test_attachments_outside_the_caseload_are_404(server: LiveServer) -> None:
    """Another worker cannot probe, upload or download a file by its hash."""
    owner = server.client(server.user("worker", server.team()))
    data = os.urandom(1000)
    sha = hashlib.sha256(data).hexdigest()
    _attach(owner, new_child(owner)[0], data)
    _put(owner, sha, 0, data)
    stranger = server.client(server.user("worker", server.team()))
    assert stranger.get(f"/v1/attachments/{sha}").status_code == 404
    assert stranger.get(f"/v1/attachments/{sha}/upload").status_code == 404
    assert _put(stranger, sha, 0, data).status_code == 404


@pytest.mark.parametrize("backend", backends())
def test_size_limits_are_explained(server_factory: ServerFactory, backend: str) -> None:
    """Too-large attachments are rejected at push; oversized chunks and bodies answer 413."""
    live = server_factory(
        backend, max_attachment_bytes=10_000, max_chunk_bytes=2048, max_body_bytes=4096
    )
    client = live.client(live.user("worker", live.team()))
    child_id, _ = new_child(client)
    huge = _attach(client, child_id, b"", size=20_000, sha256="a" * 64)
    assert huge["status"] == "rejected" and huge["field"] == "size"
    data = os.urandom(3000)
    _attach(client, child_id, data)
    sha = hashlib.sha256(data).hexdigest()
    chunk = _put(client, sha, 0, data)
    assert chunk.status_code == 413 and chunk.json()["code"] == "chunk_too_large"
    body = _put(client, sha, 0, os.urandom(5000))
    assert body.status_code == 413 and body.json()["code"] == "body_too_large"
    bad_hash = _attach(client, child_id, data, sha256="not-a-hash")
    assert bad_hash["status"] == "rejected" and bad_hash["field"] == "sha256"
