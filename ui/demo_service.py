"""The local demo service behind ``make run``: the real central service on SQLite, on this
machine, and a demo profile registered with it as one of its workers' laptops.

``make run`` must show the app as a worker sees it (signed in, the caseload arriving by sync),
without anyone installing or configuring a server. So:

- the service runs as a child process (``python -m server.cli serve``) on 127.0.0.1 and a free
  port, its SQLite database in ``<data dir>/demo-service/``; the first time, that database is
  migrated and loaded with the service's demo data (``casebook-server demo``), whose accounts
  get random passwords printed once: they are kept beside the database, since they only open
  made-up children;
- the demo profile (``demo-service``, passphrase ``DEMO_PASSPHRASE``, published on purpose) is
  created the first time and registered as a device of one demo worker; a later run registers
  again when the service refuses the saved tokens (a rebuilt service, a revoked device);
- the first sync brings the worker's caseload down before the window opens;
- the process is stopped when the app ends, however it ends: ``running`` is a context
  manager, and the server watches a pipe from the app, so it stops itself even when the app
  is killed; a start that finds a server already on the demo database reuses it (another demo
  window is open) or stops it (left behind), never starting a second one (``ui.demo_process``).

Nothing here imports Qt: it runs before the window exists, and tests drive it directly.
The client never imports the server's code either; it only runs its command line.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from app import settings as app_settings
from app.errors import ProfileLockedOut, TryAgainLater
from app.settings import Settings
from app.store import Profile, Store
from app.store.atomic import write_bytes_atomically
from app.store.keys import KdfParams
from app.store.paths import data_root, profiles_root
from sync import account, health
from sync.client import ServiceUnavailable
from sync.engine import Action, RetryPolicy, SyncSummary, run_sync
from ui import demo_process
from ui.demo_process import ServerRecord

log = logging.getLogger(__name__)

#: The GUI demo's profile; the text demo (``--demo --text``) keeps its own local ``demo``.
DEMO_SERVICE_PROFILE = "demo-service"
#: Published on purpose (README, ``make run``): the demo profile holds only made-up children.
DEMO_PASSPHRASE = "demo casebook passphrase"  # noqa: S105
SERVICE_FOLDER = "demo-service"
DATABASE_FILE = "casebook-server.db"
ACCOUNTS_FILE = "demo-accounts.json"
LOG_FILE = "server.log"
#: In the demo profile's folder: which demo service it was made for.
MARKER_FILE = "demo-service-id"
#: The demo worker whose laptop this is (a case-holding worker in the service's demo data).
PREFERRED_WORKER = "worker11"
#: The demo worker's team manager (``make run AS=manager``): approves that team's work.
PREFERRED_MANAGER = "manager1"
#: Who ``make run`` can open the app as: the demo account and its own demo profile (each its
#: own laptop, so a manager's approval reaches the worker's profile by sync as in a service).
DEMO_ROLES = {
    "worker": (PREFERRED_WORKER, DEMO_SERVICE_PROFILE),
    "manager": (PREFERRED_MANAGER, f"{DEMO_SERVICE_PROFILE}-manager"),
}
#: Printed at the top of exported records, so a demo PDF can never pass for a real one.
DEMO_SERVICE_NAME = "Casebook demo service (fictional children only)"
STARTUP_TIMEOUT = 30.0
_ACCOUNT_LINE = re.compile(r"^\s+(\S+)\s+(demo-\S+)\s*$")


class DemoServiceFailed(Exception):
    """The demo service could not be started or used; the message says what to do."""


@dataclass
class DemoService:
    """A running demo service."""

    url: str
    folder: Path
    #: The server this app started, or None when it signed in to one another window of the
    #: demo had started already (``demo_process``): that one is its owner's to stop.
    process: subprocess.Popen[bytes] | None
    #: The database was created (and filled) by this run.
    fresh: bool
    username: str
    password: str
    #: A random id made with the service's database: a demo profile made for another one
    #: (since deleted and rebuilt) is replaced, as that service no longer knows its device.
    service_id: str

    @property
    def running(self) -> bool:
        if self.process is None:
            return health.answers(self.url)
        return self.process.poll() is None

    @property
    def log_path(self) -> Path:
        return self.folder / LOG_FILE

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the service to stop; kill it if it has not within ``timeout`` seconds. Closing
        its standard input is the asking (``demo_process``): the same on every platform."""
        if self.process is None:
            return
        try:
            if self.process.stdin is not None:
                with contextlib.suppress(OSError):
                    self.process.stdin.close()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log.warning("demo service did not stop within %.0f s; killing it", timeout)
                self.process.kill()
                self.process.wait(timeout=timeout)
        finally:
            demo_process.forget_record(self.folder, self.process.pid)


