"""Check a made SSDA903 return with the validator local authorities run, and say what each
error means for a worker: which child, which record, which field to correct.

The validator (data-to-insight's ``csc-validator-be-903``) pins pandas below 2, so it is never
installed beside Casebook: it runs in an interpreter of its own (a virtualenv a performance
officer or the tests make once), given as ``python``. :mod:`lac_validator_run` is the script it
runs; it reports each failing cell as its table, data row and rule, which this module maps back
through the rows the return was made from.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from server.services.returns.episodes import Episode
from server.services.returns.source import ChildFile, Holding, Item
from server.services.returns.ssda903 import Return

RUNNER: Final = Path(__file__).with_name("lac_validator_run.py")
#: Where each column's value comes from: (record, field, what a worker calls it). "child" is
#: the child's record, "placement" and "legal_status" the episode's, "review" the review,
#: "form" the signed-off form the row was made from.
COLUMN_SOURCES: Final[dict[str, tuple[str, str, str]]] = {
    "SEX": ("child", "sex", "sex"),
    "DOB": ("child", "date_of_birth", "date of birth"),
    "ETHNIC": ("child", "ethnicity", "ethnicity"),
    "UPN": ("child", "upn", "unique pupil number"),
    "MOTHER": ("child", "is_mother", "whether she is a mother"),
    "MC_DOB": ("child", "first_child_born", "her first child's date of birth"),
    "CIN": ("child", "category_of_need", "category of need"),
    "DUC": ("child", "uasc_ceased", "date asylum-seeking status ceased"),
    "UASC": ("child", "uasc", "whether an unaccompanied asylum-seeking child"),
    "HOME_POST": ("child", "home_postcode", "home postcode"),
    "PREV_PERM": ("child", "previous_permanence", "previous permanence order"),
    "LA_PERM": ("child", "previous_permanence_la", "where the previous order was made"),
    "DATE_PERM": ("child", "previous_permanence_date", "date of the previous order"),
    "LS": ("legal_status", "code", "legal status"),
    "DEC": ("legal_status", "end_date", "date care (or the legal status) ended"),
    "REC": ("legal_status", "reason_ceased", "reason care ended"),
    "DECOM": ("placement", "start_date", "start date"),
    "RNE": ("placement", "start_date", "legal status and placement history"),
    "PLACE": ("placement", "placement_type", "placement type"),
    "PLACE_PROVIDER": ("placement", "provider", "placement provider"),
    "REASON_PLACE_CHANGE": ("placement", "reason_changed", "reason the placement changed"),
    "PL_POST": ("placement", "postcode", "placement postcode"),
    "PL_DISTANCE": ("placement", "postcode", "placement postcode (distance from home)"),
    "PL_LA": ("placement", "postcode", "placement postcode (placing area)"),
    "PL_LOCATION": ("placement", "postcode", "placement postcode (in or out of area)"),
    "URN": ("placement", "urn", "Ofsted URN"),
    "REVIEW": ("review", "review_date", "review date"),
    "REVIEW_CODE": ("review", "participation", "child's participation"),
    "SDQ_SCORE": ("form", "sdq_score", "SDQ score"),
    "SDQ_REASON": ("form", "sdq_reason", "reason for no SDQ"),
    "CONVICTED": ("form", "convicted", "convictions"),
    "HEALTH_CHECK": ("form", "health_check", "development assessments"),
    "IMMUNISATIONS": ("form", "immunisations", "immunisations"),
    "TEETH_CHECK": ("form", "teeth_check", "dental check"),
    "HEALTH_ASSESSMENT": ("form", "health_assessment", "health assessment"),
    "SUBSTANCE_MISUSE": ("form", "substance_misuse", "substance misuse"),
    "INTERVENTION_RECEIVED": ("form", "intervention_received", "intervention received"),
    "INTERVENTION_OFFERED": ("form", "intervention_offered", "intervention offered"),
    "DATE_PLACED": ("form", "date_should_be_placed", "date of the 'should be placed' decision"),
    "DATE_INT": ("form", "date_should_be_placed", "date of the 'should be placed' decision"),
    "DATE_PLACED_CEASED": ("form", "date_no_longer_placed", "date of the reversal"),
    "REASON_PLACED_CEASED": ("form", "reason_no_longer_placed", "reason for the reversal"),
    "DATE_MATCH": ("form", "date_matched", "date matched with adopters"),
    "MISSING": ("form", "missing_type", "whether the child was missing or away"),
    "MIS_START": ("form", "start_date", "day it began"),
    "MIS_END": ("form", "end_date", "day it ended"),
    "NB_ADOPTR": ("form", "number_of_adopters", "number of adopters"),
    "SEX_ADOPTR": ("form", "sex_of_adopters", "adopters' sex"),
    "LS_ADOPTR": ("form", "legal_status_of_adopters", "adopters' legal status"),
    "SW_ID": ("allocation", "swe_number", "worker's Social Work England number (user set-swe)"),
    "SW_DECOM": ("allocation", "start_date", "date the worker was allocated"),
    "SW_DEC": ("allocation", "end_date", "date the worker's allocation ended"),
    "SW_REASON": ("allocation", "reason", "reason for the change of social worker"),
    "FOSTER_CARE": ("placement", "placement_type", "placement type (adopted by foster carers)"),
}
#: Where a rule's columns are not where the mistake is put right: "information on previous
#: permanence should be returned" names the episode's RNE, but the answer is the child's record.
RULE_COLUMNS: Final[dict[str, list[str]]] = {"630": ["PREV_PERM"]}
_WHERE: Final = {
    "child": "the child's record",
    "legal_status": "the legal status",
    "placement": "the placement",
    "review": "the review",
    "form": "the form",
    "allocation": "the allocation history",
}


class ValidatorUnavailable(RuntimeError):
    """The validator's interpreter could not be run, or gave no answer."""


