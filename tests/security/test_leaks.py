"""Leak checks: what a worker types never reaches a file in the clear, a log, or the temp folder.

One whole session goes through the code the app runs: sign in to the live service
(``sync.account.connect``), create the profile, record a child and a visit, attach a file, sync
the way the sync controller does (``ui.sync_controller.sync_once``), pull everything onto a second
laptop of the same worker (attachment download included), send the service bad input carrying a
marker (an invalid visit, broken JSON), then lock both. Logging is set up by the app's own
``ui.main.setup_logging`` (the rotating file under the data folder) with the root level lowered
to DEBUG, stricter than production's INFO; the server's loggers, uvicorn's access log included,
run at INFO as ``casebook-server serve`` does.

Afterwards every file under the data folder (profiles, settings, logs) and the temp folder is
searched for each marker in UTF-8 and UTF-16-LE, and for the device's tokens; every log record
either side wrote is searched too. Nothing may be found. (There is no export yet; when there is,
its output is the one place a marker may appear.)
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from app import clock
from app import settings as app_settings
from app.models import Attachment, Child
from app.services import attachments, visits
from app.store import Profile
from app.store.paths import data_root
from sync import account
from sync.engine import RetryPolicy
from tests.conftest import PASSPHRASE, fast_kdf
from tests.server.conftest import PASSWORD, LiveServer
from tests.server.helpers import upsert, visit_fields
from ui import main as ui_main
from ui.sync_controller import sync_once

FAST = RetryPolicy(attempts=2, first_delay=0.01, max_delay=0.02)


class Capture(logging.Handler):
    """Every record, formatted with its traceback, as the file handler would write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured_logs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[Capture, Path]]:
    """The app's production logging (fresh, under this test's data folder), a private temp
    folder, the server's loggers at INFO, and a handler that sees every record."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(ui_main, "_logging_ready", False)
    root = logging.getLogger()
    before_handlers, before_level = list(root.handlers), root.level
    ui_main.setup_logging()
    root.setLevel(logging.DEBUG)
    capture = Capture()
    root.addHandler(capture)
    server_loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    levels = [logger.level for logger in server_loggers]
    for logger in server_loggers:
        logger.setLevel(logging.INFO)
        if not logger.propagate:
            logger.addHandler(capture)
    try:
        yield capture, temp
    finally:
        for logger, level in zip(server_loggers, levels, strict=True):
            logger.setLevel(level)
            logger.removeHandler(capture)
        for handler in root.handlers[:]:
            if handler not in before_handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(before_level)


def _needles(secrets: dict[str, str]) -> dict[str, list[bytes]]:
    return {
        label: [value.encode("utf-8"), value.encode("utf-16-le")]
        for label, value in secrets.items()
    }


def _found_in_files(folders: list[Path], secrets: dict[str, str]) -> list[str]:
    needles = _needles(secrets)
    found = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            for label, forms in needles.items():
                if any(form in data for form in forms):
                    found.append(f"{label} in {path}")
    return found


def test_a_whole_session_leaves_no_case_text_or_token_outside_the_encrypted_store(
    server: LiveServer, captured_logs: tuple[Capture, Path], tmp_path: Path
) -> None:
    """Markers typed into a child, a visit and an attached file (name and content), and the
    device's tokens, appear in no file under the data and temp folders and in no log line."""
    capture, temp = captured_logs
    tag = uuid.uuid4().hex[:10]
    markers = {
        "child name": f"Quillonia{tag}",
        "family name": f"Brackwater{tag}é",
        "observations": f"observed-{tag}-the kitchen had no food",
        "wishes": f"wishes-{tag}-Ünïcode wants to see her brother",
        "file content": f"attached-{tag}-scan of the court order",
        "file name": f"courtorder{tag}",
        "bad input": f"DROP TABLE visits; -- {tag}",
    }
    worker = server.user("worker", server.team())
    settings = app_settings.Settings(service_url=server.url)

    # First run: sign in to the service, then make the profile and keep the tokens in it.
    connection = account.connect(
        settings, username=worker, password=PASSWORD, device_name="Leak laptop"
    )
    profile = Profile.create("leaky", PASSPHRASE, worker=worker, kdf=fast_kdf())
    app_settings.save(profile.path, settings)
    store = profile.unlock(PASSPHRASE)
    account.remember(store, connection)

    # Record a child and a visit, and attach a file the worker picked from their documents.
    with store.write() as session:
        child = Child(
            given_name=markers["child name"],
            family_name=markers["family name"],
            date_of_birth=clock.today() - timedelta(days=3000),
            sex="F",
            allocated_worker=worker,
        )
        session.add(child)
        session.flush()
        child_id = child.id
    visit_id = uuid.uuid4()
    visits.save_draft(
        store,
        visit_id=visit_id,
        child_id=child_id,
        values=visits.VisitFields(
            visit_date=clock.today() - timedelta(days=1),
            who_was_seen="Child and carer",
            seen_alone=True,
            observations=markers["observations"],
            wishes_and_feelings=markers["wishes"],
        ),
    )
    documents = tmp_path / "Documents"  # the worker's own folder: not Casebook's to police
    documents.mkdir()
    picked = documents / f"{markers['file name']}.pdf"
    picked.write_bytes(b"%PDF-1.4\n" + markers["file content"].encode() * 50)
    visits.attach_file(store, visit_id=visit_id, path=picked)

    outcome = sync_once(store, settings, lambda _p: None, lambda: False, retry=FAST)
    assert outcome.summary.ok, outcome.summary.errors
    assert outcome.summary.sent >= 3

    # The same worker's second laptop receives everything, the file's bytes included.
    second_connection = account.connect(
        settings, username=worker, password=PASSWORD, device_name="Second laptop"
    )
    second = Profile.create("second", PASSPHRASE, worker=worker, kdf=fast_kdf())
    app_settings.save(second.path, settings)
    second_store = second.unlock(PASSPHRASE)
    account.remember(second_store, second_connection)
    received = sync_once(second_store, settings, lambda _p: None, lambda: False, retry=FAST)
    assert received.summary.ok, received.summary.errors
    assert visits.load(second_store, visit_id=visit_id).attachments, "the file did not arrive"

    with second_store.read() as session:
        [attached] = session.scalars(select(Attachment)).all()
        assert markers["file content"].encode() in attachments.content_of(session, attached)

    tokens: dict[str, str] = {}
    for label, laptop in (("first", store), ("second", second_store)):
        signed_in = account.client_for(laptop, settings)  # the tokens as stored now
        assert signed_in is not None and signed_in.credentials is not None
        tokens[f"{label} access token"] = signed_in.credentials.access_token
        tokens[f"{label} refresh token"] = signed_in.credentials.refresh_token
        signed_in.close()
    tokens["first sign-in refresh token"] = connection.credentials.refresh_token

    # Bad input carrying a marker: refused, and the refusal is not logged with the input.
    bearer = {"Authorization": f"Bearer {tokens['first access token']}"}
    bad = visit_fields(child_id, visit_date=markers["bad input"], observations=markers["bad input"])
    pushed = requests.post(
        f"{server.url}/v1/sync/push",
        json={"changes": [upsert("visit", uuid.uuid4(), bad)]},
        headers=bearer,
        timeout=30,
    )
    assert pushed.status_code in (200, 422)
    broken = requests.post(
        f"{server.url}/v1/sync/push",
        data=b'{"changes": [' + markers["bad input"].encode(),
        headers={**bearer, "Content-Type": "application/json"},
        timeout=30,
    )
    assert broken.status_code == 422
    second_store.lock()
    store.lock()

    log_file = data_root() / "logs" / "casebook.log"
    assert log_file.is_file() and capture.lines, "logging was not live during the session"
    secrets = {**markers, **tokens}
    leaks = _found_in_files([data_root(), temp], secrets)
    for line in capture.lines:
        leaks += [
            f"{label} in log line {line[:120]!r}" for label, v in secrets.items() if v in line
        ]
    assert any("uvicorn.access" in line for line in capture.lines), "server log not captured"
    assert not leaks, "\n".join(leaks)
    # And the scan can see a marker when one is there: the worker's own file holds one.
    assert _found_in_files([documents], {"file content": markers["file content"]})
