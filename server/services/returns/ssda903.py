"""The children looked after return (SSDA903), in the DfE's CSV layout for a collection year.

Every table is computed from the service's records:

- **Header**: one row per child looked after at any time in the year (the child's record).
- **Episodes**: the child's legal statuses and placements cut into episodes, a new one at every
  change of legal status or placement, with the reason for the new episode worked out from
  what changed and whether the carers stayed the same (``episodes``, shared with Ofsted's
  return).
- **Reviews**: the child's signed-off looked-after reviews in the year, with the participation
  code the review recorded.
- **OC2**: for children looked after for twelve months at 31 March, the latest signed-off
  "health and outcomes" form (``resources/forms/child_health_outcomes``) of the year; a row with
  blanks when there is none, so the validator names the child whose health data is missing.
- **PlacedAdoption** and **AD1**: from signed-off "adoption decisions" forms
  (``resources/forms/adoption_decisions``).
- **PrevPerm**: for children who started to be looked after in the year, the previous
  permanence order recorded on the child's record.
- **UASC**: children recorded as unaccompanied asylum-seeking, with the date that ceased.
- **Missing**: signed-off "missing or away from placement" forms
  (``resources/forms/missing_episode``) of periods open in the year.
- **SWEpisodes** (from 2023/24): the child's allocation history (``allocation_history``, kept
  by every allocation) in the year, SW_ID the worker's Social Work England number
  (``user set-swe``), SW_REASON the reason recorded with the allocation. A holding that began
  and ended the same day (a same-day correction) is left out: the 903 counts whole days.
- **OC3** and (from 2026/27) **DoLo**: the records do not
  yet hold what these need (see ``server/README.md``); the files are written with their header
  only, so nothing is reported that was not recorded.

Column layouts follow data-to-insight's validator (``lac_validator/config.py``), which is what
local authorities run before they submit; dates are written ``dd/mm/yyyy`` as the DfE asks.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from server.reports import files
from server.services.returns.episodes import Episode, episodes_of, looked_after_statuses, periods
from server.services.returns.source import ChildFile, Holding, Item, Records, as_date

#: Each file's name and columns, in the DfE's order.
TABLES: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "Header": ("header.csv", ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")),
    "Episodes": (
        "episodes.csv",
        (
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "DEC",
            "REC",
            "REASON_PLACE_CHANGE",
            "HOME_POST",
            "PL_POST",
            "URN",
        ),
    ),
    "Reviews": ("reviews.csv", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")),
    "UASC": ("uasc.csv", ("CHILD", "SEX", "DOB", "DUC")),
    "OC2": (
        "oc2.csv",
        (
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ),
    ),
    "OC3": ("oc3.csv", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")),
    "AD1": (
        "ad1.csv",
        (
            "CHILD",
            "DOB",
            "DATE_INT",
            "DATE_MATCH",
            "FOSTER_CARE",
            "NB_ADOPTR",
            "SEX_ADOPTR",
            "LS_ADOPTR",
        ),
    ),
    "PlacedAdoption": (
        "placed_for_adoption.csv",
        ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    ),
    "PrevPerm": (
        "previous_permanence.csv",
        ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    ),
    "Missing": ("missing.csv", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")),
    "SWEpisodes": (
        "sw_episodes.csv",
        ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    ),
    "DoLo": ("dolo.csv", ("CHILD", "DOB", "DOLO_START", "DOLO_END")),
}
#: The first collection year (its closing year) each table is part of the return.
FIRST_YEAR: Final[dict[str, int]] = {"SWEpisodes": 2024, "DoLo": 2027}
#: Collection years this service can write (closing year), as the validator's rule sets do.
SUPPORTED: Final = range(2023, 2028)

#: Tables the year's return has that the service cannot make, and why (printed with the files).
NOT_HELD: Final[dict[str, str]] = {}
HEALTH_KIND: Final = "CHILD_HEALTH_OUTCOMES"
ADOPTION_KIND: Final = "ADOPTION_DECISIONS"
MISSING_KIND: Final = "MISSING_EPISODE"
_TEMPORARY = frozenset({"T0", "T1", "T2", "T3", "T4"})
_ADOPTED = frozenset({"E11", "E12"})


class ReturnError(ValueError):
    """A return cannot be made as asked (an unsupported year, an unusable folder)."""


@dataclass(frozen=True)
class CollectionYear:
    """1 April to 31 March; ``closing`` is the year it ends, as the DfE and the validator
    number collections ("2026" is 2025/26)."""

    closing: int

    @classmethod
    def parse(cls, text: str) -> CollectionYear:
        """``2026``, ``2025/26`` or ``2025-26`` all mean 1 April 2025 to 31 March 2026."""
        cleaned = text.strip().replace("-", "/")
        try:
            if "/" in cleaned:
                first, second = cleaned.split("/")
                closing = int(first) + 1
                if int(second) % 100 != closing % 100:
                    raise ValueError(text)
            else:
                closing = int(cleaned)
        except ValueError:
            raise ReturnError(
                f"{text!r} is not a collection year: give the year it ends (2026) or 2025/26."
            ) from None
        if closing not in SUPPORTED:
            first_year, last = SUPPORTED[0], SUPPORTED[-1]
            raise ReturnError(
                f"Returns can be made for the collection years ending {first_year} to {last}."
            )
        return cls(closing)

    @property
    def start(self) -> date:
        return date(self.closing - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.closing, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.closing - 1}/{self.closing % 100:02d}"

    def tables(self) -> list[str]:
        """The tables written for this year: those the year's return has, less those the
        records cannot yet supply at all (:data:`NOT_HELD`)."""
        return [
            name
            for name in TABLES
            if FIRST_YEAR.get(name, 0) <= self.closing and name not in NOT_HELD
        ]


def child_code(child_id: uuid.UUID) -> str:
    """The return's CHILD: the DfE allows ten characters, so the first ten of the record's id
    (unique in any one service: a clash is checked for when the return is made)."""
    return child_id.hex[:10].upper()


@dataclass
class Return:
    """A made return: each table's rows, and for every row the child and records behind it."""

    year: CollectionYear
    rows: dict[str, list[dict[str, str]]]
    #: Per table, per row: the child it is about and (for episodes) the episode.
    origins: dict[str, list[tuple[ChildFile, Any]]] = field(default_factory=dict)

    def child_for(self, code: str) -> ChildFile | None:
        for table in self.origins.values():
            for child, _ in table:
                if child_code(child.child_id) == code.upper():
                    return child
        return None


