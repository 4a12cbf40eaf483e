"""When to lock: after idle minutes, when the laptop sleeps, or when the worker asks.

A lost laptop is most often lost open: left on a train seat or a kitchen table mid-visit. So the
profile locks by itself after a few minutes without keyboard or mouse input (the worker's
setting, default 5), and whenever the machine is suspended (a closed lid), as KeePassXC does
with its ``InactivityTimer``. This module only *decides* that a lock is due and says why with
``sig_lock_requested``; the main window does the locking (hiding every window, dropping the key),
and calls ``pause()`` while locked so an idle unlock window is not "locked" again and again.

Why an application-wide event filter rather than per-widget hooks: input can land in any
window, dialog or popup, including ones made later; one filter on the ``QCoreApplication`` sees
all of them and costs one type check per event.

Why suspend is detected two ways: Qt reports ``ApplicationSuspended`` only on some platforms
(mobile, some desktops), so a periodic tick also compares clocks. While the machine sleeps no
timer fires; when it wakes, the wall clock (and on some systems the monotonic clock too) has
moved on far more than one tick. A gap much larger than the tick interval means the process
was frozen: almost always a suspend, otherwise a clock set forward, and locking then is the safe
mistake. A clock set *backwards* is ignored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

#: How often the clocks are compared to notice a suspend.
SUSPEND_TICK_MS = 5_000
#: A tick this much later than due means the machine was asleep (or the clock jumped forward).
SUSPEND_GAP_SECONDS = 60.0

#: Input that proves someone is at the keyboard. Paint, timer and focus events do not count.
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class LockGuard(QObject):
    """Asks for a lock after idle time, on suspend, or on request.

    Reasons emitted: ``"idle"``, ``"suspend"``, ``"manual"``.
    """

    sig_lock_requested = Signal(str)
    """The profile should lock now.

    Parameters
    ----------
    reason: str
        ``"idle"`` (no input for the idle interval), ``"suspend"`` (the machine slept) or
        ``"manual"`` (the worker asked, e.g. Ctrl+L).
    """

    def __init__(
        self,
        idle_minutes: int,
        parent: QObject | None = None,
        *,
        wall_clock: Callable[[], float] = time.time,
        monotonic_clock: Callable[[], float] = time.monotonic,
        suspend_tick_ms: int = SUSPEND_TICK_MS,
    ) -> None:
        """``wall_clock`` and ``monotonic_clock`` are injectable so a test can simulate a
        laptop that slept for an hour without sleeping for an hour."""
        super().__init__(parent)
        self._wall = wall_clock
        self._monotonic = monotonic_clock
        self._paused = False
        self._app: QCoreApplication | None = None

        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._on_idle)
        self.set_idle_minutes(idle_minutes)

        self._tick = QTimer(self)
        self._tick.setInterval(suspend_tick_ms)
        self._tick.timeout.connect(self.check_for_suspend)
        self._last_wall, self._last_mono = self._wall(), self._monotonic()

    # ---- Public API

    def install(self, app: QCoreApplication) -> None:
        """Watch every input event in the application and start the timers."""
        if self._app is not None:
            return
        self._app = app
        app.installEventFilter(self)
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_application_state)
        self._restart()

    def uninstall(self) -> None:
        """Stop watching (the app is closing, or a test is done)."""
        if self._app is None:
            return
        self._app.removeEventFilter(self)
        if isinstance(self._app, QGuiApplication):
            self._app.applicationStateChanged.disconnect(self._on_application_state)
        self._app = None
        self._idle.stop()
        self._tick.stop()

    def request_lock(self) -> None:
        """The worker asked to lock (menu or Ctrl+L)."""
        self._emit("manual")

    def set_idle_minutes(self, minutes: int) -> None:
        """Change the idle interval (the worker changed the setting); counts from now."""
        if minutes < 1:
            raise ValueError("The idle lock needs at least one minute.")
        self.set_idle_interval_ms(minutes * 60_000)

    def set_idle_interval_ms(self, ms: int) -> None:
        """The idle interval in milliseconds: tests use a fraction of a second rather than
        minutes. Counts from now."""
        if ms <= 0:
            raise ValueError("The idle interval must be positive.")
        self._idle.setInterval(ms)
        # A short interval (tests) must not fire up to 5% early as Qt's coarse timers may.
        self._idle.setTimerType(
            Qt.TimerType.PreciseTimer if ms < 60_000 else Qt.TimerType.CoarseTimer
        )
        if self._app is not None and not self._paused:
            self._idle.start()

    @property
    def idle_interval_ms(self) -> int:
        return self._idle.interval()

    def pause(self) -> None:
        """No lock requests while the profile is already locked (the unlock window is idle by
        nature, and a suspend then changes nothing)."""
        self._paused = True
        self._idle.stop()
        self._tick.stop()

    def resume(self) -> None:
        """Unlocked again: idle time and the suspend check count afresh from now."""
        self._paused = False
        self._restart()

    @property
    def paused(self) -> bool:
        return self._paused

    def check_for_suspend(self) -> bool:
        """Compare the clocks with the last check; request a lock if the machine slept.

        Called by the tick timer every few seconds; public so tests (and a platform's own
        "resumed from sleep" notification, where there is one) can call it directly. Returns
        whether a suspend was detected.
        """
        wall, mono = self._wall(), self._monotonic()
        wall_gap, mono_gap = wall - self._last_wall, mono - self._last_mono
        self._last_wall, self._last_mono = wall, mono
        expected = self._tick.interval() / 1000.0
        # Linux and macOS stop the monotonic clock during sleep but not the wall clock;
        # Windows' monotonic clock keeps counting. Either one running far ahead of the tick
        # means no tick could fire for that long.
        gap = max(wall_gap, mono_gap)
        if gap - expected < SUSPEND_GAP_SECONDS or self._paused:
            return False
        log.info("lock: the machine appears to have been suspended (%.0f s gap)", gap)
        self._emit("suspend")
        return True

    # ---- Qt methods

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in _INPUT_EVENTS and not self._paused:
            self._idle.start()
        return False

    # ---- Private API

    def _restart(self) -> None:
        self._last_wall, self._last_mono = self._wall(), self._monotonic()
        if self._app is None or self._paused:
            return
        self._idle.start()
        self._tick.start()

    def _on_idle(self) -> None:
        if not self._paused:
            self._emit("idle")

    def _on_application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended and not self._paused:
            self._emit("suspend")

    def _emit(self, reason: str) -> None:
        log.info("lock requested: %s", reason)
        self.sig_lock_requested.emit(reason)
