"""The service's name printed on every exported record comes from the service: a laptop's
first sync with a real service on 127.0.0.1 brings the name the council configured
(``CASEBOOK_SERVER_SERVICE_NAME``), the next PDF carries it, and the Settings dialog shows it
without letting the worker change it. Before that sync the PDF prints the general name."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from pytestqt.qtbot import QtBot

from app.exports import service
from app.exports.document import DEFAULT_SERVICE_NAME
from app.settings import Settings
from app.store import Profile, Store
from sync.client import ServiceClient
from sync.engine import run_sync
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf
from tests.server.conftest import PASSWORD, LiveServer, ServerFactory
from ui.exports.pdf import render_pdf
from ui.views.settings_dialog import SettingsDialog

COUNCIL = "Westbury Council Children's Permanency and Kinship Service"


@pytest.fixture(scope="module")
def named_service(server_factory: ServerFactory) -> LiveServer:
    return server_factory("sqlite", service_name=COUNCIL)


@pytest.fixture
def laptop(named_service: LiveServer, tmp_path: Path) -> Iterator[tuple[Store, ServiceClient]]:
    worker = named_service.user("worker", named_service.team())
    profile = Profile.create("laptop", PASSPHRASE, worker=worker, root=tmp_path, kdf=fast_kdf())
    client = ServiceClient(named_service.url)
    client.register_device(username=worker, password=PASSWORD, device_name="Laptop")
    store = profile.unlock(PASSPHRASE)
    yield store, client
    store.lock()
    client.close()


def _pdf_text(store: Store, visit_id: object) -> str:
    rendered = render_pdf(service.visit(store, visit_id))  # type: ignore[arg-type]
    reader = pypdf.PdfReader(io.BytesIO(rendered.data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _settings_name(qtbot: QtBot, store: Store, expected: str) -> SettingsDialog:
    dialog = SettingsDialog(Settings(), store=store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.service_name.text() == expected, timeout=5000)
    return dialog


def test_a_sync_brings_the_services_name_and_the_next_pdf_carries_it(
    qtbot: QtBot, laptop: tuple[Store, ServiceClient]
) -> None:
    store, client = laptop
    with store.write() as session:
        child = factories.child(allocated_worker=store.worker)
        session.add(child)
        session.flush()
        visit = factories.finalised_visit(child.id)
        session.add(visit)

    before = _pdf_text(store, visit.id)
    assert DEFAULT_SERVICE_NAME in before and COUNCIL not in before
    _settings_name(qtbot, store, DEFAULT_SERVICE_NAME)

    summary = run_sync(store, client)
    assert summary.ok, summary.errors

    after = _pdf_text(store, visit.id)
    assert COUNCIL in after
    assert DEFAULT_SERVICE_NAME not in after
    dialog = _settings_name(qtbot, store, COUNCIL)
    assert "Set by your service" in dialog.service_name_note.text()
