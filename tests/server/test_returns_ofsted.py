"""Ofsted's Annex A lists 8 and 10 and the fostering data collection's figures, on a small
service whose answers are worked out by hand (the command itself, on SQLite and PostgreSQL, is
tested with the demo service in ``test_returns_ssda903``)."""

from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace
from typing import Any

from server.services.returns import ofsted
from server.services.returns.source import ChildFile, Item, Records
from server.services.returns.ssda903 import CollectionYear, child_code

REFERENCE = date(2026, 3, 31)


def _item(**fields: Any) -> Item:
    return Item(uuid.uuid4(), dict(fields))


def _service() -> tuple[Records, dict[str, ChildFile]]:
    """Three children and three households:

    - Ava: in care since 01/05/2024 (C1, then C2 from 01/09/2024), with mainstream carers A
      until 01/06/2025 then carers B; visited 10/03/2026 and 20/03/2026 (a draft visit on
      30/03/2026 does not count); reviewed 05/02/2026; long-term fostering plan.
    - Ben: came into care 01/01/2025 (V2) and went home 01/08/2025 (E4A); placed with the
      family and friends household C.
    - Cara: in care since 01/02/2024, placement order 01/10/2025, the decision that she should
      be placed for adoption 15/09/2025, matched 01/12/2025, placed for adoption (A6) on
      10/01/2026; earlier in fostering for adoption (U5) from 01/03/2024.
    """
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    households = {
        a: _item(carer_type="MAINSTREAM_FOSTER", approval_status="APPROVED",
                 approval_date="2020-01-01", max_children=2),
        b: _item(carer_type="MAINSTREAM_FOSTER", approval_status="APPROVED",
                 approval_date="2025-05-01", max_children=3),
        c: _item(carer_type="CONNECTED_PERSON", approval_status="ENDED",
                 approval_date=None, temporary_approval_date="2024-12-20"),
    }  # fmt: skip
    for key, household in zip((a, b, c), households.values(), strict=True):
        household.record_id = key
    ava = ChildFile(_item(given_name="Ava", family_name="Stone", date_of_birth="2015-06-01",
                          sex="F", ethnicity="WBRI", category_of_need="N1",
                          allocated_worker="w1"))  # fmt: skip
    ava.legal = [
        _item(code="C1", start_date="2024-05-01", end_date="2024-09-01", reason_ceased="X1"),
        _item(code="C2", start_date="2024-09-01"),
    ]
    ava.placements = [
        _item(household_id=str(a), placement_type="U6", provider="PR1",
              start_date="2024-05-01", end_date="2025-06-01", reason_changed="CARPL"),
        _item(household_id=str(b), placement_type="U4", provider="PR1",
              start_date="2025-06-01", postcode="YO10 4UX"),
    ]  # fmt: skip
    ava.visits = [
        _item(visit_type="STATUTORY_CHILD", visit_date="2026-03-10", status="finalised"),
        _item(visit_type="STATUTORY_CHILD", visit_date="2026-03-20", status="finalised"),
        _item(visit_type="STATUTORY_CHILD", visit_date="2026-03-30", status="draft"),
    ]
    ava.reviews = [_item(kind="CHILD_LAC", review_date="2026-02-05", status="finalised")]
    ava.care_plans = [
        _item(plan_date="2024-05-05", permanence_plan="LONG_TERM_FOSTERING", status="finalised")
    ]
    ben = ChildFile(_item(given_name="Ben", family_name="Hale", date_of_birth="2012-02-10",
                          sex="M", allocated_worker="w1"))  # fmt: skip
    ben.legal = [
        _item(code="V2", start_date="2025-01-01", end_date="2025-08-01", reason_ceased="E4A")
    ]
    ben.placements = [
        _item(household_id=str(c), placement_type="U3", provider="PR1",
              start_date="2025-01-01", end_date="2025-08-01")
    ]  # fmt: skip
    cara = ChildFile(_item(given_name="Cara", family_name="Lowe", date_of_birth="2023-11-20",
                           sex="F", allocated_worker="w1"))  # fmt: skip
    cara.legal = [
        _item(code="C2", start_date="2024-02-01", end_date="2025-10-01", reason_ceased="X1"),
        _item(code="E1", start_date="2025-10-01"),
    ]
    cara.placements = [
        _item(
            household_id=str(b),
            placement_type="U5",
            provider="PR1",
            start_date="2024-03-01",
            end_date="2026-01-10",
        ),
        _item(placement_type="A6", provider="PR1", start_date="2026-01-10"),
    ]
    cara.assessments = [
        _item(kind="ADOPTION_DECISIONS", status="approved", started_date="2025-12-01",
              answers={"date_should_be_placed": "2025-09-15", "date_matched": "2025-12-01"})
    ]  # fmt: skip
    # Cara's first months (before 01/03/2024) had no placement recorded: the list shows the
    # placement she is in, and counts only placements.
    worker = SimpleNamespace(username="w1", display_name="Wendy Ash", team_id=1)
    children = {ava.child_id: ava, ben.child_id: ben, cara.child_id: cara}
    records = Records(children, households, {}, {"w1": worker}, {1: "North"})  # type: ignore[dict-item]
    return records, {"ava": ava, "ben": ben, "cara": cara}


