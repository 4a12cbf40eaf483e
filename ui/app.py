"""The desktop application: which window comes first, and what follows what.

``AppFlow`` is the whole flow as a small object that tests can build without running the event
loop: no profile on this laptop → the first-run wizard; a profile → its unlock window; unlocked
→ the main window. The idle/suspend lock guard watches the whole application and asks the main
window to lock. A revoked laptop, once wiped, goes back to the first-run wizard.

``run_gui`` makes the ``QApplication``, applies the look (visible focus, the worker's text
size), starts the flow and runs the event loop.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QHeaderView, QMessageBox, QTableView, QWidget

from app import settings as app_settings
from app.settings import Settings
from app.store import Profile, Store
from app.store.keys import KdfParams
from app.store.paths import data_root
from ui.lock import LockGuard
from ui.views.common import FOCUS_STYLE, place_on_screen
from ui.views.unlock import UnlockWindow

if TYPE_CHECKING:
    # Imported where first needed instead: the main window (and sync, HTTP) only after the
    # worker has unlocked, the first-run wizard only on a first run, so the unlock window is
    # on screen sooner (DESIGN.md: under a second from start).
    from ui.main_window import MainWindow
    from ui.views.first_run import FirstRunWizard
    from ui.window_sync import SyncFactory

log = logging.getLogger(__name__)

#: In the data folder: the name of the profile unlocked last, for laptops with several.
LAST_PROFILE_FILE = "last-profile"

CRASH_MESSAGE = (
    "Something went wrong inside Casebook. This is a bug, not something you did. Your saved "
    "work is safe. If it keeps happening, tell the service desk; details are in the log file."
)


def choose_profile(root: Path | None = None) -> Profile | None:
    """The profile to unlock: the only one, or the one unlocked last; None when there is
    none (first run)."""
    names = Profile.names(root=root)
    if not names:
        return None
    last = _read_last(root)
    return Profile.open(last if last in names else names[0], root=root)


class AppLook:
    """The application-wide look: visible focus everywhere and the worker's text size."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._default_font = QFont(app.font())
        app.setStyleSheet(FOCUS_STYLE)

    def apply(self, settings: Settings) -> None:
        """Set the worker's text size on every window already open, not only on new ones:
        headings and other fonts a page set for itself grow in proportion, and table rows
        and columns grow with their text so none of it is cut off."""
        font = QFont(self._default_font)
        if settings.font_point_size:
            font.setPointSize(settings.font_point_size)
        before = self._app.font().pointSizeF()
        self._app.setFont(font)
        # Widgets under a style sheet keep the font they were polished with until their style
        # sheet is applied again.
        self._app.setStyleSheet(self._app.styleSheet())
        for widget in self._app.allWidgets():
            if widget.styleSheet():
                widget.setStyleSheet(widget.styleSheet())
        after = font.pointSizeF()
        if before <= 0 or after <= 0 or abs(after - before) < 0.01:
            return
        ratio = after / before
        for widget in self._app.allWidgets():
            if widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
                own = QFont(widget.font())
                if own.pointSizeF() > 0:
                    own.setPointSizeF(own.pointSizeF() * ratio)
                    widget.setFont(own)
        for table in (w for w in self._app.allWidgets() if isinstance(w, QTableView)):
            table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
            columns = table.horizontalHeader()
            for section in range(columns.count()):
                if columns.sectionResizeMode(section) == QHeaderView.ResizeMode.Interactive:
                    columns.resizeSection(section, round(columns.sectionSize(section) * ratio))


