"""Every figure on a small generated service (``service.py``), on SQLite and PostgreSQL, against
answers worked out by hand from the records and the rule table (the working is beside each).

Periods: P1 = 1 January to 30 June 2026 (timeliness, stability, placements); P0 = 1 July to 31
December 2025 (the permanence orders). Day counts were done on a calendar.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from server import cli
from server.models import AuditEvent, Team, UserAccount
from server.reports import access, timeliness
from server.reports.access import ReportScope
from server.reports.figures import ServiceFigures, compute
from server.reports.holders import Holders
from server.reports.period import Period
from server.reports.timeliness import TimelinessRow
from tests.server.conftest import PASSWORD, Client, LiveServer, ServerFactory, backends
from tests.server.reports.service import Built, accounts_for, build

P1 = Period(date(2026, 1, 1), date(2026, 6, 30))
P0 = Period(date(2025, 7, 1), date(2025, 12, 31))
SERVICE = ReportScope(None, None)


@dataclass
class Service:
    server: LiveServer
    built: Built

    def figures(self, period: Period, scope: ReportScope = SERVICE) -> ServiceFigures:
        with self.server.database.read() as session:
            return compute(session, scope, period)

    def team(self, name: str) -> ReportScope:
        with self.server.database.read() as session:
            return access.report_scope(
                session, access.cli_caller(session, username="pat", actor="test"), team=name
            )


@pytest.fixture(scope="module", params=backends())
def service(request: pytest.FixtureRequest, server_factory: ServerFactory) -> Service:
    server = server_factory(request.param)
    server.database.run_write(lambda s: accounts_for(s, server.settings))
    built = server.database.run_write(build)
    return Service(server, built)


def _counts(figures: ServiceFigures, measure: str, kind: str) -> dict[str, tuple[int, int, int]]:
    return {
        row.group: (row.on_time, row.late, row.overdue)
        for row in figures.timeliness
        if row.measure == measure and row.group_kind == kind
    }


def _row(figures: ServiceFigures, measure: str, kind: str, group: str) -> TimelinessRow:
    [row] = [
        r
        for r in figures.timeliness
        if (r.measure, r.group_kind, r.group) == (measure, kind, group)
    ]
    return row


def test_statutory_visits_on_time_by_worker_team_and_legal_status(service: Service) -> None:
    """(on time, late, overdue). Visits are due six weeks apart (V2/V4), three months for C,
    whose placement is meant to last until 18 (V3); a first visit a week after placement (V1).
    A: 10 Jan due 12 Jan on time; 1 Mar due 21 Feb late; 1 Apr due 12 Apr on time; next due
       13 May, none by 30 Jun: overdue (the 20 May visit is a draft). Ann, care order.
    B: 6 Feb, first visit due 9 Feb, on time; 30 Mar due 20 Mar late; 11 May overdue. Bob, s20.
    C: 10 Mar due 15 Mar on time, held by Ann then; 20 Jun due 10 Jun late, held by Cat.
    H: placed 1 Apr, first visit due 8 Apr, none: overdue. Cat, s20.
    I: 30 Jan (due 31 Jan), 13 Mar, 24 Apr and 5 Jun (each due that very day): on time. Bob.
    D, E, F, G were not looked after in P1: nothing due."""
    figures = service.figures(P1)
    assert _counts(figures, "child_visit", "service") == {"": (8, 3, 3)}
    assert _counts(figures, "child_visit", "team") == {"Alpha": (8, 2, 2), "Beta": (0, 1, 1)}
    assert _counts(figures, "child_visit", "worker") == {
        "ann": (3, 1, 1),
        "bob": (5, 1, 1),
        "cat": (0, 1, 1),
    }
    assert _counts(figures, "child_visit", "legal_status") == {
        "care_order": (7, 2, 1),
        "s20": (1, 1, 2),
    }
    service_row = _row(figures, "child_visit", "service", "")
    assert service_row.share_on_time == pytest.approx(8 / 14)
    assert _row(figures, "child_visit", "worker", "cat").group_label == "Cat Cole"
    assert _row(figures, "child_visit", "legal_status", "s20").group_label == "Accommodated (s20)"


def test_a_child_who_left_care_with_a_visit_overdue_still_missed_it(service: Service) -> None:
    """In P0 no visit was recorded for D, E, F or G before they left care (or moved on to a
    placement order): each first visit (V1, a week after placement) was still outstanding on
    the last day of their looked-after status, so each counts overdue, under the status held
    that day: D placement order, E and G care orders, F s20. H, in a children's home since
    1 Nov, had no visit by 31 Dec (due 8 Nov): overdue, s20. A, C and I had their first
    visits in December, long after a week: late, care orders."""
    figures = service.figures(P0)
    assert _counts(figures, "child_visit", "service") == {"": (0, 3, 5)}
    assert _counts(figures, "child_visit", "legal_status") == {
        "care_order": (0, 3, 2),
        "s20": (0, 0, 2),
        "placement_order": (0, 0, 1),
    }


def test_child_reviews_on_time(service: Service) -> None:
    """A: 10 Apr, six months after 20 Oct (R3) due 20 Apr: on time.
    B: first review 27 Feb, due 20 working days after 2 Feb, 2 Mar: on time; second 5 Jun,
       due three months after the first, 27 May: late.
    C: 10 Jun, due 20 Jun (R3): on time, held by Cat. H: no review since 1 Sep 2025: overdue.
    I: 1 Feb, due 15 Feb: on time."""
    figures = service.figures(P1)
    assert _counts(figures, "child_review", "service") == {"": (4, 1, 1)}
    assert _counts(figures, "child_review", "team") == {"Alpha": (3, 1, 0), "Beta": (1, 0, 1)}
    assert _counts(figures, "child_review", "worker") == {
        "ann": (1, 0, 0),
        "bob": (2, 1, 0),
        "cat": (1, 0, 1),
    }
    assert _counts(figures, "child_review", "legal_status") == {
        "care_order": (3, 0, 0),
        "s20": (1, 1, 1),
    }


class _Undo(Exception):
    """Raised to roll back a change a test makes to the shared service."""


def test_items_count_against_the_holder_and_their_team_at_the_time(service: Service) -> None:
    """C was Ann's (Alpha) until 15 Mar 2026, then Cat's (Beta). Were Ann to move to Beta
    later, her visit to C in March would still be Alpha's: the team she was in when she held
    the case (as the scope event recorded it)."""
    c = service.built.children["C"]
    with pytest.raises(_Undo), service.server.database.read() as session:
        beta = session.scalar(select(Team.id).where(Team.name == "Beta"))
        session.execute(
            update(UserAccount).where(UserAccount.username == "ann").values(team_id=beta)
        )
        holders = Holders(session)
        march, june = holders.on(c, date(2026, 3, 10)), holders.on(c, date(2026, 6, 20))
        assert (march.username, march.team_name) == ("ann", "Alpha")
        assert (june.username, june.team_name) == ("cat", "Beta")
        assert holders.on(c, date(2020, 1, 1)).username == "ann"
        raise _Undo


def test_carer_reviews_unannounced_visits_and_tsd(service: Service) -> None:
    """HH1 (Ann), approved 1 Feb 2025: first review 20 Jan, due 1 Feb 2026 (F1): on time;
    unannounced visit 15 Jan, due a year after approval: on time; TSD 10 Feb, due 12 months
    after approval, 1 Feb: late. HH2 (Cat), connected person approved 1 Sep 2024: review due
    20 Aug 2026, not yet; never visited unannounced, due 1 Sep 2025: overdue; no TSD, due 18
    months after approval, 1 Mar 2026: overdue. Households have no legal status."""
    figures = service.figures(P1)
    assert _counts(figures, "carer_review", "service") == {"": (1, 0, 0)}
    assert _counts(figures, "carer_review", "worker") == {"ann": (1, 0, 0)}
    assert _counts(figures, "unannounced_visit", "service") == {"": (1, 0, 1)}
    assert _counts(figures, "unannounced_visit", "team") == {"Alpha": (1, 0, 0), "Beta": (0, 0, 1)}
    assert _counts(figures, "tsd", "service") == {"": (0, 1, 1)}
    assert _counts(figures, "tsd", "worker") == {"ann": (0, 1, 0), "cat": (0, 0, 1)}
    for measure in ("carer_review", "unannounced_visit", "tsd"):
        assert _counts(figures, measure, "legal_status") == {}


def test_a_team_sees_only_the_cases_it_holds_now(service: Service) -> None:
    """Alpha holds A, B, D, F, I and HH1 now; C went to Beta, so Ann's visit to C is Beta's
    report's. Alpha's visits: A (2, 1, 1), B (1, 1, 1), I (4, 0, 0)."""
    figures = service.figures(P1, service.team("Alpha"))
    assert _counts(figures, "child_visit", "service") == {"": (7, 2, 2)}
    assert _counts(figures, "child_visit", "worker") == {"ann": (2, 1, 1), "bob": (5, 1, 1)}
    assert _counts(figures, "child_review", "service") == {"": (3, 1, 0)}
    assert _counts(figures, "tsd", "service") == {"": (0, 1, 0)}


def _route(figures: ServiceFigures, route: str) -> tuple[int, dict[str, Any]]:
    [found] = [p for p in figures.permanence if p.route == route]
    return found.children, {
        m.measure: (m.children, m.average_days, m.median_days) for m in found.measures
    }


def test_permanence_timings(service: Service) -> None:
    """Orders in P0. D, adopted 14 Nov 2025 by the foster carers she had lived with since
    5 Mar 2023: entered care 1 Mar 2023 (care order, then placement order from 1 Mar 2024);
    adoption decided 1 Sep 2023 (184 days); placed for adoption 1 Apr 2025 (762 days; A10
    counts from 5 Mar 2023, 4 days); placement order to placement 396 days; order 989 days.
    E, adopted 1 Dec 2025 by new adopters: entered care 1 Jun 2024; decision 15 Jan 2025
    (228); placed 1 Sep 2025 (457, A10 the same); no placement order; order 548.
    F, special guardianship to her kinship foster carers (E45): entered 1 Oct 2024, decision
    1 Mar 2025 (151), moved in with them the day she came into care (0), order 31 Oct 2025
    (395). G, to relatives she had not lived with (E47): entered 10 Jan 2025, no decision
    recorded, moved in on the order's day 30 Sep 2025 (263 both)."""
    figures = service.figures(P0)
    assert _route(figures, "adoption") == (
        2,
        {
            "entered_care_to_decision": (2, 206.0, 206.0),
            "entered_care_to_moved_in": (2, 609.5, 609.5),
            "entered_care_to_moved_in_a10": (2, 230.5, 230.5),
            "authority_to_moved_in": (1, 396.0, 396.0),
            "entered_care_to_order": (2, 768.5, 768.5),
        },
    )
    assert _route(figures, "special_guardianship") == (
        2,
        {
            "entered_care_to_decision": (1, 151.0, 151.0),
            "entered_care_to_moved_in": (2, 131.5, 131.5),
            "entered_care_to_order": (2, 329.0, 329.0),
        },
    )
    orders, measures = _route(figures, "child_arrangements")
    assert orders == 0
    assert all(value == (0, None, None) for value in measures.values())
    # No order was made in P1.
    assert all(p.children == 0 for p in service.figures(P1).permanence)


