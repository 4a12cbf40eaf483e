"""Assessments for the demo caseload (``demo.laptop``): a few, written the way a worker would, so
the demo shows each stage an assessment goes through.

- an asset-based assessment (current form) finalised and approved by a manager;
- another still a draft, part-way through;
- an older one made with version 1 of the form, which still opens with version 1;
- a finalised support plan for special guardians, and a draft household assessment summary
  for applicants being assessed.

The words are data (``resources/demo/assessments.toml``, read through ``resources.demo``),
shared with the central service's demo, so both demos show the same assessments from one copy.
Every answer is checked by the store against its form like any worker's (finalised ones must be
complete), so a change to a shipped form that these answers no longer fit fails the demo tests,
not a worker.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from app import clock
from app.models import Assessment, CarerHousehold, Child
from resources import demo as demo_data

#: The demo's manager, who approved the finalised assessment (on a real service the central
#: service records who approved, never the laptop).
DEMO_MANAGER = "demo.manager"


def for_caseload(
    children: Sequence[Child], households: Sequence[CarerHousehold], today: date
) -> dict[uuid.UUID, list[Assessment]]:
    """The demo's assessments, keyed by the child's or household's id they belong to. Chosen
    by age and kind of carer, not at random, so every demo with a few children has them."""
    made: dict[uuid.UUID, list[Assessment]] = {}
    school_age = [c for c in children if 7 <= _age(c.date_of_birth, today) <= 15]
    younger = [c for c in children if 4 <= _age(c.date_of_birth, today) <= 12]
    if school_age:
        child = school_age[0]
        made.setdefault(child.id, []).append(_approved(child, today))
    others = [c for c in younger if c.id not in made]
    if others:
        made.setdefault(others[0].id, []).append(_draft(others[0], today))
    if len(others) > 1:
        made.setdefault(others[1].id, []).append(_first_version(others[1], today))
    guardians = [h for h in households if h.carer_type == "SPECIAL_GUARDIAN"]
    if guardians:
        made.setdefault(guardians[0].id, []).append(_support_plan(guardians[0], today))
    applicants = [h for h in households if h.approval_status == "APPLICANT"]
    if applicants:
        made.setdefault(applicants[0].id, []).append(_household_summary(applicants[0], today))
    return made


# ---- Private API


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _name(child: Child) -> str:
    return child.preferred_name or child.given_name


def _made(
    key: str,
    today: date,
    *,
    child: Child | None = None,
    household: CarerHousehold | None = None,
) -> Assessment:
    """The file's assessment ``key`` for this child or household."""
    entry = demo_data.assessments()[key]
    approved = entry.status == "approved"
    return Assessment(
        child_id=child.id if child else None,
        household_id=household.id if household else None,
        kind=entry.kind,
        template_id=entry.template_id,
        template_version=entry.template_version,
        answers=entry.answers_for(today=today, name=_name(child) if child else ""),
        started_date=entry.started(today),
        status=entry.status,
        approved_by=DEMO_MANAGER if approved else None,
        approved_at=clock.utcnow() if approved else None,
    )


def _approved(child: Child, today: date) -> Assessment:
    return _made("approved_asset_based", today, child=child)


def _draft(child: Child, today: date) -> Assessment:
    return _made("draft_asset_based", today, child=child)


def _first_version(child: Child, today: date) -> Assessment:
    return _made("first_version_asset_based", today, child=child)


def _support_plan(household: CarerHousehold, today: date) -> Assessment:
    return _made("special_guardians_support_plan", today, household=household)


def _household_summary(household: CarerHousehold, today: date) -> Assessment:
    return _made("applicant_household_summary", today, household=household)
