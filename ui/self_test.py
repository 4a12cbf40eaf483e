"""``casebook --self-test``: prove that this build of Casebook works on this machine.

The service desk (and CI, on the frozen build) runs it after installing. Everything it touches
is throwaway and lives in a temporary folder that is erased at the end; the worker's own
profiles and settings are never read or written. In order, it:

1. reads every resource file the app needs (rules, calendars, code lists, assessment forms);
2. creates an encrypted profile (real Argon2id, at its cheapest settings so it is quick);
3. unlocks it, which runs the database migrations, and writes and reads back a record;
4. runs the store doctor: HMAC check of every page (``PRAGMA cipher_integrity_check``),
   structure, schema version, temporary storage in memory;
5. opens the main window offscreen, waits for the caseload to load, and closes it;
6. wipes the profile and the temporary folder.

It exits 0 and prints one line when all is well; otherwise it exits 1 with one plain line
saying which step failed and why (the details go nowhere: there is no case data to log).

``casebook --time-to-unlock`` measures start-up: the time from the process starting to the
unlock window being painted, along the app's real start-up path (``ui.app.AppFlow``), over a
throwaway profile; the time spent making that profile is measured and taken out.

Qt draws offscreen unless ``QT_QPA_PLATFORM`` says otherwise, so neither mode shows a window on
the worker's screen and both work without a display.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.store import Profile

#: Published here on purpose: it protects a profile that lives for a second and holds nothing.
_PASSPHRASE = "casebook self-test passphrase"  # noqa: S105
_WORKER = "self.test"
_MARKER = "Selftest"
_WAIT_SECONDS = 30.0

log = logging.getLogger(__name__)

#: The resource files the app reads at run time; a frozen build that lost one fails here.
RESOURCE_FILES = (
    ("rules", "deadlines.toml"),
    ("calendars", "england-bank-holidays.toml"),
    ("codes", "service.toml"),
    ("codes", "ssda903.toml"),
)


class SelfTestFailed(Exception):
    """One step did not work; the message names the step and says what went wrong."""


def run(argv: list[str] | None = None) -> int:
    """Run the self-test; 0 when everything works, 1 (and one line on stderr) otherwise."""
    started = time.perf_counter()
    step = "starting"
    folder = Path(tempfile.mkdtemp(prefix="casebook-self-test-"))
    try:
        with _isolated(folder):
            step = "reading resource files"
            _check_resources()
            step = "creating an encrypted profile"
            profile = _make_profile(folder)
            step = "unlocking the profile and running the migrations"
            store = profile.unlock(_PASSPHRASE)
            try:
                step = "writing and reading back a record"
                _write_and_read(store)
                step = "checking the database"
                _check_database(store)
            finally:
                store.lock()
            step = "opening the main window"
            app = _qt_app(argv)
            _check_qt_plugins()
            _open_and_close_main_window(app, profile)
            step = "wiping the profile"
            profile.wipe()
            if profile.path.exists():
                raise SelfTestFailed("the profile folder is still there after the wipe")
    except Exception as exc:  # noqa: BLE001 - every failure becomes one plain line
        _say(sys.stderr, f"Casebook self-test FAILED while {step}: {_plain(exc)}")
        return 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.perf_counter() - started
    _say(sys.stdout, f"Casebook self-test passed in {elapsed:.1f} s.")
    return 0


def time_to_unlock(argv: list[str] | None = None) -> int:
    """Print the seconds from process start to the unlock window's first paint, then exit."""
    folder = Path(tempfile.mkdtemp(prefix="casebook-time-to-unlock-"))
    try:
        with _isolated(folder):
            making = time.perf_counter()
            _make_profile(folder)
            making = time.perf_counter() - making
            from PySide6.QtCore import QEvent, QObject

            from ui.app import AppFlow
            from ui.views.unlock import UnlockWindow

            app = _qt_app(argv)
            painted: list[float] = []

            class _FirstPaint(QObject):
                def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                    if event.type() == QEvent.Type.Paint and not painted:
                        painted.append(_since_process_start())
                    return False

            spy = _FirstPaint()
            app.installEventFilter(spy)
            flow = AppFlow(app, root=folder)
            window = flow.start()
            if not isinstance(window, UnlockWindow):
                raise SelfTestFailed(
                    f"the app opened {type(window).__name__}, not the unlock window"
                )
            _wait(app, lambda: bool(painted), "the unlock window to be drawn")
            app.removeEventFilter(spy)
            window.close()
            app.processEvents()
    except Exception as exc:  # noqa: BLE001
        _say(sys.stderr, f"Casebook time-to-unlock FAILED: {_plain(exc)}")
        return 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    shown = painted[0] - making
    _say(
        sys.stdout,
        f"time-to-unlock {shown:.3f} s (process start to the unlock window's first paint; "
        f"{making:.3f} s making the throwaway profile taken out)",
    )
    return 0


# ---- Private API: the steps


def _check_resources() -> None:
    import resources

    for parts in RESOURCE_FILES:
        try:
            resources.load_toml(*parts)
        except (OSError, ValueError) as exc:
            raise SelfTestFailed(f"{'/'.join(parts)} is missing or unreadable ({exc})") from exc
    # The assessment forms too: a form missing from the build, or one that no longer parses,
    # would otherwise show only when a worker starts an assessment.
    from app.forms import registry

    try:
        shipped = registry.bundled()
    except (OSError, ValueError) as exc:
        raise SelfTestFailed(f"the assessment forms cannot be read ({exc})") from exc
    if not shipped:
        raise SelfTestFailed("no assessment forms were found in resources/forms")


