"""Field-by-field three-way merge: the rule that decides what an edit made offline becomes.

Given the common base (the server's version this laptop last saw), the laptop's version and the
server's current version, each field is settled on its own:

- changed on one side only → that side's value (a "soft" conflict that merges by itself);
- changed on both sides to the same value → that value;
- changed on both sides to different values → a conflict that keeps both values for a person
  to choose between. Never a silent winner, and never decided by a laptop's clock.

It is a pure function so it can be tested exhaustively (tests/sync/test_merge.py) and used both
where the laptop applies pulled records and wherever else the same rule is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Contested:
    """One field both sides changed differently from the base, and how."""

    name: str
    base: Any
    mine: Any
    theirs: Any


@dataclass(frozen=True)
class MergeResult:
    #: Every field's settled value; for a contested field, the server's value stands until a
    #: person decides (the laptop keeps its own value in the conflict record, not lost).
    merged: dict[str, Any]
    conflicts: list[Contested] = field(default_factory=list)
    #: Fields whose merged value differs from the server's: what the laptop must still push.
    to_push: dict[str, Any] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> MergeResult:
    merged: dict[str, Any] = {}
    conflicts: list[Contested] = []
    to_push: dict[str, Any] = {}
    for name in sorted({*base, *mine, *theirs}):
        # A field absent from the base is null there; absent from a side means unchanged.
        b = base.get(name)
        m = mine.get(name, b)
        t = theirs.get(name, b)
        if m in (t, b):
            merged[name] = t
        elif t == b:
            merged[name] = to_push[name] = m
        else:
            merged[name] = t
            conflicts.append(Contested(name, b, m, t))
    return MergeResult(merged, conflicts, to_push)
