"""What a sync tells the worker while it runs: its phase and counts, for the progress bar; and
the worker's Cancel."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    """Where a sync has got to (the words the status bar shows are the UI's)."""

    STARTING = "starting"
    SENDING = "sending"
    RECEIVING = "receiving"
    UPLOADING = "uploading files"
    DOWNLOADING = "downloading files"


@dataclass
class Progress:
    """Where a sync has got to, for the progress bar: records and files, and bytes on the wire
    both ways (so a slow link visibly moves even while one big page or photo is in flight)."""

    phase: Phase
    sent: int
    received: int
    bytes_sent: int = 0
    bytes_received: int = 0
    files_done: int = 0
    files_total: int = 0


class Cancelled(Exception):
    """The worker pressed Cancel; everything done so far is committed and consistent."""
