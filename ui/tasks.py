"""Running disk and network work off the GUI thread.

The rule of the client is that the GUI thread never waits on the store or the service for more
than a frame. Widgets therefore never call ``app``/``sync`` functions that touch disk directly;
they hand a plain function to ``run_task`` and get its result (or its exception) back as a call
on the GUI thread, where it is safe to touch widgets.

Why a small module of our own rather than ``QThread`` subclasses everywhere: one pool bounds
how many database connections and sockets the client holds, every task is kept alive until its
answer has been delivered (a ``QRunnable`` whose signal object is garbage-collected mid-flight
crashes PySide), and tests can wait for "all work done" in one place.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Signals(QObject):
    # ``object`` so any Python value (a list of rows, an exception) crosses threads as is.
    sig_done = Signal(object)
    """The work returned.

    Parameters
    ----------
    result : object
        What the work returned.
    """

    sig_failed = Signal(object)
    """The work raised.

    Parameters
    ----------
    exception : BaseException
    """

    sig_progress = Signal(object)
    """The work reported how far it has got.

    Parameters
    ----------
    progress : object
        Whatever the work passed to its ``report``.
    """


class Task(QRunnable, Generic[T]):
    """One function run on the pool. ``report`` (given to the function when it accepts one)
    sends progress to the GUI thread; ``cancel`` asks it to stop at its next check."""

    def __init__(self, work: Callable[..., T], *, wants_progress: bool) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self._work = work
        self._wants_progress = wants_progress
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> None:
        try:
            if self._wants_progress:
                result = self._work(self.signals.sig_progress.emit, self._cancelled.is_set)
            else:
                result = self._work()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI thread
            # Type only: the exception's message may quote case text.
            log.info("background task failed: %s", type(exc).__name__)
            self.signals.sig_failed.emit(exc)
        else:
            self.signals.sig_done.emit(result)


_running: set[Task[Any]] = set()


def run_task(
    work: Callable[[], T],
    on_done: Callable[[T], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    pool: QThreadPool | None = None,
) -> Task[T]:
    """Run ``work()`` on the pool; ``on_done(result)`` or ``on_error(exc)`` run on the GUI
    thread afterwards. Must be called from the GUI thread."""
    return _start(Task(work, wants_progress=False), on_done, on_error, None, pool)


def run_cancellable(
    work: Callable[[Callable[[Any], None], Callable[[], bool]], T],
    on_done: Callable[[T], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[Any], None] | None = None,
    *,
    pool: QThreadPool | None = None,
) -> Task[T]:
    """Like ``run_task`` for long work: ``work(report, cancelled)`` may call ``report(x)``
    (delivered to ``on_progress`` on the GUI thread) and should stop when ``cancelled()``."""
    return _start(Task(work, wants_progress=True), on_done, on_error, on_progress, pool)


def busy() -> bool:
    """Whether any task is still running or has an answer not yet delivered."""
    return bool(_running)


def _start(
    task: Task[T],
    on_done: Callable[[T], None] | None,
    on_error: Callable[[BaseException], None] | None,
    on_progress: Callable[[Any], None] | None,
    pool: QThreadPool | None,
) -> Task[T]:
    # Queued: the signals object lives on the GUI thread, so the callbacks run there, never on
    # the worker thread that emitted them.
    queued = Qt.ConnectionType.QueuedConnection
    _running.add(task)

    def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
        _running.discard(task)
        if callback is not None:
            callback(value)

    task.signals.sig_done.connect(lambda value: finish(on_done, value), queued)
    task.signals.sig_failed.connect(lambda exc: finish(on_error or _unhandled, exc), queued)
    if on_progress is not None:
        task.signals.sig_progress.connect(on_progress, queued)
    (pool or QThreadPool.globalInstance()).start(task)
    return task


def _unhandled(exc: BaseException) -> None:
    log.error("unhandled failure in background task: %s", type(exc).__name__)
