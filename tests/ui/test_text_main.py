"""`make run` today: the demo caseload printed by the casebook entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _run(data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEBOOK_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def test_demo_is_created_once_and_shown_every_time(tmp_path: Path) -> None:
    """The first run creates and shows the demo caseload; the second reuses it unchanged."""
    first = _run(tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Creating the demo profile" in first.stdout
    assert "60 children" in first.stdout and "Overdue" in first.stdout
    second = _run(tmp_path)
    assert second.returncode == 0 and "Creating" not in second.stdout
    assert second.stdout.splitlines()[1:] == first.stdout.splitlines()[2:]


def test_a_damaged_demo_explains_itself_and_exits_cleanly(tmp_path: Path) -> None:
    """If the demo database is damaged the worker is told what to do, with no traceback."""
    _run(tmp_path)
    db = tmp_path / "profiles" / "demo" / "casebook.db"
    data = bytearray(db.read_bytes())
    data[100:116] = bytes(16)
    db.write_bytes(bytes(data))
    broken = _run(tmp_path)
    assert broken.returncode == 0
    assert "set-aside demo" in broken.stdout and "Traceback" not in broken.stderr
