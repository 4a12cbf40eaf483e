"""The rule table, loaded into typed rows and checked, so a mistake in the data file is caught
with a clear message at start-up rather than as a wrong deadline on a worker's dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import resources
from app.deadlines.calendar import UNITS, add

TRIGGERS = frozenset(
    {
        "placement_start",
        "first_placement_start",
        "looked_after_start",
        "legal_status_start",
        "last_visit",
        "last_visit_or_placement",
        "welfare_concern_visit",
        "last_review",
        "last_review_or_status",
        "last_review_or_support_plan",
        "returned_home",
        "last_visit_or_return_home",
        "last_review_or_return_home",
        "approval_date",
        "last_unannounced_or_approval",
        "temporary_approval_date",
        "temporary_extension_until",
        # A prospective fostering household's assessment (app.carer_stages).
        "enquiry_date",
        "application_date",
        "panel_date",
        "panel_booked_date",
    }
)
CONDITIONS = frozenset(
    {
        "looked_after",
        "legal_status",
        "not_legal_status",
        "placement_type",
        "not_placement_type",
        "placement_flags",
        "not_placement_flags",
        "placement_age_under_years",
        "placement_age_at_least_years",
        "household_temporary",
        "returned_home",
        "review_kind",
        "reviews_at_most",
        "reviews_at_least",
        "carer_type",
        "household_status",
        "has_extension",
        "unverified",
    }
)
PLACEMENT_FLAGS = frozenset(
    {
        "long_term_designated",
        "intended_until_18",
        "child_agrees_less_frequent_visits",
        "before_assessment_complete",
    }
)


#: Dates a worker records that can end a rule's interval sooner (``until_recorded``): an
#: extension of temporary approval granted for less than the most the regulation allows.
RECORDED_ENDS = frozenset({"temporary_extension_until"})

#: Conditions that only narrow a rule out of the default case (a child who is looked after, a
#: placement that is not a short break...) rather than naming the case it is for: they add
#: nothing to a rule's specificity.
_NOT_SPECIFIC = frozenset(
    {"looked_after", "not_legal_status", "not_placement_type", "not_placement_flags", "unverified"}
)


class RuleTableError(ValueError):
    """The rule table cannot be used as written; says which rule and which field."""


@dataclass(frozen=True)
class Rule:
    ref: str
    title: str
    obligation: str
    subject: str
    trigger: str
    amount: int
    unit: str
    repeat: str
    regulation: str
    conditions: dict[str, Any]
    supersedes: frozenset[str] = frozenset()
    from_review: str | None = None
    until_recorded: str | None = None

    @property
    def specificity(self) -> int:
        """How narrowly the rule names the case it is for: one for each legal status, placement
        type, kind of carer or approval status list, each placement fact it requires, a
        temporarily approved household, a recorded extension, a placement age, and a count of
        reviews. When two rules give an obligation the same date, the more specific one is the
        regulation that actually governs the case (reg 28(4) for a connected-person placement,
        not the default reg 28(2)(a)), so it is the one shown."""
        score = 0
        for name, value in self.conditions.items():
            if name in _NOT_SPECIFIC or name == "review_kind":
                continue
            if name == "placement_flags":
                score += len(value)
            elif name == "reviews_at_most" and "reviews_at_least" in self.conditions:
                continue  # one count of reviews, however bounded
            else:
                score += 1
        return score

    @property
    def review_kind(self) -> str | None:
        kind = self.conditions.get("review_kind")
        return str(kind) if kind else None

    @property
    def unverified(self) -> bool:
        return bool(self.conditions.get("unverified", False))


@dataclass(frozen=True)
class RuleTable:
    rules: tuple[Rule, ...]
    due_soon_days: int
    child_visit_types: frozenset[str]
    care_plan_lead_days: int
    #: Why a looked-after status ended that means the child went home (``return_home``).
    return_home_reasons: frozenset[str] = frozenset({"E4A"})
    #: A return home followed by care within this many months counts as a re-entry.
    reentry_months: int = 12
    by_subject: dict[str, tuple[Rule, ...]] = field(default_factory=dict)
    #: Review counts above this all behave alike for every rule (for caching situations).
    review_count_cap: int = 1


def parse(data: dict[str, Any]) -> RuleTable:
    settings = data.get("settings", {})
    rules = tuple(_rule(i, row) for i, row in enumerate(data.get("rule", [])))
    refs = [r.ref for r in rules]
    duplicates = {r for r in refs if refs.count(r) > 1}
    if duplicates:
        raise RuleTableError(f"rule refs must be unique; repeated: {sorted(duplicates)}")
    for rule in rules:
        unknown = rule.supersedes - set(refs)
        if unknown:
            raise RuleTableError(f"rule {rule.ref}: supersedes unknown rules {sorted(unknown)}")
    return RuleTable(
        rules=rules,
        due_soon_days=int(settings.get("due_soon_days", 14)),
        child_visit_types=frozenset(settings.get("child_visit_types", ["STATUTORY_CHILD"])),
        care_plan_lead_days=int(settings.get("care_plan_lead_days", 0)),
        return_home_reasons=frozenset(settings.get("return_home_reasons", ["E4A"])),
        reentry_months=int(settings.get("reentry_months", 12)),
        by_subject={s: tuple(r for r in rules if r.subject == s) for s in ("child", "household")},
        review_count_cap=1
        + max(
            (
                int(r.conditions.get(k, 0))
                for r in rules
                for k in ("reviews_at_least", "reviews_at_most")
            ),
            default=0,
        ),
    )


@cache
def load() -> RuleTable:
    return parse(resources.load_toml("rules", "deadlines.toml"))


def _rule(index: int, row: dict[str, Any]) -> Rule:
    ref = str(row.get("ref", f"#{index + 1}"))

    def need(name: str) -> Any:
        if name not in row:
            raise RuleTableError(f"rule {ref}: missing field {name!r}")
        return row[name]

    interval = need("interval")
    if not isinstance(interval, dict) or "amount" not in interval or "unit" not in interval:
        raise RuleTableError(f"rule {ref}: interval needs an amount and a unit")
    if interval["unit"] not in UNITS:
        raise RuleTableError(f"rule {ref}: interval unit must be one of {', '.join(UNITS)}")
    if not isinstance(interval["amount"], int) or interval["amount"] < 0:
        raise RuleTableError(f"rule {ref}: interval amount must be a whole number, 0 or more")
    if need("trigger") not in TRIGGERS:
        raise RuleTableError(f"rule {ref}: unknown trigger {row['trigger']!r}")
    if need("repeat") not in ("once", "ongoing"):
        raise RuleTableError(f"rule {ref}: repeat must be 'once' or 'ongoing'")
    if need("subject") not in ("child", "household"):
        raise RuleTableError(f"rule {ref}: subject must be 'child' or 'household'")
    conditions = dict(row.get("conditions", {}))
    unknown = set(conditions) - CONDITIONS
    if unknown:
        raise RuleTableError(f"rule {ref}: unknown conditions {sorted(unknown)}")
    flags = set(conditions.get("placement_flags", [])) | set(
        conditions.get("not_placement_flags", [])
    )
    if flags - PLACEMENT_FLAGS:
        raise RuleTableError(
            f"rule {ref}: unknown placement flags {sorted(flags - PLACEMENT_FLAGS)}"
        )
    until = interval.get("until_recorded")
    if until is not None and until not in RECORDED_ENDS:
        raise RuleTableError(
            f"rule {ref}: until_recorded must be one of {', '.join(sorted(RECORDED_ENDS))}"
        )
    needs_kind = row["trigger"] in (
        "last_review",
        "last_review_or_status",
        "last_review_or_support_plan",
        "last_review_or_return_home",
    ) or ("reviews_at_most" in conditions or "reviews_at_least" in conditions)
    if needs_kind and "review_kind" not in conditions:
        raise RuleTableError(f"rule {ref}: counting reviews needs a review_kind condition")
    return Rule(
        ref=ref,
        title=str(need("title")),
        obligation=str(need("obligation")),
        subject=row["subject"],
        trigger=row["trigger"],
        amount=interval["amount"],
        unit=interval["unit"],
        repeat=row["repeat"],
        regulation=str(need("regulation")),
        conditions=conditions,
        supersedes=frozenset(row.get("supersedes", [])),
        from_review=interval.get("from_review"),
        until_recorded=until,
    )


def temporary_approval_ends(table: RuleTable, approved: date) -> tuple[date, date] | None:
    """When a connected person's temporary approval from ``approved`` ends (T1, reg 24), and the
    latest an extension can take it to (T2, reg 25): from the table, so a service that changes
    the weeks changes what a worker may record too. None if the table has no such rules."""
    ends = {
        r.ref: add(approved, r.amount, r.unit)
        for r in table.rules
        if r.obligation == "temporary_approval_expiry"
        and r.trigger == "temporary_approval_date"
        and r.ref in ("T1", "T2")
    }
    if "T1" not in ends or "T2" not in ends:
        return None
    return ends["T1"], ends["T2"]
