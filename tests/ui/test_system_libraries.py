"""Before Qt loads, ``make run`` and ``casebook --demo`` check that the system libraries Qt's
X11 plugin needs are there; without them they stop with one line naming the packages and the
command, instead of Qt's abort (which blames the wrong library). The machine running the tests
may or may not have those libraries, so the check runs against a folder holding every library
of this machine except two (``libxcb-icccm4``'s and ``libxcb-keysyms1``'s), with the real Qt
plugin from the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui import main as ui_main
from ui import system_libraries

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Qt's X11 plugin: Linux")

TAKEN_AWAY = ("libxcb-icccm.so.4", "libxcb-keysyms.so.1")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":99")
    found = system_libraries.xcb_plugin()
    assert found is not None, "PySide6's libqxcb.so is not in the wheel"
    return found


@pytest.fixture
def without_two(tmp_path: Path) -> Path:
    """This machine's libraries, less the two, as links in one folder."""
    folder = tmp_path / "lib"
    folder.mkdir()
    for system in system_libraries.system_library_folders():
        if not system.is_dir():
            continue
        for library in system.glob("*.so*"):
            link = folder / library.name
            if library.name not in TAKEN_AWAY and not link.exists():
                link.symlink_to(library)
    return folder


def test_the_check_names_what_is_missing_and_the_command(plugin: Path, without_two: Path) -> None:
    """Both libraries are reported, with anything else this machine itself lacks and nothing
    more; the line names the Debian packages and the apt-get command."""
    lacking_here = set(system_libraries.missing(plugin))
    assert set(system_libraries.missing(plugin, [without_two])) == lacking_here | set(TAKEN_AWAY)
    answer = subprocess.run(
        [sys.executable, "-m", "ui.system_libraries", "--install", "--library-path", without_two],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DISPLAY": ":99"},
        check=False,
    )
    assert answer.returncode == 1
    lines = answer.stderr.strip().splitlines()
    assert len(lines) == 1, answer.stderr
    assert "libxcb-icccm.so.4" in lines[0] and "libxcb-keysyms.so.1" in lines[0]
    assert "apt-get install --no-install-recommends " in lines[0]
    command = lines[0].split("apt-get install --no-install-recommends ", 1)[1].split()
    assert {"libxcb-icccm4", "libxcb-keysyms1"} <= set(command)
    assert "cursor" not in lines[0] or "libxcb-cursor.so.0" in lacking_here  # not Qt's red herring


def test_nothing_missing_means_nothing_said(plugin: Path, without_two: Path) -> None:
    """With the two back in the folder the check has nothing to add to what this machine
    itself lacks (on a machine with everything: silence and exit 0)."""
    for name in TAKEN_AWAY:
        (without_two / name).write_bytes(b"")  # present is all the loader's search needs
    assert system_libraries.missing(plugin, [without_two]) == system_libraries.missing(plugin)


def test_the_demo_stops_before_starting_anything(
    plugin: Path,
    without_two: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``casebook --demo`` on such a machine prints the line and exits 1 before the demo
    service starts (no service folder, no server), never reaching Qt."""
    data = tmp_path / "data"
    monkeypatch.setenv("CASEBOOK_DATA_DIR", str(data))
    monkeypatch.setattr(system_libraries, "system_library_folders", lambda: [without_two])
    monkeypatch.setattr(ui_main, "setup_logging", lambda: None)
    assert ui_main.main(["--demo"]) == 1
    said = capsys.readouterr()
    assert "Casebook cannot open its window" in said.err and "libxcb-icccm4" in said.err
    assert "Starting the local demo service" not in said.out
    assert not (data / "demo-service").exists()


def test_no_display_is_said_plainly(plugin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY")
    line = system_libraries.no_display()
    assert line is not None and "DISPLAY is not set" in line and "--demo --text" in line
