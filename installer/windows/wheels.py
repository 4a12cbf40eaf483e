"""Does every locked dependency have a Windows wheel, for CPython 3.11, 3.12 and 3.13? And the
Windows lock file that follows from the answer.

``requirements.lock`` is resolved on Linux: its hashes are those of the Linux wheels (and of the
pure-Python ones, which are the same everywhere), and it leaves out what only Windows installs
(``colorama`` for click and pytest, ``pefile`` and ``pywin32-ctypes`` for PyInstaller). So:

1. every pin of ``requirements.lock`` is fetched as pip would on a Windows laptop:
   ``pip download --only-binary=:all: --platform win_amd64 --python-version 3.1x --no-deps``,
   one call per Python version (then one per package, to name every failure, if it fails);
2. each wheel's own requirements are read with the markers a Windows machine has
   (``sys_platform == "win32"`` and so on); any that the Linux lock lacks are fetched the same
   way, at the newest version the requirement allows, and so on until nothing is new;
3. a table says which wheel each package gets on each Python, or that it has none; the exit
   status is 1 if any package has none;
4. with ``--write FILE``, the Windows lock: the same pins plus the Windows-only ones, each with
   the hashes of exactly the wheels fetched (``pip install --require-hashes -r`` on Windows).

It needs PyPI (``make windows-wheels`` and ``make windows-lock`` run it); nothing else in the
build or the tests does. Run ``make windows-lock`` after ``make lock``: ``tests/installer/
test_windows_lock.py`` fails while the two locks pin different versions.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from email.parser import Parser
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[2]
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORM = "win_amd64"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


@dataclass
class Package:
    name: str
    version: str
    #: Why it is here when the Linux lock lacks it ("click: colorama; platform_system == ...").
    windows_only: str = ""
    #: Python version -> the wheel pip chose (file name, sha256), or None: no Windows wheel.
    wheels: dict[str, tuple[str, str] | None] = field(default_factory=dict)


def read_pins(lock: Path) -> dict[str, Package]:
    pins: dict[str, Package] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            name = canonicalize_name(match.group(1))
            pins[name] = Package(name, match.group(2))
    return pins


def windows_environment(python: str) -> dict[str, str]:
    """The marker variables of 64-bit CPython ``python`` on Windows."""
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "os_name": "nt",
        "platform_machine": "AMD64",
        "platform_python_implementation": "CPython",
        "platform_release": "10",
        "platform_system": "Windows",
        "platform_version": "10.0.19045",
        "python_full_version": f"{python}.0",
        "python_version": python,
        "sys_platform": "win32",
        "extra": "",
    }


def fetch(specs: list[str], python: str, dest: Path) -> bool:
    """pip download, as a Windows laptop on ``python`` would; True when every spec got a
    wheel. The machine's pip configuration (local mirrors, caps) is left out: PyPI decides."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--platform",
        PLATFORM,
        "--python-version",
        python,
        "--implementation",
        "cp",
        "--no-deps",
        "--dest",
        str(dest),
        *specs,
    ]
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    env.pop("PIP_CONSTRAINT", None)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    return result.returncode == 0


def check(pins: dict[str, Package], pythons: tuple[str, ...], work: Path) -> dict[str, Package]:
    """Every pin, and every Windows-only requirement they bring, with its wheel per Python."""
    packages = dict(pins)
    for python in pythons:
        dest = work / python
        dest.mkdir(parents=True, exist_ok=True)
        wanted = [f"{p.name}=={p.version}" for p in packages.values()]
        if not fetch(wanted, python, dest):
            for spec in wanted:  # name every package without a wheel, not only the first
                fetch([spec], python, dest)
        while True:
            found = _wheels_in(dest)
            for package in packages.values():
                package.wheels[python] = found.get((package.name, package.version))
            new = _windows_only_requirements(packages, dest, python)
            if not new:
                break
            for requirement, why in new:
                name = canonicalize_name(requirement.name)
                before = set(_wheels_in(dest))
                fetch([f"{name}{requirement.specifier}"], python, dest)
                got = [key for key in _wheels_in(dest) if key not in before and key[0] == name]
                version = got[0][1] if got else str(requirement.specifier) or "?"
                packages[name] = Package(name, version, windows_only=why)
                if not got:
                    packages[name].wheels[python] = None
    return packages