def build(records: Records, year: CollectionYear) -> Return:
    """The year's return from ``records``."""
    made = Return(year, {name: [] for name in year.tables()})
    made.origins = {name: [] for name in year.tables()}
    seen: dict[str, uuid.UUID] = {}
    for child in sorted(records.children.values(), key=lambda c: child_code(c.child_id)):
        episodes = [e for e in episodes_of(child) if _in_year(e, year)]
        if not episodes:
            continue
        code = child_code(child.child_id)
        if seen.setdefault(code, child.child_id) != child.child_id:
            raise ReturnError(
                f"Two children's records share the return id {code}; the service's ids clash."
            )
        _add(made, "Header", child, None, _header(child, code, year))
        for episode in episodes:
            _add(made, "Episodes", child, episode, _episode_row(child, code, episode, year))
        for review in _reviews(child, year):
            row = {
                "CHILD": code,
                "DOB": _d(child.born),
                "REVIEW": _d(review.day("review_date")),
                "REVIEW_CODE": review.get("participation") or "",
            }
            _add(made, "Reviews", child, review, row)
        if child.child.get("uasc"):
            row = {
                "CHILD": code,
                "SEX": made.rows["Header"][-1]["SEX"],
                "DOB": _d(child.born),
                "DUC": _d(as_date(child.child.get("uasc_ceased"))),
            }
            _add(made, "UASC", child, None, row)
        if _continuously_looked_after(child, episodes_of(child), year):
            row, health = _oc2(child, code, year)
            _add(made, "OC2", child, health, row)
        if any(e.rne == "S" and e.start >= year.start for e in episodes):
            _add(made, "PrevPerm", child, None, _previous_permanence(child, code))
        for decision in _adoption_decisions(child, year):
            _add(made, "PlacedAdoption", child, decision, _placed_row(child, code, decision))
        for form in _missing(child, year):
            _add(made, "Missing", child, form, _missing_row(child, code, form, year))
        for holding in _holdings(records, child, year):
            _add(made, "SWEpisodes", child, holding, _sw_row(child, code, holding, year))
        adopted = [e for e in episodes if e.rec in _ADOPTED and e.end and e.end <= year.end]
        if adopted:
            _add(made, "AD1", child, adopted[-1], _ad1(child, code, adopted[-1], records))
    return made


def write(made: Return, folder: Path) -> list[Path]:
    """Write the return's CSV files into ``folder`` (made if need be), each readable by its
    owner only (``server.reports.files``), and return their paths."""
    written = []
    for name in made.year.tables():
        filename, columns = TABLES[name]
        text = io.StringIO()
        out = csv.DictWriter(text, fieldnames=columns, lineterminator="\r\n")
        out.writeheader()
        out.writerows(made.rows[name])
        written.append(files.write_private(folder, filename, text.getvalue().encode("utf-8")))
    return written


# ---- episodes in the year (cut by ``episodes``)


