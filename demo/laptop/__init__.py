"""The desktop's own demo: a fictional caseload written into a laptop profile through the real
store (``casebook --demo --text``, the benchmarks and many tests). ``populate`` is the way in;
the modules beside it hold one step each (``demo.laptop.caseload`` says how they fit)."""

from __future__ import annotations

from demo.laptop.caseload import BATCH_RECORDS, DemoSummary, has_children, populate
from demo.laptop.scenarios import CARER_TYPES, SCENARIOS, Scenario

__all__ = [
    "BATCH_RECORDS",
    "CARER_TYPES",
    "SCENARIOS",
    "DemoSummary",
    "Scenario",
    "has_children",
    "populate",
]
