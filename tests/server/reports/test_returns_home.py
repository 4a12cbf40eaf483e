"""Returns home and whether they lasted (``server.reports.returns_home``), worked by hand on a
few children's legal status histories."""

from __future__ import annotations

import uuid
from datetime import date

from server.reports.casefile import Casefile, ChildHistory, StatusPeriod
from server.reports.pdf_out import _at_most_three
from server.reports.period import Period
from server.reports.returns_home import ReturnHomeFigure, figures

D = date
YEAR = Period(D(2025, 4, 1), D(2026, 3, 31))


def _child(*statuses: StatusPeriod) -> ChildHistory:
    return ChildHistory(uuid.uuid4(), statuses=list(statuses))


def test_returns_home_by_legal_status_before_return_with_their_outcomes() -> None:
    """The year 1 Apr 2025 to 31 Mar 2026:

    - A: care order discharged 10 Apr 2025 (E4A), still home: returned; home at 6 months
      (10 Oct 2025); the 12-month point (10 Apr 2026) is next year's;
    - B: care order discharged 1 Jun 2025, back in care (s20) 1 Sep 2025: returned; not home at
      6 months (1 Dec 2025); a re-entry in the year, within 12 months;
    - C: s20 ended 1 Feb 2026: returned; no point in the year;
    - D: s20 ended 20 May 2025, back in care 1 Jan 2026: returned; home at 6 months (20 Nov
      2025); a re-entry in the year;
    - E: care order discharged 1 Mar 2025 (the year before), still home: home at 6 months
      (1 Sep 2025) and at 12 (1 Mar 2026);
    - F: left care by a special guardianship order (E45): not a return home.
    """
    found = Casefile(
        children={
            c.child_id: c
            for c in (
                _child(StatusPeriod("C2", D(2023, 1, 1), D(2025, 4, 10), "E4A")),
                _child(
                    StatusPeriod("C2", D(2024, 1, 1), D(2025, 6, 1), "E4A"),
                    StatusPeriod("V2", D(2025, 9, 1), None),
                ),
                _child(StatusPeriod("V2", D(2025, 6, 1), D(2026, 2, 1), "E4A")),
                _child(
                    StatusPeriod("V2", D(2025, 1, 1), D(2025, 5, 20), "E4A"),
                    StatusPeriod("C1", D(2026, 1, 1), None),
                ),
                _child(StatusPeriod("C2", D(2022, 1, 1), D(2025, 3, 1), "E4A")),
                _child(StatusPeriod("C2", D(2022, 1, 1), D(2025, 6, 1), "E45")),
            )
        }
    )
    rows = figures(found, YEAR)
    assert rows == [
        ReturnHomeFigure("C2", "C2: Full care order (s31)", 2, 3, 2, 1, 1, 1),
        ReturnHomeFigure("V2", rows[1].label, 2, 1, 1, 0, 0, 1),
        ReturnHomeFigure("ALL", "All returns home", 4, 4, 3, 1, 1, 2),
    ]
    assert rows[1].label.startswith("V2: ")


def test_the_pdf_keeps_three_statuses_and_adds_up_the_rest() -> None:
    """The page has room for three legal statuses, the rest as one row, and the total."""
    rows = [
        ReturnHomeFigure(c, c, n, n, n, 0, 0, 1)
        for c, n in (("C2", 5), ("V2", 4), ("C1", 3), ("E1", 2), ("L1", 1))
    ]
    rows.append(ReturnHomeFigure("ALL", "All returns home", 15, 15, 15, 0, 0, 5))
    shown = _at_most_three(rows)
    assert [r.legal_status for r in shown] == ["C2", "V2", "C1", "OTHER", "ALL"]
    assert shown[3] == ReturnHomeFigure("OTHER", "Other legal statuses", 3, 3, 3, 0, 0, 2)
