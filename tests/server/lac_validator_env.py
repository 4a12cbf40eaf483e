"""A throwaway virtualenv with data-to-insight's SSDA903 validator, made once per machine.

The validator pins pandas below 2 (and numpy below 1.25), which must not constrain Casebook's
own environment, so it lives in a virtualenv of its own, outside the repository: in the
system's temporary folder, named by the validator's version and the Python version, built
beside its final place and renamed into it so an interrupted build is never taken for a
finished one. On a fresh machine it costs one ``pip install`` (under a minute here).
``CASEBOOK_LAC_VALIDATOR_PYTHON`` names an interpreter that already has it, to skip the build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

VERSION = "0.1.17"
ENV_VARIABLE = "CASEBOOK_LAC_VALIDATOR_PYTHON"


def _python_in(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def validator_python() -> Path:
    """An interpreter with ``csc-validator-be-903`` installed, building it if need be."""
    given = os.environ.get(ENV_VARIABLE)
    if given:
        return Path(given)
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    home = Path(tempfile.gettempdir()) / "casebook-test-lac-validator" / f"{VERSION}-{tag}"
    python = _python_in(home)
    if python.exists():
        return python
    home.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="building-", dir=home.parent))
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(building)
        subprocess.run(  # noqa: S603 - pip of the virtualenv just made
            [
                str(_python_in(building)),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"csc-validator-be-903=={VERSION}",
            ],
            check=True,
            timeout=900,
        )
        try:
            building.rename(home)
        except OSError:  # another run finished first; use its copy
            if not python.exists():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return python
