"""Bringing a profile's database schema up to date, safely.

Before any upgrade the encrypted file is copied aside (still encrypted, same key), and the whole
upgrade runs in one transaction: a failure or a crash leaves the old schema and data as they
were, and the backup is there for the service desk if anything else went wrong.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from app import clock
from app.errors import MigrationFailed
from app.store.atomic import fsync_directory

KEEP_BACKUPS = 3


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("app") / "migrations"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, db_path: Path, backup_dir: Path, *, target: str = "head") -> str | None:
    """Upgrade to ``target``; return the backup's path name if one was taken."""
    with engine.connect() as conn:
        current = current_revision(conn)
        conn.commit()
        wanted = head_revision() if target == "head" else target
        if current == wanted:
            return None
        backup = None
        if current is not None:
            backup = _backup(conn, db_path, backup_dir, current)
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        try:
            with conn.begin():
                command.upgrade(cfg, target)
        except Exception as exc:
            raise MigrationFailed(
                "Casebook could not update its local database. Nothing was lost: your records "
                "are as they were and a backup was kept. Please contact the service desk."
            ) from exc
        return backup.name if backup else None


def _backup(conn: Connection, db_path: Path, backup_dir: Path, revision: str) -> Path:
    """Checkpoint the WAL into the main file, then copy it: the copy is complete and encrypted."""
    # Outside any transaction (the driver connection autocommits), or the checkpoint cannot
    # complete.
    conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    backup_dir.mkdir(mode=0o700, exist_ok=True)
    stamp = clock.utcnow().strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"casebook-{stamp}-before-{revision}.db"
    shutil.copyfile(db_path, target)
    target.chmod(0o600)
    fsync_directory(backup_dir)
    for old in sorted(backup_dir.glob("casebook-*.db"))[:-KEEP_BACKUPS]:
        old.unlink()
    return target
