"""The lock guard: idle time, input resetting it, a suspended laptop, and a manual lock."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from ui.lock import SUSPEND_GAP_SECONDS, LockGuard

IDLE_MS = 300


class FakeClocks:
    """A wall clock and a monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.wall = 1_700_000_000.0
        self.mono = 1_000.0

    def advance(self, *, wall: float, mono: float) -> None:
        self.wall += wall
        self.mono += mono


@pytest.fixture
def clocks() -> FakeClocks:
    return FakeClocks()


@pytest.fixture
def guard(qtbot: QtBot, qapp: QApplication, clocks: FakeClocks) -> Iterator[LockGuard]:
    made = LockGuard(5, wall_clock=lambda: clocks.wall, monotonic_clock=lambda: clocks.mono)
    made.set_idle_interval_ms(IDLE_MS)
    made.install(qapp)
    yield made
    made.uninstall()
    made.deleteLater()


@pytest.fixture
def field(qtbot: QtBot) -> QLineEdit:
    shown = QLineEdit()
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_no_input_for_the_idle_interval_requests_an_idle_lock(
    guard: LockGuard, qtbot: QtBot
) -> None:
    """With nobody at the keyboard, the guard asks for a lock once the idle interval passes."""
    started = time.monotonic()
    with qtbot.waitSignal(guard.sig_lock_requested, timeout=5_000) as blocker:
        pass
    assert blocker.args == ["idle"]
    assert time.monotonic() - started >= IDLE_MS / 1000 * 0.9


def test_a_key_press_restarts_the_idle_interval(
    guard: LockGuard, qtbot: QtBot, field: QLineEdit
) -> None:
    """A key press half way through the interval pushes the idle lock a full interval later."""
    pressed: list[float] = []

    def press() -> None:
        pressed.append(time.monotonic())
        qtbot.keyClick(field, Qt.Key.Key_A)

    guard.set_idle_interval_ms(IDLE_MS)  # counts from now
    started = time.monotonic()
    QTimer.singleShot(IDLE_MS // 2, press)
    with qtbot.waitSignal(guard.sig_lock_requested, timeout=5_000) as blocker:
        pass
    fired = time.monotonic()
    assert blocker.args == ["idle"]
    assert pressed, "the key press never happened"
    assert field.text() == "a"
    assert fired - pressed[0] >= IDLE_MS / 1000 * 0.9
    assert fired - started >= IDLE_MS / 1000 * 1.4


def test_mouse_movement_also_counts_as_activity(
    guard: LockGuard, qtbot: QtBot, field: QLineEdit
) -> None:
    """Moving the mouse restarts the idle interval just as typing does."""
    moved: list[float] = []

    def move() -> None:
        moved.append(time.monotonic())
        qtbot.mouseMove(field, field.rect().center())

    guard.set_idle_interval_ms(IDLE_MS)
    QTimer.singleShot(IDLE_MS // 2, move)
    with qtbot.waitSignal(guard.sig_lock_requested, timeout=5_000):
        pass
    assert moved
    assert time.monotonic() - moved[0] >= IDLE_MS / 1000 * 0.9


def test_a_jump_in_the_clocks_means_the_laptop_slept(guard: LockGuard, clocks: FakeClocks) -> None:
    """A tick arriving an hour after the last one requests a "suspend" lock; a normal tick or a
    clock set backwards does not."""
    guard.set_idle_interval_ms(60_000)
    requested: list[str] = []
    guard.sig_lock_requested.connect(requested.append)

    clocks.advance(wall=5, mono=5)
    assert not guard.check_for_suspend()
    clocks.advance(wall=-3600, mono=5)  # the clock set back an hour: not a sleep
    assert not guard.check_for_suspend()
    clocks.advance(wall=3600, mono=0.01)  # Linux/macOS: monotonic stops while asleep
    assert guard.check_for_suspend()
    clocks.advance(wall=SUSPEND_GAP_SECONDS * 3, mono=SUSPEND_GAP_SECONDS * 3)  # Windows
    assert guard.check_for_suspend()
    assert requested == ["suspend", "suspend"]


def test_the_suspend_check_runs_by_itself_on_its_tick(
    qtbot: QtBot, qapp: QApplication, clocks: FakeClocks
) -> None:
    """The periodic tick notices the simulated sleep without being called."""
    guard = LockGuard(5, wall_clock=lambda: clocks.wall, monotonic_clock=lambda: clocks.mono)
    guard._tick.setInterval(20)
    guard.install(qapp)
    try:
        clocks.advance(wall=7200, mono=0)
        with qtbot.waitSignal(guard.sig_lock_requested, timeout=5_000) as blocker:
            pass
        assert blocker.args == ["suspend"]
    finally:
        guard.uninstall()


def test_the_os_reporting_suspend_requests_a_lock(
    guard: LockGuard, qtbot: QtBot, qapp: QApplication
) -> None:
    """Qt's ApplicationSuspended state requests a "suspend" lock."""
    guard.set_idle_interval_ms(60_000)
    with qtbot.waitSignal(guard.sig_lock_requested, timeout=1_000) as blocker:
        qapp.applicationStateChanged.emit(Qt.ApplicationState.ApplicationSuspended)
    assert blocker.args == ["suspend"]


def test_request_lock_is_a_manual_lock(guard: LockGuard, qtbot: QtBot) -> None:
    """Asking to lock (Ctrl+L) emits the "manual" reason at once."""
    guard.set_idle_interval_ms(60_000)
    with qtbot.waitSignal(guard.sig_lock_requested, timeout=1_000) as blocker:
        guard.request_lock()
    assert blocker.args == ["manual"]


def test_a_paused_guard_asks_for_nothing_until_resumed(
    guard: LockGuard, qtbot: QtBot, clocks: FakeClocks
) -> None:
    """While locked the guard is paused: no idle or suspend requests; resuming restarts it."""
    guard.pause()
    assert not guard._idle.isActive()
    clocks.advance(wall=7200, mono=7200)
    assert not guard.check_for_suspend()
    guard.resume()
    with qtbot.waitSignal(guard.sig_lock_requested, timeout=5_000) as blocker:
        pass
    assert blocker.args == ["idle"]


def test_idle_minutes_must_be_positive() -> None:
    """Zero minutes is refused rather than locking continuously."""
    guard = LockGuard(5)
    assert guard.idle_interval_ms == 5 * 60_000
    with pytest.raises(ValueError):
        guard.set_idle_minutes(0)
