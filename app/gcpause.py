"""Pausing Python's cycle collector while a read builds many small objects that form no cycles.

Why: opening the dashboard reads one line per child and household (9,000 on the benchmark
caseload), about 100,000 tuples and strings. Allocating that many triggers collections, and an
oldest-generation collection walks every object the process holds (in the desktop app, every
Qt wrapper too), so the time of the same read varied widely; pausing the collector for the
read made it both shorter and steadier (the figures: bench/README.md, "Figures behind the
code"). Nothing such a read makes needs the collector (plain rows are freed by reference
counting), and it resumes as soon as the read is done.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def paused() -> Iterator[None]:
    """Pause the collector for the block. Safe to nest and to use from several threads at
    once: it resumes when the last block ends, and only if it was running when the first
    began (a caller that switched it off keeps it off)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
