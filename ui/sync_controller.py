"""Sync from the desktop client: one sync at a time on a worker thread, auto-sync, and the state
the status bar shows.

The controller owns no widgets. It runs ``sync.engine.run_sync`` through ``ui.tasks`` (the GUI
thread never waits on the network or the store), keeps a small ``SyncState`` (online or not,
changes waiting, conflicts, rejected changes, last sync) and tells whoever listens through
signals. The work it hands to the pool is made of module-level functions that take a store and
settings and never a widget, so they can be read (and tested) without Qt.

Auto-sync: while the profile is unlocked and ``settings.auto_sync`` is on, a sync starts every
``auto_sync_interval_ms`` and whenever a cheap health probe (``GET /health`` every
``probe_interval_ms``, on a worker) finds the service reachable after it was not. Both intervals
are constructor arguments so tests can switch the timers off (``None``) or make them short.

The time of the last complete sync is kept in the encrypted store's ``profile_state`` so it
survives a restart. Nothing about a child is logged: only counts and exception types.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from app import clock
from app.models import RECORD_TYPES
from app.replica import status
from app.services import conflicts
from app.settings import Settings
from app.store import Store
from sync import account
from sync.client import PROBE_READ_TIMEOUT, ServiceClient, ServiceUnavailable
from sync.engine import (
    Action,
    Cancelled,
    Phase,
    Progress,
    RetryPolicy,
    SyncSummary,
    run_sync,
)
from ui.changes import ChangeHub, Origin, RecordsChanged, sync_changes
from ui.errors import message_for
from ui.tasks import Task, run_cancellable, run_task

log = logging.getLogger(__name__)

AUTO_SYNC_INTERVAL_MS = 5 * 60 * 1000
PROBE_INTERVAL_MS = 60 * 1000

CANCELLED_MESSAGE = (
    "Sync stopped because you cancelled it. Anything already sent or received is saved; "
    "the rest will go next time."
)
NOT_CONNECTED_MESSAGE = (
    "This laptop is not signed in to the service. Sign in again to start syncing; "
    "your work is saved on this laptop."
)
FAILED_MESSAGE = (
    "Sync stopped because of a problem on this laptop. Your work is saved. Try again, and if "
    "it keeps happening, call the service desk."
)


@dataclass(frozen=True)
class SyncState:
    """What the status bar shows. ``online`` is None until the service has been checked (and
    always for an offline-only profile)."""

    online: bool | None
    running: bool
    pending: int
    conflicts: int
    rejected: int
    last_sync: datetime | None
    last_summary: SyncSummary | None
    offline_only: bool


@dataclass(frozen=True)
class Counts:
    """The store's side of ``SyncState``, read on a worker."""

    pending: int
    conflicts: int
    rejected: int
    last_sync: datetime | None


@dataclass(frozen=True)
class RejectedChange:
    """A change the service refused, set aside with its reason, for the Details dialog."""

    what: str
    record_id: uuid.UUID
    reason: str


@dataclass(frozen=True)
class SyncOutcome:
    summary: SyncSummary
    #: Whether the service answered at all (None: not asked, e.g. not signed in).
    online: bool | None
    counts: Counts | None


# ---- Work run on the pool (no Qt, no widgets)


def read_counts(store: Store) -> Counts:
    """Changes waiting, open conflicts, rejected changes and the last sync time."""
    waiting = status.waiting(store)
    return Counts(
        pending=waiting.pending,
        conflicts=conflicts.open_count(store),
        rejected=waiting.refused,
        last_sync=waiting.last_sync,
    )


def rejected_changes(store: Store) -> list[RejectedChange]:
    """Every change the service refused, oldest first, with its reason in plain words."""
    out = []
    for refused in status.refused_changes(store):
        cls = RECORD_TYPES.get(refused.record_type)
        noun = cls.noun if cls is not None else refused.record_type.replace("_", " ")
        what = f"A deletion of a {noun}" if refused.operation == "delete" else f"A {noun}"
        out.append(RejectedChange(what, refused.record_id, refused.reason))
    return out


def probe(settings: Settings) -> bool:
    """Whether the service answers its health check."""
    client = ServiceClient(
        settings.service_url,
        ca_bundle=settings.ca_bundle or None,
        read_timeout=PROBE_READ_TIMEOUT,
    )
    try:
        client.health()
    except ServiceUnavailable:
        return False
    except Exception as exc:  # noqa: BLE001 - a refusal or odd answer still means "reachable"
        log.info("health probe answered oddly: %s", type(exc).__name__)
        return True
    finally:
        client.close()
    return True


