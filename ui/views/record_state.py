"""What a draft form is handed back by its record's service, whatever the record: a draft
save's answer, and a load's or sign-off's. Protocols, so visits, reviews, assessments and case
notes keep their own dataclasses (``app.services.*``) and ``DraftForm`` reads only these parts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from app.services.visits import AddendumView


class Saved(Protocol):
    """What every record's draft save answers (``app.services.*.Saved``)."""

    @property
    def saved_at(self) -> datetime: ...


class RecordState(Protocol):
    """What every record's load and sign-off answer (``app.services.*.*State``)."""

    @property
    def finalised(self) -> bool: ...
    @property
    def finalised_at(self) -> datetime | None: ...
    @property
    def finalised_by(self) -> str | None: ...
    @property
    def saved_at(self) -> datetime: ...
    @property
    def addenda(self) -> tuple[AddendumView, ...]: ...
