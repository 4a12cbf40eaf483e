"""Background work: results and failures come back on the GUI thread, progress arrives, and a
cancel request reaches the work."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot

from ui.tasks import busy, run_cancellable, run_task


def test_result_is_delivered_on_the_gui_thread(qtbot: QtBot) -> None:
    gui = threading.get_ident()
    seen: dict[str, Any] = {}

    def work() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(value: int) -> None:
        seen["value"], seen["callback"] = value, threading.get_ident()

    run_task(work, done)
    qtbot.waitUntil(lambda: "value" in seen, timeout=5000)
    assert seen["value"] == 42
    assert seen["worker"] != gui and seen["callback"] == gui
    assert not busy()


def test_failure_is_delivered_not_swallowed(qtbot: QtBot) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        raise ValueError("disk full")

    run_task(work, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError)


def test_progress_and_cancel(qtbot: QtBot) -> None:
    steps: list[int] = []
    outcome: list[str] = []

    def work(report: Callable[[Any], None], cancelled: Callable[[], bool]) -> str:
        for n in range(1000):
            if cancelled():
                return "stopped"
            report(n)
            time.sleep(0.005)
        return "finished"

    task = run_cancellable(work, outcome.append, on_progress=steps.append)
    qtbot.waitUntil(lambda: len(steps) >= 3, timeout=5000)
    task.cancel()
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert outcome == ["stopped"] and 3 <= len(steps) < 1000
