"""One sync under way: what every step of it needs, in one object.

A sync's steps (push, pull, files, forms) each need the store, the client, the summary they
add to, the progress bar, the worker's Cancel and the retry policy. Passed one by one they made
parameter lists of eight; here they travel together, with the two things made of them: a
service call under the retry policy (``attempt``) and a progress report (``tell``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from app.store import Store
from sync.client import ServiceClient, ServiceUnavailable
from sync.progress import Cancelled, Phase, Progress
from sync.retry import RetryPolicy
from sync.summary import SyncSummary

T = TypeVar("T")


@dataclass
class SyncRun:
    store: Store
    client: ServiceClient
    summary: SyncSummary = field(default_factory=SyncSummary)
    report: Callable[[Progress], None] = lambda _progress: None
    cancelled: Callable[[], bool] = lambda: False
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.SystemRandom)
    #: Whether the service has answered any call of this sync: until it has, a service that is
    #: not there at all is said at once rather than after the backoff.
    answered: bool = False

    def __post_init__(self) -> None:
        self._sent_before = self.client.bytes_sent
        self._received_before = self.client.bytes_received

    def attempt(self, call: Callable[[], T]) -> T:
        """``call`` under the retry policy."""
        for n in range(self.policy.attempts):
            try:
                found = call()
                self.answered = True
                return found
            except ServiceUnavailable as exc:
                # Nothing at the address from the first call: say so now, not after backoff.
                last = n == self.policy.attempts - 1
                if last or self.cancelled() or (exc.unreachable and not self.answered):
                    raise
                self.sleep(self.policy.delay(n, exc.retry_after, self.rng))
        raise AssertionError("unreachable")

    def stop_if_cancelled(self) -> None:
        if self.cancelled():
            raise Cancelled

    def count_bytes(self) -> None:
        """Bring the summary's bytes on the wire up to date."""
        self.summary.bytes_sent = self.client.bytes_sent - self._sent_before
        self.summary.bytes_received = self.client.bytes_received - self._received_before

    def tell(self, phase: Phase, files_done: int = 0, files_total: int = 0) -> None:
        """Report where the sync has got to."""
        self.count_bytes()
        summary = self.summary
        self.report(
            Progress(
                phase,
                summary.sent,
                summary.received,
                summary.bytes_sent,
                summary.bytes_received,
                files_done,
                files_total,
            )
        )
