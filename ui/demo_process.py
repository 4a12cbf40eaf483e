"""The demo service's server process: never outliving the app, never two on one database.

Two servers on one SQLite file would fight over its locks, and a server left running with
nobody to stop it holds the file and a port for good. So:

- the server is started with ``--stop-when-stdin-closes`` and a pipe as its standard input that
  only the app holds: however the app ends (it quits, crashes, aborts, is killed), the
  operating system closes the pipe and the server stops itself. That works on Windows too,
  which has no parent death signal;
- the app writes a small record beside the database (``server.json``: the server's pid and
  port, and the app's own pid), and removes it when it stops the server;
- a start first looks for a server already on its database. One whose app is still running
  (a second ``make run``, say as the manager, while the first is open) is reused: the second
  app signs in to it and leaves it to its owner. One whose app is gone is stopped, and so is,
  on Linux, any server process found serving this database without a record (left by a
  version of Casebook from before the record existed).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from app.store.atomic import write_bytes_atomically
from sync import health

log = logging.getLogger(__name__)

RECORD_FILE = "server.json"
#: Passed to ``casebook-server serve``: the server ends when the app's end of the pipe closes.
WATCHDOG_OPTION = "--stop-when-stdin-closes"


@dataclass(frozen=True)
class ServerRecord:
    """A server the app started: its process, its port and the app that owns it."""

    pid: int
    port: int
    owner: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def write_record(folder: Path, record: ServerRecord) -> None:
    data = {"pid": record.pid, "port": record.port, "owner": record.owner}
    write_bytes_atomically(folder / RECORD_FILE, json.dumps(data).encode("utf-8"))


def read_record(folder: Path) -> ServerRecord | None:
    try:
        raw = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
        return ServerRecord(int(raw["pid"]), int(raw["port"]), int(raw["owner"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget_record(folder: Path, pid: int) -> None:
    """Remove the record if it is still the one for server ``pid`` (another app may have
    written its own since)."""
    record = read_record(folder)
    if record is not None and record.pid == pid:
        (folder / RECORD_FILE).unlink(missing_ok=True)


def server_to_reuse(folder: Path, database: Path) -> ServerRecord | None:
    """A live server on this database whose app is still running, to sign in to instead of
    starting another; None after stopping any server left behind."""
    record = read_record(folder)
    if record is not None:
        healthy = health.answers(record.url)
        if healthy and alive(record.pid) and alive(record.owner):
            log.info("the demo service is already running for another window: reusing it")
            return record
        if healthy and alive(record.pid):
            log.warning("stopping a demo service left behind by an app that has ended")
            stop_process(record.pid)
        (folder / RECORD_FILE).unlink(missing_ok=True)
    for pid in serving(database):
        log.warning("stopping a demo service process %d left behind on the demo database", pid)
        stop_process(pid)
    return None


def alive(pid: int) -> bool:
    """Whether process ``pid`` is running. (On Windows ``os.kill(pid, 0)`` would end it.)"""
    if pid <= 0:
        return False
    return _alive_on_windows(pid) if sys.platform == "win32" else _alive_on_posix(pid)


def stop_process(pid: int, timeout: float = 10.0) -> None:
    """Ask process ``pid`` to stop, then end it if it has not within ``timeout`` seconds.
    Windows has only the hard stop (``os.kill`` is TerminateProcess there)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if sys.platform != "win32":
        deadline = time.monotonic() + timeout
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def serving(database: Path) -> list[int]:
    """Linux: the server processes (other than this one) running ``server.cli ... serve`` on
    exactly this database, found by their command lines. Elsewhere: none (only the record
    finds a server there)."""
    found: list[int] = []
    if sys.platform == "linux":
        wanted = f"sqlite:///{database}"
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                words = (entry / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
            except OSError:
                continue
            ours = "server.cli" in words and wanted in words and "serve" in words
            if ours and alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def _alive_on_windows(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32")
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if handle:
            try:
                code = ctypes.c_ulong()
                if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                    return bool(code.value == 259)  # STILL_ACTIVE
            finally:
                kernel32.CloseHandle(handle)
    return False


def _alive_on_posix(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A process that has ended but not been reaped (a test's own child) still answers kill 0.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]
