"""Where profiles live: the OS's per-user data directory, or ``CASEBOOK_DATA_DIR`` if set
(tests, and councils that redirect profiles to a managed location)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path


def data_root() -> Path:
    override = os.environ.get("CASEBOOK_DATA_DIR")
    root = Path(override) if override else user_data_path("Casebook", appauthor=False)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def profiles_root(root: Path | None = None) -> Path:
    path = (root or data_root()) / "profiles"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