@dataclass
class DemoProfile:
    """The demo profile, unlocked, registered and synced."""

    profile: Profile
    store: Store
    settings: Settings
    summary: SyncSummary


# ---- Public API


def service_folder() -> Path:
    return data_root() / SERVICE_FOLDER


def start(
    folder: Path | None = None,
    *,
    python: str = sys.executable,
    timeout: float = STARTUP_TIMEOUT,
    role: str = "worker",
) -> DemoService:
    """Start the demo service (creating its database the first time) and wait until it
    answers ``/health``; ``role`` says whose account the laptop signs in with (``worker`` or
    ``manager``, see ``DEMO_ROLES``). Raises ``DemoServiceFailed`` with a plain message."""
    folder = folder or service_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    database = folder / DATABASE_FILE
    url = f"sqlite:///{database}"
    reused = demo_process.server_to_reuse(folder, database)
    if reused is not None:
        service_id, accounts = _load_accounts(folder)
        username, password = _pick_account(accounts, role)
        return DemoService(reused.url, folder, None, False, username, password, service_id)
    env = {
        **os.environ,
        "CASEBOOK_SERVER_DATA_DIR": str(folder),
        "CASEBOOK_SERVER_SERVICE_NAME": DEMO_SERVICE_NAME,
    }
    command = [python, "-m", "server.cli", "--database-url", url]
    fresh = not (folder / ACCOUNTS_FILE).exists()
    if fresh:
        # A database without its passwords file is of no use to the demo: start it again.
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                (folder / f"{DATABASE_FILE}{suffix}").unlink()
        _run([*command, "migrate"], env, folder)
        accounts = _parse_accounts(_run([*command, "demo"], env, folder))
        _save_accounts(folder, {"service_id": uuid.uuid4().hex, "accounts": accounts})
    else:
        _run([*command, "migrate"], env, folder)  # a newer app may bring new migrations
    service_id, accounts = _load_accounts(folder)
    username, password = _pick_account(accounts, role)
    port = _free_port()
    with (folder / LOG_FILE).open("ab") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                *command,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                demo_process.WATCHDOG_OPTION,
            ],
            env=env,
            cwd=folder,
            # Only this process holds the other end: the server ends when this app does.
            stdin=subprocess.PIPE,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    service = DemoService(
        f"http://127.0.0.1:{port}", folder, process, fresh, username, password, service_id
    )
    try:
        _wait_healthy(service, timeout)
        demo_process.write_record(folder, ServerRecord(process.pid, port, os.getpid()))
    except BaseException:
        service.stop()
        raise
    log.info("demo service running on port %d", port)
    return service


@contextlib.contextmanager
def running(
    folder: Path | None = None,
    *,
    python: str = sys.executable,
    timeout: float = STARTUP_TIMEOUT,
    role: str = "worker",
) -> Iterator[DemoService]:
    """The demo service for the length of a ``with`` block; stopped however the block ends
    (normally, Ctrl+C, an exception)."""
    service = start(folder, python=python, timeout=timeout, role=role)
    try:
        yield service
    finally:
        service.stop()


def open_profile(
    service: DemoService,
    *,
    root: Path | None = None,
    kdf: KdfParams | None = None,
    device_name: str | None = None,
) -> DemoProfile:
    """The demo profile, unlocked, pointing at the running service, registered as the demo
    worker's laptop and synced. Created the first time; a profile made for an earlier demo
    database (which no longer knows its device) is replaced, as it holds only demo data. The
    demo manager's laptop is a profile of its own (``DEMO_ROLES``)."""
    folder = profiles_root(root)
    profile_name = profile_for(service.username)
    path = folder / profile_name
    if path.exists() and _marker(path) != service.service_id:
        log.info("the demo service was rebuilt: starting a fresh demo profile")
        Profile(path).wipe()
    if not path.exists():
        Profile.create(profile_name, DEMO_PASSPHRASE, worker=service.username, root=root, kdf=kdf)
        write_bytes_atomically(path / MARKER_FILE, service.service_id.encode("ascii"))
    profile = Profile.open(profile_name, root=root)
    try:
        store = profile.unlock(DEMO_PASSPHRASE)
    except (ProfileLockedOut, TryAgainLater):
        # The passphrase is public, so the lock-out protects nothing here.
        profile.reset_lockout()
        store = profile.unlock(DEMO_PASSPHRASE)
    try:
        settings = app_settings.save(
            profile.path,
            replace(
                app_settings.load(profile.path),
                service_url=service.url,
            ),
        )
        name = device_name or f"Demo laptop ({socket.gethostname()[:40]})"
        if account.account(store) is None:
            _register(store, settings, service, name)
        summary = sync_once(store, settings)
        if summary.action is Action.REAUTHENTICATE:
            log.info("the demo service refused the saved tokens: registering again")
            account.forget(store)
            _register(store, settings, service, name)
            summary = sync_once(store, settings)
        if summary.errors:
            raise DemoServiceFailed(
                f"The demo caseload could not be fetched from the demo service: {summary.errors[0]}"
            )
    except BaseException:
        store.lock()
        raise
    return DemoProfile(profile, store, settings, summary)