class AppFlow(QObject):
    """First run, unlock, main window, lock and wipe, in order."""

    sig_window_changed = Signal(object)
    """A new window is the one on show.

    Parameters
    ----------
    window : QWidget
        The first-run wizard, an unlock window or the main window.
    """

    def __init__(
        self,
        app: QApplication,
        *,
        root: Path | None = None,
        kdf: KdfParams | None = None,
        sync_factory: SyncFactory | None = None,
        guard: LockGuard | None = None,
    ) -> None:
        super().__init__(app)
        self._app = app
        self._root = root
        self._kdf = kdf
        self._sync_factory = sync_factory
        self._look = AppLook(app)
        self._guard = guard or LockGuard(Settings().idle_lock_minutes, self)
        self._guard.install(app)
        self._guard.pause()  # nothing to lock until a profile is open
        self._guard.pause()  # nothing to lock until a profile is open
        self._window: QWidget | None = None
        app.aboutToQuit.connect(self._guard.uninstall)

    # ---- Public API

    @property
    def window(self) -> QWidget | None:
        """The window on show."""
        return self._window

    @property
    def guard(self) -> LockGuard:
        return self._guard

    def start(self) -> QWidget:
        """Show the first window: the first-run wizard or an unlock window."""
        profile = choose_profile(self._root)
        if profile is None:
            return self.show_first_run()
        return self.show_unlock(profile)

    def show_first_run(self) -> FirstRunWizard:
        self._look.apply(Settings())
        from ui.views.first_run import FirstRunWizard

        wizard = FirstRunWizard(self._root, kdf=self._kdf)
        wizard.sig_ready.connect(lambda store: self.open_main(Profile(store.profile_path), store))
        self._replace(wizard)
        return wizard

    def show_unlock(self, profile: Profile) -> UnlockWindow:
        self._look.apply(app_settings.load(profile.path))
        unlock = UnlockWindow(profile)
        unlock.sig_unlocked.connect(lambda store: self.open_main(profile, store))
        self._replace(unlock)
        return unlock

    def open_main(self, profile: Profile, store: Store) -> MainWindow:
        """The main window over an unlocked store (from the wizard, the unlock window, or the
        demo, which opens its profile itself)."""
        settings = app_settings.load(profile.path)
        self._look.apply(settings)
        _write_last(self._root, profile.name)
        from ui.main_window import MainWindow

        window = MainWindow(store, settings, profile, sync_factory=self._sync_factory)
        guard = self._guard
        guard.sig_lock_requested.connect(window.lock)
        window.sig_locked.connect(lambda _reason: guard.pause())
        window.sig_unlocked.connect(guard.resume)
        window.sig_settings_changed.connect(self._settings_changed)
        window.sig_wiped.connect(self._wiped)
        guard.set_idle_minutes(settings.idle_lock_minutes)
        self._replace(window)
        guard.resume()
        return window

    # ---- Private API

    def _replace(self, window: QWidget) -> None:
        """Show the new window before closing the old one, so the app never has no window
        (it would quit)."""
        old, self._window = self._window, window
        place_on_screen(window)
        if old is not None and old is not window:
            old.hide()
            old.deleteLater()
        self.sig_window_changed.emit(window)

    def _settings_changed(self, settings: Settings) -> None:
        self._look.apply(settings)
        self._guard.set_idle_minutes(settings.idle_lock_minutes)

    def _wiped(self) -> None:
        self._guard.pause()
        self.show_first_run()


def run_gui(
    argv: Sequence[str],
    *,
    root: Path | None = None,
    opened: tuple[Profile, Store] | None = None,
) -> int:
    """Run the desktop app until the worker quits; ``opened`` starts with an already unlocked
    profile (the demo). Returns the exit status."""
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("Casebook")
    app.setApplicationDisplayName("Casebook")
    app.setOrganizationName("Casebook")
    sys.excepthook = _excepthook
    _close_on_signals(app)
    flow = AppFlow(app, root=root)
    if opened is not None:
        flow.open_main(*opened)
    else:
        flow.start()
    return app.exec()


# ---- Private API


_shown_crash = False


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log where it happened (the type and the stack, never the message: it may quote case
    text) and tell the worker once."""
    global _shown_crash
    stack = "".join(traceback.format_tb(tb))
    log.error("unhandled %s\n%s", kind.__name__, stack)
    if _shown_crash or QApplication.instance() is None:
        return
    _shown_crash = True
    QMessageBox.critical(None, "Casebook", CRASH_MESSAGE)


def _close_on_signals(app: QApplication) -> None:
    """Ctrl+C in the terminal (or a polite kill) closes the windows as Quit does, so an open
    visit saves its draft and the store drops its key. Python only runs signal handlers
    between bytecodes, so a timer lets it in every quarter second."""

    def close(_signum: int, _frame: object) -> None:
        app.closeAllWindows()

    for which in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):  # not the main thread: leave as is
            signal.signal(which, close)
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)


def _read_last(root: Path | None) -> str | None:
    try:
        return (root or data_root()).joinpath(LAST_PROFILE_FILE).read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _write_last(root: Path | None, name: str) -> None:
    try:
        (root or data_root()).joinpath(LAST_PROFILE_FILE).write_text(name, "utf-8")
    except OSError:
        log.info("could not remember the last profile")
