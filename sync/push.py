"""Pushing: the whole outbox, a batch at a time, in order, each batch's answers settled in one
transaction.

Before a batch is sent its entries are marked as possibly sent in their own transaction, so a
later edit to the same record never rewrites a change the service may already have; if an
answer never arrives, the same change ids are sent again next time and the service returns
its stored results.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http import HTTPStatus
from typing import NamedTuple

import orjson

from app.replica import batches, state
from sync.client import JsonBody, OutgoingChange, ServiceClient, ServiceRefused
from sync.outlook import Outlook
from sync.pages import apply_pushed
from sync.progress import Phase
from sync.protocol.messages import (
    MAX_CHANGES_PER_PUSH,
    ChangeResult,
    ChangeStatus,
    PushResponse,
)
from sync.protocol.records import RECORD_FIELDS, SERVER_CONTROLLED
from sync.run import SyncRun
from sync.summary import ITEMS_KEPT, Direction

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


def push_all(run: SyncRun, outlook: Outlook) -> bool:
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
    store, client, summary = run.store, run.client, run.summary
    # Sent with each batch so the answer can carry the cursor past it (``PushResponse``).
    cursor = None if outlook.resyncing else outlook.cursor
    with store.read_rows() as reading:
        holding = batches.any_refused(reading)
    caught_up = False
    most = PUSH_BATCH
    size = min(FIRST_PUSH_BATCH, most)
    # Conflicts re-queue what still needs sending, so allow a few extra rounds, but never spin.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="casebook-push") as wire:
        for round_ in range(1000):
            start = 0  # the batch in hand holds the pending entries after this seq
            # The first round needs no look first: the outlook found pending entries.
            batch = _next_batch(
                run, most=size, pending_known=round_ == 0, holding=holding or summary.rejected > 0
            )
            if not batch:
                return caught_up
            answered: tuple[list[OutgoingChange], PushResponse] | None = None
            while batch:
                run.stop_if_cancelled()
                changes, last_seq, body = batch
                # The cursor goes apart from the body, which was encoded before the last
                # answer (and with it this cursor) was in.
                in_flight = wire.submit(run.attempt, partial(client.push, body, cursor))
                try:
                    if answered is not None:
                        _settle(run, *answered)
                        run.tell(Phase.SENDING)
                    size = min(2 * size, most)
                    batch = _next_batch(
                        run, after_seq=last_seq, most=size, holding=holding or summary.rejected > 0
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
                            run, after_seq=start, most=most, holding=holding or summary.rejected > 0
                        )
                        continue
                    # Larger than the service's batch limit even alone: sent alone, which the
                    # service takes up to its largest record whatever that limit is.
                    alone = _alone(run, body, cursor)
                    if alone is None:
                        # Too large for any record: set aside, as if the service had refused
                        # it, so that it holds up nothing after it.
                        answered, caught_up = (changes, _too_large(changes[0])), False
                    else:
                        answered, cursor = (changes, alone), alone.cursor
                        caught_up = cursor is not None
                else:
                    cursor = answered[1].cursor
                    caught_up = cursor is not None
                start = last_seq
            if answered is not None:
                _settle(run, *answered)
                run.tell(Phase.SENDING)
    return caught_up


def _alone(run: SyncRun, body: JsonBody, cursor: str | None) -> PushResponse | None:
    """One change larger than the service's batch limit, sent by itself (the service takes it
    up to its largest record whatever that limit is); None if it is too large even so."""
    try:
        return run.attempt(partial(run.client.push, body, cursor, one=True))
    except ServiceRefused as alone:
        if alone.status != HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
            raise
        return None


def _too_large(change: OutgoingChange) -> PushResponse:
    refusal = ChangeResult(
        change_id=change.change_id, status=ChangeStatus.REJECTED, reason=TOO_LARGE
    )
    return PushResponse(results=[refusal])


def _settle(run: SyncRun, changes: list[OutgoingChange], response: PushResponse) -> None:
    """Apply one batch's answers, with the cursor they carry, in one transaction."""
    summary = run.summary
    results = {r.change_id: r for r in response.results}
    with run.store.write(remote=True) as session:
        apply_pushed(session, changes, results, summary)
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
            summary.note(Direction.SENT, change.record_type, change.record_id, result.status.value)
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
    run: SyncRun,
    *,
    after_seq: int = 0,
    most: int = PUSH_BATCH,
    pending_known: bool = False,
    holding: bool = True,
) -> _Batch | None:
    """Take the next batch (``app.replica.batches.take``: pending entries after ``after_seq``,
    at most ``most`` of them and no more than ``PUSH_BYTES`` of fields unless one entry alone
    is, marked as possibly sent) and build its wire form; None when there is nothing to send.

    Unless ``pending_known`` (the caller has just seen pending entries), a plain read looks
    first: a push that has sent everything must not pay for a write transaction (and its
    fsync) to find nothing, and it asks twice a sync (after its last batch, and again once
    settled).
    """
    store = run.store
    if not pending_known:
        with store.read_rows() as reading:
            if not batches.pending_after(reading, after_seq):
                return None
    with store.write(remote=True) as session:
        taken = batches.take(
            session, after=after_seq, most=most, most_text=PUSH_BYTES, holding=holding
        )
    if not taken:
        return None
    changes: list[OutgoingChange] = []
    for entry in taken:
        allowed = RECORD_FIELDS.get(entry.record_type, {})
        changes.append(
            OutgoingChange(
                entry.id,
                entry.record_type,
                entry.record_id,
                "delete" if entry.operation == "delete" else "upsert",
                entry.base_revision,
                {
                    k: v
                    for k, v in orjson.loads(entry.text).items()
                    if k in allowed and k not in SERVER_CONTROLLED
                },
                entry.made_under,
            )
        )
    return _Batch(changes, taken[-1].seq, ServiceClient.encode_push(changes))
