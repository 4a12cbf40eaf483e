"""Copying the write-ahead log back into the database file, beside the work rather than in it.

SQLite's automatic checkpoint runs inside whichever commit takes the log past 1,000 pages: a
sync page's commit, or a worker's save, which then takes several times as long (search-index
pages make such commits large; bench/README.md, "Figures behind the code"). So the store's
connections never checkpoint on their own (``engine.PRAGMAS``), and after every write
transaction the store asks for a checkpoint on a background thread: it runs while the next page
is being prepared, copies only what is new since the last one, and never waits for readers or
writers (PASSIVE), so nobody waits for it either.

Durability is unchanged: a commit is durable once it is in the log (``synchronous=FULL``),
whether or not it has been copied into the file yet, and the log is encrypted like the file.
When the profile locks, the last connection to close checkpoints what is left and removes the
log, as SQLite always does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

logger = logging.getLogger(__name__)


#: How long a checkpoint waits after it is asked for, gathering the commits that follow: a
#: worker saving twice in quick succession, or a sync's pages, share one checkpoint instead of
#: each save's commit contending with a checkpoint of its own (which made a single save
#: slower: bench/README.md, "Figures behind the code").
DELAY_SECONDS = 0.25
#: While a sync writes its pages, checkpoints wait for it to finish (:meth:`Checkpointer.
#: deferred`), unless the log grows past this.
DEFERRED_LOG_LIMIT = 512 * 1024 * 1024


class Checkpointer:
    """At most one checkpoint running and one more asked for, whatever the rate of commits."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        database = engine.url.database
        self._log = Path(f"{database}-wal") if database else None
        self._deferring = 0
        self._wanted = False
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casebook-checkpoint")
        self._guard = threading.Lock()
        self._queued: Future[None] | None = None
        self._closing = threading.Event()
        #: Held while a checkpoint copies pages, and by :meth:`held`. Re-entrant, so a thread
        #: holding it may also checkpoint itself.
        self._copying = threading.RLock()

    def request(self) -> None:
        """Ask for a checkpoint soon; returns at once. While one is waiting to start, further
        requests are that one (it will copy their pages too)."""
        with self._guard:
            if self._deferring and self._log_size() < DEFERRED_LOG_LIMIT:
                self._wanted = True
                return
            waiting = self._queued
            if waiting is not None and not waiting.running() and not waiting.done():
                return
            try:
                self._queued = self._pool.submit(self._run)
            except RuntimeError:
                return  # closed: the profile is locking, and closing checkpoints anyway

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Checkpoints asked for in the block run once it ends (or sooner, if the log grows
        past ``DEFERRED_LOG_LIMIT``).

        For a sync: each of its pages rewrites many of the same index and search pages, and a
        checkpoint after each copied them into the file again every time, on the same two
        cores as the sync; one checkpoint afterwards, in the background, makes a first pull
        faster (bench/README.md, "Figures behind the code"). Nothing is less durable: a
        commit is durable once in the log.
        """
        with self._guard:
            self._deferring += 1
        try:
            yield
        finally:
            with self._guard:
                self._deferring -= 1
                wanted = self._wanted and not self._deferring
                if wanted:
                    self._wanted = False
            if wanted:
                self.request()

    def _log_size(self) -> int:
        try:
            return self._log.stat().st_size if self._log is not None else 0
        except OSError:
            return 0

    def drain(self) -> None:
        """Wait until no checkpoint is running or waiting (for tests and for locking)."""
        with self._guard:
            waiting = self._queued
        if waiting is not None:
            waiting.result()

    @contextmanager
    def held(self) -> Iterator[None]:
        """No background checkpoint writes the database file while this is held (one already
        copying is let finish first); checkpoints asked for meanwhile run afterwards."""
        with self._copying:
            yield

    def close(self) -> None:
        """Stop the thread: a checkpoint still waiting is dropped (closing the last connection
        checkpoints everything), one already copying is let finish."""
        self._closing.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def copy_all(self) -> None:
        """Copy the whole log into the file now, on this thread, waiting for readers (as
        locking the profile does). Raises if the database cannot be read."""
        connection = self._engine.raw_connection()
        try:
            self._checkpoint(connection, "TRUNCATE")
        finally:
            connection.close()

    def _run(self) -> None:
        if self._closing.wait(DELAY_SECONDS):
            return
        try:
            connection = self._engine.raw_connection()
        except Exception:  # the profile is locking: nothing to do
            return
        try:
            self._checkpoint(connection, "PASSIVE")
        except Exception as exc:  # a failed checkpoint loses nothing: the log keeps it all
            logger.warning("Background checkpoint did not complete: %s", type(exc).__name__)
        finally:
            connection.close()

    def _checkpoint(self, connection: Any, mode: str) -> None:
        # Not in a transaction (the store's connections are in autocommit mode until a
        # session begins one), so the checkpoint sees every committed page.
        with self._copying:
            cursor = connection.cursor()
            cursor.execute(f"PRAGMA wal_checkpoint({mode})")
            cursor.fetchall()
            cursor.close()
