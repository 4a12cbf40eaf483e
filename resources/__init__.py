"""One loader for everything under resources/.

Reading through ``importlib.resources`` (not paths relative to ``__file__``) keeps lookups working
the same way in a source checkout, an installed wheel and a frozen PyInstaller build.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


def read_text(*parts: str) -> str:
    """Return a resource file's text, e.g. ``read_text("rules", "deadlines.toml")``."""
    node = resources.files(__name__)
    for part in parts:
        node = node.joinpath(part)
    return node.read_text(encoding="utf-8")


@cache
def load_toml(*parts: str) -> dict[str, Any]:
    """Parse a TOML resource once per process; callers must treat the result as read-only."""
    return tomllib.loads(read_text(*parts))
