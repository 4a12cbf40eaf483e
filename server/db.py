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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Dialect, Engine, Insert, Update, create_engine, event
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


@dataclass(frozen=True)
class _Compiled:
    """A statement compiled for one set of keys: its SQL, parameter order and converters."""

    sql: str
    names: list[str]
    processors: list[Callable[[Any], Any] | None]
    positional: bool


#: Compiled statements by (SQLAlchemy's cache key, dialect and driver, keys): every push runs
#: the same four or five, and compiling each again was a noticeable part of a small push.
#: Bounded, though the statements the service builds are a handful.
_COMPILED: dict[tuple[Any, ...], _Compiled] = {}
_COMPILED_MOST = 256


def _compiled(statement: Insert | Update, dialect: Dialect, keys: list[str]) -> _Compiled:
    cache_key = statement._generate_cache_key()
    key = None
    if cache_key is not None:
        # The driver and its parameter style change the SQL text for the same dialect.
        key = (cache_key.key, dialect.name, dialect.driver, dialect.paramstyle, tuple(keys))
    found = _COMPILED.get(key) if key is not None else None
    if found is not None:
        return found
    compiled = statement.compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
    if sorted(names) != sorted(keys) or compiled.escaped_bind_names:
        raise ValueError(f"execute_many needs one plain parameter per key, got {names}")
    made = _Compiled(
        compiled.string,
        names,
        [compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names],
        bool(compiled.positional),
    )
    if key is not None:
        if len(_COMPILED) >= _COMPILED_MOST:
            _COMPILED.clear()
        _COMPILED[key] = made
    return made


def execute_many(
    session: Session, statement: Insert | Update, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Run a Core INSERT or UPDATE once per row, as one ``executemany`` in ``session``.

    What ``session.execute(statement, rows)`` does, without its per-row parameter handling,
    which for the thousand records, versions and results of one push cost about as much again
    as converting the values themselves: the statement is compiled once (and kept), and each
    parameter's bind processor (the very one SQLAlchemy applies: ids as hex on SQLite, aware
    datetimes as naive UTC, JSON through the engine's serialiser) is applied a column at a
    time. Every row must give every parameter, by the same keys; nothing is filled in from
    column defaults.
    """
    if not rows:
        return
    connection = session.connection()
    compiled = _compiled(statement, connection.dialect, list(rows[0]))
    columns = []
    for name, process in zip(compiled.names, compiled.processors, strict=True):
        values = [row[name] for row in rows]
        columns.append(values if process is None else [process(value) for value in values])
    parameters: list[Any] = (
        list(zip(*columns, strict=True))
        if compiled.positional
        else [
            dict(zip(compiled.names, values, strict=True)) for values in zip(*columns, strict=True)
        ]
    )
    connection.exec_driver_sql(compiled.sql, parameters)


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


#: SQLite's page cache for a write transaction, in KiB (its default is 2 MB). A push of a
#: thousand records touches many more pages than that (new rows, history, results, and the index
#: pages they land on), so with the default SQLite read the same pages from the file again and
#: again within one transaction: measured, this took two thirds of its time in a push away.
#: Only a connection in a write transaction has it (one at a time: writers queue, see
#: ``Database``); it is given back when the connection returns to the pool.
WRITE_CACHE_KIB = 65536


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself, so writers can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a push the server acknowledged must survive a power cut, or the laptop forgets it.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=60000")
        # Checkpoints run on a thread of their own (``_Checkpoints``), not in whichever commit
        # takes the log past 1,000 pages, which made that commit take twice as long or more on
        # a large database (bench/README.md, "Figures behind the code").
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        record.info["default_cache_size"] = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode == "IMMEDIATE":
            connection.exec_driver_sql(f"PRAGMA cache_size=-{WRITE_CACHE_KIB}")
            connection.info["write_cache"] = True
        connection.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None and record.info.pop("write_cache", False):
            dbapi_connection.execute(f"PRAGMA cache_size={record.info['default_cache_size']}")


#: Seconds a checkpoint waits after a write asks for it, gathering the writes that follow.
CHECKPOINT_DELAY = 0.25


class _Checkpoints:
    """Copies SQLite's write-ahead log back into the database file beside the requests.

    After each write transaction commits, the thread is asked to run a PASSIVE checkpoint: it
    copies what is new, never waits for readers or writers, and nobody waits for it. It waits a
    moment first (``CHECKPOINT_DELAY``), so a burst of writes shares one. A commit is durable
    once it is in the log (``synchronous=FULL``), so this changes no guarantee.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._wanted = threading.Event()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def request(self) -> None:
        with self._start:
            if self._thread is None and not self._closing.is_set():
                self._thread = threading.Thread(
                    target=self._loop, name="casebook-checkpoint", daemon=True
                )
                self._thread.start()
        self._wanted.set()

    def close(self) -> None:
        self._closing.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            self._wanted.wait()
            if self._closing.wait(CHECKPOINT_DELAY):
                return
            self._wanted.clear()
            try:
                connection = self._engine.raw_connection()
                try:
                    cursor = connection.cursor()
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    cursor.fetchall()
                    cursor.close()
                finally:
                    connection.close()
            except Exception as exc:  # nothing is lost: the log keeps every commit
                logger.warning("background checkpoint failed: %s", type(exc).__name__)


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
        self._checkpoints = _Checkpoints(self.engine) if self.is_sqlite else None

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
        if self._checkpoints is not None:
            self._checkpoints.request()

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
        if self._checkpoints is not None:
            self._checkpoints.close()
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
