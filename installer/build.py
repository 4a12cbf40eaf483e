"""Build the frozen Casebook client for this machine (``make dist``).

1. PyInstaller, with ``installer/casebook.spec``: the one-folder build in ``dist/casebook/``.
2. On Linux, from that folder:
   - ``dist/casebook-<version>-linux-x86_64.tar.gz``: a ``casebook/`` folder (extract it into
     ``/opt``) holding the build, ``casebook.desktop`` and the icon;
   - ``dist/casebook_<version>_amd64.deb``: the build under ``/opt/casebook``, a
     ``/usr/bin/casebook`` symlink, the ``.desktop`` file and the icon in the hicolor theme.

The version comes from ``pyproject.toml``. Windows builds use the same spec, then Inno Setup
(``installer/windows/``); that step cannot run here.

    .venv/bin/python installer/build.py [--no-packages]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "dist"
WORK = REPO / "build"
FROZEN = DIST / "casebook"
ICON_SVG = REPO / "resources" / "icons" / "casebook.svg"
DESKTOP = REPO / "installer" / "linux" / "casebook.desktop"

#: Libraries the Qt xcb/wayland plugins load from the laptop itself (PyInstaller bundles what
#: it finds on the build machine, but never the X/GL stack, which must match the laptop's).
DEB_DEPENDS = (
    "libc6 (>= 2.36), libgl1, libegl1, libfontconfig1, libxkbcommon0, libxkbcommon-x11-0, "
    "libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libdbus-1-3"
)
DEB_RECOMMENDS = "libwayland-client0, libwayland-cursor0, libwayland-egl1"


def version() -> str:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    return str(project["version"])


def freeze() -> None:
    subprocess.run(  # noqa: S603 (our own interpreter and spec)
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(REPO / "installer" / "casebook.spec"),
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK / "pyinstaller"),
        ],
        cwd=REPO,
        check=True,
    )


def render_png(target: Path, size: int = 256) -> None:
    """The SVG icon as a PNG, for desktops and menus that want a bitmap."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICON_SVG)).render(painter)
    painter.end()
    if not image.save(str(target)):  # format from the .png suffix
        raise SystemExit(f"could not write {target}")


def _as_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def tarball(ver: str, png: Path) -> Path:
    target = DIST / f"casebook-{ver}-linux-x86_64.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(FROZEN, arcname="casebook", filter=_as_root)
        tar.add(DESKTOP, arcname="casebook/casebook.desktop", filter=_as_root)
        tar.add(ICON_SVG, arcname="casebook/casebook.svg", filter=_as_root)
        tar.add(png, arcname="casebook/casebook.png", filter=_as_root)
    return target


def deb(ver: str, png: Path) -> Path:
    root = WORK / "deb" / f"casebook_{ver}_amd64"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(FROZEN, root / "opt" / "casebook", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "casebook").symlink_to("/opt/casebook/casebook")
    share = root / "usr" / "share"
    for source, folder in (
        (DESKTOP, share / "applications"),
        (ICON_SVG, share / "icons" / "hicolor" / "scalable" / "apps"),
        (png, share / "icons" / "hicolor" / "256x256" / "apps"),
    ):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, folder / f"casebook{source.suffix}")
    files = [f for f in root.rglob("*") if f.is_file() and not f.is_symlink()]
    size_kib = sum(f.stat().st_size for f in files) // 1024
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        f"Package: casebook\n"
        f"Version: {ver}\n"
        f"Architecture: amd64\n"
        f"Maintainer: Casebook service desk <casebook@localhost>\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {DEB_DEPENDS}\n"
        f"Recommends: {DEB_RECOMMENDS}\n"
        f"Section: misc\n"
        f"Priority: optional\n"
        f"Description: Offline-first case recording for children's permanency services\n"
        f" Casebook keeps a social worker's case records encrypted on the laptop and syncs\n"
        f" them with the service's central system. Check an install with: casebook --self-test\n",
        "utf-8",
    )
    target = DIST / f"casebook_{ver}_amd64.deb"
    dpkg_deb = shutil.which("dpkg-deb")
    if dpkg_deb is None:
        raise SystemExit("dpkg-deb is missing: apt-get install dpkg")
    # gzip rather than dpkg's default xz: a little larger, several times faster to build.
    subprocess.run(  # noqa: S603 (fixed arguments)
        [dpkg_deb, "--root-owner-group", "-Zgzip", "--build", str(root), str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-packages", action="store_true", help="only the frozen folder")
    args = parser.parse_args()
    ver = version()
    started = time.monotonic()
    freeze()
    made = [FROZEN]
    if sys.platform == "linux" and not args.no_packages:
        if platform.machine() != "x86_64":
            raise SystemExit(f"packages are named for x86_64; this is {platform.machine()}")
        png = WORK / "casebook.png"
        render_png(png)
        made += [tarball(ver, png), deb(ver, png)]
    for path in made:
        print(f"built {path.relative_to(REPO)}")  # noqa: T201
    print(f"casebook {ver}: {time.monotonic() - started:.0f} s")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
