"""Writing a report's files so that only their owner can read them.

Reports hold figures about identifiable teams and workers, and the statutory returns hold
children's details: on a shared server they must not be readable by other accounts. Each file
is written to a temporary file in the target folder, created by ``tempfile.mkstemp`` (readable
and writable by its creating user only, on POSIX), flushed to disk and renamed into place, so a
reader never sees half a file and nothing is left behind if the write fails. A folder this
creates is made owner-only too.

On Windows the mode bits mean nothing: a file takes the permissions of the folder it is made
in, so the output folder should be one under the user's own profile. Nothing here calls
POSIX-only functions (no ``fchmod``, no ``getuid``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

OWNER_ONLY = 0o600
OWNER_ONLY_FOLDER = 0o700


def ensure_folder(folder: Path) -> Path:
    """The output folder, made (owner-only) if it does not exist."""
    if not folder.exists():
        folder.mkdir(mode=OWNER_ONLY_FOLDER, parents=True)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    return folder


def write_private(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``folder/name``, readable by its owner only; replaces a file of that
    name. ``name`` is a plain file name (no folders)."""
    if Path(name).name != name or name in ("", ".", ".."):
        raise ValueError(f"{name!r} is not a plain file name")
    target = ensure_folder(folder) / name
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if os.name != "nt":
            os.chmod(temporary, OWNER_ONLY)  # mkstemp's own mode; said again for clarity
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return target
