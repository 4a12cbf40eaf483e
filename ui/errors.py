"""Exceptions turned into words a social worker can act on, in one place.

Why one place: every page that writes something meets the same few kinds of failure (the
worker typed something the rules refuse, the record was signed off elsewhere, the disk or the
store failed), and each page saying them in its own words is how the wording drifts and how a
raw exception text ("UNIQUE constraint failed ...") ends up on a worker's screen. A domain
error (``app.errors.CasebookError``) already carries a sentence written for the worker; anything
else is a fault the worker cannot act on and gets the generic sentence, while the exception
goes to the log for the service desk.

Recoverable problems appear inline, beside the field they are about (``message_for``); only
a failure with no page to show it on becomes a dialog (``show_exception``).
"""

from __future__ import annotations

import logging
from concurrent.futures import CancelledError

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import CasebookError, ValidationError
from app.settings import SettingsInvalid
from sync.client import ServiceRefused, ServiceUnavailable

log = logging.getLogger(__name__)

#: Failures whose own words are written for the worker: the domain's errors, a record not
#: found, a setting refused, and the sync client's sentences about the service.
SAID_FOR_THE_WORKER = (
    CasebookError,
    LookupError,
    SettingsInvalid,
    ServiceUnavailable,
    ServiceRefused,
)

#: What a page says when a write failed for a reason the worker cannot act on.
GENERIC_SAVE = "That could not be saved. Your typing is still here; try again in a moment."

#: What a page says when a record could not be read for a reason the worker cannot act on.
GENERIC_LOAD = (
    "This {noun} could not be opened. Try again; if it keeps happening, contact the service desk."
)


def message_for(exc: BaseException, generic: str = GENERIC_SAVE) -> str:
    """The sentence to show for ``exc``: its own words where they are written for the worker
    (each validation problem's message, joined), otherwise ``generic``."""
    if isinstance(exc, ValidationError):
        return " ".join(p.message for p in exc.problems)
    if isinstance(exc, SAID_FOR_THE_WORKER) and str(exc):
        return str(exc)
    # Only the type: an exception's text can quote the record (SQL parameters, file names).
    log.error("unexpected failure shown as a generic message: %s", type(exc).__name__)
    return generic


def load_message(exc: BaseException, noun: str) -> str:
    """Why the ``noun`` (visit, review...) could not be opened."""
    return message_for(exc, GENERIC_LOAD.format(noun=noun))


def show_exception(*, parent: QWidget | None, exception: BaseException, title: str) -> None:
    """A failure with no page of its own to show it on, as a dialog; a cancelled task passes
    silently (the worker asked for it)."""
    if isinstance(exception, CancelledError):
        return
    QMessageBox.warning(parent, title, message_for(exception))