def sync_once(
    store: Store,
    settings: Settings,
    report: Callable[[Progress], None],
    cancelled: Callable[[], bool],
    *,
    retry: RetryPolicy | None = None,
) -> SyncOutcome:
    """One whole sync as the controller runs it: the signed-in client, ``run_sync``, the last
    sync time on success, and the counts afterwards. Cancellation and "not signed in" come back
    as a summary with a plain-English error rather than an exception."""
    client = account.client_for(store, settings)
    if client is None:
        summary = SyncSummary(errors=[NOT_CONNECTED_MESSAGE], action=Action.REAUTHENTICATE)
        return SyncOutcome(summary, None, read_counts(store))
    last: list[Progress] = []

    def progress(p: Progress) -> None:
        last[:] = [p]
        report(p)

    online: bool | None = True
    try:
        summary = run_sync(store, client, progress=progress, cancelled=cancelled, retry=retry)
    except Cancelled:
        seen = last[0] if last else Progress(Phase.STARTING, 0, 0)
        summary = SyncSummary(
            received=seen.received,
            sent=seen.sent,
            bytes_sent=seen.bytes_sent,
            bytes_received=seen.bytes_received,
            errors=[CANCELLED_MESSAGE],
        )
        return SyncOutcome(summary, True, read_counts(store))
    finally:
        client.close()
    if summary.ok:
        status.note_clean_sync(store, clock.utcnow())
    elif summary.action is None:
        # The errors are sentences; whether the service is there at all is one cheap question.
        online = probe(settings)
    if summary.action is Action.WIPE:
        return SyncOutcome(summary, online, None)
    if summary.action is Action.REAUTHENTICATE:
        account.forget(store)  # the tokens are dead: never send them again
    return SyncOutcome(summary, online, read_counts(store))


# ---- The controller


