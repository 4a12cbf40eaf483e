"""Small named values kept with the data in ``profile_state``: every key the laptop uses, its
type, one read and one write.

They live in the store rather than a settings file so that they are encrypted and commit or
roll back with the work they describe (a pull cursor with the page it stands for). Before
this module the same nine keys were defined in six modules across three layers and written in
six different ways (``session.add``, ``session.merge``, three upserts, an identity-map probe);
a key spelt twice, or a value written as text one way and read another, is now a type error.

Reads and writes are Core statements on the session's connection, built once: a sync sets its
cursor with every batch and page it settles, where an ORM look-up and then a flush were a
visible share of a small sync each time (bench/README.md, "Figures behind the code"). No code
loads ``ProfileState`` as an ORM object, so there is no session copy of a value for these
statements to go stale against.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Select, String, bindparam, delete, literal_column, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from app.models import ProfileState

T = TypeVar("T")


@dataclass(frozen=True)
class Key(Generic[T]):
    """A ``profile_state`` key and how its value is kept as text. ``load`` gives None for
    text it cannot read (a value is never worth failing a sync or a screen over)."""

    name: str
    load: Callable[[str], T | None]
    dump: Callable[[T], str]


def _text(name: str) -> Key[str]:
    return Key(name, lambda raw: raw, lambda value: value)


def _moment(raw: str) -> datetime | None:
    """A moment kept as ISO text; one kept without a zone (older versions) is UTC."""
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _when(name: str) -> Key[datetime]:
    return Key(name, _moment, datetime.isoformat)


# ---- The keys (each written here once; the comment says who keeps it and why)

#: The worker whose profile this is (``app.store.profile``), set when the profile is made.
WORKER = _text("worker")
#: How far this laptop has heard from the service: the feed cursor after the last page or
#: push answer applied ("" while a full re-sync starts again from the beginning).
PULL_CURSOR = _text("pull_cursor")
#: Present while a full re-sync is under way (when it started), so an interrupted one resumes.
FULL_RESYNC = _text("full_resync")
#: The highest outbox seq that may have left the laptop (``app.replica.sent_mark``).
SENT_THROUGH = Key("outbox_sent_through", int, str)
#: When the service's form templates were last checked (``sync.templates``).
TEMPLATES_CHECKED = _text("templates_checked_at")
#: When a sync last finished without errors (the status bar's "last synced").
LAST_SYNC = _when("last_sync_at")
#: The service's tokens for this laptop, JSON (``sync.account``).
CREDENTIALS = _text("service_credentials")
#: Who this laptop is signed in as, JSON (``sync.account``).
ACCOUNT = _text("service_account")
#: The name this laptop last registered under (offered again when signing in again).
DEVICE_NAME = _text("service_device_name")
#: Login id -> display name, JSON, as the service last sent them (``app.people``).
PEOPLE = _text("people")
#: The service's name as printed on exports (``app.service_name``).
SERVICE_NAME = _text("service_name")
#: What the saved deadlines were worked out under (``app.deadlines.cache``).
DEADLINE_FINGERPRINT = _text("deadline_cache_fingerprint")
#: The service's last answers kept for offline pages, JSON: the carer register, the team's
#: overview and its children looked after again, the service's figures and the fostering
#: panel's dates (``sync.register``, ``sync.panels``,
#: ``sync.team``, ``sync.figures``).
CARER_REGISTER = _text("carer_register")
FOSTERING_PANELS = _text("fostering_panels")
#: The service's courses for foster carers, kept to book carers offline (``sync.courses``).
CARER_COURSES = _text("carer_courses")
TEAM_OVERVIEW = _text("team_overview")
TEAM_REENTRIES = _text("team_reentries")
SERVICE_FIGURES = _text("service_figures")


# ---- Read and write

_STATE = ProfileState.__table__
_READ = select(_STATE.c.value).where(_STATE.c.key == bindparam("key"))
#: A value set whether or not it is there yet; an unchanged value writes nothing.
_WRITE = (
    insert(ProfileState)
    .values(key=bindparam("key", type_=String), value=bindparam("value", type_=String))
    .on_conflict_do_update(
        index_elements=["key"],
        set_={"value": literal_column("excluded.value")},
        where=_STATE.c.value.is_distinct_from(literal_column("excluded.value")),
    )
)
_FORGET = delete(ProfileState).where(_STATE.c.key == bindparam("key"))


def get(db: Session | Connection, key: Key[T]) -> T | None:
    """The value kept under ``key``, or None (not kept, or unreadable)."""
    raw = _connection(db).execute(_READ, {"key": key.name}).scalar()
    return key.load(raw) if raw is not None else None


def put(session: Session | Connection, key: Key[T], value: T) -> None:
    """Keep ``value`` under ``key``, in the caller's transaction."""
    _connection(session).execute(_WRITE, {"key": key.name, "value": key.dump(value)})


def forget(session: Session | Connection, key: Key[T]) -> None:
    """Take ``key`` out (a sign-out, a finished re-sync)."""
    _connection(session).execute(_FORGET, {"key": key.name})


def get_many(db: Session | Connection, *keys: Key[str]) -> dict[Key[str], str]:
    """Several text values in one read (a sync's outlook reads three); missing keys are left
    out."""
    by_name = {key.name: key for key in keys}
    found = _connection(db).execute(_read_many(tuple(by_name)))
    return {by_name[name]: value for name, value in found}


@functools.cache
def _read_many(names: tuple[str, ...]) -> Select[Any]:
    """The read of these keys, built once: every sync starts with one, and an expanding
    parameter would be rendered into the statement again at each."""
    return select(_STATE.c.key, _STATE.c.value).where(_STATE.c.key.in_(names))


def _connection(db: Session | Connection) -> Connection:
    return db.connection() if isinstance(db, Session) else db
