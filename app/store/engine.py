"""The SQLAlchemy engine over SQLCipher, with every setting chosen on purpose.

- Raw 256-bit key (``PRAGMA key = "x'…'"``): no per-connection passphrase KDF, since the key
  already came out of Argon2id.
- HMAC on (SQLCipher's default, checked): a flipped bit on disk is detected, not served.
- ``journal_mode=WAL`` with ``synchronous=FULL``: with NORMAL a committed visit can vanish on
  power loss; FULL makes every commit durable. WAL pages are encrypted like the main file.
- ``temp_store=MEMORY``, and a start-up check of ``compile_options`` that the library was not
  built to force temporary files to disk: SQLCipher encrypts the database and its journals,
  nothing else, so sorts and temp tables must never reach the filesystem.
- ``secure_delete=ON``: freed pages are zeroed, so deleted text does not linger in free space.
- ``cipher_memory_security=OFF``, on purpose: SQLCipher always locks and wipes its key
  material whatever this says; the setting only adds wiping of every page buffer, which made the
  dashboard's queries many times slower (bench/README.md, "Figures behind the code") while
  protecting little, because Python necessarily holds plaintext copies of what it reads in its
  own heap. Encryption at rest, not memory scrubbing, is what protects a lost
  laptop; the lock screen and the OS protect a running one.
- ``foreign_keys=ON`` and a busy timeout, because a sync thread and the UI's DB thread share it.

Transactions are begun explicitly (``BEGIN`` / ``BEGIN IMMEDIATE``) instead of by the driver,
which would otherwise run DDL outside any transaction and make migrations non-atomic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import QueuePool

from app.errors import InsecureBuild

WRITE_OPTION = "casebook_write"

PRAGMAS = (
    # SQLCipher's own log goes to stderr by default; our doctor reports the same findings.
    ("cipher_log_level", "NONE"),
    ("cipher_memory_security", "OFF"),
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    # Checkpoints run beside the work, not inside whichever commit fills the log
    # (``app.store.checkpoint``); once copied back, a log larger than 64 MiB is cut down.
    ("wal_autocheckpoint", "0"),
    # 32 MiB of decrypted pages per connection (SQLCipher's default is 8 MiB): a first sync
    # inserts at random places in indexes far larger than that, and each miss is a read and a
    # decryption.
    ("cache_size", "-32768"),
    ("journal_size_limit", str(64 * 1024 * 1024)),
    ("temp_store", "MEMORY"),
    ("secure_delete", "ON"),
    ("foreign_keys", "ON"),
    ("busy_timeout", "10000"),
)

#: Kept for older importers (the store benchmark).
_PRAGMAS = PRAGMAS


def create_store_engine(path: Path, data_key: bytes) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=f"x'{data_key.hex()}'", database=str(path))
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=2,
        # The most recently used connection first: in WAL mode a connection drops its whole
        # page cache when another one has written since, so taking turns (the default order)
        # made every other transaction start cold, re-reading and decrypting its pages.
        pool_use_lifo=True,
        connect_args={"check_same_thread": False},
    )
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take the write lock up front (BEGIN IMMEDIATE),
    so two writers queue instead of failing with 'database is locked' half way through."""
    return engine.execution_options(**{WRITE_OPTION: True})


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # Reading the schema is the first access that decrypts a page: a wrong key or a damaged
        # file fails here, before any setting could write to the file.
        cursor.execute("SELECT count(*) FROM sqlite_master")
        _check_build(cursor)
        for name, value in PRAGMAS:
            cursor.execute(f"PRAGMA {name} = {value}")
        _check_settings(cursor)
    finally:
        cursor.close()


def _begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
    # Check foreign keys at COMMIT, not per statement: the models declare no relationships, so
    # the ORM does not order a transaction's inserts and deletes by foreign key, and a save
    # that adds a child with its records must not depend on that order. Integrity is still
    # enforced; SQLite resets this at the end of every transaction.
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def _check_build(cursor: Any) -> None:
    version = cursor.execute("PRAGMA cipher_version").fetchone()
    if not version or not version[0]:
        raise InsecureBuild("The database library is not SQLCipher; refusing to store case data.")
    options = {row[0] for row in cursor.execute("PRAGMA compile_options").fetchall()}
    # TEMP_STORE=0 forces temporary files onto disk whatever the pragma says; 1 defaults to disk
    # but obeys the pragma; 2 and 3 keep them in memory.
    if "TEMP_STORE=0" in options:
        raise InsecureBuild(
            "This SQLCipher build writes temporary data to disk unencrypted; refusing to open."
        )


def _check_settings(cursor: Any) -> None:
    checks = {
        "temp_store": "2",
        "journal_mode": "wal",
        "synchronous": "2",
        "secure_delete": "1",
        "cipher_use_hmac": "1",
    }
    for name, expected in checks.items():
        row = cursor.execute(f"PRAGMA {name}").fetchone()
        actual = str(row[0]).lower() if row else ""
        if actual != expected:
            raise InsecureBuild(f"SQLCipher setting {name} is {actual!r}, expected {expected!r}.")
