"""A worker's profile on this laptop: its folder, its key, and unlocking it into a ``Store``.

A profile folder holds nothing readable without the passphrase: ``profile.json`` (format and a
random id), ``key.json`` (the sealed data key and KDF settings), ``attempts.json`` (the count of
wrong passphrases), the SQLCipher database and its WAL, and encrypted backups.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from app import audit, clock
from app.errors import (
    InsecureBuild,
    KeyFileDamaged,
    ProfileExists,
    ProfileLockedOut,
    ProfileNotFound,
    StoreDamaged,
    WrongPassphrase,
)
from app.replica import state
from app.store import migrate, passphrase_policy
from app.store.atomic import fsync_directory, write_bytes_atomically
from app.store.attempts import LOCKOUT_AFTER, Attempts
from app.store.engine import create_store_engine
from app.store.keys import KdfParams, PassphraseRejected, WrappedKey, calibrate, new_data_key
from app.store.paths import profiles_root
from app.store.store import Store

PROFILE_FILE = "profile.json"
KEY_FILE = "key.json"
ATTEMPTS_FILE = "attempts.json"
DB_FILE = "casebook.db"
BACKUP_DIR = "backups"
DAMAGED_DIR = "set-aside"
REBUILD_MARKER = "rebuild-requested"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")


@dataclass
class Profile:
    path: Path
    now: Callable[[], float] | None = field(default=None, repr=False)

    # ---- Public API

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def db_path(self) -> Path:
        return self.path / DB_FILE

    @property
    def attempts(self) -> Attempts:
        path = self.path / ATTEMPTS_FILE
        return Attempts(path) if self.now is None else Attempts(path, self.now)

    @classmethod
    def create(
        cls,
        name: str,
        passphrase: str,
        *,
        worker: str,
        root: Path | None = None,
        kdf: KdfParams | None = None,
    ) -> Profile:
        """Create and initialise a profile. It is built in a hidden folder and renamed into
        place at the end, so a crash half way leaves no half-made profile behind."""
        if not _NAME.match(name):
            raise ValueError("A profile name uses letters, numbers, spaces, dots and dashes.")
        passphrase_policy.check(passphrase)
        parent = profiles_root(root)
        final = parent / name
        if final.exists():
            raise ProfileExists(f"A profile called {name!r} already exists on this laptop.")
        staging = Path(tempfile.mkdtemp(prefix=f".creating-{name}-", dir=parent))
        try:
            profile_id = str(uuid.uuid4())
            meta = {"format": 1, "profile_id": profile_id, "created_at": clock.utcnow().isoformat()}
            write_bytes_atomically(staging / PROFILE_FILE, json.dumps(meta).encode("utf-8"))
            data_key = new_data_key()
            WrappedKey.seal(
                profile_id=profile_id,
                data_key=data_key,
                passphrase=passphrase,
                kdf=kdf or calibrate(),
            ).write(staging / KEY_FILE)
            Attempts(staging / ATTEMPTS_FILE).reset()
            store = _open_store(cls(staging), data_key, new=True)
            try:
                with store.write(actor=worker) as session:
                    state.put(session, state.WORKER, worker)
                    audit.record(session, actor=worker, action="profile_created")
            finally:
                store.lock()
            staging.rename(final)
            fsync_directory(parent)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return cls(final)

    @classmethod
    def open(cls, name: str, *, root: Path | None = None) -> Profile:
        path = profiles_root(root) / name
        if not (path / KEY_FILE).exists():
            raise ProfileNotFound(f"There is no profile called {name!r} on this laptop.")
        return cls(path)

    @staticmethod
    def names(*, root: Path | None = None) -> list[str]:
        parent = profiles_root(root)
        return sorted(p.name for p in parent.iterdir() if (p / KEY_FILE).exists())

    def unlock(self, passphrase: str) -> Store:
        """Check the passphrase, open the database, bring its schema up to date.

        A wrong passphrase changes nothing but the attempt counter. A database that does not
        open is kept as it is and reported; it is never deleted or recreated here.
        """
        attempts = self.attempts
        attempts.check_allowed()
        wrapped = WrappedKey.read(self.path / KEY_FILE)
        try:
            data_key = wrapped.unseal(passphrase)
        except PassphraseRejected:
            failures = attempts.record_failure()
            if failures >= LOCKOUT_AFTER:
                raise ProfileLockedOut() from None
            raise WrongPassphrase(failures=failures, tries_left=LOCKOUT_AFTER - failures) from None
        attempts.record_success()
        rebuild = (self.path / REBUILD_MARKER).exists()
        if not self.db_path.exists() and not rebuild:
            raise StoreDamaged(detail="database file is missing")
        store = _open_store(self, data_key, new=rebuild and not self.db_path.exists())
        if rebuild:
            (self.path / REBUILD_MARKER).unlink()
        with store.write() as session:
            audit.record(session, actor=store.worker, action="unlock")
        return store

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-seal the data key under a new passphrase; the database is not touched."""
        passphrase_policy.check(new)
        attempts = self.attempts
        attempts.check_allowed()
        wrapped = WrappedKey.read(self.path / KEY_FILE)
        try:
            data_key = wrapped.unseal(old)
        except PassphraseRejected:
            failures = attempts.record_failure()
            raise WrongPassphrase(failures=failures, tries_left=LOCKOUT_AFTER - failures) from None
        attempts.record_success()
        WrappedKey.seal(
            profile_id=wrapped.profile_id, data_key=data_key, passphrase=new, kdf=calibrate()
        ).write(self.path / KEY_FILE)

    def set_aside_damaged_store(self) -> Path:
        """Move a database that will not open out of the way, keeping every byte, so the next
        unlock starts an empty one for the sync to rebuild from the service."""
        target = self.path / DAMAGED_DIR / clock.utcnow().strftime("%Y%m%dT%H%M%SZ")
        target.mkdir(parents=True, mode=0o700)
        for suffix in ("", "-wal", "-shm"):
            source = self.path / f"{DB_FILE}{suffix}"
            if source.exists():
                source.rename(target / source.name)
        write_bytes_atomically(self.path / REBUILD_MARKER, b"")
        fsync_directory(self.path)
        return target

    def wipe(self) -> None:
        """Erase the profile for good (a revoked device, or a worker who has left).

        The sealed key is overwritten and synced to disk first: without it the database is
        random bytes whatever an SSD keeps of the deleted files (crypto-erase). Then every file
        goes. Only the service's instruction or the service desk should call this.
        """
        key = self.path / KEY_FILE
        if key.exists():
            size = max(key.stat().st_size, 512)
            with key.open("r+b") as handle:
                handle.write(os.urandom(size))
                handle.flush()
                os.fsync(handle.fileno())
            key.unlink()
            fsync_directory(self.path)
        shutil.rmtree(self.path)
        fsync_directory(self.path.parent)

    def reset_lockout(self) -> None:
        self.attempts.reset()

    @property
    def profile_id(self) -> str:
        doc = json.loads((self.path / PROFILE_FILE).read_text(encoding="utf-8"))
        return str(doc["profile_id"])


def _open_store(profile: Profile, data_key: bytes, *, new: bool) -> Store:
    if new:
        # Owner-only from the first byte; SQLite gives the -wal and -shm files the same mode.
        os.close(os.open(profile.db_path, os.O_CREAT | os.O_WRONLY, 0o600))
    engine = create_store_engine(profile.db_path, data_key)
    try:
        with engine.connect():
            pass
        migrate.upgrade(engine, profile.db_path, profile.path / BACKUP_DIR)
    except InsecureBuild:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        if new:
            raise
        raise StoreDamaged(detail=f"{type(exc.orig).__name__}: {exc.orig}") from None
    except BaseException:
        engine.dispose()
        raise
    store = Store(profile_path=profile.path, engine=engine, data_key=bytearray(data_key))
    if not new:
        with store.read() as session:
            worker = state.get(session, state.WORKER)
        store.worker = worker or ""
    return store


__all__ = ["KeyFileDamaged", "Profile"]
