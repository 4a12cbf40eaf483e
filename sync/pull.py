"""Pulling: every page of the service's feed after the laptop's cursor, each applied with its
cursor in one transaction, so a crash re-fetches at most one page and applying a page twice
changes nothing."""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

from sqlalchemy.orm import Session

from app import gcpause
from app.models import RECORD_TYPES
from app.replica import resync, state
from app.replica.rows import Row
from sync import waiting
from sync.apply import ApplyTally, apply_removal
from sync.client import ServiceUnavailable
from sync.outlook import Outlook
from sync.pages import apply_pulled
from sync.progress import Phase
from sync.protocol.messages import DEFAULT_PULL_PAGE, PullResponse, Removal
from sync.rows import prepare_rows
from sync.run import SyncRun
from sync.summary import ITEMS_KEPT, Direction, Received

#: The first page of a pull asks for this many records, and each next one for twice the last
#: (up to the protocol's page): the laptop starts writing sooner and fetches the next page
#: meanwhile. As many records as a day's colleagues' edits usually come to still fit in one.
FIRST_PULL_PAGE = 500

_Fetched = tuple[PullResponse, list[Row | None] | None, float]


def pull_all(run: SyncRun, outlook: Outlook) -> bool:
    """Pull every page after the stored cursor; returns True when there was nothing new.
    ``outlook``: the store's state as read before (the cursor, a re-sync under way).

    The next page is fetched while the current one is written: the service's time to build a
    page and the laptop's time to apply one overlap (two cores do both at once), instead of
    each waiting for the other as a strict request-apply-request loop would. The fetching
    thread also turns the page into insert rows (``sync.rows.prepare_rows``), which it would
    otherwise wait out idle, so the writing thread does only the writing. Only one request
    is ever in flight, and a page's cursor is stored with the page, so an interruption still
    re-fetches at most the page being written.
    """
    store, summary = run.store, run.summary
    cursor, resyncing = outlook.cursor, outlook.resyncing
    first = True
    dialect = store.engine.dialect
    limit = min(FIRST_PULL_PAGE, DEFAULT_PULL_PAGE)

    def fetch_ahead(after: str, size: int) -> _Fetched:
        page = run.attempt(partial(run.client.pull, cursor=after, limit=size))
        started = time.perf_counter()
        with gcpause.paused():
            rows = prepare_rows(dialect, page.records)
        return page, rows, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="casebook-pull") as ahead:
        upcoming: Future[_Fetched] | None = None
        while True:
            run.stop_if_cancelled()
            if upcoming is not None:
                (page, rows, making), upcoming = upcoming.result(), None
                summary.applying_seconds += making
            else:
                # Made here, rows would only delay the page; they are made as they are written
                # instead (a small sync's page is often a handful of records).
                rows = None
                page = run.attempt(partial(run.client.pull, cursor=cursor, limit=limit))
            if page.full_resync:
                if cursor is None:
                    raise ServiceUnavailable("The service asked for a re-sync it cannot start.")
                # Away longer than the service keeps deletions: read the whole feed again,
                # noting what it holds, then let go of anything it no longer mentions. Unsent
                # work was pushed before and stays in the outbox if it was not accepted.
                with store.write(remote=True) as session:
                    resync.begin(session)
                    waiting.forget(session)  # the whole feed comes again
                summary.full_resync, resyncing, cursor = True, True, None
                first = False
                continue
            if (
                not page.records
                and not page.removals
                and page.cursor == (cursor or "")
                and not resyncing
            ):
                run.tell(Phase.RECEIVING)
                return first  # nothing new: no write transaction
            if page.more:
                limit = min(2 * limit, DEFAULT_PULL_PAGE)
                upcoming = ahead.submit(fetch_ahead, page.cursor, limit)
            started = time.perf_counter()
            try:
                with gcpause.paused():
                    _apply_page(run, page, rows, resyncing)
            except BaseException:
                if upcoming is not None:
                    upcoming.cancel()
                    with contextlib.suppress(Exception):
                        upcoming.result()  # never leave the client busy behind our back
                raise
            summary.applying_seconds += time.perf_counter() - started
            if len(summary.items) < ITEMS_KEPT:
                for version in page.records[: ITEMS_KEPT - len(summary.items)]:
                    summary.note(
                        Direction.RECEIVED,
                        version.record_type,
                        version.record_id,
                        Received.RECEIVED,
                    )
            cursor = page.cursor or None
            run.tell(Phase.RECEIVING)
            first = False
            if not page.more:
                return False


def _apply_page(
    run: SyncRun, page: PullResponse, rows: list[Row | None] | None, resyncing: bool
) -> None:
    """One page, its removals and its cursor, in one transaction."""
    summary = run.summary
    with run.store.write(remote=True) as session:
        apply_pulled(session, page.records, summary, rows)
        for removal in page.removals:
            kept_before = summary.kept_for_worker
            apply_removal(session, removal, summary)
            summary.note(
                Direction.RECEIVED,
                removal.record_type,
                removal.record_id,
                Received.KEPT if summary.kept_for_worker > kept_before else Received.REMOVED,
            )
        if resyncing:
            resync.note_seen(session, (r.record_id for r in page.records))
        state.put(session, state.PULL_CURSOR, page.cursor)
        if resyncing and not page.more:
            reconcile_after_resync(session, summary)


def reconcile_after_resync(session: Session, tally: ApplyTally) -> None:
    """The whole feed has been read again: every record the laptop had from the service but
    the feed did not mention is removed, as a removal would have (unsent work is kept)."""
    for record_type, cls in RECORD_TYPES.items():
        for record_id in resync.unseen(session, cls):
            apply_removal(
                session,
                Removal(record_type=record_type, record_id=record_id, reason="out_of_scope"),
                tally,
            )
    resync.end(session)
