"""The writes of one form page (a ``DraftForm``), run strictly one after another.

Why one queue per form: a form autosaves every few seconds and on every focus change, and the
worker may press Finalise or add an addendum meanwhile. Two writes of the same record at once
could let an older snapshot land after a newer one; so writes for one form run in the order
asked, never two at a time, each taking its snapshot of the fields when it *starts* (so the
last edit always wins), and a write whose work is no longer needed can bow out (``start``
returns None). Shared by the forms so that rule lives in one place.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QObject

from ui.tasks import run_task
from ui.views.common import alive


@dataclass
class Job:
    """One write in the queue. ``start`` runs on the GUI thread when the job's turn comes and
    returns the work for the worker thread (or None: nothing to do any more)."""

    kind: str
    start: Callable[[], Callable[[], Any] | None]
    done: Callable[[Any], None]
    failed: Callable[[BaseException], None]


class WriteQueue:
    """The form's writes; ``on_busy`` (if given) hears True when a write starts and False when
    it has finished, before the job's own ``done``/``failed`` runs."""

    def __init__(self, owner: QObject, on_busy: Callable[[bool], None] | None = None) -> None:
        self._owner = owner
        self._on_busy = on_busy
        self._jobs: deque[Job] = deque()
        self._running = False

    @property
    def busy(self) -> bool:
        """A write is running or waiting."""
        return self._running or bool(self._jobs)

    def waiting(self, kind: str) -> bool:
        """A write of this kind is waiting its turn (so another need not be queued)."""
        return any(job.kind == kind for job in self._jobs)

    def add(self, job: Job) -> None:
        self._jobs.append(job)
        self._pump()

    # ---- Private API

    def _pump(self) -> None:
        while not self._running and self._jobs:
            job = self._jobs.popleft()
            work = job.start()
            if work is None:
                continue
            self._running = True
            if self._on_busy is not None:
                self._on_busy(True)
            run_task(work, partial(self._finished, job.done), partial(self._finished, job.failed))

    def _finished(self, then: Callable[[Any], None], outcome: Any) -> None:
        if not alive(self._owner):
            return
        self._running = False
        if self._on_busy is not None:
            self._on_busy(False)
        then(outcome)
        self._pump()
