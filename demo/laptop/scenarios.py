"""The kinds of child on a permanency caseload, and the mix the laptop demo makes of them.

Every SSDA903 legal status is here except D1 (freeing orders were abolished in December 2005, so
no child can hold one today), and so are the permanence orders the service supports after care
(SGO, CAO, adoption). ``weight`` follows a permanency team's caseload.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """One kind of child on a permanency caseload: their current legal status and how they
    got there. ``weight`` is its share of the caseload beyond the first child of each kind."""

    key: str
    legal_status: str
    weight: float
    description: str


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("care_order_foster", "C2", 22, "Care order, in foster care (some now long-term)"),
    Scenario("care_order_kin", "C2", 8, "Care order, with approved connected-person carers"),
    Scenario("care_order_home", "C2", 3, "Care order, placed with parents"),
    Scenario("care_order_residential", "C2", 3, "Care order, in a children's home"),
    Scenario("interim_foster", "C1", 7, "Interim care order, in foster care"),
    Scenario("interim_home", "C1", 2, "Interim care order, living with parents"),
    Scenario(
        "interim_connected", "C1", 4, "Interim care order, with temporarily approved kin carers"
    ),
    Scenario("accommodated", "V2", 10, "Accommodated under s20"),
    Scenario("short_breaks_episodes", "V3", 1, "Short breaks, episodes recorded"),
    Scenario("short_breaks_agreement", "V4", 1, "Short breaks, agreement recorded"),
    Scenario("placed_for_adoption", "E1", 5.5, "Placement order, placed with adopters"),
    Scenario(
        "fostering_for_adoption",
        "E1",
        2.5,
        "Placement order, placed with the foster-to-adopt carers",
    ),
    Scenario("awaiting_adoption", "E1", 4, "Placement order, waiting for a match"),
    Scenario("police_protection", "L1", 0.4, "Police protection, in emergency foster care"),
    Scenario("emergency_protection", "L2", 0.4, "Emergency protection order"),
    Scenario("assessment_order", "L3", 0.2, "Child assessment order, accommodated"),
    Scenario("remanded", "J1", 0.4, "Remanded to local authority accommodation"),
    Scenario("pace", "J2", 0.2, "Accommodated overnight under PACE"),
    Scenario("youth_rehabilitation", "J3", 0.3, "Youth rehabilitation order, intensive fostering"),
    Scenario("special_guardianship", "SGO", 12, "Special guardianship order, support continues"),
    Scenario("child_arrangements", "CAO", 5, "Child arrangements order (lives with)"),
    Scenario("adopted", "AO", 3, "Adopted, adoption support continues"),
)
#: The kinds of carer household the demo makes, each with the placements it takes.
CARER_TYPES = (
    "MAINSTREAM_FOSTER",
    "CONNECTED_PERSON",
    "FOSTERING_FOR_ADOPTION",
    "ADOPTER",
    "SPECIAL_GUARDIAN",
    "CAO_CARER",
)
