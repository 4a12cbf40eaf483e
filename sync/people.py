"""Fetching the names behind the login ids on this laptop's records (``GET /v1/people``) at the
sync's hourly check, beside the form templates (``sync.templates``): a renamed account, or a
new colleague whose sign-off has just arrived, reads by name within the hour. The service's own
name, printed on exported records, comes at the same check (``GET /v1/service``)."""

from __future__ import annotations

import logging

from app import people, service_name
from app.store import Store
from sync.client import ServiceClient, ServiceRefused
from sync.retry import Attempt

log = logging.getLogger(__name__)


def fetch_people(store: Store, client: ServiceClient, attempt: Attempt) -> int:
    """Store the service's names; returns how many. A service too old to have the list
    (404) leaves the ids as they are shown today rather than failing the sync."""
    try:
        answer = attempt(client.people)
    except ServiceRefused as exc:
        if exc.status == 404:
            log.info("the service has no list of people")
            return 0
        raise
    names = {p.username: p.display_name for p in answer.people}
    with store.write(remote=True) as session:
        people.save(session, names)
    return len(names)


def fetch_service_name(store: Store, client: ServiceClient, attempt: Attempt) -> str:
    """Store the service's name for exported records (``app.service_name``); returns it. A
    service too old to say (404) leaves whatever name the laptop has, or none."""
    try:
        answer = attempt(client.service_identity)
    except ServiceRefused as exc:
        if exc.status == 404:
            log.info("the service does not say its name")
            return ""
        raise
    with store.write(remote=True) as session:
        service_name.save(session, answer.name)
    return answer.name
