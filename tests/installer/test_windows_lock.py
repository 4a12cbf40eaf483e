"""The Windows lock (``requirements-windows.lock``) keeps step with ``requirements.lock``, and
every locked package has a Windows wheel for CPython 3.11 to 3.13.

The first test needs nothing but the two files, so it runs everywhere and fails as soon as
``make lock`` moves a pin without ``make windows-lock`` following. Whether the wheels exist can
only be known from PyPI: that test runs when asked for (``CASEBOOK_TEST_WINDOWS_WHEELS=1``,
``make windows-wheels`` runs the same check); CI's tests never depend on the internet, so
there it is skipped, and the lock file records the last time it passed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from installer.windows.wheels import read_pins

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "requirements.lock"
WINDOWS = ROOT / "requirements-windows.lock"


def test_the_windows_lock_pins_what_the_linux_lock_pins() -> None:
    """Same versions for every package of requirements.lock; anything more is a Windows-only
    requirement and says whose; every pin carries at least one hash."""
    linux, windows = read_pins(LINUX), read_pins(WINDOWS)
    assert linux, "requirements.lock has no pins?"
    moved = {
        name: (pin.version, windows[name].version if name in windows else None)
        for name, pin in linux.items()
        if name not in windows or windows[name].version != pin.version
    }
    assert not moved, f"run `make windows-lock` after `make lock`: {moved}"
    lines = WINDOWS.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        name = line.split("==")[0]
        if "==" in line and not line.startswith("#"):
            assert lines[index + 1].strip().startswith("--hash=sha256:"), line
            if name not in linux:
                assert lines[index - 1].startswith("# Windows only: "), line


@pytest.mark.skipif(
    os.environ.get("CASEBOOK_TEST_WINDOWS_WHEELS") != "1",
    reason="asks PyPI: set CASEBOOK_TEST_WINDOWS_WHEELS=1 (or run make windows-wheels)",
)
def test_every_locked_package_has_a_windows_wheel(tmp_path: Path) -> None:
    """pip download --only-binary=:all: --platform win_amd64 for 3.11, 3.12 and 3.13 finds a
    wheel for every pin (and every Windows-only requirement), and the hashes it gets are
    exactly the committed Windows lock's."""
    written = tmp_path / "requirements-windows.lock"
    result = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "windows" / "wheels.py"), "--write", written],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert written.read_text(encoding="utf-8") == WINDOWS.read_text(encoding="utf-8")
