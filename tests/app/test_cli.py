"""The store's command line, run as the service desk would: a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.store import Profile
from tests.conftest import PASSPHRASE, fast_kdf


def _run(*args: str, stdin: str = "", data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEBOOK_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "app", "--passphrase-stdin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_doctor_reports_every_check_and_exits_zero_when_healthy(tmp_path: Path) -> None:
    """`doctor` prints each check in words and exits 0 for a healthy profile."""
    Profile.create("alice", PASSPHRASE, worker="alice", root=tmp_path, kdf=fast_kdf())
    done = _run("doctor", "alice", stdin=PASSPHRASE + "\n", data=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[ok] Encrypted pages intact" in done.stdout
    assert "PROBLEM" not in done.stdout


def test_wrong_passphrase_is_a_plain_error_and_non_zero_exit(tmp_path: Path) -> None:
    """A wrong passphrase prints the worker-facing message, no traceback, and exits 1."""
    Profile.create("alice", PASSPHRASE, worker="alice", root=tmp_path, kdf=fast_kdf())
    done = _run("doctor", "alice", stdin="not the passphrase\n", data=tmp_path)
    assert done.returncode == 1
    assert "not right" in done.stderr and "Traceback" not in done.stderr


def test_unknown_profile_and_bad_arguments_fail_clearly(tmp_path: Path) -> None:
    """A missing profile exits 1 with its name; a missing argument exits 2 with usage."""
    missing = _run("doctor", "nobody", stdin="x\n", data=tmp_path)
    assert missing.returncode == 1 and "nobody" in missing.stderr
    usage = _run("doctor", data=tmp_path)
    assert usage.returncode == 2 and "usage" in usage.stderr


def test_passwd_rewraps_and_list_shows_profiles(tmp_path: Path) -> None:
    """`passwd` changes the passphrase; `list` shows the profile by name."""
    Profile.create("alice", PASSPHRASE, worker="alice", root=tmp_path, kdf=fast_kdf())
    new = "an entirely different passphrase"
    done = _run("passwd", "alice", stdin=f"{PASSPHRASE}\n{new}\n", data=tmp_path)
    assert done.returncode == 0, done.stderr
    Profile.open("alice", root=tmp_path).unlock(new).lock()
    assert _run("list", data=tmp_path).stdout.split() == ["alice"]
