"""Laptops for whole-system sync tests: a profile, its unlocked store and a registered client.

Shared by the stateful convergence test and the SIGKILL crash test. A ``Device`` is what a worker
carries: one encrypted profile on disk, opened with the test passphrase, and a ``ServiceClient``
registered (as its own device) to a user of a ``LiveServer``. The helpers read both sides the way
a worker would compare them: every record the laptop shows against every record the server says
the laptop's user may hold.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.models import RECORD_TYPES, FieldConflictRecord, OutboxEntry
from app.models.sync_state import PENDING, REJECTED
from app.serialize import record_fields
from app.store import Profile, Store
from sync.client import ServiceClient
from sync.engine import RetryPolicy, SyncSummary, run_sync
from sync.protocol.messages import MAX_PULL_PAGE
from sync.protocol.records import RECORD_FIELDS
from tests.conftest import PASSPHRASE, fast_kdf
from tests.server.conftest import PASSWORD, LiveServer

#: Retries without real waiting: the tests inject faults on purpose and must stay fast.
FAST_RETRY = RetryPolicy(attempts=3, first_delay=0.01, max_delay=0.05)

#: ``record_id -> (record_type, fields)``: one side's visible records, as wire values.
View = dict[uuid.UUID, tuple[str, dict[str, Any]]]


def no_sleep(_seconds: float) -> None:
    """Retry waits cost nothing in tests."""


@dataclass
class Device:
    """One worker's laptop: a profile on disk, its open store and its registered client."""

    name: str
    user: str
    root: Path
    store: Store
    client: ServiceClient
    crashes: int = 0
    log: list[str] = field(default_factory=list)

    # ---- lifecycle

    @classmethod
    def register(cls, server: LiveServer, user: str, root: Path, name: str) -> Device:
        """Create an encrypted profile (fast KDF) and register a device for ``user``."""
        profile = Profile.create(name, PASSPHRASE, worker=user, root=root, kdf=fast_kdf())
        client = ServiceClient(server.url)
        client.register_device(username=user, password=PASSWORD, device_name=name)
        return cls(name, user, root, profile.unlock(PASSPHRASE), client)

    def reopen(self) -> None:
        """Drop every connection as a killed process would, then unlock from disk again.

        Nothing is committed on the way out (an open transaction is simply abandoned), so what
        the reopened store holds is exactly what had reached the database file.
        """
        self.store.lock()
        self.store = Profile.open(self.name, root=self.root).unlock(PASSPHRASE)
        self.crashes += 1

    def close(self) -> None:
        if not self.store.is_locked:
            self.store.lock()
        self.client.close()

    # ---- sync

    def sync(self, **kwargs: Any) -> SyncSummary:
        """One sync with no network faults expected: it must finish without errors."""
        summary = run_sync(self.store, self.client, retry=FAST_RETRY, sleep=no_sleep, **kwargs)
        assert summary.ok, f"{self.name}: sync failed: {summary.errors}"
        self.log.append(
            f"sync sent={summary.sent} received={summary.received} "
            f"conflicts={summary.conflicts} rejected={summary.rejected} purged={summary.purged}"
        )
        return summary

    # ---- what the laptop holds

    def local_view(self) -> View:
        """Every record the worker can see on this laptop (tombstones excluded)."""
        view: View = {}
        with self.store.read() as session:
            for record_type, cls in RECORD_TYPES.items():
                names = list(RECORD_FIELDS.get(record_type, {}))
                if not names:
                    continue
                for obj in session.scalars(select(cls).where(cls.deleted.is_(False))):
                    assert obj.id not in view, f"{self.name}: id {obj.id} held twice"
                    view[obj.id] = (record_type, record_fields(obj, names))
        return view

    def tombstones(self) -> list[uuid.UUID]:
        """Records deleted on this laptop whose rows are still kept."""
        found: list[uuid.UUID] = []
        with self.store.read() as session:
            for cls in RECORD_TYPES.values():
                found += session.scalars(select(cls.id).where(cls.deleted.is_(True))).all()
        return found

    def outbox(self, state: str = PENDING) -> list[OutboxEntry]:
        with self.store.read() as session:
            return list(session.scalars(select(OutboxEntry).where(OutboxEntry.state == state)))

    def rejected(self) -> list[OutboxEntry]:
        return self.outbox(REJECTED)

    def conflicts(self, *, unresolved_only: bool = False) -> list[FieldConflictRecord]:
        with self.store.read() as session:
            query = select(FieldConflictRecord)
            if unresolved_only:
                query = query.where(FieldConflictRecord.resolved_at.is_(None))
            return list(session.scalars(query))

    # ---- what the server holds for this laptop's user

    def server_view(self) -> View:
        """Everything the server says this laptop's user may hold, read by a full pull from the
        beginning (the server's own scope rules), without applying anything locally."""
        view: View = {}
        cursor: str | None = None
        while True:
            page = self.client.pull(cursor=cursor, limit=MAX_PULL_PAGE, skip_own=False)
            for version in page.records:
                names = RECORD_FIELDS[version.record_type]
                view[version.record_id] = (
                    version.record_type,
                    {k: v for k, v in version.fields.items() if k in names},
                )
            for removal in page.removals:
                view.pop(removal.record_id, None)
            cursor = page.cursor or cursor
            if not page.more:
                return view


def normalised(view: View) -> View:
    """Wire values normalised so equal data compares equal whichever side produced it."""
    out: View = {}
    for record_id, (record_type, fields) in view.items():
        out[record_id] = (record_type, {k: _norm(v) for k, v in fields.items()})
    return out


def _norm(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def diff_views(local: View, server: View) -> list[str]:
    """Human-readable differences between what a laptop shows and what the server holds."""
    local, server = normalised(local), normalised(server)
    problems: list[str] = []
    for record_id in sorted(set(local) - set(server), key=str):
        problems.append(f"only on laptop: {local[record_id][0]} {record_id}")
    for record_id in sorted(set(server) - set(local), key=str):
        problems.append(f"only on server: {server[record_id][0]} {record_id}")
    for record_id in sorted(set(local) & set(server), key=str):
        (ltype, lfields), (stype, sfields) = local[record_id], server[record_id]
        if ltype != stype:
            problems.append(f"{record_id}: type {ltype} here, {stype} on server")
            continue
        for name in sorted(set(lfields) | set(sfields)):
            if lfields.get(name) != sfields.get(name):
                problems.append(
                    f"{ltype} {record_id} {name}: laptop {lfields.get(name)!r}, "
                    f"server {sfields.get(name)!r}"
                )
    return problems


# ---- handing a device to another process (the crash test's child)


def save_credentials(client: ServiceClient, path: Path) -> None:
    """Write a device's credentials where a child process can pick them up (atomically);
    ``tests/sync/sync_child.py`` reads them back."""
    assert client.credentials is not None
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(client.credentials)))
    os.replace(tmp, path)