def write_lock(packages: dict[str, Package], path: Path, pythons: tuple[str, ...]) -> None:
    lines = [
        "# Pinned dependency versions for Windows (64-bit CPython "
        f"{', '.join(pythons)}), with the hashes of",
        "# their Windows wheels: requirements.lock's pins plus what only Windows installs.",
        "# Written by `make windows-lock` (installer/windows/wheels.py, which needs PyPI) after",
        "# `make lock`; do not edit by hand. On Windows:",
        "#   pip install --require-hashes -r requirements-windows.lock",
    ]
    for package in sorted(packages.values(), key=lambda p: p.name):
        hashes = sorted({wheel[1] for wheel in package.wheels.values() if wheel is not None})
        if package.windows_only:  # above the pin: inside its continued line it would hide
            lines.append(f"# Windows only: {package.windows_only}")  # the hashes after it
        lines.append(f"{package.name}=={package.version} \\")
        lines.extend(f"    --hash=sha256:{digest} \\" for digest in hashes[:-1])
        lines.extend(f"    --hash=sha256:{digest}" for digest in hashes[-1:])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--python", nargs="+", default=list(PYTHONS))
    parser.add_argument("--write", type=Path, help="write the Windows lock file here")
    args = parser.parse_args(argv)
    pythons = tuple(args.python)
    with tempfile.TemporaryDirectory(prefix="casebook-windows-wheels-") as work:
        packages = check(read_pins(args.lock), pythons, Path(work))
    lacking = [p for p in packages.values() if any(w is None for w in p.wheels.values())]
    width = max(len(p.name) for p in packages.values())
    _say(f"{'package':<{width}}  {'version':<14}  " + "  ".join(f"cp{v:<10}" for v in pythons))
    for package in sorted(packages.values(), key=lambda p: p.name):
        cells = []
        for python in pythons:
            wheel = package.wheels.get(python)
            cells.append(f"{'NONE' if wheel is None else _wheel_tag(wheel[0]):<12}")
        note = f"  (Windows only: {package.windows_only})" if package.windows_only else ""
        _say(f"{package.name:<{width}}  {package.version:<14}  " + "  ".join(cells) + note)
    total = len(packages)
    if lacking:
        names = ", ".join(f"{p.name} {p.version}" for p in lacking)
        _say(f"\n{len(lacking)} of {total} packages have no Windows wheel for some Python: {names}")
        return 1
    _say(f"\nAll {total} packages have a win_amd64 wheel for CPython {', '.join(pythons)}.")
    if args.write:
        write_lock(packages, args.write, pythons)
        _say(f"Wrote {args.write}.")
    return 0


# ---- Private API


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def _wheels_in(folder: Path) -> dict[tuple[str, str], tuple[str, str]]:
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for wheel in folder.glob("*.whl"):
        name, version, _build, _tags = parse_wheel_filename(wheel.name)
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        found[(str(name), str(version))] = (wheel.name, digest)
    return found


def _windows_only_requirements(
    packages: dict[str, Package], folder: Path, python: str
) -> list[tuple[Requirement, str]]:
    """Requirements that apply on Windows but not on Linux (so the Linux lock lacks them),
    of the wheels fetched into ``folder``, that no package here meets."""
    environment = windows_environment(python)
    new: dict[str, tuple[Requirement, str]] = {}
    for package in packages.values():
        wheel = package.wheels.get(python)
        if wheel is None:
            continue
        for requirement in _requires(folder / wheel[0]):
            name = canonicalize_name(requirement.name)
            if name in packages or name in new or requirement.marker is None:
                continue
            if _applies(requirement.marker, environment) and not _applies(
                requirement.marker, {**environment, **_LINUX}
            ):
                new[name] = (requirement, f"{package.name}: {requirement}")
    return list(new.values())


_LINUX = {
    "os_name": "posix",
    "platform_system": "Linux",
    "sys_platform": "linux",
    "platform_machine": "x86_64",
}


def _requires(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(metadata).decode("utf-8", "replace"))
    return [Requirement(text) for text in message.get_all("Requires-Dist") or []]


def _applies(marker: Marker, environment: dict[str, str]) -> bool:
    return marker.evaluate(environment)


def _wheel_tag(filename: str) -> str:
    _name, _version, _build, tags = parse_wheel_filename(filename)
    tag = sorted(tags, key=str)[0]
    return f"{tag.interpreter}-{tag.abi}" if tag.platform != "any" else "any"


if __name__ == "__main__":
    sys.exit(main())
