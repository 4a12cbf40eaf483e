"""A child leaving care: the current legal status ends on a day, with the SSDA903 reason the
episode ceased, and the current placement ends the same day.

Both ends are one ``Store.write()`` transaction (validated, audited, queued for sync), so the
laptop never holds a child whose legal status ended while the placement runs on, or the other
way round. What follows from it (support after return home, the end of looked-after visits and
reviews) is the deadline engine's, read from the ended status.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app import clock, codes
from app.errors import FieldProblem, ValidationError
from app.models import LegalStatus, Placement
from app.store import Store

#: The reasons a worker records most, in the order the dialog offers them: going home as
#: planned first. The words are the SSDA903 list's (``resources/codes/ssda903.toml``).
COMMON_REASONS: tuple[str, ...] = (
    "E4A",
    "E4B",
    "E13",
    "E41",
    "E45",
    "E46",
    "E47",
    "E48",
    "E11",
    "E12",
    "E17",
    "E5",
    "E6",
    "E7",
    "E3",
    "E8",
)


class NotLookedAfter(LookupError):
    """The child has no current legal status to end (not looked after, or not on this
    laptop)."""

    def __init__(self) -> None:
        super().__init__(
            "This child has no current legal status on this laptop, so there is nothing to end."
        )


@dataclass(frozen=True)
class LeftCare:
    """What the write changed, for the caller to say so."""

    status_ids: tuple[uuid.UUID, ...]
    placement_ids: tuple[uuid.UUID, ...]


def reasons() -> dict[str, str]:
    """The common reasons, code to words (codes a service removed from the list are left out)."""
    words = codes.code_list("reason_episode_ceased")
    return {code: words[code].label for code in COMMON_REASONS if code in words}


def record_leaving_care(store: Store, child_id: uuid.UUID, on: date, reason: str) -> LeftCare:
    """End the child's current legal status (and current placement) on ``on`` for ``reason``.

    Raises ``ValidationError`` naming ``end_date`` or ``reason_ceased`` in words a worker acts
    on, ``NotLookedAfter`` when there is nothing to end."""
    problems: list[FieldProblem] = []
    if reason not in codes.code_list("reason_episode_ceased"):
        problems.append(FieldProblem("reason_ceased", "Choose why the child left care."))
    if on > clock.today():
        problems.append(FieldProblem("end_date", "The day they left care cannot be in the future."))
    with store.write() as session:
        looked_after = codes.code_list("legal_status")
        statuses = [
            s
            for s in session.scalars(
                select(LegalStatus).where(
                    LegalStatus.child_id == child_id,
                    LegalStatus.end_date.is_(None),
                    LegalStatus.deleted.is_(False),
                )
            )
            if s.code in looked_after
        ]
        if not statuses:
            raise NotLookedAfter()
        started = max(s.start_date for s in statuses)
        if on < started:
            problems.append(
                FieldProblem(
                    "end_date",
                    "The day they left care cannot be before this legal status began "
                    f"({started.day} {started:%B %Y}).",
                )
            )
        placements = list(
            session.scalars(
                select(Placement).where(
                    Placement.child_id == child_id,
                    Placement.end_date.is_(None),
                    Placement.deleted.is_(False),
                )
            )
        )
        placed = max((p.start_date for p in placements), default=None)
        if placed is not None and on < placed and on >= started:
            problems.append(
                FieldProblem(
                    "end_date",
                    "The day they left care cannot be before this placement began "
                    f"({placed.day} {placed:%B %Y}).",
                )
            )
        if problems:
            raise ValidationError(problems)
        for status in statuses:
            status.end_date, status.reason_ceased = on, reason
        for placement in placements:
            placement.end_date = on
        session.flush()
        return LeftCare(
            tuple(s.id for s in statuses),
            tuple(p.id for p in placements),
        )