def test_stability(service: Service) -> None:
    """On 30 Jun 2026 A, B, C, H and I are looked after. Only H had three placements in the
    twelve months (foster carers, a children's home, agency carers); B's two temporary moves
    are not placements. Under 16 and in care 2.5 years (since 30 Dec 2023 or before): C and
    I; C has lived with the same carers since 1 Jan 2024, I only since 1 Jan 2025."""
    found = {s.measure: (s.count, s.of) for s in service.figures(P1).stability}
    assert found == {"three_or_more_placements": (1, 5), "long_term_stability": (1, 2)}


def test_placements_by_provider(service: Service) -> None:
    """On 30 Jun: A, C, I with the service's own carers (PR1); B and H with agency carers
    (PR4). Begun in P1: B's and H's agency placements (B's temporary moves are not
    placements). On 11 Apr B is away on a temporary move and still counts with her carers."""
    found = {
        p.group: (p.placed_at_end, p.started_in_period) for p in service.figures(P1).placements
    }
    assert found == {
        "own_carers": (3, 0),
        "agency_carers": (2, 2),
        "other_public_carers": (0, 0),
        "residential": (0, 0),
        "adoption": (0, 0),
        "parents": (0, 0),
        "other": (0, 0),
    }
    april = Period(date(2026, 4, 1), date(2026, 4, 11))
    found = {
        p.group: (p.placed_at_end, p.started_in_period) for p in service.figures(april).placements
    }
    assert found["own_carers"] == (3, 0)
    assert found["agency_carers"] == (2, 1)
    assert found["other"] == (0, 0)


