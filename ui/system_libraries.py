"""Before Qt is loaded: does this Linux machine have the system libraries Qt needs to draw a
window? If not, say which, why, and the exact command that installs them.

Without them Qt aborts at start-up with a page of advice that names the wrong library (its
message blames ``libxcb-cursor0`` whichever ``libxcb-*`` is really missing), so a new user is
sent the wrong way. The wheel of PySide6 brings Qt itself but not the X11 libraries its window
plugin (``libqxcb.so``) links to; a desktop install of Debian has them, a minimal or container
one often lacks ``libxcb-icccm4`` and ``libxcb-keysyms1``.

The check reads the plugin's ELF dependencies (and theirs, recursively) and looks for each
library where the dynamic loader would: the library's own run path, ``LD_LIBRARY_PATH``, the
folders ``/etc/ld.so.conf`` names and the system's default folders. It loads nothing, so it
cannot crash the way Qt does, and it takes a few milliseconds.

``python -m ui.system_libraries`` is what ``make run`` runs first: nothing missing, it exits 0
silently; something missing, it prints one line with the command and exits 1, or with
``--install``, as root on Debian or Ubuntu, installs the packages with apt-get (as ``.ci/run``
does for its build tools) and carries on. ``ui.main`` runs the same check (never installing)
before the app opens a window, so ``casebook`` on such a machine prints that line instead of
Qt's.
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import mmap
import os
import platform
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

#: Debian/Ubuntu packages for the libraries Qt's X11 plugin and its Qt libraries load (the ones
#: a minimal system can lack; the C library and friends are always there).
PACKAGES = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}
#: Folders the loader searches after ld.so.conf's (glibc's trusted folders, with multiarch).
DEFAULT_FOLDERS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64")

_PT_LOAD, _PT_DYNAMIC = 1, 2
_DT_NULL, _DT_NEEDED, _DT_STRTAB, _DT_RPATH, _DT_RUNPATH = 0, 1, 5, 15, 29


class Problem(Exception):
    """The app cannot open a window here; the message is one line saying why and what to do."""


def xcb_plugin() -> Path | None:
    """Qt's X11 window plugin, if this is Linux and Qt will use it (not when another platform
    plugin is asked for, nor in a Wayland session, where Qt prefers its Wayland plugin)."""
    asked = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    wayland = not asked and bool(os.environ.get("WAYLAND_DISPLAY"))
    spec = importlib.util.find_spec("PySide6")
    if sys.platform == "linux" and asked in ("", "xcb") and not wayland and spec is not None:
        for location in spec.submodule_search_locations or ():
            plugin = Path(location) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
            if plugin.exists():
                return plugin
    return None


def missing(plugin: Path, system_folders: Sequence[Path] | None = None) -> list[str]:
    """The libraries ``plugin`` needs, directly or through the libraries it needs, that the
    loader would not find. ``system_folders`` replaces ld.so.conf's and the default folders
    (a test runs the check against a folder missing some libraries)."""
    folders = list(system_folders) if system_folders is not None else system_library_folders()
    from_environment = [Path(p) for p in os.environ.get("LD_LIBRARY_PATH", "").split(":") if p]
    seen: set[str] = set()
    absent: list[str] = []
    queue = [plugin]
    while queue:
        library = queue.pop()
        needed, run_path = _dynamic_section(library)
        origin = str(library.parent)
        own = [Path(p.replace("$ORIGIN", origin).replace("${ORIGIN}", origin)) for p in run_path]
        for name in needed:
            if name in seen:
                continue
            seen.add(name)
            found = _find(name, [*own, *from_environment, *folders])
            if found is None:
                absent.append(name)
            else:
                queue.append(found)
    return sorted(absent)


def system_library_folders() -> list[Path]:
    """The folders ``/etc/ld.so.conf`` (and the files it includes) names, then the defaults."""
    folders: list[Path] = []
    _read_ld_so_conf(Path("/etc/ld.so.conf"), folders, depth=0)
    machine = platform.machine()
    multiarch = [f"{base}/{machine}-linux-gnu" for base in ("/lib", "/usr/lib")]
    for folder in (*multiarch, *DEFAULT_FOLDERS):
        if Path(folder) not in folders:
            folders.append(Path(folder))
    return folders


def explain(absent: Iterable[str]) -> str:
    """One line: what is missing, why it matters, and the command that fixes it."""
    names = sorted(set(absent))
    packages = sorted({PACKAGES[name] for name in names if name in PACKAGES})
    unknown = [name for name in names if name not in PACKAGES]
    why = (
        f"Casebook cannot open its window: Qt needs {_and(names)}, which this machine does not "
        "have."
    )
    if packages and not unknown:
        them = "it" if len(packages) == 1 else "them"
        return f"{why} Install {them} with: {install_command(packages)}"
    if packages:
        return (
            f"{why} Install {' '.join(packages)} with: {install_command(packages)}, and the "
            f"package that provides {', '.join(unknown)} (apt-file search NAME finds it)."
        )
    return f"{why} Install the packages that provide them (apt-file search NAME finds them)."


def install_command(packages: Sequence[str]) -> str:
    sudo = "" if _is_root() else "sudo "
    return f"{sudo}apt-get install --no-install-recommends {' '.join(packages)}"


def problem() -> str | None:
    """None when a window can open here as far as Casebook can tell; else the one line to
    print instead of Qt's abort."""
    plugin = xcb_plugin()
    if plugin is None:
        return None
    absent = missing(plugin)
    return explain(absent) if absent else no_display()


