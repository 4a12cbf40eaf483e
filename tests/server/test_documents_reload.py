"""The service's forms and rule tables change on disk without a restart: an edited, added or
removed file is served as it now is, while unchanged files are not read again."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from server.core.config import Settings
from server.core.errors import ServiceError
from server.db import migrate
from server.main import create_app
from server.services import documents


def _names_and_versions(folder: Path) -> list[tuple[str, object]]:
    return [(d.name, d.version) for d in documents.load_documents("forms", folder)]


def test_edits_additions_and_removals_are_served_at_once(tmp_path: Path) -> None:
    form = tmp_path / "visit.toml"
    form.write_text('version = 1\ntitle = "Visit"\n')
    assert _names_and_versions(tmp_path) == [("visit", 1)]

    form.write_text('version = 2\ntitle = "Visit (revised)"\n')
    # Even an edit that keeps the size and lands in the same clock tick is seen: the time is
    # set apart here because some filesystems keep coarse modification times.
    stat = form.stat()
    os.utime(form, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    (tmp_path / "review.json").write_text('{"version": "2026-1"}')
    assert _names_and_versions(tmp_path) == [("review", "2026-1"), ("visit", 2)]

    form.unlink()
    assert _names_and_versions(tmp_path) == [("review", "2026-1")]


def test_unchanged_files_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "visit.toml").write_text("version = 1\n")
    first = documents.load_documents("forms", tmp_path)
    reads: list[str] = []
    real = Path.read_bytes

    def counted(path: Path) -> bytes:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    assert documents.load_documents("forms", tmp_path) == first
    assert reads == []


def test_a_broken_file_is_reported_every_time_until_fixed(tmp_path: Path) -> None:
    form = tmp_path / "visit.toml"
    form.write_text("version = \n")
    for _ in range(2):
        with pytest.raises(ServiceError, match="cannot be read"):
            documents.load_documents("forms", tmp_path)
    form.write_text("version = 3\n")
    assert _names_and_versions(tmp_path) == [("visit", 3)]


def test_a_broken_file_does_not_stop_the_service_starting_and_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "visit.toml").write_text("version = \n")
    url = f"sqlite:///{tmp_path / 'server.db'}"
    migrate(url)
    app = create_app(Settings(database_url=url, forms_dir=forms, purge_interval_seconds=0))

    async def start_and_stop() -> None:
        async with app.router.lifespan_context(app):
            pass

    with caplog.at_level("ERROR"):
        asyncio.run(start_and_stop())
    assert "visit.toml cannot be read" in caplog.text