def _by_child(rows: list[dict[str, str]], child: ChildFile) -> dict[str, str]:
    return next(r for r in rows if r["Child Unique ID"] == child_code(child.child_id))


def test_list_8_shows_each_child_in_care_in_the_year_as_worked_out_by_hand() -> None:
    records, kids = _service()
    rows = ofsted.list_8(records, ofsted.Period(REFERENCE))
    assert len(rows) == 3 and list(rows[0]) == list(ofsted.LIST_8)
    ava = _by_child(rows, kids["ava"])
    assert ava == {
        "Child Unique ID": child_code(kids["ava"].child_id),
        "Gender": "Female",
        "Ethnicity": "WBRI",
        "Date of Birth": "01/06/2015",
        "Age of Child (Years)": "10",
        "Date Started to be Looked After": "01/05/2024",
        "Child's Legal Status": "C2",
        "Start date of current legal status": "01/09/2024",
        "Category of Need": "N1",
        "Date of Latest Statutory Review": "05/02/2026",
        "Date of Last Social Work Visit": "20/03/2026",
        "Date of Last IRO Visit / Contact to the Child": "",
        "Permanence Plan": "Long-term fostering",
        "Number of Placements in the Last 12 months": "2",
        "Placement Type": "U4",
        "Placement Provider": "PR1",
        "Placement postcode": "YO10 4UX",
        "Start Date of Most Recent Placement": "01/06/2025",
        "Date of Last Health Assessment": "",
        "Date of Last Dental Check": "",
        "Date Ceased to be Looked After": "",
        "Reason Ceased to be Looked After": "",
        "Allocated Team": "North",
        "Allocated Worker": "Wendy Ash",
    }
    ben = _by_child(rows, kids["ben"])
    assert (ben["Date Ceased to be Looked After"], ben["Reason Ceased to be Looked After"]) == (
        "01/08/2025",
        "E4A",
    )
    assert ben["Number of Placements in the Last 12 months"] == "1"
    # A reference date before Ben came into care leaves him out.
    early = ofsted.list_8(records, ofsted.Period(date(2024, 12, 31)))
    assert child_code(kids["ben"].child_id) not in {r["Child Unique ID"] for r in early}


def test_list_10_follows_the_adoption_decisions_as_worked_out_by_hand() -> None:
    records, kids = _service()
    rows = ofsted.list_10(records, ofsted.Period(REFERENCE))
    assert [r["Child Unique ID"] for r in rows] == [child_code(kids["cara"].child_id)]
    cara = rows[0]
    assert cara["Date the Child Entered Care"] == "01/02/2024"
    assert cara["Date of Decision that Child Should be Placed for Adoption"] == "15/09/2025"
    assert cara["Date of Placement Order"] == "01/10/2025"
    assert cara["Date of Matching Child and Prospective Adopters"] == "01/12/2025"
    assert cara["Date Placed for Adoption"] == "10/01/2026"
    assert cara["Date of Adoption Order"] == ""
    key = "Date the child was placed for fostering in FFA or concurrent planning placement"
    assert cara[key] == "01/03/2024"
    # Before the decision was made she is not on the list.
    assert ofsted.list_10(records, ofsted.Period(date(2025, 9, 1))) == []


def test_fostering_figures_are_counted_as_worked_out_by_hand() -> None:
    records, _ = _service()
    rows = {r["figure"]: r for r in ofsted.fostering(records, CollectionYear(2026))}
    assert list(rows) == list(ofsted.FOSTERING_FIGURES)

    def values(figure: str) -> tuple[str, str, str]:
        row = rows[figure]
        return (row["mainstream"], row["family_and_friends"], row["total"])

    assert values("households_approved_at_31_march") == ("2", "0", "2")
    assert values("places_approved_at_31_march") == ("5", "0", "5")
    assert values("households_newly_approved_in_year") == ("1", "0", "1")  # B, 01/05/2025
    assert values("temporary_approvals_in_year") == ("0", "0", "0")  # C's was 20/12/2024
    # At 31 March 2026: Ava with B (Cara left B for adopters on 10/01/2026; Ben went home).
    assert values("children_placed_at_31_march") == ("1", "0", "1")
    # Begun in 2025/26: Ava's move to B (Ben's with C began 01/01/2025, Cara's A6 is not foster).
    assert values("placements_begun_in_year") == ("1", "0", "1")
    previous = {r["figure"]: r for r in ofsted.fostering(records, CollectionYear(2025))}
    assert previous["temporary_approvals_in_year"]["family_and_friends"] == "1"
    # 2024/25: Ava with A (01/05/2024) and Ben with C (01/01/2025); Cara's with B began on
    # 01/03/2024, in the year before.
    assert previous["placements_begun_in_year"]["total"] == "2"


