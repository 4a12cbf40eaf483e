"""Returns home from care, read from a child's legal status history.

A child stops being looked after by going home when a looked-after legal status ends with one of
the service's return-home reasons (SSDA903 REC E4A, "returned home as part of care planning";
the list is ``return_home_reasons`` in ``resources/rules/deadlines.toml``). From then the service
supports the family (rules RH1 to RH6) until the worker closes the case. A later looked-after
status that begins is a re-entry to care, and one within the service's re-entry window (12
months by default) is what the service is judged on: it is shown on the child's record and to
the manager. The laptop's deadlines (``from_store``), the service's (``from_documents``) and the
child's page all read the history through here, so they agree.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from app.deadlines.calendar import add

#: A legal status period with why it ended: (start, end or None, code, reason ceased or None).
Ended = tuple[date, date | None, str, str | None]

#: The outcome points a return-home outcome form records (its "point" question).
OUTCOME_POINTS = ("SIX_MONTHS", "TWELVE_MONTHS")
#: The forms that record support after return (their ``assessment_kind`` codes).
SUPPORT_PLAN_KIND = "RETURN_HOME_SUPPORT_PLAN"
OUTCOME_KIND = "RETURN_HOME_OUTCOME"
#: The nominated officer's decision on a placement with parents (CPPCR 2010 Part 4).
PARENTS_DECISION_KIND = "PLACEMENT_WITH_PARENTS"


@dataclass(frozen=True)
class ReturnHome:
    """One return home, and the day the child next came back into care (None: has not)."""

    returned: date
    came_back: date | None = None

    def reentered_within(self, months: int) -> bool:
        """Whether the child came back into care within ``months`` of going home."""
        return self.came_back is not None and self.came_back <= add(self.returned, months, "months")


def returns_home(
    periods: Sequence[Ended], looked_after: Collection[str], reasons: Collection[str]
) -> list[ReturnHome]:
    """Every return home in the history, oldest first, each with its re-entry if any."""
    ordered = sorted(periods, key=lambda p: p[0])
    found = []
    for start, end, code, reason in ordered:
        if code not in looked_after or end is None or reason not in reasons:
            continue
        back = next(
            (s for s, _e, c, _r in ordered if c in looked_after and s > end and s > start), None
        )
        found.append(ReturnHome(end, back))
    return found


def returned_home(
    periods: Sequence[Ended],
    today: date,
    looked_after: Collection[str],
    reasons: Collection[str],
) -> date | None:
    """The day the child went home, if their latest looked-after spell ended that way and they
    are not looked after on ``today`` (periods begun after ``today`` are not counted)."""
    begun = [p for p in periods if p[0] <= today]
    if any(p[2] in looked_after and (p[1] is None or p[1] >= today) for p in begun):
        return None
    ended = [p for p in begun if p[2] in looked_after and p[1] is not None]
    if not ended:
        return None
    last = max(ended, key=lambda p: (p[1] or p[0], p[0]))
    return last[1] if last[3] in reasons else None


def latest_outcomes(found: Sequence[tuple[str, date]], since: date | None) -> dict[str, date]:
    """The latest day each outcome point was recorded on or after ``since`` (the return)."""
    out: dict[str, date] = {}
    if since is None:
        return out
    for point, on in found:
        if point in OUTCOME_POINTS and on >= since and (point not in out or on > out[point]):
            out[point] = on
    return out