@dataclass(frozen=True)
class Finding:
    """One error the validator reported, traced to where a worker would put it right."""

    rule: str
    message: str
    table: str
    row: int
    column: str
    child_code: str
    child_id: str | None
    child_name: str
    record_type: str
    record_id: str | None
    field: str
    where: str

    def line(self) -> str:
        who = f"{self.child_name} (child {self.child_id})" if self.child_id else self.child_code
        return (
            f"{who}: {self.where}, {self.field} [{self.table} row {self.row + 1}, "
            f"{self.column}; rule {self.rule}] {self.message}"
        )


@dataclass
class CheckResult:
    findings: list[Finding]
    #: Rules the validator could not run on these files (its own failures, not errors).
    failed_rules: list[str]


def run_validator(python: Path, folder: Path, closing_year: int, la_code: str) -> dict[str, Any]:
    """The validator's raw answer for the files in ``folder``."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "issues.json"
        try:
            done = subprocess.run(  # noqa: S603 - the interpreter the officer named, no shell
                [str(python), str(RUNNER), str(folder), str(closing_year), la_code, str(out)],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ValidatorUnavailable(f"The validator could not be run: {exc}") from exc
        if done.returncode != 0 or not out.exists():
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise ValidatorUnavailable(
                "The validator failed (is csc-validator-be-903 installed for "
                f"{python}?): " + " / ".join(tail)
            )
        answer: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return answer


def check(made: Return, folder: Path, python: Path, la_code: str) -> CheckResult:
    """Run the validator on the return written to ``folder`` and explain every error."""
    answer = run_validator(python, folder, made.year.closing, la_code)
    findings = [f for issue in answer.get("issues", []) for f in explain(made, issue)]
    return CheckResult(findings, list(answer.get("failed_rules", [])))


def explain(made: Return, issue: dict[str, Any]) -> list[Finding]:
    """The issue as one finding per column it names, each traced to a record and field."""
    table, row = str(issue["table"]), int(issue["row"])
    origins = made.origins.get(table, [])
    child: ChildFile | None
    origin: Any
    child, origin = origins[row] if 0 <= row < len(origins) else (None, None)
    if child is None:
        child = made.child_for(str(issue.get("child", "")))
    columns = RULE_COLUMNS.get(str(issue["rule"])) or [
        column for column in issue.get("fields") or [] if column != "CHILD"
    ]
    columns = columns or ["CHILD"]
    out = []
    for column in columns:
        record_type, field, label = COLUMN_SOURCES.get(column, ("child", "", "the child's record"))
        record = _record(child, origin, record_type)
        where = _WHERE[record_type]
        if isinstance(origin, Episode) and record_type in ("placement", "legal_status"):
            where = f"{where} in force from {origin.start.strftime('%d/%m/%Y')}"
        elif record is not None and record_type in ("review", "form"):
            day = record.get("review_date") or record.get("started_date") or ""
            where = f"{where} dated {day}"
        elif isinstance(origin, Holding):
            where = (
                f"the allocation to {origin.worker.username} from "
                f"{origin.start.strftime('%d/%m/%Y')}"
            )
        elif record is None and record_type == "form":
            where = "a signed-off form for the year (none recorded)"
        out.append(
            Finding(
                rule=str(issue["rule"]),
                message=str(issue.get("message", "")),
                table=table,
                row=row,
                column=column,
                child_code=str(issue.get("child", "")),
                child_id=str(child.child_id) if child else None,
                child_name=child.name if child else "an unknown child",
                record_type=record_type,
                record_id=str(record.record_id) if record else None,
                field=label,
                where=where,
            )
        )
    return out


def _record(child: ChildFile | None, origin: Any, record_type: str) -> Item | None:
    if child is None:
        return None
    if record_type == "child":
        return child.child
    if isinstance(origin, Episode):
        return origin.legal if record_type == "legal_status" else origin.placement
    if isinstance(origin, Item):
        return origin
    if record_type == "form":
        return None
    return None
