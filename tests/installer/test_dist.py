"""What ``make dist`` produced, installed and started as a council's IT team would.

Slow (the build alone takes a minute or two), so these run only when asked:

    CASEBOOK_TEST_DIST=1 .venv/bin/python -m pytest tests/installer/test_dist.py

They use ``dist/`` as it is (``make dist`` first), or build it themselves when
``CASEBOOK_TEST_DIST=build``. ``.ci/run`` builds and runs the frozen self-test directly.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "dist"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]
TARBALL = DIST / f"casebook-{VERSION}-linux-x86_64.tar.gz"
DEB = DIST / f"casebook_{VERSION}_amd64.deb"
WANTED = os.environ.get("CASEBOOK_TEST_DIST", "")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not WANTED, reason="set CASEBOOK_TEST_DIST=1 (after make dist) to run"),
    pytest.mark.skipif(sys.platform != "linux", reason="the Linux packages"),
]


@pytest.fixture(scope="module", autouse=True)
def _built() -> None:
    if WANTED == "build":
        subprocess.run(["make", "dist"], cwd=REPO, check=True, timeout=900)
    missing = [p.name for p in (DIST / "casebook" / "casebook", TARBALL, DEB) if not p.exists()]
    if missing:
        pytest.fail(f"run `make dist` first: {', '.join(missing)} missing")


def _self_test(binary: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The frozen binary's --self-test, with nothing from the source tree or venv in reach."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(tmp_path),
        "CASEBOOK_DATA_DIR": str(home / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.run(
        [str(binary), "--self-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_frozen_folder_passes_its_self_test(tmp_path: Path) -> None:
    """dist/casebook/casebook --self-test exits 0 run from elsewhere with a bare environment."""
    done = _self_test(DIST / "casebook" / "casebook", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Casebook self-test passed")


def test_the_tarball_holds_the_app_desktop_file_and_icon(tmp_path: Path) -> None:
    """Extracted, the tarball is one casebook/ folder whose binary passes its self-test."""
    with tarfile.open(TARBALL) as tar:
        names = set(tar.getnames())
        assert {"casebook/casebook", "casebook/casebook.desktop", "casebook/casebook.svg"} <= names
        assert {n.split("/")[0] for n in names} == {"casebook"}
        desktop = tar.extractfile("casebook/casebook.desktop")
        assert desktop is not None
        text = desktop.read().decode("utf-8")
        tar.extractall(tmp_path / "opt", filter="tar")
    assert "Exec=/opt/casebook/casebook" in text and "Icon=casebook" in text
    done = _self_test(tmp_path / "opt" / "casebook" / "casebook", tmp_path)
    assert done.returncode == 0, done.stderr


def test_the_deb_describes_itself_and_lists_its_files() -> None:
    """dpkg-deb --info shows the package and version; --contents the app under /opt, the
    /usr/bin symlink, the .desktop file and the icon."""
    info = subprocess.run(
        ["dpkg-deb", "--info", str(DEB)], capture_output=True, text=True, check=True
    ).stdout
    assert "Package: casebook" in info and f"Version: {VERSION}" in info
    assert "Architecture: amd64" in info
    contents = subprocess.run(
        ["dpkg-deb", "--contents", str(DEB)], capture_output=True, text=True, check=True
    ).stdout
    assert "./opt/casebook/casebook\n" in contents
    assert "./usr/bin/casebook -> /opt/casebook/casebook" in contents
    assert "./usr/share/applications/casebook.desktop" in contents
    assert "./usr/share/icons/hicolor/scalable/apps/casebook.svg" in contents
    assert "./usr/share/icons/hicolor/256x256/apps/casebook.png" in contents


def test_the_deb_unpacked_into_a_root_runs_its_self_test(tmp_path: Path) -> None:
    """dpkg-deb -x into a temporary root: the /usr/bin symlink leads to the installed app,
    which passes its self-test."""
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(DEB), str(root)], check=True)
    link = root / "usr" / "bin" / "casebook"
    assert link.is_symlink() and os.readlink(link) == "/opt/casebook/casebook"
    binary = root / "opt" / "casebook" / "casebook"
    assert os.access(binary, os.X_OK)
    done = _self_test(binary, tmp_path)
    assert done.returncode == 0, done.stderr