class SyncController(QObject):
    """Runs syncs for one unlocked profile and keeps its ``SyncState``."""

    sig_state_changed = Signal(object)
    """
    The state changed.

    Parameters
    ----------
    state: SyncState
        The new state.
    """

    sig_progress = Signal(object)
    """
    A running sync moved on.

    Parameters
    ----------
    progress: sync.engine.Progress
        Phase, records and bytes so far.
    """

    sig_finished = Signal(object)
    """
    A sync ended (completed, failed or cancelled).

    Parameters
    ----------
    summary: sync.engine.SyncSummary
        What it did, and any errors in plain English.
    """

    sig_wipe_requested = Signal()
    """The service says this device is revoked: tell the worker, stop, and wipe the profile."""

    sig_reauthenticate = Signal()
    """The service no longer accepts this laptop's sign-in: ask the worker to sign in again."""

    _sig_saved = Signal()
    # A save committed, on whichever thread saved it: delivered to the GUI thread (queued),
    # where the counts are read again.

    def __init__(
        self,
        store: Store,
        settings: Settings,
        parent: QObject | None = None,
        *,
        auto_sync_interval_ms: int | None = AUTO_SYNC_INTERVAL_MS,
        probe_interval_ms: int | None = PROBE_INTERVAL_MS,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._settings = settings
        self._retry = retry
        self._state = SyncState(
            online=None,
            running=False,
            pending=0,
            conflicts=0,
            rejected=0,
            last_sync=None,
            last_summary=None,
            offline_only=settings.offline_only,
        )
        self._sync_task: Task[SyncOutcome] | None = None
        self._probing = False
        self._refreshing = False
        self._refresh_again = False
        self._tasks = 0  # every task of ours not yet answered
        self._stopped = False
        self._idle_loop: QEventLoop | None = None
        self._changes: ChangeHub | None = None

        self._auto_timer = QTimer(self)
        self._auto_timer.timeout.connect(self._auto_sync)
        self._probe_timer = QTimer(self)
        self._probe_timer.timeout.connect(self._probe)
        if auto_sync_interval_ms:
            self._auto_timer.setInterval(auto_sync_interval_ms)
        if probe_interval_ms:
            self._probe_timer.setInterval(probe_interval_ms)
        self._auto_interval = auto_sync_interval_ms
        self._probe_interval = probe_interval_ms
        self._start_timers()
        self._sig_saved.connect(self.refresh_state)
        store.after_local_write.append(self._sig_saved.emit)
        self.refresh_state()
        if probe_interval_ms and not settings.offline_only:
            QTimer.singleShot(0, self._probe)

    # ---- Public API

    def announce_to(self, changes: ChangeHub) -> None:
        """Announce the records each sync applies on ``changes``, so pages showing them
        reload."""
        self._changes = changes

    @property
    def state(self) -> SyncState:
        return self._state

    @property
    def store(self) -> Store:
        return self._store

    @property
    def settings(self) -> Settings:
        return self._settings

    def set_settings(self, settings: Settings) -> None:
        """Use new settings (from the Settings dialog) from the next sync or probe on."""
        self._settings = settings
        self._set(offline_only=settings.offline_only, online=None)
        self._auto_timer.stop()
        self._probe_timer.stop()
        self._start_timers()

    def sync_now(self) -> None:
        """Start a sync; ignored while one is running, after ``stop()`` and when offline only."""
        if self._sync_task is not None or self._stopped or self._settings.offline_only:
            return
        store, settings, retry = self._store, self._settings, self._retry

        def work(report: Callable[[Any], None], cancelled: Callable[[], bool]) -> SyncOutcome:
            return sync_once(store, settings, report, cancelled, retry=retry)

        self._tasks += 1
        self._sync_task = run_cancellable(
            work, self._sync_done, self._sync_failed, self._sync_progress
        )
        self._set(running=True)

    def cancel(self) -> None:
        """Ask a running sync to stop at its next safe point (all done so far stays)."""
        if self._sync_task is not None:
            self._sync_task.cancel()

    def stop(self, timeout_ms: int = 60_000) -> bool:
        """Stop the timers, cancel any sync and wait (events still flowing) until every task of
        ours has answered, so the store can be locked. Returns False if it timed out."""
        self._stopped = True
        self._auto_timer.stop()
        self._probe_timer.stop()
        if self._sig_saved.emit in self._store.after_local_write:
            self._store.after_local_write.remove(self._sig_saved.emit)
        self.cancel()
        if self._tasks == 0:
            return True
        loop = QEventLoop()
        self._idle_loop = loop
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self._idle_loop = None
        return self._tasks == 0

    def refresh_state(self) -> None:
        """Re-read changes waiting, open conflicts and rejected changes (on a worker)."""
        if self._stopped:
            return
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self._tasks += 1
        store = self._store
        run_task(lambda: read_counts(store), self._refresh_done, self._refresh_failed)

    # ---- Private API

    def _start_timers(self) -> None:
        if self._settings.offline_only:
            return
        if self._auto_interval and self._settings.auto_sync:
            self._auto_timer.start()
        if self._probe_interval:
            self._probe_timer.start()

    def _set(self, **changes: Any) -> None:
        new = replace(self._state, **changes)
        if new != self._state:
            self._state = new
            self.sig_state_changed.emit(new)

    def _task_answered(self) -> None:
        self._tasks -= 1
        if self._tasks == 0 and self._idle_loop is not None:
            self._idle_loop.quit()

    def _auto_sync(self) -> None:
        if self._settings.auto_sync and self._state.online is not False:
            self.sync_now()

    def _probe(self) -> None:
        if self._probing or self._stopped or self._settings.offline_only:
            return
        if self._sync_task is not None:
            return  # the sync itself says whether the service is there
        self._probing = True
        self._tasks += 1
        settings = self._settings
        run_task(lambda: probe(settings), self._probe_done, self._probe_failed)

    def _probe_done(self, online: bool) -> None:
        self._task_answered()
        self._probing = False
        was = self._state.online
        self._set(online=online)
        if online and was is not True and self._settings.auto_sync and not self._stopped:
            self.sync_now()

    def _probe_failed(self, exc: BaseException) -> None:
        self._task_answered()
        self._probing = False
        log.info("health probe failed: %s", type(exc).__name__)

    def _refresh_done(self, counts: Counts) -> None:
        self._task_answered()
        self._refreshing = False
        self._apply_counts(counts)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh_state()

    def _refresh_failed(self, exc: BaseException) -> None:
        self._task_answered()
        self._refreshing = False
        self._refresh_again = False
        log.info("could not read the sync state: %s", type(exc).__name__)

    def _apply_counts(self, counts: Counts) -> None:
        self._set(
            pending=counts.pending,
            conflicts=counts.conflicts,
            rejected=counts.rejected,
            last_sync=counts.last_sync,
        )

    def _sync_progress(self, progress: Progress) -> None:
        self.sig_progress.emit(progress)

    def _sync_done(self, outcome: SyncOutcome) -> None:
        self._task_answered()
        self._sync_task = None
        summary = outcome.summary
        log.info(
            "sync finished: sent=%d received=%d conflicts=%d rejected=%d errors=%d",
            summary.sent,
            summary.received,
            summary.conflicts,
            summary.rejected,
            len(summary.errors),
        )
        changes: dict[str, Any] = {"running": False, "last_summary": summary}
        if outcome.online is not None:
            changes["online"] = outcome.online
        self._set(**changes)
        if outcome.counts is not None:
            self._apply_counts(outcome.counts)
        self.sig_finished.emit(summary)
        change = sync_changes(summary)
        if change is not None and self._changes is not None:
            self._changes.announce(change)
        if summary.action is Action.WIPE:
            self._stopped = True
            self._auto_timer.stop()
            self._probe_timer.stop()
            self.sig_wipe_requested.emit()
        elif summary.action is Action.REAUTHENTICATE:
            self.sig_reauthenticate.emit()

    def _sync_failed(self, exc: BaseException) -> None:
        self._task_answered()
        self._sync_task = None
        # Type only: an exception's message may quote case text.
        log.warning("sync failed on this laptop: %s", type(exc).__name__)
        summary = SyncSummary(errors=[message_for(exc, FAILED_MESSAGE)])
        self._set(running=False, last_summary=summary)
        self.sig_finished.emit(summary)
        if self._changes is not None:
            # Pages may have been applied before it failed: whatever they were, read again.
            self._changes.announce(RecordsChanged(Origin.SYNC))
        self.refresh_state()
