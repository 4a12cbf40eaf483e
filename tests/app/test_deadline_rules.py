"""The rule table is data a service may edit; mistakes in it are caught with a clear message."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import resources
from app.deadlines.rules import RuleTableError, load, parse

BASE: dict[str, Any] = {
    "rule": [
        {
            "ref": "X1",
            "title": "A visit",
            "obligation": "child_visit",
            "subject": "child",
            "trigger": "placement_start",
            "interval": {"amount": 1, "unit": "weeks"},
            "repeat": "once",
            "regulation": "reg 1",
        }
    ]
}


def test_shipped_table_covers_the_core_statutory_rules() -> None:
    """Visits, reviews, plans, carer reviews, TSD, unannounced visits, temporary approval and
    SGO support reviews are all in the shipped table, with regulation references."""
    table = load()
    refs = {r.ref for r in table.rules}
    assert {
        "V1",
        "V2",
        "V3",
        "V4",
        "V5",
        "R1",
        "R2",
        "R3",
        "A2a",
        "A3a",
        "P1",
        "P2",
        "F1",
        "F2",
        "F3a",
        "F3b",
        "F4",
        "T1",
        "T2",
        "T4a",
        "T4b",
        "S1",
    } <= refs
    assert all(r.regulation for r in table.rules)
    assert {r.ref for r in table.rules if r.unverified} >= {"V5", "P2"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(interval={"amount": 1, "unit": "fortnights"}), "rule X1: interval"),
        (lambda r: r.update(interval={"amount": -1, "unit": "weeks"}), "whole number"),
        (lambda r: r.pop("regulation"), "missing field 'regulation'"),
        (lambda r: r.update(trigger="full_moon"), "unknown trigger"),
        (lambda r: r.update(repeat="sometimes"), "repeat must be"),
        (lambda r: r.update(conditions={"colour": "red"}), "unknown conditions"),
        (lambda r: r.update(conditions={"placement_flags": ["happy"]}), "unknown placement"),
        (lambda r: r.update(conditions={"reviews_at_most": 0}), "needs a review_kind"),
        (lambda r: r.update(supersedes=["Z9"]), "supersedes unknown"),
        (
            lambda r: r.update(
                interval={"amount": 1, "unit": "weeks", "until_recorded": "birthday"}
            ),
            "until_recorded must be one of",
        ),
    ],
)
def test_bad_rows_are_reported_by_rule_and_field(change: Any, message: str) -> None:
    """Each kind of mistake names the rule and what is wrong with it."""
    data = copy.deepcopy(BASE)
    change(data["rule"][0])
    with pytest.raises(RuleTableError, match=message):
        parse(data)


def test_duplicate_refs_are_refused() -> None:
    """Two rows with one ref would make 'supersedes' ambiguous."""
    data = copy.deepcopy(BASE)
    data["rule"].append(copy.deepcopy(data["rule"][0]))
    with pytest.raises(RuleTableError, match="unique"):
        parse(data)


def test_a_service_can_change_an_interval_without_code() -> None:
    """Editing the data changes the deadline: the rule lives in resources, not in code."""
    data = copy.deepcopy(resources.load_toml("rules", "deadlines.toml"))
    v2 = next(r for r in data["rule"] if r["ref"] == "V2")
    v2["interval"] = {"amount": 4, "unit": "weeks"}
    assert next(r for r in parse(data).rules if r.ref == "V2").amount == 4