def _in_year(episode: Episode, year: CollectionYear) -> bool:
    return episode.start <= year.end and (episode.end is None or episode.end >= year.start)


def _episode_row(
    child: ChildFile, code: str, episode: Episode, year: CollectionYear
) -> dict[str, str]:
    placement = episode.placement
    closed = episode.end is not None and episode.end <= year.end
    place = (placement.get("placement_type") or "") if placement else ""
    return {
        "CHILD": code,
        "DECOM": _d(episode.start),
        "RNE": episode.rne,
        "LS": episode.legal.get("code") or "",
        "CIN": child.child.get("category_of_need") or "",
        "PLACE": place,
        "PLACE_PROVIDER": (placement.get("provider") or "") if placement else "",
        "DEC": _d(episode.end) if closed else "",
        "REC": (episode.rec or "") if closed else "",
        "REASON_PLACE_CHANGE": (episode.reason_place_change or "")
        if closed and place not in _TEMPORARY
        else "",
        "HOME_POST": child.child.get("home_postcode") or "",
        "PL_POST": (placement.get("postcode") or "") if placement else "",
        "URN": (placement.get("urn") or "") if placement else "",
    }


def _continuously_looked_after(
    child: ChildFile, episodes: list[Episode], year: CollectionYear
) -> bool:
    """Looked after throughout the twelve months to 31 March (not under short breaks)."""
    a_year_before = year.end - timedelta(days=365)
    for period in periods(looked_after_statuses(child)):
        start, end = period[0].day("start_date"), period[-1].day("end_date")
        if start is None or start > a_year_before or (end is not None and end <= year.end):
            continue
        if all(item.get("code") not in ("V3", "V4") for item in period):
            return True
    return False


# ---- the other tables


def _header(child: ChildFile, code: str, year: CollectionYear) -> dict[str, str]:
    record = child.child
    sex = record.get("sex") or ""
    if year.closing <= 2024:  # 1 and 2 until 2023/24
        sex = {"M": "1", "F": "2"}.get(sex, sex)
    mother = record.get("is_mother")
    return {
        "CHILD": code,
        "SEX": sex,
        "DOB": _d(child.born),
        "ETHNIC": record.get("ethnicity") or "",
        "UPN": record.get("upn") or "",
        "MOTHER": "" if mother is None or record.get("sex") != "F" else ("1" if mother else "0"),
        "MC_DOB": _d(as_date(record.get("first_child_born"))) if mother else "",
    }


def _reviews(child: ChildFile, year: CollectionYear) -> list[Item]:
    return [
        review
        for review in child.reviews
        if review.get("kind") == "CHILD_LAC"
        and review.get("status") in ("finalised", "approved")
        and (day := review.day("review_date")) is not None
        and year.start <= day <= year.end
    ]


def _forms(child: ChildFile, kind: str, until: date) -> list[Item]:
    """The child's signed-off forms of ``kind`` started on or before ``until``."""
    return [
        item
        for item in child.assessments
        if item.get("kind") == kind
        and item.get("status") in ("finalised", "approved")
        and (day := item.day("started_date")) is not None
        and day <= until
    ]


def _oc2(child: ChildFile, code: str, year: CollectionYear) -> tuple[dict[str, str], Item | None]:
    """The year's health and outcomes, leaving out what the DfE does not collect for the
    child's age: the SDQ outside 4 to 16, development checks from 5, convictions under 10."""
    row = {name: "" for name in TABLES["OC2"][1]}
    row.update(CHILD=code, DOB=_d(child.born))
    forms = [
        form
        for form in _forms(child, HEALTH_KIND, year.end)
        if (form.day("started_date") or date.min) >= year.start
    ]
    if not forms or child.born is None:
        return row, None
    answers: dict[str, Any] = forms[-1].get("answers") or {}
    for column in TABLES["OC2"][1][4:]:
        value = answers.get(column.lower())
        row[column] = {"YES": "1", "NO": "0"}.get(str(value), "")
    at_start, at_end = _age(child.born, year.start), _age(child.born, year.end)
    if at_end >= 4 and at_start <= 16:
        score = answers.get("sdq_score") if answers.get("sdq_done") == "YES" else None
        row["SDQ_SCORE"] = "" if score is None else str(score)
        row["SDQ_REASON"] = (answers.get("sdq_reason") or "") if score is None else ""
    if at_end >= 5:
        row["HEALTH_CHECK"] = ""
    if at_end < 10:
        row["CONVICTED"] = ""
    return row, forms[-1]


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _previous_permanence(child: ChildFile, code: str) -> dict[str, str]:
    record = child.child
    order = record.get("previous_permanence") or ""
    return {
        "CHILD": code,
        "DOB": _d(child.born),
        "PREV_PERM": order,
        "LA_PERM": (record.get("previous_permanence_la") or "") if order != "Z1" else "",
        "DATE_PERM": _d(as_date(record.get("previous_permanence_date"))) if order != "Z1" else "",
    }


