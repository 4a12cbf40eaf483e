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

import contextlib
import random
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from typing import NamedTuple, Protocol, TypeVar

import orjson
from sqlalchemy import (
    Connection,
    LargeBinary,
    bindparam,
    delete,
    exists,
    select,
    type_coerce,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app import clock, gcpause
from app.models import RECORD_TYPES, KeptRemoval, OutboxEntry, ResyncSeen
from app.models.packed import unpack_text
from app.models.sync_state import PENDING, REJECTED
from app.replica import outbox, state
from app.replica.sent_mark import mark_sent_through
from app.store import Store
from sync import attachments, refused, waiting
from sync.apply import ApplyTally, apply_removal, release_kept
from sync.client import (
    JsonBody,
    OutgoingChange,
    ServiceClient,
    ServiceRefused,
    ServiceUnavailable,
)
from sync.pages import apply_pulled, apply_pushed
from sync.people import fetch_people, fetch_service_name
from sync.protocol.messages import (
    DEFAULT_PULL_PAGE,
    MAX_CHANGES_PER_PUSH,
    ChangeResult,
    ChangeStatus,
    PullResponse,
    PushResponse,
    RecordVersion,
    Removal,
)
from sync.protocol.records import RECORD_FIELDS, SERVER_CONTROLLED
from sync.rows import Row, prepare_rows
from sync.templates import check_due, fetch_templates, missing_versions

#: The first page of a pull asks for this many records, and each next one for twice the last
#: (up to the protocol's page): the laptop starts writing sooner and fetches the next page
#: meanwhile. A first pull's first page of 5,000 was a quarter of a second the laptop only
#: waited for. As many records as a day's colleagues' edits usually come to still fit in one.
FIRST_PULL_PAGE = 500
#: The protocol's most changes a push may carry: fewer round trips and commits per sync.
PUSH_BATCH = MAX_CHANGES_PER_PUSH
#: The first batch of a push is smaller, and each next one twice the last (up to the limit):
#: the service starts work sooner, and the laptop prepares the next batch meanwhile. A push
#: of 1,000 changes sent as one batch had the two machines take turns, with no overlap.
FIRST_PUSH_BATCH = 250
#: A batch also stops growing at about this much JSON. The service refuses a request larger
#: than its limit (32 MiB by default; a council may set less), so a thousand long assessments
#: in one batch would be refused whole, and again at every sync, holding up everything after.
PUSH_BYTES = 4 * 1024 * 1024
#: Why a change is set aside when even alone it is larger than the service accepts.
TOO_LARGE = (
    "This change is larger than the service accepts for any one record, so it was not sent. "
    "It is kept on this laptop: copy or export its text to keep it (long documents can be "
    "attached as files instead), then mark it dealt with, or ask IT to raise the service's "
    "record limit and retry it."
)

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
    """Where a sync has got to, for the progress bar: records and files, and bytes on the wire
    both ways (so a slow link visibly moves even while one big page or photo is in flight)."""

    phase: str  # "sending" | "receiving" | "uploading files" | "downloading files"
    sent: int
    received: int
    bytes_sent: int = 0
    bytes_received: int = 0
    files_done: int = 0
    files_total: int = 0


#: How many records a sync's details list one by one (a first sync moves tens of thousands;
#: the details then say how many more there were).
ITEMS_KEPT = 500


class SyncItem(NamedTuple):
    """One record a sync sent or received, and what became of it."""

    #: "sent" or "received"
    direction: str
    record_type: str
    record_id: uuid.UUID
    #: sent: applied, merged, conflict, rejected; received: received, removed, kept
    outcome: str


@dataclass
class SyncSummary(ApplyTally):
    """What the worker is told afterwards: the tally of what was applied, plus what was sent
    and anything that went wrong, in plain words."""

    sent: int = 0
    files_uploaded: int = 0
    files_downloaded: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    full_resync: bool = False
    #: New form template versions fetched from the service (``sync.templates``).
    templates_fetched: int = 0
    errors: list[str] = field(default_factory=list)
    #: What the service told the laptop to do ("wipe", "reauthenticate"), if anything.
    action: str | None = None
    #: Seconds this laptop spent applying pulled pages: making their rows and writing them,
    #: commits included, but not waiting for the service. Whether a slow sync was the link,
    #: the service or the laptop, for support and ``make bench``.
    applying_seconds: float = 0.0
    #: What this sync moved, record by record (the first ``ITEMS_KEPT``), for Sync details.
    items: list[SyncItem] = field(default_factory=list)
    #: Changes sent that the service's answer did not account for (they stay waiting).
    unacknowledged: int = 0

    def note(self, direction: str, record_type: str, record_id: uuid.UUID, outcome: str) -> None:
        if len(self.items) < ITEMS_KEPT:
            self.items.append(SyncItem(direction, record_type, record_id, outcome))

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
    """Push, send files, pull, fetch new forms, fetch files: one whole sync.

    Runs with Python's cycle collector paused (``app.gcpause``): a first sync makes millions
    of short-lived objects (pages, rows, answers) and no reference cycles (none were found
    after a 10,000-record pull), so the collector would only walk the heap for nothing (in
    ``make bench``, the first pull of 10,000 records went from 4,302 to 4,713 records a second).
    """
    with gcpause.paused():
        return _run_sync(store, client, progress, cancelled, retry, sleep)


def _run_sync(
    store: Store,
    client: ServiceClient,
    progress: Callable[[Progress], None] | None,
    cancelled: Callable[[], bool],
    retry: RetryPolicy | None,
    sleep: Callable[[float], None],
) -> SyncSummary:
    summary = SyncSummary()
    tally: ApplyTally = summary
    report = progress or (lambda _p: None)
    policy, rng = retry or RetryPolicy(), random.SystemRandom()

    answered = False

    def attempt(call: Callable[[], T]) -> T:
        nonlocal answered
        for n in range(policy.attempts):
            try:
                found = call()
                answered = True
                return found
            except ServiceUnavailable as exc:
                # Nothing at the address from the first call: say so now, not after backoff.
                if n == policy.attempts - 1 or cancelled() or (exc.unreachable and not answered):
                    raise
                sleep(policy.delay(n, exc.retry_after, rng))
        raise AssertionError("unreachable")

    sent_before, received_before = client.bytes_sent, client.bytes_received

    def tell(phase: str, files_done: int = 0, files_total: int = 0) -> None:
        summary.bytes_sent = client.bytes_sent - sent_before
        summary.bytes_received = client.bytes_received - received_before
        report(
            Progress(
                phase,
                summary.sent,
                tally.received,
                summary.bytes_sent,
                summary.bytes_received,
                files_done,
                files_total,
            )
        )

    try:
        outlook = _outlook(store)
        if outlook.waiting_refusals and _retry_ready(store):
            outlook = _outlook(store)
        caught_up = False
        if outlook.pending:
            with store.checkpoints_deferred():
                caught_up = _push_all(
                    store, client, summary, tally, tell, cancelled, attempt, outlook
                )
                if summary.sent and _retry_ready(store):
                    # What waited for a record this push delivered goes in the same sync.
                    caught_up = _push_all(
                        store, client, summary, tally, tell, cancelled, attempt, _outlook(store)
                    )
        # What was read before the push holds as long as nothing was sent or received.
        uploads = attachments.uploads_due(store) if summary.sent else outlook.uploads
        _upload_files(store, client, summary, tell, cancelled, attempt, uploads)
        quiet = caught_up
        if not caught_up:
            with store.checkpoints_deferred():
                quiet = _pull_all(
                    store,
                    client,
                    summary,
                    tally,
                    tell,
                    cancelled,
                    attempt,
                    None if summary.sent else outlook,
                )
        if outlook.kept or summary.kept_for_worker or summary.sent:
            # Removals kept back for work that has now reached the service (or been decided).
            with store.write(remote=True) as session:
                release_kept(session, tally)
        # A record naming a form version this laptop lacks fetches the forms now, whenever
        # they were last checked, so it opens without another sync.
        lacking = bool(tally.received) and bool(missing_versions(store))
        if lacking or check_due(outlook.states.get(state.TEMPLATES_CHECKED)):
            summary.templates_fetched, problems = fetch_templates(
                store, client, attempt, force=lacking
            )
            summary.errors.extend(problems)
            fetch_people(store, client, attempt)
            fetch_service_name(store, client, attempt)
        quiet = quiet and not summary.sent and not summary.templates_fetched
        downloads = outlook.downloads if quiet else attachments.downloads_due(store)
        _download_files(store, client, summary, tell, cancelled, attempt, downloads)
    except ServiceUnavailable as exc:
        summary.errors.append(str(exc))
    except ServiceRefused as exc:
        summary.errors.append(str(exc))
        summary.action = exc.error.action
        if exc.error.action == "wipe" and exc.error.code == "account_disabled":
            _hold_wipe_for_unsettled_work(store, summary)
    finally:
        summary.bytes_sent = client.bytes_sent - sent_before
        summary.bytes_received = client.bytes_received - received_before
    return summary


#: Why a disabled account's laptop has not wiped itself yet.
WIPE_HELD = (
    "Your Casebook account has been disabled. {count} change(s) on this laptop have not "
    "reached the service (or were refused and wait for your decision), so nothing has been "
    "removed yet: open Sync details to send or deal with them. The laptop is cleared once they "
    "are done, or when your administrator gives them up."
)


def _hold_wipe_for_unsettled_work(store: Store, summary: SyncSummary) -> None:
    """A disabled account's laptop wipes itself only once nothing its worker recorded is left
    unsent or undecided (a revoked device, a lost laptop, wipes at once whatever it holds)."""
    with store.read() as session:
        count = outbox.unsettled_count(session)
    if count:
        summary.action = None
        summary.errors.append(WIPE_HELD.format(count=count))


def _retry_ready(store: Store) -> int:
    """Queue again the refused changes whose missing record the service now holds."""
    with store.write(remote=True) as session:
        return refused.retry_ready(session)


def _upload_files(
    store: Store,
    client: ServiceClient,
    summary: SyncSummary,
    tell: Callable[..., None],
    cancelled: Callable[[], bool],
    attempt: Attempt,
    due: list[str],
) -> None:
    def upload(sha256: str, files: attachments.FileTally, piece: Callable[[], None]) -> None:
        attachments.upload(store, client, sha256, attempt, files, piece)
        summary.files_uploaded = files.uploaded

    _each_file(due, "uploading files", upload, tell, cancelled)


def _download_files(
    store: Store,
    client: ServiceClient,
    summary: SyncSummary,
    tell: Callable[..., None],
    cancelled: Callable[[], bool],
    attempt: Attempt,
    due: list[str],
) -> None:
    def download(sha256: str, files: attachments.FileTally, piece: Callable[[], None]) -> None:
        problem = attachments.download(store, client, sha256, attempt, files, piece)
        if problem and problem not in summary.errors:
            summary.errors.append(problem)
        summary.files_downloaded = files.downloaded

    _each_file(due, "downloading files", download, tell, cancelled)


def _each_file(
    due: list[str],
    phase: str,
    move: Callable[[str, attachments.FileTally, Callable[[], None]], None],
    tell: Callable[..., None],
    cancelled: Callable[[], bool],
) -> None:
    """Move each file in turn, reporting every piece and every finished file, and stopping
    between files when the worker cancels (a file already moved stays moved)."""
    files = attachments.FileTally()
    for done, sha256 in enumerate(due):
        if cancelled():
            raise Cancelled
        move(sha256, files, partial(tell, phase, done, len(due)))
        tell(phase, done + 1, len(due))


def _push_all(
    store: Store,
    client: ServiceClient,
    summary: SyncSummary,
    tally: ApplyTally,
    tell: Callable[..., None],
    cancelled: Callable[[], bool],
    attempt: Attempt,
    outlook: _Outlook,
) -> bool:
    """Push the whole outbox, a batch at a time, in order. Returns True when the service's
    last answer moved the pull cursor past everything pushed (nothing else had changed for
    this laptop), so there is nothing to pull.

    While the service works on one batch the laptop settles the previous batch's answers and
    marks the next batch as possibly sent, so the two machines' work overlaps. Batches still
    reach the service strictly one after another (the next is sent only once the previous
    answer is in), so a later edit never overtakes an earlier one.

    A batch larger than the service accepts (413) is sent again in halves; a change too large
    even alone is set aside with a reason, like a change the service refuses, so it never
    holds up the queue.
    """
    # Sent with each batch so the answer can carry the cursor past it (``PushResponse``).
    cursor = None if outlook.resyncing else outlook.cursor
    with store.read_rows() as reading:
        holding = reading.scalar(_ANY_REFUSED) is not None
    caught_up = False
    most = PUSH_BATCH
    size = min(FIRST_PUSH_BATCH, most)
    # Conflicts re-queue what still needs sending, so allow a few extra rounds, but never spin.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="casebook-push") as wire:
        for round_ in range(1000):
            start = 0  # the batch in hand holds the pending entries after this seq
            # The first round needs no look first: the outlook found pending entries.
            batch = _next_batch(
                store, most=size, pending_known=round_ == 0, holding=holding or tally.rejected > 0
            )
            if not batch:
                return caught_up
            answered: tuple[list[OutgoingChange], PushResponse] | None = None
            while batch:
                if cancelled():
                    raise Cancelled
                changes, last_seq, body = batch
                # The cursor goes apart from the body, which was encoded before the last
                # answer (and with it this cursor) was in.
                in_flight = wire.submit(attempt, partial(client.push, body, cursor))
                try:
                    if answered is not None:
                        _settle(store, *answered, summary, tally)
                        tell("sending")
                    size = min(2 * size, most)
                    batch = _next_batch(
                        store, after_seq=last_seq, most=size, holding=holding or tally.rejected > 0
                    )
                except BaseException:
                    with contextlib.suppress(Exception):
                        in_flight.result()  # never leave the client busy behind our back
                    raise
                try:
                    answered = (changes, in_flight.result())
                except ServiceRefused as refused:
                    if refused.status != HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
                        raise
                    if len(changes) > 1:
                        # Larger than the service accepts: the same changes, in smaller
                        # batches (for the rest of this sync).
                        answered, most = None, len(changes) // 2
                        size = most
                        batch = _next_batch(
                            store, after_seq=start, most=most, holding=holding or tally.rejected > 0
                        )
                        continue
                    # Larger than the service's batch limit even alone: sent alone, which the
                    # service takes up to its largest record whatever that limit is.
                    try:
                        answered = (changes, attempt(partial(client.push, body, cursor, one=True)))
                        cursor = answered[1].cursor
                        caught_up = cursor is not None
                    except ServiceRefused as alone:
                        if alone.status != HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
                            raise
                        # Too large for any record: set aside, as if the service had refused
                        # it, so that it holds up nothing after it.
                        refusal = ChangeResult(
                            change_id=changes[0].change_id,
                            status=ChangeStatus.REJECTED,
                            reason=TOO_LARGE,
                        )
                        answered = (changes, PushResponse(results=[refusal]))
                        caught_up = False
                else:
                    cursor = answered[1].cursor
                    caught_up = cursor is not None
                start = last_seq
            if answered is not None:
                _settle(store, *answered, summary, tally)
                tell("sending")
    return caught_up


def _settle(
    store: Store,
    changes: list[OutgoingChange],
    response: PushResponse,
    summary: SyncSummary,
    tally: ApplyTally,
) -> None:
    results = {r.change_id: r for r in response.results}
    with store.write(remote=True) as session:
        apply_pushed(session, changes, results, tally)
        if response.cursor is not None:
            # With the answers it stands for: the feed up to it holds only this laptop's own
            # writes, which it now has.
            state.put(session, state.PULL_CURSOR, response.cursor)
    summary.sent += len(changes)
    missing = 0
    for change in changes:
        result = results.get(change.change_id)
        if result is None:
            missing += 1
        elif len(summary.items) < ITEMS_KEPT:
            summary.note("sent", change.record_type, change.record_id, result.status.value)
    if missing:
        # Sent against acknowledged must add up: an entry without an answer stays waiting
        # (its id is sent again next time), and this sync does not count as a success.
        summary.unacknowledged += missing
        summary.errors.append(
            f"The service did not answer for {missing} of the changes sent. They are kept "
            "on this laptop and will be sent again at the next sync."
        )


class _Batch(NamedTuple):
    """A batch ready to send: its changes, the last outbox seq in it (where the next batch
    starts) and its encoded body. Encoded as soon as it is read, while the service is still
    working on the batch before it: the service waits for nothing but the sending."""

    changes: list[OutgoingChange]
    last_seq: int
    body: JsonBody


def _next_batch(
    store: Store,
    *,
    after_seq: int = 0,
    most: int = PUSH_BATCH,
    pending_known: bool = False,
    holding: bool = True,
) -> _Batch | None:
    """Mark the next batch (pending entries after ``after_seq``: at most ``most`` of them, and
    no more than ``PUSH_BYTES`` of fields unless one entry alone is) as possibly sent, and
    build its wire form, in one transaction; None when there is nothing to send.

    Unless ``pending_known`` (the caller has just seen pending entries), a plain read looks
    first: a push that has sent everything must not pay for a write transaction (and its
    fsync) to find nothing, and it asks twice a sync (after its last batch, and again once
    settled). As a Core read of a statement built once it costs 0.2 ms, where an ORM session
    and query cost 0.5 (``make bench``'s 1% rows are a few milliseconds).

    Plain Core statements (one read, and the mark is one row) rather than ORM objects: a first
    sync pushes tens of thousands of entries, and this bookkeeping must not cost more than the
    push itself.
    """
    if not pending_known:
        with store.read_rows() as reading:
            if reading.scalar(_PENDING_AFTER, {"after": after_seq}) is None:
                return None
    with store.write(remote=True) as session:
        # Holding back changes behind a refused one costs a look-up per entry: only when the
        # outbox holds a refused change at all (``holding``).
        statement = _BATCH_HOLDING if holding else _BATCH
        rows = session.connection().execute(statement, {"after": after_seq, "most": most}).all()
        if not rows:
            return None
        texts: list[str] = []
        total = 0
        for count, row in enumerate(rows):
            texts.append(unpack_text(row.packed))
            # The stored JSON escapes every non-ASCII character, so its length in characters
            # is at least the length in bytes of the same fields on the wire.
            total += len(texts[-1])
            if count and total > PUSH_BYTES:
                rows, texts = rows[:count], texts[:count]
                break
        # From here on these entries' meaning is fixed (``app.replica.sent_mark``).
        mark_sent_through(session, rows[-1].seq)
    changes: list[OutgoingChange] = []
    for row, text in zip(rows, texts, strict=True):
        allowed = RECORD_FIELDS.get(row.record_type, {})
        changes.append(
            OutgoingChange(
                row.id,
                row.record_type,
                row.record_id,
                "delete" if row.operation == "delete" else "upsert",
                row.base_revision,
                {
                    k: v
                    for k, v in orjson.loads(text).items()
                    if k in allowed and k not in SERVER_CONTROLLED
                },
                row.made_under,
            )
        )
    return _Batch(changes, rows[-1].seq, ServiceClient.encode_push(changes))


def _pull_all(
    store: Store,
    client: ServiceClient,
    summary: SyncSummary,
    tally: ApplyTally,
    tell: Callable[..., None],
    cancelled: Callable[[], bool],
    attempt: Attempt,
    outlook: _Outlook | None,
) -> bool:
    """Pull every page after the stored cursor; returns True when there was nothing new.
    ``outlook``: the store's state as read at the start, if nothing has changed it since.

    The next page is fetched while the current one is written: the service's time to build a
    page and the laptop's time to apply one overlap (two cores do both at once), instead of
    each waiting for the other as a strict request-apply-request loop would. The fetching
    thread also turns the page into insert rows (``sync.rows.prepare_rows``), which it would
    otherwise wait out idle, so the writing thread does only the writing. Only one request
    is ever in flight, and a page's cursor is stored with the page, so an interruption still
    re-fetches at most the page being written.
    """
    if outlook is None:
        with store.read() as session:
            outlook = _Outlook(_states(session), pending=False, uploads=[], downloads=[])
    cursor, resyncing = outlook.cursor, outlook.resyncing
    first = True
    dialect = store.engine.dialect
    limit = min(FIRST_PULL_PAGE, DEFAULT_PULL_PAGE)

    def fetch_ahead(after: str, size: int) -> tuple[PullResponse, list[Row | None] | None, float]:
        page = attempt(partial(client.pull, cursor=after, limit=size))
        started = time.perf_counter()
        rows = prepare_rows(dialect, page.records)
        return page, rows, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="casebook-pull") as ahead:
        upcoming: Future[tuple[PullResponse, list[Row | None] | None, float]] | None = None
        while True:
            if cancelled():
                raise Cancelled
            if upcoming is not None:
                (page, rows, making), upcoming = upcoming.result(), None
                summary.applying_seconds += making
            else:
                # Made here, rows would only delay the page; they are made as they are written
                # instead (a small sync's page is often a handful of records).
                rows = None
                page = attempt(partial(client.pull, cursor=cursor, limit=limit))
            if page.full_resync:
                if cursor is None:
                    raise ServiceUnavailable("The service asked for a re-sync it cannot start.")
                # Away longer than the service keeps deletions: read the whole feed again,
                # noting what it holds, then let go of anything it no longer mentions. Unsent
                # work was pushed above and stays in the outbox if it was not accepted.
                with store.write(remote=True) as session:
                    session.execute(delete(ResyncSeen))
                    waiting.forget(session)  # the whole feed comes again
                    state.put(session, state.FULL_RESYNC, clock.utcnow().isoformat())
                    state.put(session, state.PULL_CURSOR, "")
                summary.full_resync, resyncing, cursor = True, True, None
                first = False
                continue
            if (
                not page.records
                and not page.removals
                and page.cursor == (cursor or "")
                and not resyncing
            ):
                tell("receiving")
                return first  # nothing new: no write transaction
            if page.more:
                limit = min(2 * limit, DEFAULT_PULL_PAGE)
                upcoming = ahead.submit(fetch_ahead, page.cursor, limit)
            started = time.perf_counter()
            try:
                with store.write(remote=True) as session:
                    apply_pulled(session, page.records, tally, rows)
                    for removal in page.removals:
                        kept_before = tally.kept_for_worker
                        apply_removal(session, removal, tally)
                        summary.note(
                            "received",
                            removal.record_type,
                            removal.record_id,
                            "kept" if tally.kept_for_worker > kept_before else "removed",
                        )
                    if resyncing:
                        _note_seen(session, page.records)
                    state.put(session, state.PULL_CURSOR, page.cursor)
                    if resyncing and not page.more:
                        reconcile_after_resync(session, tally)
            except BaseException:
                if upcoming is not None:
                    upcoming.cancel()
                    with contextlib.suppress(Exception):
                        upcoming.result()  # never leave the client busy behind our back
                raise
            summary.applying_seconds += time.perf_counter() - started
            if len(summary.items) < ITEMS_KEPT:
                for version in page.records[: ITEMS_KEPT - len(summary.items)]:
                    summary.note("received", version.record_type, version.record_id, "received")
            cursor = page.cursor or None
            tell("receiving")
            first = False
            if not page.more:
                return False


