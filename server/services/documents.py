"""Form templates and deadline rule tables, served centrally so a service can change them.

They are read from ``resources/forms`` and ``resources/rules`` (or directories named in the
settings). A document's version is its own ``version`` key when it has one; its SHA-256 always
identifies the exact content.
"""

from __future__ import annotations

import hashlib
import json
import threading
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from server.core.errors import ServiceError

KINDS = ("forms", "rules")


@dataclass(frozen=True)
class LoadedDocument:
    name: str
    version: int | str | None
    sha256: str
    format: Literal["toml", "json"]
    content: dict[str, Any]


def _directory(kind: str, override: Path | None) -> Traversable | None:
    if override is not None:
        return override if override.is_dir() else None
    node = resources.files("resources").joinpath(kind)
    return node if node.is_dir() else None


def load_documents(kind: str, override: Path | None) -> list[LoadedDocument]:
    """Every ``*.toml`` and ``*.json`` document of one kind, sorted by name (empty if none).

    Read from disk whenever a file has changed, so a service edits its forms without a
    restart; otherwise the documents read last time are given again. Every laptop asks for the
    list on its first sync of the day, and parsing the forms afresh for each took longer than
    the rest of a quiet sync.
    """
    directory = _directory(kind, override)
    if directory is None:
        return []
    entries = [
        entry
        for entry in sorted(directory.iterdir(), key=lambda node: node.name)
        if entry.is_file() and _suffix(entry.name) in ("toml", "json")
    ]
    if not isinstance(directory, Path):  # inside an archive: read every time
        return _read(kind, entries)
    files = tuple((entry.name, _stamp(entry)) for entry in entries)
    place = (kind, str(directory))
    with _READ_LOCK:
        known = _READ.get(place)
        if known is not None and known[0] == files:
            return list(known[1])
        documents = _read(kind, entries)
        _READ[place] = (files, tuple(documents))
        return documents


#: A directory's documents as last read: each file's name, modification time and size, then
#: what was read from them.
_Files = tuple[tuple[str, tuple[int, int]], ...]
_READ: dict[tuple[str, str], tuple[_Files, tuple[LoadedDocument, ...]]] = {}
_READ_LOCK = threading.Lock()


def _suffix(name: str) -> str:
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _stamp(entry: Traversable) -> tuple[int, int]:
    assert isinstance(entry, Path)
    stat = entry.stat()
    return stat.st_mtime_ns, stat.st_size


def _read(kind: str, entries: list[Traversable]) -> list[LoadedDocument]:
    documents = []
    for entry in entries:
        suffix = _suffix(entry.name)
        raw = entry.read_bytes()
        try:
            content = tomllib.loads(raw.decode()) if suffix == "toml" else json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ServiceError(
                500, "bad_document", f"The {kind} file {entry.name} cannot be read: {exc}"
            ) from exc
        if not isinstance(content, dict):
            raise ServiceError(500, "bad_document", f"The {kind} file {entry.name} is not a table.")
        version = content.get("version")
        documents.append(
            LoadedDocument(
                name=entry.name.rsplit(".", 1)[0],
                version=version if isinstance(version, int | str) else None,
                sha256=hashlib.sha256(raw).hexdigest(),
                format="toml" if suffix == "toml" else "json",
                content=content,
            )
        )
    return documents


def find_document(kind: str, override: Path | None, name: str) -> LoadedDocument:
    for document in load_documents(kind, override):
        if document.name == name:
            return document
    what = "form template" if kind == "forms" else "rule table"
    raise ServiceError(404, "not_found", f"No {what} called {name!r} on this server.")
