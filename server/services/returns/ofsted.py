"""What Ofsted asks a council for, made from the service's records: Annex A lists 8 (children
in care) and 10 (children with an adoption decision), asked for at the start of an inspection
of local authority children's services, and the fostering figures of Ofsted's annual fostering
data collection that the records support.

Each Annex A list is one row per child, with the column headings of Ofsted's Annex A template
(as data-to-insight's Annex A tools read them). A column the records do not hold is written
empty, never guessed, and named in :data:`NOT_RECORDED` (``server/README.md`` lists them too).
The child's id is the same as in the SSDA903 return, so the two can be read together.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

import resources
from app import codes
from server.reports import files
from server.services.returns.episodes import Episode, episodes_of
from server.services.returns.source import ChildFile, Item, Records, as_date
from server.services.returns.ssda903 import ADOPTION_KIND, CollectionYear, child_code

LIST_8: Final = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date Started to be Looked After",
    "Child's Legal Status",
    "Start date of current legal status",
    "Category of Need",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "Date of Last IRO Visit / Contact to the Child",
    "Permanence Plan",
    "Number of Placements in the Last 12 months",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "Start Date of Most Recent Placement",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Allocated Team",
    "Allocated Worker",
)
LIST_10: Final = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date the Child Entered Care",
    "Date of Decision that Child Should be Placed for Adoption",
    "Date of Placement Order",
    "Date of Matching Child and Prospective Adopters",
    "Date Placed for Adoption",
    "Date of Adoption Order",
    "Date of Decision that Child Should No Longer be Placed for Adoption",
    "Reason Child No Longer Placed for Adoption",
    "Date the child was placed for fostering in FFA or concurrent planning placement",
    "Allocated Worker",
)
#: Columns written empty because the service does not record them.
NOT_RECORDED: Final = {
    "Date of Last IRO Visit / Contact to the Child": "IRO contact is not recorded",
    "Date of Last Health Assessment": "the health form records whether it is up to date, "
    "not its date",
    "Date of Last Dental Check": "the health form records whether there was one, not its date",
}
_GENDER = {"M": "Male", "F": "Female", "U": "Not known"}
_ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
_FFA_PLACEMENTS = frozenset({"U2", "U5"})
_TEMPORARY = frozenset({"T0", "T1", "T2", "T3", "T4"})


@dataclass(frozen=True)
class Period:
    """An Annex A list covers the months up to its reference date (twelve by default)."""

    reference: date
    months: int = 12

    @property
    def start(self) -> date:
        year, month = divmod(self.reference.month - 1 - self.months, 12)
        day = min(self.reference.day, 28)
        return date(self.reference.year + year, month + 1, day) + timedelta(days=1)


def list_8(records: Records, period: Period) -> list[dict[str, str]]:
    """Children looked after at any time in the period, one row each."""
    rows = []
    for child in _ordered(records):
        episodes = [e for e in episodes_of(child) if _touches(e, period)]
        if not episodes:
            continue
        last = episodes[-1]
        care_start = _care_start(episodes_of(child), last)
        ceased = last.end if last.end and last.end <= period.reference else None
        placement = last.placement
        rows.append(
            {
                **_identity(child, period.reference),
                "Date Started to be Looked After": _d(care_start),
                "Child's Legal Status": last.legal.get("code") or "",
                "Start date of current legal status": _d(last.legal.day("start_date")),
                "Category of Need": child.child.get("category_of_need") or "",
                "Date of Latest Statutory Review": _d(
                    _latest(child.reviews, "review_date", period.reference, kind="CHILD_LAC")
                ),
                "Date of Last Social Work Visit": _d(
                    _latest(child.visits, "visit_date", period.reference, visit="STATUTORY_CHILD")
                ),
                "Date of Last IRO Visit / Contact to the Child": "",
                "Permanence Plan": _plan(child, period.reference),
                "Number of Placements in the Last 12 months": str(
                    _placements_in_year(child, period.reference)
                ),
                "Placement Type": (placement.get("placement_type") or "") if placement else "",
                "Placement Provider": (placement.get("provider") or "") if placement else "",
                "Placement postcode": (placement.get("postcode") or "") if placement else "",
                "Start Date of Most Recent Placement": _d(
                    placement.day("start_date") if placement else None
                ),
                "Date of Last Health Assessment": "",
                "Date of Last Dental Check": "",
                "Date Ceased to be Looked After": _d(ceased),
                "Reason Ceased to be Looked After": (last.rec or "") if ceased else "",
                **_allocation(child, records),
            }
        )
    return rows


def list_10(records: Records, period: Period) -> list[dict[str, str]]:
    """Children for whom the agency decided adoption should be the plan, whose decision was
    still open during the period or was made, reversed or ended in adoption within it."""
    rows = []
    for child in _ordered(records):
        decisions = _decisions(child, period.reference)
        if not decisions:
            continue
        answers: dict[str, Any] = decisions[-1].get("answers") or {}
        decided = as_date(answers.get("date_should_be_placed"))
        reversed_on = as_date(answers.get("date_no_longer_placed"))
        episodes = episodes_of(child)
        adopted = next((e.end for e in episodes if e.rec in ("E11", "E12") and e.end), None)
        closed = reversed_on or (adopted if adopted and adopted <= period.reference else None)
        if closed is not None and closed < period.start:
            continue
        entered = _care_start(episodes, episodes[-1]) if episodes else None
        rows.append(
            {
                **_identity(child, period.reference),
                "Date the Child Entered Care": _d(entered),
                "Date of Decision that Child Should be Placed for Adoption": _d(decided),
                "Date of Placement Order": _d(_first_status(child, "E1")),
                "Date of Matching Child and Prospective Adopters": _d(
                    as_date(answers.get("date_matched"))
                ),
                "Date Placed for Adoption": _d(_first_placement(child, _ADOPTION_PLACEMENTS)),
                "Date of Adoption Order": _d(adopted),
                "Date of Decision that Child Should No Longer be Placed for Adoption": _d(
                    reversed_on
                ),
                "Reason Child No Longer Placed for Adoption": (
                    answers.get("reason_no_longer_placed") or ""
                )
                if reversed_on
                else "",
                "Date the child was placed for fostering in FFA or concurrent planning "
                "placement": _d(_first_placement(child, _FFA_PLACEMENTS)),
                "Allocated Worker": _allocation(child, records)["Allocated Worker"],
            }
        )
    return rows


def fostering(records: Records, year: CollectionYear) -> list[dict[str, str]]:
    """The fostering data collection's household and placement figures for a year (1 April to
    31 March), by kind of foster carer: mainstream (including fostering for adoption) and
    family and friends (connected persons).

    The way in is counted by the day each step happened in the year: enquiries, applications
    (a connected person's viability assessment is their application), approvals, decisions not
    to approve, withdrawals before a decision (by Ofsted's AW code) and deregistrations (by
    reason). A household counts as approved at 31 March if it was approved by then and its
    approval had not ended by then; a household whose approval ended with no recorded day (an
    ENDED status from before deregistrations were recorded) is counted as ended.
    """
    kinds = {"MAINSTREAM_FOSTER": "mainstream", "FOSTERING_FOR_ADOPTION": "mainstream"}
    kinds["CONNECTED_PERSON"] = "family_and_friends"
    counts: dict[str, dict[str, int]] = {}

    def add(figure: str, kind: str, amount: int = 1) -> None:
        row = counts.setdefault(figure, {"mainstream": 0, "family_and_friends": 0})
        row[kind] += amount

    def in_year(day: date | None) -> bool:
        return day is not None and year.start <= day <= year.end

    for figure in FOSTERING_FIGURES:
        counts[figure] = {"mainstream": 0, "family_and_friends": 0}
    fostering_households = {}
    for household_id, household in records.households.items():
        kind = kinds.get(household.get("carer_type") or "")
        if kind is None:
            continue
        fostering_households[household_id] = kind
        status = household.get("approval_status")
        approved = household.day("approval_date")
        temporary = household.day("temporary_approval_date")
        ended = household.day("deregistered_date")
        still_approved = status in _REGISTERED or (
            status == "ENDED" and ended is not None and ended > year.end
        )
        if still_approved and approved and approved <= year.end:
            add("households_approved_at_31_march", kind)
            add("places_approved_at_31_march", kind, int(household.get("max_children") or 0))
        if in_year(household.day("enquiry_date")):
            add("enquiries_in_year", kind)
        if in_year(household.day("application_date")):
            add("applications_in_year", kind)
        if in_year(approved):
            add("households_newly_approved_in_year", kind)
        if household.get("decision") == "NOT_APPROVE" and in_year(household.day("decision_date")):
            add("households_not_approved_in_year", kind)
        if in_year(temporary):
            add("temporary_approvals_in_year", kind)
        if in_year(household.day("withdrawn_date")):
            add("withdrawals_in_year", kind)
            add(_reason("withdrawals_in_year", household.get("withdrawal_reason"), "AW0"), kind)
        if in_year(ended):
            add("deregistrations_in_year", kind)
            reason = household.get("deregistration_reason")
            add(_reason("deregistrations_in_year", reason, "DR0"), kind)
        if status == "APPLICANT":
            add("households_being_assessed_now", kind)
    for child in records.children.values():
        for placement in child.placements:
            home = _as_uuid(placement.get("household_id"))
            kind = fostering_households.get(home) if home else None
            if kind is None or placement.get("placement_type") in _TEMPORARY:
                continue
            start, end = placement.day("start_date"), placement.day("end_date")
            if start and start <= year.end and (end is None or end > year.end):
                add("children_placed_at_31_march", kind)
            if start and year.start <= start <= year.end:
                add("placements_begun_in_year", kind)
    return [
        {
            "figure": figure,
            "label": FOSTERING_FIGURES[figure],
            "mainstream": str(row["mainstream"]),
            "family_and_friends": str(row["family_and_friends"]),
            "total": str(row["mainstream"] + row["family_and_friends"]),
        }
        for figure, row in counts.items()
    ]


def _reason(prefix: str, code: Any, other: str) -> str:
    """The figure counting ``code``; a reason not (or no longer) on Ofsted's list counts as
    Ofsted's "other or unknown"."""
    figure = f"{prefix}_{code}"
    return figure if figure in FOSTERING_FIGURES else f"{prefix}_{other}"


def _by_reason(prefix: str, heading: str, code_list: str) -> dict[str, str]:
    """One figure per reason in Ofsted's code list (data in ``resources/codes``)."""
    return {
        f"{prefix}_{code}": f"{heading}: {entry.label} ({code})"
        for code, entry in codes.code_list(code_list).items()
    }


#: Approval statuses of a household still approved (on hold or suspended it stays approved).
_REGISTERED: Final = frozenset({"APPROVED", "ON_HOLD", "SUSPENDED"})
FOSTERING_FIGURES: Final = {
    "households_approved_at_31_march": "Fostering households approved at 31 March",
    "places_approved_at_31_march": "Approved places in those households",
    "enquiries_in_year": "Initial enquiries in the year",
    "applications_in_year": "Applications received in the year (connected persons: viability "
    "assessments)",
    "households_newly_approved_in_year": "Households newly approved in the year",
    "households_not_approved_in_year": "Households the decision maker did not approve in the year",
    "temporary_approvals_in_year": "Connected persons temporarily approved (reg 24) in the year",
    "withdrawals_in_year": "Households that withdrew before a decision in the year",
    **_by_reason("withdrawals_in_year", "Withdrew", "fostering_withdrawal_reason"),
    "deregistrations_in_year": "Households deregistered in the year",
    **_by_reason("deregistrations_in_year", "Deregistered", "fostering_deregistration_reason"),
    "households_being_assessed_now": "Households being assessed (applicants) now",
    "children_placed_at_31_march": "Children placed with the service's foster carers at 31 March",
    "placements_begun_in_year": "Placements with the service's foster carers begun in the year",
}
FOSTERING_COLUMNS: Final = ("figure", "label", "mainstream", "family_and_friends", "total")


def write_csv(
    folder: Path, name: str, columns: tuple[str, ...], rows: list[dict[str, str]]
) -> Path:
    """One owner-only CSV file (``server.reports.files``)."""
    text = io.StringIO()
    out = csv.DictWriter(text, fieldnames=columns, lineterminator="\r\n")
    out.writeheader()
    out.writerows(rows)
    return files.write_private(folder, name, text.getvalue().encode("utf-8"))


# ---- helpers


def _ordered(records: Records) -> list[ChildFile]:
    return sorted(records.children.values(), key=lambda c: child_code(c.child_id))


def _touches(episode: Episode, period: Period) -> bool:
    return episode.start <= period.reference and (
        episode.end is None or episode.end >= period.start
    )


def _care_start(episodes: list[Episode], last: Episode) -> date | None:
    """The start of the period of care ``last`` is part of."""
    start = None
    for episode in episodes:
        if episode.rne == "S":
            start = episode.start
        if episode is last:
            return start
    return start


def _identity(child: ChildFile, reference: date) -> dict[str, str]:
    born = child.born
    age = "" if born is None else str(_age(born, reference))
    return {
        "Child Unique ID": child_code(child.child_id),
        "Gender": _GENDER.get(child.child.get("sex") or "", ""),
        "Ethnicity": child.child.get("ethnicity") or "",
        "Date of Birth": _d(born),
        "Age of Child (Years)": age,
    }


def _allocation(child: ChildFile, records: Records) -> dict[str, str]:
    worker = records.workers.get(child.child.get("allocated_worker") or "")
    team = records.teams.get(worker.team_id) if worker and worker.team_id is not None else None
    return {
        "Allocated Team": team or "",
        "Allocated Worker": (worker.display_name or worker.username) if worker else "",
    }


def _latest(
    items: list[Item],
    field: str,
    until: date,
    *,
    kind: str | None = None,
    visit: str | None = None,
) -> date | None:
    found = None
    for item in items:
        day = item.day(field)
        if day is None or day > until or item.get("status") not in ("finalised", "approved"):
            continue
        if kind and item.get("kind") != kind or visit and item.get("visit_type") != visit:
            continue
        found = day if found is None or day > found else found
    return found


def _plan(child: ChildFile, until: date) -> str:
    plans = [
        p
        for p in child.care_plans
        if p.get("status") in ("finalised", "approved")
        and (p.day("plan_date") or date.max) <= until
    ]
    if not plans:
        return ""
    code = plans[-1].get("permanence_plan") or ""
    labels = resources.load_toml("codes", "service.toml").get("permanence_plan", {})
    return str(labels.get(code, code))


def _placements_in_year(child: ChildFile, reference: date) -> int:
    """Placements (not temporary moves) the child lived in at any time in the twelve months to
    the reference date."""
    since = reference - timedelta(days=365)
    count = 0
    for placement in child.placements:
        start, end = placement.day("start_date"), placement.day("end_date")
        if placement.get("placement_type") in _TEMPORARY or start is None:
            continue
        if start <= reference and (end is None or end > since):
            count += 1
    return count


def _decisions(child: ChildFile, until: date) -> list[Item]:
    return [
        form
        for form in child.assessments
        if form.get("kind") == ADOPTION_KIND
        and form.get("status") in ("finalised", "approved")
        and (decided := as_date((form.get("answers") or {}).get("date_should_be_placed")))
        and decided <= until
    ]


def _first_status(child: ChildFile, code: str) -> date | None:
    days = [i.day("start_date") for i in child.legal if i.get("code") == code]
    return min((d for d in days if d), default=None)


def _first_placement(child: ChildFile, types: frozenset[str]) -> date | None:
    days = [p.day("start_date") for p in child.placements if p.get("placement_type") in types]
    return min((d for d in days if d), default=None)


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _as_uuid(value: Any) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
