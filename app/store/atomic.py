"""Crash-safe writes of small files we own (key file, attempt counter, profile metadata).

Temp file in the same directory, fsync, ``os.replace``, fsync the directory: after a crash the
file is either the old version or the new one, never a torn mix (the Electrum pattern).

POSIX modes keep other local users out of the file. Windows has no ``os.fchmod`` (before
Python 3.13) and ignores mode bits beyond read-only: there the profile lives under the user's
own ``%LOCALAPPDATA%``, whose access list already admits only that user, the administrators
and SYSTEM, and the file inherits it (see SECURITY.md).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path


def write_bytes_atomically(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if sys.platform != "win32":
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make a rename durable. Windows cannot open directories; there NTFS journals renames."""
    if sys.platform != "win32":
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