def _signed_in(service: Service, username: str) -> Client:
    client = Client(service.server.url)
    assert client.register(username, PASSWORD).status_code == 201
    return client


def test_the_api_answers_the_same_figures_for_a_manager_and_the_service(service: Service) -> None:
    params = {"start": "2026-01-01", "end": "2026-06-30"}
    manager = _signed_in(service, "mia").get("/v1/reports/figures", params=params)
    assert manager.status_code == 200, manager.text
    body = manager.json()
    assert (body["scope"], body["team"]) == ("team", "Alpha")
    [visits] = [
        r
        for r in body["timeliness"]
        if (r["measure"], r["group_kind"]) == ("child_visit", "service")
    ]
    assert (visits["on_time"], visits["late"], visits["overdue"]) == (7, 2, 2)
    assert visits["share_on_time"] == pytest.approx(7 / 11)
    officer = _signed_in(service, "pat").get(
        "/v1/reports/figures", params={"start": "2025-07-01", "end": "2025-12-31"}
    )
    adoption = next(p for p in officer.json()["permanence"] if p["route"] == "adoption")
    a10 = next(m for m in adoption["measures"] if m["measure"] == "entered_care_to_moved_in_a10")
    assert (adoption["children"], a10["average_days"]) == (2, 230.5)


def test_the_command_writes_owner_only_csv_and_a_one_page_pdf(
    service: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = service.server.settings.database_url
    out = tmp_path / "reports"
    args = ["--database-url", url, "report", "figures", "--user", "pat"]
    period = ["--from", "2026-01-01", "--to", "2026-06-30", "--out", str(out)]
    assert cli.main([*args, *period]) == cli.EXIT_OK
    stem = "figures-service-2026-01-01-2026-06-30"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            f"{stem}-{t}.csv"
            for t in ("timeliness", "permanence", "stability", "placements", "returns_home")
        ]
        + [f"{stem}.pdf"]
    )
    if os.name != "nt":
        for path in out.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert stat.S_IMODE(out.stat().st_mode) == 0o700
    rows = list(csv.DictReader(io.StringIO((out / f"{stem}-timeliness.csv").read_text("utf-8"))))
    [visits] = [r for r in rows if (r["measure"], r["group_kind"]) == ("child_visit", "service")]
    assert (visits["on_time"], visits["late"], visits["overdue"], visits["due"]) == (
        "8",
        "3",
        "3",
        "14",
    )
    assert visits["share_on_time"] == "0.5714"
    stability = list(csv.DictReader(io.StringIO((out / f"{stem}-stability.csv").read_text())))
    assert [(r["measure"], r["count"], r["of"]) for r in stability] == [
        ("three_or_more_placements", "1", "5"),
        ("long_term_stability", "1", "2"),
    ]

    pdf = PdfReader(out / f"{stem}.pdf")
    assert len(pdf.pages) == 1
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Casebook: figures for the whole service" in text
    assert "Period 01 Jan 2026 to 30 Jun 2026" in text
    assert "Statutory visits to children 8 / 3 / 3 57% (n 14)" in text
    assert "OFFICIAL-SENSITIVE" in text

    # A manager gets their own team's, named for it.
    assert cli.main([*args[:-1], "mia", *period]) == cli.EXIT_OK
    team_csv = out / "figures-alpha-2026-01-01-2026-06-30-timeliness.csv"
    team_rows = list(csv.DictReader(io.StringIO(team_csv.read_text("utf-8"))))
    assert {r["scope"] for r in team_rows} == {"team:Alpha"}
    [alpha] = [
        r for r in team_rows if (r["measure"], r["group_kind"]) == ("child_visit", "service")
    ]
    assert (alpha["on_time"], alpha["late"], alpha["overdue"]) == ("7", "2", "2")

    # A worker may not; the refusal is audited with the run before it.
    assert cli.main([*args[:-1], "ann", *period]) == cli.EXIT_REFUSED
    assert "performance officer" in capsys.readouterr().err
    with service.server.database.read() as session:
        runs = [
            (e.actor, e.outcome)
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == access.RUN_ACTION)
            )
            if e.actor in ("pat", "ann") and "by=cli:" in e.detail
        ]
    assert ("pat", "ok") in runs and ("ann", "denied") in runs


@pytest.mark.parametrize("period", [P0, P1], ids=["P0", "P1"])
def test_every_breakdown_adds_up_to_the_whole(service: Service, period: Period) -> None:
    """Each item is counted once in each breakdown: the workers', the teams' and (for a
    child's items) the legal statuses' counts add up to the service's."""
    figures = service.figures(period)
    checked = 0
    for measure, (_label, kind) in timeliness.MEASURES.items():
        whole = _counts(figures, measure, "service").get("", (0, 0, 0))
        breakdowns = ["worker", "team"] + (["legal_status"] if kind == "child" else [])
        for breakdown in breakdowns:
            parts = _counts(figures, measure, breakdown).values()
            assert tuple(map(sum, zip(*parts, strict=True))) == whole or whole == (0, 0, 0)
            checked += sum(whole)
    assert checked > 0


def test_measures_are_the_ones_the_schema_lists() -> None:
    from server.schemas import TimelinessCount

    allowed = TimelinessCount.model_fields["measure"].annotation.__args__  # type: ignore[union-attr]
    assert set(timeliness.MEASURES) == set(allowed)
