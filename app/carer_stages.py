"""The stages a prospective fostering household passes through, from first enquiry to the
agency decision maker's decision, and the household columns that record them.

Kept apart from ``app.carer_pipeline`` (which saves them) so the validation rules and the
deadline engine can read the stage order without importing the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final


@dataclass(frozen=True)
class Stage:
    #: The household column holding the day the stage was reached (and the stage's key).
    column: str
    #: How the stage reads in a list of stages.
    label: str
    #: The obligation of the rule table (``deadlines.toml``) that says when it is due, if any.
    obligation: str | None


STAGES: Final[tuple[Stage, ...]] = (
    Stage("enquiry_date", "Enquiry", None),
    Stage("initial_visit_date", "Initial visit", "initial_visit"),
    Stage("application_date", "Application received", None),
    Stage("stage1_completed", "Stage 1: checks and references complete", "assessment_stage1"),
    Stage("stage2_completed", "Stage 2: assessment report complete", "assessment_stage2"),
    Stage("panel_date", "Fostering panel", "fostering_panel"),
    Stage("decision_date", "Agency decision maker's decision", "agency_decision"),
)

BY_COLUMN: Final[dict[str, Stage]] = {s.column: s for s in STAGES}

#: The day the household is booked to go to the fostering panel: set by the service, where the
#: panel administrator keeps the panel's dates and items (``server.services.panels``), and
#: carried to the laptop on the household's record, read-only. Not a stage (nothing is reached
#: on it) but a trigger: the panel is due on the day booked (rule FA6).
PANEL_BOOKED = "panel_booked_date"

#: The rule table's obligation for a stage -> the column that meets it.
STAGE_OBLIGATIONS: Final[dict[str, str]] = {
    s.obligation: s.column for s in STAGES if s.obligation is not None
}


def stage_dates(household: Any) -> dict[str, date]:
    """The stages a household has reached, column -> day (only those recorded), with the day
    it is booked for panel (``PANEL_BOOKED``) if it is."""
    out: dict[str, date] = {}
    for column in (*(s.column for s in STAGES), PANEL_BOOKED):
        value = getattr(household, column, None)
        if value is not None:
            out[column] = value
    return out
