"""The code at another git revision, checked out beside this one for the length of a block: what
the ``--against REV`` benchmarks run their baseline from, so both sides run on the same
machine at the same time and only the code differs."""

from __future__ import annotations

import subprocess  # nosec B404 (git, with fixed arguments)
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def checked_out(revision: str | None, folder: Path) -> Iterator[Path | None]:
    """A temporary ``git worktree`` of ``revision`` in ``folder`` (None for no revision),
    removed again when the block ends, however it ends."""
    if revision is None:
        yield None
        return
    checkout = folder / "then"
    subprocess.run(  # nosec B603 B607 (git, with fixed arguments)
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(checkout), revision],
        check=True,
        capture_output=True,
    )
    try:
        yield checkout
    finally:
        subprocess.run(  # nosec B603 B607 (git, with fixed arguments)
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(checkout)],
            check=False,
            capture_output=True,
        )