def no_display() -> str | None:
    """Qt's X11 plugin with no display to connect to aborts with the same misleading page."""
    if os.environ.get("DISPLAY"):
        return None
    return (
        "Casebook cannot open its window: there is no display to open it on (DISPLAY is not "
        "set). Run it from a desktop session, or see the demo caseload as text with "
        ".venv/bin/python -m ui.main --demo --text"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ui.system_libraries",
        description="Check (and with --install, as root on Debian, install) the system "
        "libraries Qt needs to open Casebook's window.",
    )
    parser.add_argument(
        "--install", action="store_true", help="as root with apt-get: install what is missing"
    )
    parser.add_argument(
        "--library-path",
        type=Path,
        action="append",
        help="look for system libraries only in this folder (repeatable; for tests)",
    )
    args = parser.parse_args(argv)
    plugin = xcb_plugin()
    if plugin is None:
        return 0
    absent = missing(plugin, args.library_path)
    if not absent:
        return _say(no_display())
    packages = sorted({PACKAGES[name] for name in absent if name in PACKAGES})
    unknown = [name for name in absent if name not in PACKAGES]
    can_install = _is_root() and shutil.which("apt-get") is not None and args.library_path is None
    if not (args.install and can_install and packages and not unknown):
        return _say(explain(absent))
    sys.stderr.write(
        f"Installing what Qt needs to open Casebook's window: {' '.join(packages)} (apt-get)\n"
    )
    if not _apt_get_install(packages) or missing(plugin):
        return _say(explain(missing(plugin) or absent))
    return _say(no_display())


# ---- Private API


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _say(line: str | None) -> int:
    if line is None:
        return 0
    sys.stderr.write(line + "\n")
    return 1


def _apt_get_install(packages: Sequence[str]) -> bool:
    """apt-get install, updating the package lists first only if they are too old to know the
    packages (a fresh container has none)."""
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = [apt_get, "install", "-y", "-qq", "--no-install-recommends", *packages]
    if subprocess.run(command, env=env, check=False).returncode == 0:  # noqa: S603
        return True
    subprocess.run([apt_get, "update", "-qq"], env=env, check=False)  # noqa: S603
    return subprocess.run(command, env=env, check=False).returncode == 0  # noqa: S603


def _is_root() -> bool:
    return sys.platform != "win32" and os.geteuid() == 0


def _find(name: str, folders: Iterable[Path]) -> Path | None:
    for folder in folders:
        candidate = folder / name
        if candidate.exists():
            return candidate
    return None


def _read_ld_so_conf(path: Path, folders: list[Path], depth: int) -> None:
    if depth > 4:
        return
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("include "):
            pattern = line.split(None, 1)[1]
            if not pattern.startswith("/"):
                pattern = str(path.parent / pattern)
            for included in sorted(glob.glob(pattern)):
                _read_ld_so_conf(Path(included), folders, depth + 1)
        elif line.startswith("/") and Path(line) not in folders:
            folders.append(Path(line))


def _dynamic_section(library: Path) -> tuple[list[str], list[str]]:
    """(DT_NEEDED names, run path folders) of a 64-bit little-endian ELF file; nothing for any
    other file (which the loader would refuse anyway: the check does not guess)."""
    try:
        with (
            library.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
        ):  # mapped, not read: only the pages looked at are loaded
            return _parse_dynamic(data)
    except (OSError, ValueError):
        return [], []


def _parse_dynamic(data: mmap.mmap) -> tuple[list[str], list[str]]:
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return [], []
    try:
        (phoff,) = struct.unpack_from("<Q", data, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
        loads: list[tuple[int, int, int]] = []  # (vaddr, offset, size)
        dynamic: tuple[int, int] | None = None
        for index in range(phnum):
            base = phoff + index * phentsize
            p_type, _flags, p_offset, p_vaddr = struct.unpack_from("<IIQQ", data, base)
            (p_filesz,) = struct.unpack_from("<Q", data, base + 0x20)
            if p_type == _PT_LOAD:
                loads.append((p_vaddr, p_offset, p_filesz))
            elif p_type == _PT_DYNAMIC:
                dynamic = (p_offset, p_filesz)
        if dynamic is None:
            return [], []
        entries: list[tuple[int, int]] = []
        for at in range(dynamic[0], dynamic[0] + dynamic[1], 16):
            tag, value = struct.unpack_from("<qQ", data, at)
            if tag == _DT_NULL:
                break
            entries.append((tag, value))
        strtab = next(value for tag, value in entries if tag == _DT_STRTAB)
        table = next(off + strtab - va for va, off, size in loads if va <= strtab < va + size)
    except (struct.error, StopIteration):
        return [], []

    def text(offset: int) -> str:
        end = data.find(b"\0", table + offset)
        return data[table + offset : end].decode("utf-8", "replace")

    needed = [text(value) for tag, value in entries if tag == _DT_NEEDED]
    run_paths = [text(value) for tag, value in entries if tag == _DT_RUNPATH]
    if not run_paths:
        run_paths = [text(value) for tag, value in entries if tag == _DT_RPATH]
    return needed, [part for path in run_paths for part in path.split(":") if part]


if __name__ == "__main__":
    sys.exit(main())