def _adoption_decisions(child: ChildFile, year: CollectionYear) -> list[Item]:
    """The decisions that the child should be placed for adoption which were still open at
    the start of the year or made in it, by the date of the decision (a form signed later, at
    the match, still counts for the year the decision was made); where several forms record
    the same decision, the latest signed one."""
    latest: dict[str, Item] = {}
    for form in _forms(child, ADOPTION_KIND, date.max):
        decided = (form.get("answers") or {}).get("date_should_be_placed")
        if decided:
            latest[str(decided)] = form  # forms come oldest first
    out = []
    for form in latest.values():
        answers = form.get("answers") or {}
        placed = as_date(answers.get("date_should_be_placed"))
        ceased = as_date(answers.get("date_no_longer_placed"))
        if placed is None or placed > year.end:
            continue
        if ceased is not None and ceased < year.start:
            continue
        out.append(form)
    return out


def _missing(child: ChildFile, year: CollectionYear) -> list[Item]:
    """Signed-off missing or away periods that began by 31 March and had not ended by
    1 April, oldest first."""
    out = []
    for form in _forms(child, MISSING_KIND, year.end):
        answers = form.get("answers") or {}
        start, end = as_date(answers.get("start_date")), as_date(answers.get("end_date"))
        if start is not None and start <= year.end and (end is None or end >= year.start):
            out.append(form)
    return sorted(out, key=lambda f: str((f.get("answers") or {}).get("start_date")))


def _missing_row(child: ChildFile, code: str, form: Item, year: CollectionYear) -> dict[str, str]:
    """A period still open on 31 March is reported without its end."""
    answers = form.get("answers") or {}
    end = as_date(answers.get("end_date"))
    return {
        "CHILD": code,
        "DOB": _d(child.born),
        "MISSING": answers.get("missing_type") or "",
        "MIS_START": _d(as_date(answers.get("start_date"))),
        "MIS_END": _d(end) if end and end <= year.end else "",
    }


def _placed_row(child: ChildFile, code: str, form: Item) -> dict[str, str]:
    answers = form.get("answers") or {}
    ceased = as_date(answers.get("date_no_longer_placed"))
    return {
        "CHILD": code,
        "DOB": _d(child.born),
        "DATE_PLACED": _d(as_date(answers.get("date_should_be_placed"))),
        "DATE_PLACED_CEASED": _d(ceased),
        "REASON_PLACED_CEASED": (answers.get("reason_no_longer_placed") or "") if ceased else "",
    }


def _ad1(child: ChildFile, code: str, adopted: Episode, records: Records) -> dict[str, str]:
    forms = _forms(child, ADOPTION_KIND, adopted.end or date.max)
    answers: dict[str, Any] = (forms[-1].get("answers") or {}) if forms else {}
    place = adopted.placement.get("placement_type") if adopted.placement else None
    return {
        "CHILD": code,
        "DOB": _d(child.born),
        "DATE_INT": _d(as_date(answers.get("date_should_be_placed"))),
        "DATE_MATCH": _d(as_date(answers.get("date_matched"))),
        "FOSTER_CARE": "1" if place in ("A3", "A5") else "0",
        "NB_ADOPTR": answers.get("number_of_adopters") or "",
        "SEX_ADOPTR": answers.get("sex_of_adopters") or "",
        "LS_ADOPTR": answers.get("legal_status_of_adopters") or "",
    }


# ---- social worker episodes


def _holdings(records: Records, child: ChildFile, year: CollectionYear) -> list[Holding]:
    """The child's holdings that overlap the year, less any that lasted no whole day."""
    return [
        h
        for h in records.holdings.get(child.child_id, [])
        if h.start <= year.end
        and (h.end is None or h.end >= year.start)
        and (h.end is None or h.end > h.start)
    ]


def _sw_row(child: ChildFile, code: str, holding: Holding, year: CollectionYear) -> dict[str, str]:
    return {
        "CHILD": code,
        "DOB": _d(child.born),
        "SW_ID": holding.worker.swe_number or "",
        "SW_DECOM": _d(holding.start),
        "SW_DEC": _d(holding.end) if holding.end and holding.end <= year.end else "",
        "SW_REASON": holding.reason,
    }


# ---- helpers


def _add(made: Return, table: str, child: ChildFile, origin: Any, row: dict[str, str]) -> None:
    if table in made.rows:
        made.rows[table].append(row)
        made.origins[table].append((child, origin))


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
