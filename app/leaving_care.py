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
from functools import cache

from sqlalchemy import select

import resources
from app import clock, codes
from app.errors import FieldProblem, ValidationError
from app.models import LegalStatus, Placement
from app.store import Store

#: The service's list of reasons (``resources/codes/service.toml``), in the dialog's order.
REASON_LIST = "leaving_care_reason"


class ReasonListError(ValueError):
    """The service's list of reasons for leaving care names an SSDA903 reason the 903 list
    does not have (a typo in ``resources/codes/service.toml``): said at once, not recorded."""


@dataclass(frozen=True)
class Reason:
    """One reason a worker may give: the service's words and the SSDA903 REC it records."""

    key: str
    words: str
    ssda903: str


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


@cache
def reason_list() -> tuple[Reason, ...]:
    """The reasons the service offers, in its order. Each maps to a REC on the 903's list;
    one that does not is a mistake in the data, refused here rather than written to a record
    the 903 return would then refuse."""
    rec = codes.code_list("reason_episode_ceased")
    found = []
    for key, entry in resources.load_toml("codes", "service.toml")[REASON_LIST].items():
        if entry["ssda903"] not in rec:
            raise ReasonListError(
                f"Leaving care reason {key} maps to {entry['ssda903']!r}, which is not an SSDA903 "
                "reason an episode ceased (resources/codes/ssda903.toml)."
            )
        found.append(Reason(key, str(entry["label"]), str(entry["ssda903"])))
    return tuple(found)


def reasons() -> dict[str, str]:
    """The reasons offered, SSDA903 code to the service's words, in the service's order (the
    first reason given for a code names it)."""
    out: dict[str, str] = {}
    for reason in reason_list():
        out.setdefault(reason.ssda903, reason.words)
    return out


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
