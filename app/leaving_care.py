"""A child leaving care: the current legal status ends on a day, with the SSDA903 reason the
episode ceased, and the current placement ends the same day.

Both ends are one ``Store.write()`` transaction (validated, audited, queued for sync), so the
laptop never holds a child whose legal status ended while the placement runs on, or the other
way round. What follows from it (support after return home, the end of looked-after visits and
reviews) is the deadline engine's, read from the ended status.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

import resources
from app import audit, clock, codes
from app.errors import FieldProblem, ValidationError
from app.models import FINALISED, CaseNote, LegalStatus, Placement
from app.store import Store

#: The service's list of reasons (``resources/codes/service.toml``), in the dialog's order.
REASON_LIST = "leaving_care_reason"
#: The case note kind that keeps a correction and its reason in the chronology (``note_kind``
#: in ``resources/codes/service.toml``); written here, never offered on the case note form.
CORRECTED_NOTE_KIND = "RECORD_CORRECTED"


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
        placements = list(
            session.scalars(
                select(Placement).where(
                    Placement.child_id == child_id,
                    Placement.end_date.is_(None),
                    Placement.deleted.is_(False),
                )
            )
        )
        problems += _too_early(on, statuses, placements)
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


@dataclass(frozen=True)
class Corrected:
    """What a correction changed, for the caller to say so."""

    was: date
    now: date
    status_ids: tuple[uuid.UUID, ...]
    placement_ids: tuple[uuid.UUID, ...]
    note_id: uuid.UUID


def last_left(store: Store, child_id: uuid.UUID) -> date | None:
    """The day the child last left care, as recorded (None: they never have, here)."""
    with store.read() as session:
        ended = _last_ended(session, child_id)
        return ended[0].end_date if ended else None


def correct_leaving_date(store: Store, child_id: uuid.UUID, on: date, reason: str) -> Corrected:
    """Move the day the child last left care to ``on``, with the worker's ``reason``: a day
    recorded by mistake. The legal status (or statuses) that ended that day and the placements
    that ended with them move together in one transaction, so what is due after leaving care
    (support after return home) is worked out again from the right day. The record saves are
    audited as every save is; the correction itself is audited by name, and a signed-off case
    note of kind ``RECORD_CORRECTED`` keeps the reason and both days in the child's chronology
    (the reason is case text, so it is never written into the audit trail).

    Raises ``ValidationError`` naming ``end_date`` or ``reason`` in words a worker acts on,
    ``NothingToCorrect`` when the child never left care here."""
    problems: list[FieldProblem] = []
    why = " ".join(reason.split())
    if not why:
        problems.append(FieldProblem("reason", "Say why the day is being corrected."))
    if on > clock.today():
        problems.append(FieldProblem("end_date", "The day they left care cannot be in the future."))
    with store.write() as session:
        statuses = _last_ended(session, child_id)
        if not statuses:
            raise NothingToCorrect()
        was = statuses[0].end_date
        assert was is not None  # _last_ended gives ended statuses only
        if on == was:
            problems.append(FieldProblem("end_date", f"{_long(was)} is already the day recorded."))
        placements = list(
            session.scalars(
                select(Placement).where(
                    Placement.child_id == child_id,
                    Placement.end_date == was,
                    Placement.deleted.is_(False),
                )
            )
        )
        problems += _too_early(on, statuses, placements)
        looked_after = codes.code_list("legal_status")
        back = min(
            (
                s.start_date
                for s in session.scalars(
                    select(LegalStatus).where(
                        LegalStatus.child_id == child_id,
                        LegalStatus.deleted.is_(False),
                        LegalStatus.start_date > was,
                    )
                )
                if s.code in looked_after
            ),
            default=None,
        )
        if back is not None and on >= back:
            problems.append(
                FieldProblem(
                    "end_date",
                    "The day they left care must be before they came back into care "
                    f"({_long(back)}).",
                )
            )
        if problems:
            raise ValidationError(problems)
        for status in statuses:
            status.end_date = on
        for placement in placements:
            placement.end_date = on
        note = CaseNote(
            child_id=child_id,
            kind=CORRECTED_NOTE_KIND,
            event_date=clock.today(),
            subject="Day the child left care corrected",
            text=f"Corrected from {_long(was)} to {_long(on)}. Why: {why}",
            status=FINALISED,
        )
        session.add(note)
        session.flush()
        for status in statuses:
            audit.record(
                session,
                actor=store.worker,
                action="leaving_care.corrected",
                record_type=LegalStatus.record_type,
                record_id=status.id,
                detail=f"end_date {was.isoformat()} -> {on.isoformat()}; note {note.id}",
            )
        return Corrected(
            was,
            on,
            tuple(s.id for s in statuses),
            tuple(p.id for p in placements),
            note.id,
        )


class NothingToCorrect(LookupError):
    """The child has no recorded leaving care on this laptop to correct."""

    def __init__(self) -> None:
        super().__init__(
            "This child has not left care on this laptop, so there is no day to correct."
        )


def left_on(periods: Iterable[tuple[str, date | None, str | None]]) -> date | None:
    """The latest day the child left care in a legal status history of (code, end, reason
    ceased): a looked-after status that ended for a reason, not counting an episode that
    ended only for another to begin the same day (903 REC X1). The day a correction moves."""
    looked_after = codes.code_list("legal_status")
    return max(
        (
            end
            for code, end, reason in periods
            if code in looked_after and end is not None and reason and reason != "X1"
        ),
        default=None,
    )


def _last_ended(session: Session, child_id: uuid.UUID) -> list[LegalStatus]:
    """The looked-after statuses that ended on the latest day the child left care (all of
    them: ``record_leaving_care`` ends every current one)."""
    rows = list(
        session.scalars(
            select(LegalStatus).where(
                LegalStatus.child_id == child_id, LegalStatus.deleted.is_(False)
            )
        )
    )
    last = left_on((s.code, s.end_date, s.reason_ceased) for s in rows)
    if last is None:
        return []
    return [
        s
        for s in rows
        if s.end_date == last and left_on([(s.code, s.end_date, s.reason_ceased)]) == last
    ]


def _too_early(
    on: date, statuses: list[LegalStatus], placements: list[Placement]
) -> list[FieldProblem]:
    """A day the child left care before the legal status (or, failing that, the placement)
    that it ends began, in words naming that day."""
    started = max(s.start_date for s in statuses)
    if on < started:
        return [
            FieldProblem(
                "end_date",
                "The day they left care cannot be before this legal status began "
                f"({_long(started)}).",
            )
        ]
    placed = max((p.start_date for p in placements), default=None)
    if placed is not None and on < placed:
        return [
            FieldProblem(
                "end_date",
                f"The day they left care cannot be before this placement began ({_long(placed)}).",
            )
        ]
    return []


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
