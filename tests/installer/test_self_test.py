"""``casebook --self-test`` run as the service desk runs it: a separate process, its exit
status and its one line of output are the whole interface."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m ui.main ARGS`` with its own temp and data folders, so leftovers show."""
    temp, data = tmp_path / "tmp", tmp_path / "data"
    temp.mkdir()
    data.mkdir()
    environ = {**os.environ, "TMPDIR": str(temp), "CASEBOOK_DATA_DIR": str(data), **env}
    if "QT_QPA_PLATFORM" not in env:
        environ.pop("QT_QPA_PLATFORM", None)  # it must choose offscreen by itself
    return subprocess.run(
        [sys.executable, "-m", "ui.main", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_self_test_passes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """Exit 0 with one line, without a display (it draws offscreen by itself); the throwaway
    profile is wiped and the worker's data folder is never touched."""
    done = _run("--self-test", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Casebook self-test passed")
    assert done.stdout.count("\n") == 1
    assert done.stderr == ""
    assert list((tmp_path / "tmp").iterdir()) == []
    assert list((tmp_path / "data").iterdir()) == []


@pytest.mark.slow
def test_a_failing_step_gives_one_plain_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    """A build without the Qt platform plugin it needs fails the window step with one line
    naming it (rather than Qt's abort), and still cleans up."""
    done = _run("--self-test", tmp_path=tmp_path, QT_QPA_PLATFORM="nosuchplatform")
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Casebook self-test FAILED while opening the main window")
    assert "nosuchplatform" in lines[0]
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.slow
def test_time_to_unlock_prints_seconds(tmp_path: Path) -> None:
    """The start-up measurement reaches the real unlock window and prints its time."""
    done = _run("--time-to-unlock", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    words = done.stdout.split()
    assert words[0] == "time-to-unlock"
    assert 0 < float(words[1]) < 60
    assert list((tmp_path / "tmp").iterdir()) == []
