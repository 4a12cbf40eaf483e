"""An unlocked profile: the only way to read or write case records.

``read()`` and ``write()`` hand out sessions scoped to one transaction. Writes take the write
lock up front and commit as a unit; anything that goes wrong rolls the whole unit back. The
methods block, so the UI calls them from its database worker thread, never the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError

from app.errors import ProfileIsLocked, StoreDamaged
from app.store import write_hooks  # noqa: F401  (registers the flush hooks)
from app.store.checkpoint import Checkpointer
from app.store.engine import writer
from app.store.session import WRITE_CONTEXT, CasebookSession, WriteContext

#: What SQLite (and SQLCipher's page HMAC check) say of a damaged file: SQLITE_CORRUPT and
#: SQLITE_NOTADB. Any other database error is not damage and passes through as it is.
_DAMAGE_WORDS = ("malformed", "not a database", "corrupt")


@contextmanager
def _damage_reported() -> Iterator[None]:
    """A damaged page can sit anywhere in the file, and unlocking reads only a few: the first
    ordinary read or write that meets one reports it as ``StoreDamaged`` (its plain message and
    the keep-the-file promise), never as a raw database exception."""
    try:
        yield
    except DatabaseError as exc:
        detail = str(exc.orig)
        if not any(word in detail.lower() for word in _DAMAGE_WORDS):
            raise
        raise StoreDamaged(detail=detail) from exc


log = logging.getLogger(__name__)


class Store:
    def __init__(self, *, profile_path: Path, engine: Engine, data_key: bytearray) -> None:
        self.profile_path = profile_path
        self._engine: Engine | None = engine
        self._writer: Engine | None = writer(engine)
        self._data_key = data_key
        self._checkpointer = Checkpointer(engine)
        self.worker = ""
        #: Called after each worker's own save commits (not sync's), on the saving thread:
        #: how the status bar's count of changes waiting stays right after every save.
        self.after_local_write: list[Callable[[], None]] = []

    # ---- Public API

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise ProfileIsLocked()
        return self._engine

    @property
    def is_locked(self) -> bool:
        return self._engine is None

    @contextmanager
    def read(self) -> Iterator[CasebookSession]:
        # Closing (not rolling back) ends the read transaction when the connection goes back to
        # the pool, while objects the caller loaded keep their values after the block.
        with (
            _damage_reported(),
            CasebookSession(bind=self.engine, expire_on_commit=False) as session,
        ):
            yield session

    @contextmanager
    def read_rows(self) -> Iterator[Connection]:
        """A plain read, for Core statements only: the few small reads a quiet sync starts
        with, where an ORM session's own setup cost about as much as the reads."""
        with _damage_reported(), self.engine.connect() as connection:
            yield connection

    @contextmanager
    def write(self, *, actor: str | None = None, remote: bool = False) -> Iterator[CasebookSession]:
        if self._writer is None:
            raise ProfileIsLocked()
        session = CasebookSession(bind=self._writer, expire_on_commit=False)
        session.info[WRITE_CONTEXT] = WriteContext(actor=actor or self.worker, remote=remote)
        with _damage_reported(), session, session.begin():
            yield session
        self._checkpointer.request()
        if not remote:
            for listener in list(self.after_local_write):
                # The save is committed: a listener that fails (a window already gone) must
                # not make the caller believe it was not.
                try:
                    listener()
                except Exception as exc:  # noqa: BLE001
                    log.info("a save listener failed: %s", type(exc).__name__)

    @contextmanager
    def file_settled(self) -> Iterator[None]:
        """While the block runs, the database file itself holds every committed page and
        nothing writes to it: the log is copied in first (waiting for readers, as locking the
        profile does), and background checkpoints wait until the block ends.

        For checks that read the file rather than the database (``doctor``'s page check): they
        must not see a page a background checkpoint is half-way through copying, nor pages left
        stale in the file by a checkpoint a crash cut short (the log still holds their current
        versions, which is what SQLite reads).
        """
        with self._checkpointer.held():
            self._checkpointer.copy_all()
            yield

    @contextmanager
    def checkpoints_deferred(self) -> Iterator[None]:
        """Background checkpoints asked for in the block wait until it ends (see
        ``Checkpointer.deferred``): for a sync's many large write transactions."""
        with self._checkpointer.deferred():
            yield

    def wait_for_checkpoint(self) -> None:
        """Block until the background checkpoint (``app.store.checkpoint``) is idle."""
        self._checkpointer.drain()

    def lock(self) -> None:
        """Close every connection and forget the key. Python cannot promise to wipe every copy
        of a secret from memory; we drop every reference we hold and zero the one we own."""
        self._checkpointer.close()
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._writer = None
        for i in range(len(self._data_key)):
            self._data_key[i] = 0

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.lock()
