"""Counting wrong passphrases, so guessing through the app slows down and then stops.

After ``FREE_TRIES`` wrong tries in a row each further try must wait twice as long as the last;
after ``LOCKOUT_AFTER`` the profile refuses to unlock until the service resets it. The counter
lives in its own small file so a wrong passphrase never touches the key file or the database.
It slows a person at the keyboard; it cannot stop someone who copies the files away, which is
what Argon2id and the 256-bit data key are for.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.errors import ProfileLockedOut, TryAgainLater
from app.store.atomic import write_bytes_atomically

FREE_TRIES = 5
LOCKOUT_AFTER = 10
FIRST_WAIT_SECONDS = 30.0


@dataclass
class Attempts:
    path: Path
    now: Callable[[], float] = time.time

    # ---- Public API

    def check_allowed(self) -> None:
        """Raise if the next try is not allowed yet (or at all)."""
        failures, last = self._read()
        if failures >= LOCKOUT_AFTER:
            raise ProfileLockedOut()
        wait = self.wait_after(failures)
        if wait:
            elapsed = self.now() - last
            # A clock set backwards must not shorten the wait.
            if elapsed < 0 or elapsed < wait:
                raise TryAgainLater(wait_seconds=wait - max(elapsed, 0.0))

    def record_failure(self) -> int:
        failures, _ = self._read()
        failures += 1
        self._write(failures, self.now())
        return failures

    def record_success(self) -> None:
        if self.path.exists():
            self._write(0, 0.0)

    def reset(self) -> None:
        """Clear a lockout; the sync layer calls this once the service has authorised it."""
        self._write(0, 0.0)

    @property
    def failures(self) -> int:
        return self._read()[0]

    @staticmethod
    def wait_after(failures: int) -> float:
        if failures < FREE_TRIES:
            return 0.0
        return FIRST_WAIT_SECONDS * float(2 ** (failures - FREE_TRIES))

    # ---- Private API

    def _read(self) -> tuple[int, float]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            return int(doc["failures"]), float(doc["last_failure_at"])
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError):
            # An unreadable counter is treated as the worst case, not as a clean slate: deleting
            # or garbling it must not buy extra guesses.
            return LOCKOUT_AFTER, 0.0

    def _write(self, failures: int, at: float) -> None:
        doc = {"failures": failures, "last_failure_at": at}
        write_bytes_atomically(self.path, json.dumps(doc).encode("utf-8"))
