"""Engines, sessions and the schema version check.

SQLite (the embedded default) runs in WAL mode with foreign keys on; write transactions start
with ``BEGIN IMMEDIATE`` so two writers never both read a record and then race to update it —
the second waits for the first instead of failing at commit. PostgreSQL runs at READ COMMITTED;
its writers take row locks (see :mod:`server.services.sync`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Transient failures a write transaction retries: deadlocks, serialisation failures, a busy
#: SQLite file, and unique-key races (two resends of one change arriving together).
_RETRYABLE_SQLSTATES = {"40001", "40P01", "23505"}


class SchemaOutOfDate(RuntimeError):
    """The database is not at the schema this server needs; ``casebook-server migrate`` fixes it."""


def alembic_config(url: str) -> Config:
    """An Alembic configuration for the server's own migrations, with no ini file needed."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "alembic"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _json_dumps(value: Any) -> str:
    """JSON columns are written on every push (fields, history, results, audit): orjson is
    several times faster than the standard library here, and its output is equally valid."""
    return orjson.dumps(value).decode()


def make_engine(url: str) -> Engine:
    """Create an engine configured for the server's workload on SQLite or PostgreSQL."""
    json_options: dict[str, Any] = {
        "json_serializer": _json_dumps,
        "json_deserializer": orjson.loads,
    }
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 60, "check_same_thread": False},
            pool_size=20,
            max_overflow=40,
            **json_options,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url, pool_size=10, max_overflow=30, pool_pre_ping=True, pool_timeout=60, **json_options
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself, so writers can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a push the server acknowledged must survive a power cut, or the laptop forgets it.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


@dataclass
class Database:
    """One database: an engine plus read and write session factories."""

    engine: Engine

    def __post_init__(self) -> None:
        # SQLite has one writer at a time. Queue this process's writers on a lock rather than
        # on the file lock: SQLite's busy handler polls with sleeps of up to 100 ms, so under
        # load a waiting writer sleeps through many chances to go. (The file lock still guards
        # against other processes, such as the admin CLI.)
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; anything it writes (audit rows) is committed on success."""
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one write transaction, committed on success, rolled back on error."""
        if self._write_lock is None:
            with self._write() as session, session.begin():
                yield session
            return
        with self._write_lock, self._write() as session, session.begin():
            yield session

    def run_write(self, fn: Callable[[Session], T], *, attempts: int = 8) -> T:
        """Run ``fn`` in a write transaction, retrying transient conflicts from scratch.

        Safe because every write the server makes is idempotent at this level: a retry re-reads
        the state (including stored change results) and decides again.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return fn(session)
            except (OperationalError, IntegrityError, DBAPIError) as exc:
                if attempt == attempts or not _is_retryable(exc):
                    raise
                logger.info("retrying a write transaction after %s", type(exc.orig).__name__)
                time.sleep(0.005 * attempt)
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()


def _is_retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _RETRYABLE_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "unique constraint failed" in message


def open_database(url: str) -> Database:
    return Database(make_engine(url))


def schema_heads(url: str) -> tuple[set[str], set[str]]:
    """(revisions the database is at, revisions this server's code expects)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return current, set(script.get_heads())


def check_schema(url: str) -> None:
    """Raise :class:`SchemaOutOfDate` unless the database is at the code's migration head."""
    current, expected = schema_heads(url)
    if current != expected:
        at = ", ".join(sorted(current)) or "empty"
        raise SchemaOutOfDate(
            f"The database schema is out of date (at {at}, this server needs "
            f"{', '.join(sorted(expected))}). Run `casebook-server migrate` first."
        )


def migrate(url: str, revision: str = "head") -> None:
    """Apply the server's Alembic migrations up to ``revision``."""
    make_engine(url).dispose()  # creates the SQLite file's directory if needed
    command.upgrade(alembic_config(url), revision)
