"""Every form template version this laptop knows: the ones shipped with the app in
``resources/forms/*.toml``, and the ones fetched from the central service (kept in the local
``form_template`` table, ``app.models.FetchedTemplate``).

Why both, and why nothing is ever forgotten: an assessment is stored with the template id and
version it was made with, and must open with exactly that form for as long as the record
exists, offline, after the service has published newer versions and after the app has been
upgraded. So the registry only ever adds versions.

Why a shipped copy wins over a fetched one of the same ``(id, version)``: a version number is
fixed once published; the service raises it for every change. If the service ever sends
different content under a version the app shipped with, that is a slip on the service's side,
and records on this laptop may already have been made with the shipped form, so switching
would quietly change the questions under them. The shipped copy is kept and a warning logged
(template id and version only: templates hold no case data, and log lines never do). For the
same reason, between two fetched copies of one version, the first fetched is kept.
"""

from __future__ import annotations

import hashlib
import logging
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import codes
from app.forms.template import FormTemplate, Subject, TemplateError, parse_template
from app.models import FetchedTemplate

log = logging.getLogger(__name__)

#: Where shipped templates live, under the ``resources`` package.
FORMS_FOLDER = "forms"


class TemplateNotFound(LookupError):
    """The laptop does not hold this template version (the message says what to do)."""


@dataclass(frozen=True)
class Shipped:
    """A shipped template with the SHA-256 of its file, as the service would report it when
    it serves the same file (so sync never fetches what the app already has)."""

    template: FormTemplate
    sha256: str


def bundled() -> list[FormTemplate]:
    """Every template version shipped with the app, ordered by id then version."""
    return [shipped.template for shipped in _shipped()]


@cache
def bundled_hashes() -> frozenset[str]:
    """The SHA-256 of each shipped template file. Hashed from the files alone: a sync asks for
    these to know what not to fetch, and parsing every template to learn them (what
    ``bundled`` does, once per process) was a noticeable part of the first sync (bench/
    README.md, "Figures behind the code")."""
    return frozenset(hashlib.sha256(entry.read_bytes()).hexdigest() for entry in _shipped_files())


def get(session: Session, template_id: str, version: int) -> FormTemplate:
    """The exact version a record was made with."""
    shipped = _shipped_by_key().get((template_id, version))
    if shipped is not None:
        return shipped
    row = session.scalars(
        select(FetchedTemplate)
        .where(FetchedTemplate.template_id == template_id, FetchedTemplate.version == version)
        .order_by(FetchedTemplate.fetched_at, FetchedTemplate.sha256)
        .limit(1)
    ).first()
    template = _parsed(row) if row is not None else None
    if template is None:
        raise TemplateNotFound(
            f"Version {version} of the form {template_id!r} is not on this laptop. Sync to "
            "fetch the service's latest forms, then open the record again."
        )
    return template


def latest(session: Session, template_id: str) -> FormTemplate:
    """The newest version of one template this laptop holds."""
    versions = [t for t in _all(session) if t.id == template_id]
    if not versions:
        raise TemplateNotFound(
            f"There is no form called {template_id!r} on this laptop. Sync to fetch the "
            "service's latest forms."
        )
    return max(versions, key=lambda t: t.version)


def available(session: Session, subject: Subject) -> list[FormTemplate]:
    """The newest version of each template about ``subject`` (a child or a household), by
    title: what a worker may start a new assessment with.

    A form whose ``kind`` this version of the app does not know (the service published a new
    kind of assessment, whose code arrives with the next release) is not offered: an
    assessment of an unknown kind could not be saved."""
    kinds = codes.code_list("assessment_kind")
    newest: dict[str, FormTemplate] = {}
    for template in _all(session):
        if template.subject != subject or template.kind not in kinds:
            continue
        held = newest.get(template.id)
        if held is None or template.version > held.version:
            newest[template.id] = template
    return sorted(newest.values(), key=lambda t: (t.title.casefold(), t.id))


def held_hashes(session: Session) -> set[str]:
    """The SHA-256 of every template document this laptop holds, shipped or fetched."""
    return set(bundled_hashes()) | set(session.scalars(select(FetchedTemplate.sha256)))


def store_fetched(session: Session, content: dict[str, Any], sha256: str) -> FormTemplate:
    """Keep a template document fetched from the service, and return the version that will be
    used for its ``(id, version)`` (which is an earlier copy if one is held; see the module
    docstring). Raises ``TemplateError`` if the document is not a valid template; nothing is
    stored then, so the next sync tries again (the service may have fixed it)."""
    template = parse_template(content)
    if session.get(FetchedTemplate, sha256) is None:
        session.add(
            FetchedTemplate(
                sha256=sha256, template_id=template.id, version=template.version, content=content
            )
        )
        session.flush()
    used = get(session, template.id, template.version)
    if used != template:
        log.warning(
            "the service sent different content for form %s version %d; keeping the copy "
            "this laptop already had (a published version must not change)",
            template.id,
            template.version,
        )
    return used


# ---- Private API


def _all(session: Session) -> list[FormTemplate]:
    """Every version held, with the shipped copy standing for any version it shares."""
    found = {template.key: template for template in bundled()}
    rows = session.execute(
        select(FetchedTemplate.template_id, FetchedTemplate.version).distinct()
    ).all()
    for template_id, version in rows:
        if (template_id, version) not in found:
            try:
                found[(template_id, version)] = get(session, template_id, version)
            except TemplateNotFound:
                continue
    return list(found.values())


_PARSED: dict[str, FormTemplate | None] = {}


def _parsed(row: FetchedTemplate) -> FormTemplate | None:
    """Parse a fetched document once per process (keyed by its hash, so never stale). One this
    version of the app cannot read (a stricter parser after an upgrade) counts as not held."""
    if row.sha256 not in _PARSED:
        try:
            _PARSED[row.sha256] = parse_template(row.content)
        except TemplateError as exc:
            log.warning(
                "a stored copy of form %s version %d cannot be read: %s",
                row.template_id,
                row.version,
                exc,
            )
            _PARSED[row.sha256] = None
    return _PARSED[row.sha256]


@cache
def _shipped() -> tuple[Shipped, ...]:
    """Read and check every shipped template once per process. A malformed shipped template is
    a defect of the release, found by the tests and by ``--self-test``: it raises."""
    found: list[Shipped] = []
    for entry in _shipped_files():
        raw = entry.read_bytes()
        try:
            template = parse_template(tomllib.loads(raw.decode("utf-8")))
        except (TemplateError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise TemplateError(f"resources/forms/{entry.name}: {exc}") from exc
        found.append(Shipped(template, hashlib.sha256(raw).hexdigest()))
    keys = [shipped.template.key for shipped in found]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise TemplateError(f"resources/forms: more than one file holds {sorted(duplicates)}.")
    return tuple(sorted(found, key=lambda shipped: shipped.template.key))


def _shipped_files() -> list[Traversable]:
    folder = resources.files("resources").joinpath(FORMS_FOLDER)
    return sorted(
        (entry for entry in folder.iterdir() if entry.is_file() and entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )


@cache
def _shipped_by_key() -> dict[tuple[str, int], FormTemplate]:
    return {shipped.template.key: shipped.template for shipped in _shipped()}
