"""Every error the domain raises, with a message a social worker can act on.

The UI turns these into dialogs in one place; the text here is what the worker reads, so it says
what happened and what to do next, never a stack trace or a library's wording.
"""

from __future__ import annotations

from dataclasses import dataclass


class CasebookError(Exception):
    """Base of every error the domain raises on purpose."""


class WrongPassphrase(CasebookError):
    """The passphrase did not unlock the profile. Nothing on disk was changed."""

    def __init__(self, *, failures: int, tries_left: int) -> None:
        self.failures = failures
        self.tries_left = tries_left
        msg = "That passphrase is not right. Check Caps Lock and try again."
        if tries_left <= 5:
            msg += f" After {tries_left} more wrong tries the profile will be locked until the"
            msg += " service resets it."
        super().__init__(msg)


class TryAgainLater(CasebookError):
    """Too many wrong passphrases in a row: the next try must wait."""

    def __init__(self, *, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        whole = max(1, round(wait_seconds))
        super().__init__(
            f"Too many wrong passphrases in a row. Please wait {whole} seconds before trying again."
        )


class ProfileLockedOut(CasebookError):
    """Ten wrong passphrases in a row: only the service can re-enable the profile."""

    def __init__(self) -> None:
        super().__init__(
            "This profile has been locked after too many wrong passphrases. Your records are safe. "
            "Ask your manager or the service desk to reset it from the central service."
        )


class ProfileNotFound(CasebookError):
    """No profile of that name exists on this laptop."""


class ProfileExists(CasebookError):
    """A profile of that name already exists; creating it again would hide the old one."""


class ProfileIsLocked(CasebookError):
    """An operation needs the profile unlocked, and it is locked."""

    def __init__(self) -> None:
        super().__init__("The profile is locked. Unlock it with your passphrase to continue.")


class WeakPassphrase(CasebookError):
    """The chosen passphrase is too easy to guess for a laptop that may be lost."""


class StoreDamaged(CasebookError):
    """The encrypted database could not be opened or failed its checks.

    The file is always kept exactly as it was; the worker is offered a rebuild from the service.
    """

    def __init__(self, *, detail: str) -> None:
        self.detail = detail
        super().__init__(
            "Casebook could not open your saved records: the file on this laptop appears damaged. "
            "It has been kept exactly as it is, so nothing is deleted. You can rebuild your "
            "records from the central service; ask the service desk if you had work that was not "
            "synced."
        )


class KeyFileDamaged(CasebookError):
    """The wrapped key file is unreadable or has been tampered with."""

    def __init__(self, *, detail: str) -> None:
        self.detail = detail
        super().__init__(
            "Casebook could not read this profile's key file; it may be damaged or have been "
            "altered. Nothing has been changed. Contact the service desk to rebuild the profile."
        )


class InsecureBuild(CasebookError):
    """The SQLCipher library could let temporary data reach the disk unencrypted."""


class MigrationFailed(CasebookError):
    """Upgrading the local database failed; the pre-upgrade backup is kept."""


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field, worded for the person who filled it in."""

    field: str
    message: str


class ValidationError(CasebookError):
    """A record cannot be saved as it is. Lists every problem, each tied to its field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__(" ".join(p.message for p in problems))

    @property
    def fields(self) -> list[str]:
        return [p.field for p in self.problems]


class RecordFinalised(CasebookError):
    """A signed-off record cannot change; corrections are made as addenda."""

    def __init__(self, *, what: str) -> None:
        super().__init__(
            f"This {what} has been signed off and can no longer be changed. "
            "To correct or add to it, write an addendum."
        )
