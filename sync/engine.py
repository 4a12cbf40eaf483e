"""One sync: push everything waiting in the outbox, send files, pull everything new, fetch new
forms and files.

Written as plain functions over a store and a client (no Qt), so the UI runs it on a worker
thread and tests run it directly. Every step is safe to interrupt and repeat: pushing
(``sync.push``) marks a batch as possibly sent before it leaves and settles its answers in one
transaction; pulling (``sync.pull``) applies each page with its cursor in one transaction.
What the steps share travels in one ``sync.run.SyncRun``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from app.replica import outbox, state
from app.store import Store
from sync import attachments, outlook, refused
from sync.apply import release_kept
from sync.client import ServiceClient, ServiceRefused, ServiceUnavailable
from sync.people import fetch_people, fetch_service_name
from sync.progress import Cancelled, Phase, Progress
from sync.pull import pull_all
from sync.push import push_all
from sync.retry import RetryPolicy
from sync.run import SyncRun
from sync.summary import Action, SyncItem, SyncSummary
from sync.templates import check_due, fetch_templates, missing_versions

__all__ = [
    "Action",
    "Cancelled",
    "Phase",
    "Progress",
    "RetryPolicy",
    "SyncItem",
    "SyncSummary",
    "run_sync",
]

#: Why a disabled account's laptop has not wiped itself yet.
WIPE_HELD = (
    "Your Casebook account has been disabled. {count} change(s) on this laptop have not "
    "reached the service (or were refused and wait for your decision), so nothing has been "
    "removed yet: open Sync details to send or deal with them. The laptop is cleared once they "
    "are done, or when your administrator gives them up."
)


def run_sync(
    store: Store,
    client: ServiceClient,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncSummary:
    """Push, send files, pull, fetch new forms, fetch files: one whole sync."""
    run = SyncRun(
        store,
        client,
        cancelled=cancelled,
        policy=retry or RetryPolicy(),
        sleep=sleep,
    )
    if progress is not None:
        run.report = progress
    try:
        _steps(run)
    except ServiceUnavailable as exc:
        run.summary.errors.append(str(exc))
    except ServiceRefused as exc:
        run.summary.errors.append(str(exc))
        action = Action(exc.error.action) if exc.error.action is not None else None
        run.summary.action = action
        if action is Action.WIPE and exc.error.code == "account_disabled":
            _hold_wipe_for_unsettled_work(store, run.summary)
    finally:
        run.count_bytes()
    return run.summary


def _steps(run: SyncRun) -> None:
    store, client, summary = run.store, run.client, run.summary
    before = outlook.read(store)
    if before.waiting_refusals and _retry_ready(store):
        before = outlook.read(store)
    caught_up = False
    if before.pending:
        with store.checkpoints_deferred():
            caught_up = push_all(run, before)
            if summary.sent and _retry_ready(store):
                # What waited for a record this push delivered goes in the same sync.
                caught_up = push_all(run, outlook.read(store))
    # What was read before the push holds as long as nothing was sent or received.
    uploads = attachments.uploads_due(store) if summary.sent else before.uploads
    _upload_files(run, uploads)
    quiet = caught_up
    if not caught_up:
        with store.checkpoints_deferred():
            quiet = pull_all(run, outlook.states_only(store) if summary.sent else before)
    if before.kept or summary.kept_for_worker or summary.sent:
        # Removals kept back for work that has now reached the service (or been decided).
        with store.write(remote=True) as session:
            release_kept(session, summary)
    # A record naming a form version this laptop lacks fetches the forms now, whenever
    # they were last checked, so it opens without another sync.
    lacking = bool(summary.received) and bool(missing_versions(store))
    if lacking or check_due(before.states.get(state.TEMPLATES_CHECKED)):
        summary.templates_fetched, problems = fetch_templates(
            store, client, run.attempt, force=lacking
        )
        summary.errors.extend(problems)
        fetch_people(store, client, run.attempt)
        fetch_service_name(store, client, run.attempt)
    quiet = quiet and not summary.sent and not summary.templates_fetched
    downloads = before.downloads if quiet else attachments.downloads_due(store)
    _download_files(run, downloads)


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


def _upload_files(run: SyncRun, due: list[str]) -> None:
    def upload(sha256: str, files: attachments.FileTally, piece: Callable[[], None]) -> None:
        attachments.upload(run.store, run.client, sha256, run.attempt, files, piece)
        run.summary.files_uploaded = files.uploaded

    _each_file(run, due, Phase.UPLOADING, upload)


def _download_files(run: SyncRun, due: list[str]) -> None:
    errors = run.summary.errors

    def download(sha256: str, files: attachments.FileTally, piece: Callable[[], None]) -> None:
        problem = attachments.download(run.store, run.client, sha256, run.attempt, files, piece)
        if problem and problem not in errors:
            errors.append(problem)
        run.summary.files_downloaded = files.downloaded

    _each_file(run, due, Phase.DOWNLOADING, download)


def _each_file(
    run: SyncRun,
    due: list[str],
    phase: Phase,
    move: Callable[[str, attachments.FileTally, Callable[[], None]], None],
) -> None:
    """Move each file in turn, reporting every piece and every finished file, and stopping
    between files when the worker cancels (a file already moved stays moved)."""
    files = attachments.FileTally()
    for done, sha256 in enumerate(due):
        run.stop_if_cancelled()
        move(sha256, files, partial(run.tell, phase, done, len(due)))
        run.tell(phase, done + 1, len(due))
