"""Fetching the service's form templates during a sync.

A service publishes a new version of an assessment form by placing it on the central service
(``GET /v1/templates``); each laptop fetches it at a sync within the hour, so workers can start
assessments with it offline the next day, and records made with it open on every laptop.

Why at most hourly: see ``CHECK_INTERVAL``. Why by SHA-256: the listing names each document
with the hash of its exact content, so a sync fetches only documents this laptop does not hold
(the app's own shipped templates count as held), and a check costs one small request.

Why a bad template never stops a sync: a template is written by a person at the service, and a
slip in one must not keep a worker's visits from being sent. It is skipped, the worker's sync
summary says so in plain words (so they can tell the service desk), and nothing is stored, so
the next check tries again and picks up the corrected document.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app import clock
from app.forms import registry
from app.forms.registry import TemplateNotFound
from app.forms.template import TemplateError
from app.replica import records, state
from app.store import Store
from sync.client import ServiceClient, ServiceRefused
from sync.retry import Attempt

log = logging.getLogger(__name__)

#: How often a sync asks the service for new forms. Services publish a new form version a few
#: times a year, while a quiet sync should stay a single round trip (``../shared/PERF.md``):
#: once an hour is plenty, and a laptop's first sync always asks.
CHECK_INTERVAL = timedelta(hours=1)
T = TypeVar("T")


class _Document(BaseModel):
    """The parts of the service's document answers this laptop uses (extra keys allowed, so
    the service may add some without breaking older laptops)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(max_length=200)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: Literal["toml", "json"]


class _Listing(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    documents: list[_Document] = Field(default_factory=list)


class _FullDocument(_Document):
    content: dict[str, Any]


def fetch_templates(
    store: Store, client: ServiceClient, attempt: Attempt, *, force: bool = False
) -> tuple[int, list[str]]:
    """Fetch and keep every template the service lists that this laptop does not hold.
    ``force``: even if the last check was recent (a record has arrived naming a form version
    this laptop lacks, ``missing_versions``).

    Returns how many were stored and the problems to tell the worker. ``ServiceUnavailable``
    and ``ServiceRefused`` propagate (the sync reports those itself), except that a template
    withdrawn between the listing and its fetch is simply skipped.
    """
    now = clock.utcnow()
    with store.read() as session:
        last = state.get(session, state.TEMPLATES_CHECKED)
        if not force and not check_due(last):
            return 0, []
    try:
        listing = _read(_Listing, attempt(client.templates))
    except _Unreadable:
        return 0, [
            "The service's list of forms could not be read, so no new forms were fetched. "
            "This does not affect your other work; Casebook will try again next sync."
        ]
    with store.read() as session:
        held = registry.held_hashes(session)
    stored, problems = 0, []
    for summary in listing.documents:
        if summary.sha256 in held:
            continue
        try:
            document = _read(_FullDocument, attempt(partial(client.template, summary.name)))
        except ServiceRefused as exc:
            if exc.status == 404:
                continue
            raise
        except _Unreadable:
            problems.append(_bad(summary.name, "the service's answer could not be read"))
            continue
        if document.sha256 != summary.sha256:
            # Changed on the service between the listing and the fetch: the next sync gets it.
            continue
        try:
            with store.write(remote=True) as session:
                registry.store_fetched(session, document.content, document.sha256)
        except TemplateError as exc:
            log.warning("form template %s from the service is not valid: %s", summary.name, exc)
            problems.append(_bad(summary.name, str(exc)))
            continue
        held.add(document.sha256)
        stored += 1
    with store.write(remote=True) as session:
        state.put(session, state.TEMPLATES_CHECKED, now.isoformat())
    return stored, problems


# ---- Private API


class _Unreadable(Exception):
    pass


def missing_versions(store: Store) -> list[tuple[str, int]]:
    """Form versions that assessments on this laptop were made with but the laptop does not
    hold (a colleague's assessment on a version published since the last check): the sync
    that brought them fetches the forms at once, so the record opens."""
    with store.read() as session:
        used = records.form_versions_used(session)
        missing = []
        for template_id, version in used:
            try:
                registry.get(session, template_id, version)
            except TemplateNotFound:
                missing.append((template_id, version))
    return missing


def check_due(checked_at: str | None) -> bool:
    """Whether a sync should ask the service for its forms, given the stored time of the last
    check (``app.replica.state.TEMPLATES_CHECKED``; None if never): lets a sync that has read it
    already skip ``fetch_templates`` without another read."""
    return checked_at is None or not _recent(checked_at, clock.utcnow())


def _recent(value: str, now: datetime) -> bool:
    try:
        checked = datetime.fromisoformat(value)
    except ValueError:
        return False
    return timedelta(0) <= now - checked < CHECK_INTERVAL


M = TypeVar("M", bound=BaseModel)


def _read(model: type[M], data: object) -> M:
    try:
        return model.model_validate(data)
    except ValidationError:
        raise _Unreadable from None


def _bad(name: str, detail: str) -> str:
    return (
        f"The service's form {name!r} has a mistake and was not added to this laptop "
        f"({detail}). This does not affect your other work; please tell your service desk."
    )
