"""How hard one sync tries a service call before giving up until the next sync."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

T = TypeVar("T")


class Attempt(Protocol):
    """Runs one service call under the sync's retry policy (``sync.run.SyncRun.attempt``)."""

    def __call__(self, call: Callable[[], T]) -> T: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter (so a hundred laptops coming back on line together
    do not hammer the service in step), capped, and never shorter than the service's
    Retry-After."""

    attempts: int = 5
    first_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        backoff = rng.uniform(0, min(self.max_delay, self.first_delay * 2**attempt))
        return max(backoff, min(retry_after or 0.0, self.max_delay))
