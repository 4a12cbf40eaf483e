"""What counts as an acceptable local passphrase.

Length beats complexity rules (NCSC's "three random words"): we ask for 12 characters and reject
the obviously guessable, and leave strength guidance to the first-run screen.
"""

from __future__ import annotations

from app.errors import WeakPassphrase

MIN_LENGTH = 12
_COMMON = {"passwordpassword", "password1234", "123456789012", "qwertyuiopas", "casebookcasebook"}


def check(passphrase: str) -> None:
    if len(passphrase) < MIN_LENGTH:
        raise WeakPassphrase(
            f"Use at least {MIN_LENGTH} characters. Three random words make a strong passphrase "
            "that is easy to remember."
        )
    if len(set(passphrase)) < 5 or passphrase.lower() in _COMMON:
        raise WeakPassphrase(
            "That passphrase would be easy to guess. Try three random words instead."
        )
