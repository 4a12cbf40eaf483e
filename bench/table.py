"""The one table ``make bench`` prints: figure | median | runs | baseline | ratio | budget.

Kept apart from the measurements so the format is the same for every figure and easy to test
by eye: medians (never means, which one slow run would drag), how many runs they come from, the
baseline measured in the same run, and the budget from ../shared/DESIGN.md where there is one.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Baseline:
    """What a figure is compared with, measured in the same run on the same machine."""

    label: str
    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


@dataclass(frozen=True)
class Figure:
    name: str
    runs: tuple[float, ...]
    baseline: Baseline | None = None
    budget: str = ""
    #: True for the row that other rows are compared with (its ratio is 1 by definition).
    is_baseline: bool = False
    unit: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def ratio(self) -> float | None:
        if self.is_baseline:
            return 1.0
        if self.baseline is None or self.baseline.median <= 0:
            return None
        return self.median / self.baseline.median


def seconds(value: float) -> str:
    if value < 0.001:
        return f"{value * 1_000_000:,.0f} µs"
    if value < 10:
        return f"{value * 1000:,.1f} ms"
    return f"{value:,.1f} s"


def value(amount: float, unit: str) -> str:
    """A figure in its own unit: durations as seconds, rates as ``12,345/s``."""
    if unit.endswith("/s"):
        return f"{amount:,.0f} {unit}"
    return seconds(amount)


def render(figures: list[Figure], *, title: str) -> str:
    header = ("figure", "median", "runs", "baseline", "ratio", "budget")
    body = []
    for f in figures:
        if f.is_baseline:
            baseline = "(this is the baseline)"
        elif f.baseline is not None:
            baseline = f"{f.baseline.label}: {value(f.baseline.median, f.unit)}"
        else:
            baseline = ""
        ratio = "" if f.ratio is None else f"{f.ratio:,.2f}x"
        body.append((f.name, value(f.median, f.unit), str(len(f.runs)), baseline, ratio, f.budget))
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    right = {1, 2, 4}

    def line(cells: tuple[str, ...]) -> str:
        return " | ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([title, "", line(header), rule, *(line(r) for r in body)])