def sync_once(store: Store, settings: Settings) -> SyncSummary:
    """One sync with the service (push, then pull everything new)."""
    client = account.client_for(store, settings)
    if client is None:
        raise DemoServiceFailed("The demo profile is not signed in to the demo service.")
    try:
        return run_sync(store, client, retry=RetryPolicy(attempts=3, first_delay=0.2))
    finally:
        client.close()


# ---- Private API


def _register(store: Store, settings: Settings, service: DemoService, device_name: str) -> None:
    try:
        connection = account.connect(
            settings,
            username=service.username,
            password=service.password,
            device_name=device_name,
        )
    except ServiceUnavailable as exc:
        raise DemoServiceFailed(f"The demo service did not answer: {exc}") from exc
    account.remember(store, connection)


def _run(command: list[str], env: dict[str, str], folder: Path) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        command,
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        with (folder / LOG_FILE).open("a", encoding="utf-8") as handle:
            handle.write(result.stdout + result.stderr)
        raise DemoServiceFailed(
            f"Setting up the demo service failed ({command[-1]}). Details are in "
            f"{folder / LOG_FILE}. Deleting the folder {folder} and running again starts it "
            "afresh."
        )
    return result.stdout


def _parse_accounts(output: str) -> dict[str, str]:
    """The accounts ``casebook-server demo`` printed, as username -> password."""
    found = {}
    for line in output.splitlines():
        match = _ACCOUNT_LINE.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    if not found:
        raise DemoServiceFailed("The demo service did not list its demo accounts.")
    return found


def _marker(profile_path: Path) -> str | None:
    try:
        return (profile_path / MARKER_FILE).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None


def _save_accounts(folder: Path, accounts: dict[str, object]) -> None:
    data = json.dumps(accounts, indent=2, sort_keys=True).encode("utf-8")
    write_bytes_atomically(folder / ACCOUNTS_FILE, data)
    with contextlib.suppress(OSError):
        os.chmod(folder / ACCOUNTS_FILE, 0o600)


def _load_accounts(folder: Path) -> tuple[str, dict[str, str]]:
    try:
        raw = json.loads((folder / ACCOUNTS_FILE).read_text(encoding="utf-8"))
        service_id, accounts = str(raw["service_id"]), raw["accounts"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DemoServiceFailed(
            f"The demo service's account list ({folder / ACCOUNTS_FILE}) could not be read. "
            f"Delete the folder {folder} and run again to start it afresh."
        ) from exc
    if not isinstance(accounts, dict):
        accounts = {}
    return service_id, {str(k): str(v) for k, v in accounts.items()}


def profile_for(username: str) -> str:
    """The demo profile of the laptop signed in as ``username``."""
    for account_name, profile_name in DEMO_ROLES.values():
        if account_name == username:
            return profile_name
    return DEMO_SERVICE_PROFILE


def _pick_account(accounts: dict[str, str], role: str) -> tuple[str, str]:
    if role not in DEMO_ROLES:
        raise DemoServiceFailed(f"There is no demo {role!r}: choose worker or manager.")
    if role == "manager":
        if PREFERRED_MANAGER not in accounts:
            raise DemoServiceFailed("The demo service has no manager account to sign in as.")
        return PREFERRED_MANAGER, accounts[PREFERRED_MANAGER]
    return _pick_worker(accounts)


def _pick_worker(accounts: dict[str, str]) -> tuple[str, str]:
    if PREFERRED_WORKER in accounts:
        return PREFERRED_WORKER, accounts[PREFERRED_WORKER]
    workers = sorted(name for name in accounts if name.startswith("worker"))
    if not workers:
        raise DemoServiceFailed("The demo service has no worker account to sign in as.")
    return workers[0], accounts[workers[0]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(service: DemoService, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if not service.running:
            raise DemoServiceFailed(
                f"The demo service stopped as it started. Details are in {service.log_path}."
            )
        if health.answers(service.url):
            return
        if time.monotonic() > deadline:
            raise DemoServiceFailed(
                f"The demo service did not start within {timeout:.0f} seconds. Details are in "
                f"{service.log_path}."
            )
        time.sleep(0.1)
