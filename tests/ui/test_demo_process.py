"""The demo service's server never outlives the app that started it, however the app ends, and
a start never puts a second server on the demo database: it reuses one another window owns, and
stops one left behind. Real processes throughout: the app is a child Python process that is
SIGKILLed, the servers are ``casebook-server serve`` processes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from sync import health
from ui import demo_process, demo_service
from ui.demo_process import ServerRecord

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL and /proc: Linux")

ROOT = Path(__file__).resolve().parents[2]
#: The app, reduced to what matters here: start the demo service, say so, then wait to be killed.
APP = """
import sys, time
from pathlib import Path
from ui import demo_service
service = demo_service.start(Path(sys.argv[1]))
print(service.process.pid, service.url, flush=True)
time.sleep(300)
"""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo service folder with its database and accounts made once, as ``start`` makes
    them but with a dozen children (what is tested here is processes, not the data); each
    test works on a copy."""
    folder = tmp_path_factory.mktemp("demo-prepared")
    command = [
        sys.executable,
        "-m",
        "server.cli",
        "--database-url",
        f"sqlite:///{database(folder)}",
    ]
    env = {**os.environ, "CASEBOOK_SERVER_DATA_DIR": str(folder)}
    subprocess.run([*command, "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    made = subprocess.run(
        [*command, "demo", "--children", "12"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    accounts = demo_service._parse_accounts(made.stdout)
    demo_service._save_accounts(folder, {"service_id": uuid.uuid4().hex, "accounts": accounts})
    return folder


@pytest.fixture
def folder(prepared: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo-service"
    shutil.copytree(prepared, copy)
    return copy


def database(folder: Path) -> Path:
    return folder / demo_service.DATABASE_FILE


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def bare_server(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A server on the demo database as an older Casebook left it: no watchdog, no record,
    in a session of its own so nothing here stops it by accident."""
    port = demo_service._free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "--database-url", f"sqlite:///{database(folder)}"]
        + ["serve", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, "CASEBOOK_SERVER_DATA_DIR": str(folder)},
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for(lambda: health.answers(f"http://127.0.0.1:{port}"), 30, "the bare server")
    return server, port


def test_the_server_stops_when_the_app_is_killed(folder: Path) -> None:
    """SIGKILL gives the app no chance to clean up: the server notices its pipe close and
    stops by itself, freeing the database and the port."""
    app = subprocess.Popen(
        [sys.executable, "-c", APP, str(folder)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert app.stdout is not None
        pid_text, url = app.stdout.readline().split()
        server_pid = int(pid_text)
        assert health.answers(url)
        assert demo_process.serving(database(folder)) == [server_pid]
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=10)
    wait_for(lambda: not demo_process.alive(server_pid), 20, "the server to stop")
    assert not health.answers(url)
    assert demo_process.serving(database(folder)) == []
    # The next start finds the stale record, starts one server of its own and nothing else.
    with demo_service.running(folder) as again:
        assert again.process is not None
        assert demo_process.serving(database(folder)) == [again.process.pid]


def test_a_second_window_signs_in_to_the_running_service(folder: Path) -> None:
    """While one demo window is open, a second start (say ``make run AS=manager``) uses the
    same server rather than starting another on the same database, and leaves it to the first
    window to stop."""
    with demo_service.running(folder) as first:
        assert first.process is not None
        second = demo_service.start(folder, role="manager")
        assert second.process is None and second.url == first.url
        assert second.username == demo_service.PREFERRED_MANAGER
        assert demo_process.serving(database(folder)) == [first.process.pid]
        second.stop()
        assert first.running and health.answers(first.url)
    assert demo_process.serving(database(folder)) == []
    assert demo_process.read_record(folder) is None  # a clean stop forgets its server


def test_a_server_left_behind_by_an_older_casebook_is_stopped_first(folder: Path) -> None:
    """A server from before the watchdog (no record, no pipe) still holding the demo database
    is stopped before the new one starts: never two servers on one SQLite file."""
    leftover, _port = bare_server(folder)
    try:
        with demo_service.running(folder) as started:
            assert started.process is not None
            assert leftover.wait(timeout=20) is not None
            assert demo_process.serving(database(folder)) == [started.process.pid]
    finally:
        if leftover.poll() is None:
            leftover.kill()
            leftover.wait()


def test_a_recorded_server_whose_app_has_ended_is_stopped(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record names a server and the app that owned it; that app has gone, so its server
    is stopped and replaced. Found through the record alone here (the command-line search is
    switched off), as on Windows and macOS, which have no /proc."""
    leftover, port = bare_server(folder)
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    demo_process.write_record(folder, ServerRecord(leftover.pid, port, int(ended.stdout)))
    serving = demo_process.serving
    monkeypatch.setattr(demo_process, "serving", lambda _database: [])
    try:
        with demo_service.running(folder) as started:
            assert started.process is not None and started.url != f"http://127.0.0.1:{port}"
            assert leftover.wait(timeout=20) is not None
            assert serving(database(folder)) == [started.process.pid]
            record = demo_process.read_record(folder)
            assert record is not None
            assert (record.pid, record.owner) == (started.process.pid, os.getpid())
    finally:
        if leftover.poll() is None:
            leftover.kill()
            leftover.wait()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/health", timeout=2)