def reconcile_after_resync(session: Session, tally: ApplyTally) -> None:
    """The whole feed has been read again: every record the laptop had from the service but
    the feed did not mention is removed, as a removal would have (unsent work is kept)."""
    seen = ResyncSeen.__table__
    for record_type, cls in RECORD_TYPES.items():
        gone = session.scalars(
            select(cls.id).where(
                cls.server_revision.is_not(None),
                ~exists().where(seen.c.record_id == cls.id),
            )
        ).all()
        for record_id in gone:
            apply_removal(
                session,
                Removal(record_type=record_type, record_id=record_id, reason="out_of_scope"),
                tally,
            )
    session.execute(delete(ResyncSeen))
    state.forget(session, state.FULL_RESYNC)


def _note_seen(session: Session, records: list[RecordVersion]) -> None:
    if records:
        statement = sqlite_insert(ResyncSeen).on_conflict_do_nothing()
        session.execute(statement, [{"record_id": r.record_id} for r in records])


@dataclass(frozen=True)
class _Outlook:
    """What a sync needs to know from the store before it talks to the service, read in one
    transaction: most syncs have nothing to send, no files to move and no forms to fetch, and
    one read for each of those (about a millisecond apiece) was half of a quiet sync."""

    states: dict[state.Key[str], str]
    pending: bool
    uploads: list[str]
    downloads: list[str]
    #: Removals kept back for the worker's unsettled work (``sync.apply.release_kept``).
    kept: bool = False
    #: Refused changes waiting for a record to reach the service (``sync.refused``).
    waiting_refusals: bool = False

    @property
    def cursor(self) -> str | None:
        return self.states.get(state.PULL_CURSOR) or None

    @property
    def resyncing(self) -> bool:
        return bool(self.states.get(state.FULL_RESYNC))