def test_the_way_in_and_out_is_counted_by_the_day_each_step_happened() -> None:
    """Enquiries, applications, decisions, withdrawals and deregistrations (by Ofsted's
    reasons) in 2025/26 (1 April 2025 to 31 March 2026), worked out by hand:

    - D: enquiry 20/03/2025 (the year before), applied 10/04/2025, approved 01/10/2025 for two
      children, resigned on 01/05/2026 (retirement): still approved at 31 March 2026.
    - E: enquiry 01/05/2025, withdrew 01/06/2025 (AW2).
    - F: enquiry 01/06/2025, applied 01/07/2025, withdrew 10/01/2026 for a reason no longer on
      Ofsted's list (counted as AW0).
    - G: a connected person: viability assessment (their application) 01/09/2025, temporarily
      approved 02/09/2025, approved 05/01/2026, deregistered 01/03/2026 when the child stayed
      under a special guardianship order (DR5).
    - H: enquiry 02/04/2026 (the year after).
    - I: approved 2019, retired 01/08/2025 (DR1).
    - J: applied 01/05/2025, not approved 01/12/2025.
    """

    def household(**fields: Any) -> Item:
        return _item(carer_type="MAINSTREAM_FOSTER", **fields)

    households = [
        household(approval_status="ENDED", enquiry_date="2025-03-20", application_date="2025-04-10",
                  approval_date="2025-10-01", max_children=2, deregistered_date="2026-05-01",
                  deregistration_reason="DR1"),
        household(approval_status="WITHDRAWN", enquiry_date="2025-05-01",
                  withdrawn_date="2025-06-01", withdrawal_reason="AW2"),
        household(approval_status="WITHDRAWN", enquiry_date="2025-06-01",
                  application_date="2025-07-01", withdrawn_date="2026-01-10",
                  withdrawal_reason="MOVED"),
        _item(carer_type="CONNECTED_PERSON", approval_status="ENDED", max_children=1,
              application_date="2025-09-01", temporary_approval_date="2025-09-02",
              approval_date="2026-01-05", deregistered_date="2026-03-01",
              deregistration_reason="DR5"),
        household(approval_status="ENQUIRY", enquiry_date="2026-04-02"),
        household(approval_status="ENDED", approval_date="2019-06-01", max_children=3,
                  deregistered_date="2025-08-01", deregistration_reason="DR1"),
        household(approval_status="NOT_APPROVED", application_date="2025-05-01",
                  decision="NOT_APPROVE", decision_date="2025-12-01"),
    ]  # fmt: skip
    records = Records({}, {h.record_id: h for h in households}, {}, {})
    rows = {r["figure"]: r for r in ofsted.fostering(records, CollectionYear(2026))}

    def values(figure: str) -> tuple[str, str, str]:
        row = rows[figure]
        return (row["mainstream"], row["family_and_friends"], row["total"])

    assert values("enquiries_in_year") == ("2", "0", "2")  # E, F
    assert values("applications_in_year") == ("3", "1", "4")  # D, F, J; G
    assert values("households_newly_approved_in_year") == ("1", "1", "2")  # D; G
    assert values("households_not_approved_in_year") == ("1", "0", "1")  # J
    assert values("temporary_approvals_in_year") == ("0", "1", "1")  # G
    assert values("withdrawals_in_year") == ("2", "0", "2")
    assert values("withdrawals_in_year_AW2") == ("1", "0", "1")  # E
    assert values("withdrawals_in_year_AW0") == ("1", "0", "1")  # F's unlisted reason
    assert values("withdrawals_in_year_AW1") == ("0", "0", "0")
    assert values("deregistrations_in_year") == ("1", "1", "2")
    assert values("deregistrations_in_year_DR1") == ("1", "0", "1")  # I
    assert values("deregistrations_in_year_DR5") == ("0", "1", "1")  # G
    # At 31 March 2026 only D is approved (its approval ended after), with its two places.
    assert values("households_approved_at_31_march") == ("1", "0", "1")
    assert values("places_approved_at_31_march") == ("2", "0", "2")
    assert rows["withdrawals_in_year_AW5"]["label"] == (
        "Withdrew: Applicant was concerned about the risk of allegations (AW5)"
    )
    following = {r["figure"]: r for r in ofsted.fostering(records, CollectionYear(2027))}
    assert following["deregistrations_in_year_DR1"]["total"] == "1"  # D, 01/05/2026
    assert following["enquiries_in_year"]["total"] == "1"  # H
    assert following["households_approved_at_31_march"]["total"] == "0"