def _make_profile(folder: Path) -> Profile:
    from app.store import Profile
    from app.store.keys import KdfParams

    # Real Argon2id at its cheapest settings: the point is that the library works, not its cost.
    kdf = KdfParams(time_cost=1, memory_kib=8192, parallelism=1, salt=os.urandom(16))
    return Profile.create("self-test", _PASSPHRASE, worker=_WORKER, root=folder, kdf=kdf)


def _write_and_read(store: object) -> None:
    from app.store import Store
    from app.store.round_trip import write_and_read_back

    assert isinstance(store, Store)
    family = f"{_MARKER}-{uuid.uuid4().hex[:8]}"
    if not write_and_read_back(store, given_name=_MARKER, family_name=family, worker=_WORKER):
        raise SelfTestFailed("a record written to the store could not be read back")


def _check_database(store: object) -> None:
    from app.store import Store, doctor

    assert isinstance(store, Store)
    failed = [r for r in doctor.run(store) if not r.ok]
    if failed:
        raise SelfTestFailed("; ".join(f"{r.name}: {r.detail}" for r in failed))


def _check_qt_plugins() -> None:
    """The platform plugin a worker's desktop needs must be in the build, even though this
    test itself draws offscreen (a frozen app without it fails only on a real screen)."""
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    wanted = {"linux": "libqxcb.so", "win32": "qwindows.dll", "darwin": "libqcocoa.dylib"}
    name = wanted.get(sys.platform)
    if name and not (plugins / name).exists():
        raise SelfTestFailed(f"the Qt platform plugin {name} is not in {plugins}")


def _open_and_close_main_window(app: QApplication, profile: Profile) -> None:
    from app import settings as app_settings
    from app.settings import Settings
    from app.store import Store
    from ui import tasks
    from ui.main_window import MainWindow
    from ui.sync_controller import SyncController

    def quiet_sync(store: Store, settings: Settings) -> SyncController:
        # Timers off: there is no service to reach and nothing to sync.
        return SyncController(store, settings, auto_sync_interval_ms=None, probe_interval_ms=None)

    store = profile.unlock(_PASSPHRASE)
    try:
        window = MainWindow(
            store, app_settings.load(profile.path), profile, sync_factory=quiet_sync
        )
        dashboard = window.dashboard
        if dashboard is None:
            raise SelfTestFailed("the main window has no caseload page")
        loaded: list[bool] = []
        dashboard.sig_loaded.connect(lambda: loaded.append(True))
        window.resize(1024, 700)
        window.show()
        _wait(app, lambda: bool(loaded), "the caseload to load")
        if _MARKER not in _visible_text(window):
            raise SelfTestFailed("the child written by the self-test is not on the caseload")
        window.close()
        _wait(app, lambda: not window.isVisible() and not tasks.busy(), "the window to close")
        if not store.is_locked:
            raise SelfTestFailed("closing the main window did not lock the store")
    finally:
        store.lock()


# ---- Private API: helpers


@contextmanager
def _isolated(folder: Path) -> Iterator[None]:
    """Anything that would fall back to the worker's data folder uses the temporary one, and
    Qt draws offscreen unless told otherwise."""
    saved = {k: os.environ.get(k) for k in ("CASEBOOK_DATA_DIR", "QT_QPA_PLATFORM")}
    os.environ["CASEBOOK_DATA_DIR"] = str(folder)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _qt_app(argv: list[str] | None) -> QApplication:
    """The application, after checking its platform plugin is there: without it Qt aborts
    with a page of advice instead of failing this step."""
    from PySide6.QtCore import QLibraryInfo, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    if sys.platform == "linux" and platform and not (plugins / f"libq{platform}.so").exists():
        raise SelfTestFailed(f"the Qt platform plugin {platform!r} is not in {plugins}")

    def quiet(kind: QtMsgType, _context: object, message: str) -> None:
        # Qt's chatter (the offscreen plugin's "does not support ...") would drown the one line.
        log.debug("Qt %s: %s", kind.name, message)

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication([sys.argv[0], *(argv or [])])
    assert isinstance(app, QApplication)
    app.setApplicationName("Casebook")
    return app


def _wait(app: QApplication, done: Callable[[], bool], what: str) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + _WAIT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            raise SelfTestFailed(f"gave up after {_WAIT_SECONDS:.0f} s waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)


def _visible_text(window: object) -> str:
    from PySide6.QtCore import QModelIndex

    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    dashboard = window.dashboard
    if dashboard is None:
        return ""
    model = dashboard.proxy
    cells = (
        str(model.index(row, col, QModelIndex()).data())
        for row in range(model.rowCount())
        for col in range(model.columnCount())
    )
    return "\n".join(cells)


def _since_process_start() -> float:
    """Seconds since this process began (Linux: from /proc, so the interpreter's own start-up
    and, in a frozen build, the bootloader's are counted); elsewhere, since this module was
    imported."""
    if sys.platform == "linux":
        try:
            ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
            uptime = float(Path("/proc/uptime").read_text().split()[0])
            return uptime - ticks / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
    return time.perf_counter() - _IMPORTED


def _plain(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, SelfTestFailed) else f"{type(exc).__name__}: {text}"


def _say(stream: object, line: str) -> None:
    # A windowed build on Windows has no console: the exit status still tells.
    if stream is not None and hasattr(stream, "write"):
        stream.write(line + "\n")
        stream.flush()  # type: ignore[attr-defined]


_IMPORTED = time.perf_counter()