def _outlook(store: Store) -> _Outlook:
    with store.read_rows() as rows:
        # Seqs start at 1, so "after 0" asks whether anything is pending at all.
        pending = rows.scalar(_PENDING_AFTER, {"after": 0})
        return _Outlook(
            _states(rows),
            pending=pending is not None,
            uploads=attachments.uploads_due_in(rows),
            downloads=attachments.downloads_due_in(rows),
            kept=rows.scalar(_KEPT) is not None,
            waiting_refusals=rows.scalar(_WAITING_REFUSALS) is not None,
        )


#: The reads every sync starts with, built once: on a quiet sync, building (and for an ORM
#: statement, setting up) each query cost about twice what running it did. The first, any
#: pending entry after a seq, is also the look ``_next_batch`` takes before each batch.
_OUTBOX = OutboxEntry.__table__
_PENDING_AFTER = (
    select(_OUTBOX.c.seq)
    .where(_OUTBOX.c.state == PENDING, _OUTBOX.c.seq > bindparam("after"))
    .limit(1)
)
_EARLIER = _OUTBOX.alias("earlier")
_BATCH_COLUMNS = (
    _OUTBOX.c.seq,
    _OUTBOX.c.id,
    _OUTBOX.c.record_type,
    _OUTBOX.c.record_id,
    _OUTBOX.c.operation,
    _OUTBOX.c.base_revision,
    # The deflated JSON as stored: its text measures the batch (``_next_batch``).
    type_coerce(_OUTBOX.c.fields, LargeBinary).label("packed"),
    _OUTBOX.c.made_under,
)
#: The next batch's entries (``_next_batch``), built once as the reads above are.
_BATCH = (
    select(*_BATCH_COLUMNS)
    .where(_OUTBOX.c.state == PENDING, _OUTBOX.c.seq > bindparam("after"))
    .order_by(_OUTBOX.c.seq)
    .limit(bindparam("most"))
)
#: The same, while the outbox holds a refused change: a change after a refused one of the same
#: record waits for the worker's decision about that one (a sign-off never goes before the
#: draft it signs off).
_BATCH_HOLDING = (
    select(*_BATCH_COLUMNS)
    .where(
        _OUTBOX.c.state == PENDING,
        _OUTBOX.c.seq > bindparam("after"),
        ~exists().where(
            _EARLIER.c.record_id == _OUTBOX.c.record_id,
            _EARLIER.c.state == REJECTED,
            _EARLIER.c.seq < _OUTBOX.c.seq,
        ),
    )
    .order_by(_OUTBOX.c.seq)
    .limit(bindparam("most"))
)
_ANY_REFUSED = select(_OUTBOX.c.seq).where(_OUTBOX.c.state == REJECTED).limit(1)
_KEPT = select(KeptRemoval.__table__.c.record_id).limit(1)
_WAITING_REFUSALS = (
    select(_OUTBOX.c.seq)
    .where(_OUTBOX.c.state == REJECTED, _OUTBOX.c.waits_for.is_not(None))
    .limit(1)
)


def _states(session: Session | Connection) -> dict[state.Key[str], str]:
    """The profile state a sync reads: the pull cursor, a re-sync under way, the last check
    for new forms."""
    return state.get_many(session, state.PULL_CURSOR, state.FULL_RESYNC, state.TEMPLATES_CHECKED)
