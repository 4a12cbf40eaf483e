"""One sync: push everything waiting in the outbox, then pull everything new.

Written as plain functions over a store and a client (no Qt), so the UI runs it on a worker
thread and tests run it directly. Every step is safe to interrupt and repeat:

- before a batch is sent, its entries are marked as possibly-sent in their own transaction, so a
  later edit to the same record never rewrites a change the server may already have;
- a batch's results are applied in one transaction; if the answer never arrives, the same
  change ids are sent again next time and the server returns its stored results;
- each pulled page is applied together with its cursor in one transaction, so a crash
  re-fetches at most one page, and applying a page twice changes nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol, TypeVar

from sqlalchemy import select

from app import clock
from app.models import OutboxEntry, ProfileState
from app.models.sync_state import PENDING
from app.store import Store
from sync.apply import ApplyTally, apply_push_result, apply_removal, apply_version
from sync.client import ServiceClient, ServiceRefused, ServiceUnavailable
from sync.protocol.messages import DEFAULT_PULL_PAGE, Change, PushRequest
from sync.protocol.records import RECORD_FIELDS, SERVER_CONTROLLED

CURSOR_KEY = "pull_cursor"
PUSH_BATCH = 500

T = TypeVar("T")


class Attempt(Protocol):
    """Runs one service call under the retry policy."""

    def __call__(self, call: Callable[[], T]) -> T: ...


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one sync tries before giving up until the next one.

    Exponential backoff with full jitter (so a hundred laptops coming back on line together do
    not hammer the service in step), capped, and never shorter than the service's Retry-After.
    """

    attempts: int = 5
    first_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        backoff = rng.uniform(0, min(self.max_delay, self.first_delay * 2**attempt))
        return max(backoff, min(retry_after or 0.0, self.max_delay))


class Cancelled(Exception):
    """The worker pressed Cancel; everything done so far is committed and consistent."""


@dataclass
class Progress:
    phase: str  # "sending" | "receiving"
    sent: int
    received: int


@dataclass
class SyncSummary(ApplyTally):
    """What the worker is told afterwards: the tally of what was applied, plus what was sent
    and anything that went wrong, in plain words."""

    sent: int = 0
    full_resync: bool = False
    errors: list[str] = field(default_factory=list)
    #: What the service told the laptop to do ("wipe", "reauthenticate"), if anything.
    action: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def run_sync(
    store: Store,
    client: ServiceClient,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncSummary:
    summary = SyncSummary()
    tally: ApplyTally = summary
    report = progress or (lambda _p: None)
    policy, rng = retry or RetryPolicy(), random.SystemRandom()

    def attempt(call: Callable[[], T]) -> T:
        for n in range(policy.attempts):
            try:
                return call()
            except ServiceUnavailable as exc:
                if n == policy.attempts - 1 or cancelled():
                    raise
                sleep(policy.delay(n, exc.retry_after, rng))
        raise AssertionError("unreachable")

    try:
        _push_all(store, client, summary, tally, report, cancelled, attempt)
        _pull_all(store, client, summary, tally, report, cancelled, attempt)
    except ServiceUnavailable as exc:
        summary.errors.append(str(exc))
    except ServiceRefused as exc:
        summary.errors.append(str(exc))
        summary.action = exc.error.action
    return summary


def _push_all(
    store: Store,
    client: ServiceClient,
    summary: SyncSummary,
    tally: ApplyTally,
    report: Callable[[Progress], None],
    cancelled: Callable[[], bool],
    attempt: Attempt,
) -> None:
    # Conflicts re-queue what still needs sending, so allow a few extra rounds, but never spin.
    for _round in range(1000):
        if cancelled():
            raise Cancelled
        changes = _next_batch(store)
        if not changes:
            return
        request = PushRequest(changes=changes)
        response = attempt(partial(client.push, request))
        results = {r.change_id: r for r in response.results}
        with store.write(remote=True) as session:
            for change in changes:
                entry = session.scalar(
                    select(OutboxEntry).where(OutboxEntry.id == change.change_id)
                )
                result = results.get(change.change_id)
                if entry is not None and result is not None:
                    apply_push_result(session, entry, result, tally)
        summary.sent += len(changes)
        report(Progress("sending", summary.sent, tally.received))


def _next_batch(store: Store) -> list[Change]:
    """Mark the next batch as possibly sent, and build its wire form, in one transaction."""
    with store.write(remote=True) as session:
        entries = session.scalars(
            select(OutboxEntry)
            .where(OutboxEntry.state == PENDING)
            .order_by(OutboxEntry.seq)
            .limit(PUSH_BATCH)
        ).all()
        now = clock.utcnow()
        changes = []
        for entry in entries:
            entry.first_sent_at = entry.first_sent_at or now
            entry.attempts += 1
            allowed = RECORD_FIELDS.get(entry.record_type, {})
            changes.append(
                Change(
                    change_id=entry.id,
                    record_type=entry.record_type,
                    record_id=entry.record_id,
                    operation="delete" if entry.operation == "delete" else "upsert",
                    base_revision=entry.base_revision,
                    fields={
                        k: v
                        for k, v in entry.fields.items()
                        if k in allowed and k not in SERVER_CONTROLLED
                    },
                )
            )
    return changes


def _pull_all(
    store: Store,
    client: ServiceClient,
    summary: SyncSummary,
    tally: ApplyTally,
    report: Callable[[Progress], None],
    cancelled: Callable[[], bool],
    attempt: Attempt,
) -> None:
    with store.read() as session:
        cursor = session.scalar(select(ProfileState.value).where(ProfileState.key == CURSOR_KEY))
    restarted = False
    while True:
        if cancelled():
            raise Cancelled
        page = attempt(partial(client.pull, cursor=cursor, limit=DEFAULT_PULL_PAGE))
        if page.full_resync and not restarted:
            # Away longer than the server keeps tombstones: start again from the beginning.
            # Unsent work was pushed above and stays in the outbox if it was not accepted.
            summary.full_resync, restarted, cursor = True, True, None
            continue
        with store.write(remote=True) as session:
            for version in page.records:
                apply_version(session, version, tally)
            for removal in page.removals:
                apply_removal(session, removal, tally)
            state = session.get(ProfileState, CURSOR_KEY)
            if state is None:
                session.add(ProfileState(key=CURSOR_KEY, value=page.cursor))
            else:
                state.value = page.cursor
        cursor = page.cursor
        report(Progress("receiving", summary.sent, tally.received))
        if not page.more:
            return
