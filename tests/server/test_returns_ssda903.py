"""The children looked after return (SSDA903) made from the service's records, checked with the
validator local authorities run before they submit (``csc-validator-be-903``, in a virtualenv
of its own: see ``lac_validator_env``).

On each database: the demo service's return for the last complete collection year passes with
no errors; mistakes seeded in a child's records are each reported naming that child and the
field to correct. The episode cutting is checked on a history worked out by hand.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import os
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from demo.service import build as demo
from demo.service import returns as demo_returns
from server.cli import main
from server.db import Database, migrate, open_database
from server.models import UserAccount
from server.services import accounts, audit
from server.services.returns import source, ssda903, ssda903_check
from server.services.returns.episodes import episodes_of
from server.services.returns.source import ChildFile, Item, Records
from tests.server.conftest import PgSchemas, backends
from tests.server.lac_validator_env import validator_python


def _last_complete_year() -> ssda903.CollectionYear:
    today = datetime.now(UTC).date()
    return ssda903.CollectionYear(today.year if today.month >= 4 else today.year - 1)


#: csc-validator-be-903's rule for an SW_ID that is not a Social Work England number (blank here).
SW_ID_RULE = "SW02STG1"


@dataclass
class DemoService:
    url: str
    database: Database
    records: Records


@pytest.fixture(scope="module", params=backends())
def demo_service(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_schemas: PgSchemas | None,
) -> Iterator[DemoService]:
    if request.param == "postgresql":
        assert pg_schemas is not None
        url = pg_schemas.create()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('returns') / 'service.db'}"
    migrate(url)
    database = open_database(url)
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    database.run_write(lambda s: demo.build_demo(s, hasher=hasher, children=200))
    database.run_write(
        lambda s: accounts.create_user(
            s,
            hasher=hasher,
            username="officer",
            password="long enough password",
            role="performance",
            display_name="Performance Officer",
            team_name=None,
            actor="test",
        )
    )
    try:
        yield DemoService(url, database, database.run_write(source.load))
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def lac_validator() -> Path:
    return validator_python()


@pytest.mark.parametrize("years_back", [0, 1])
def test_the_demo_services_return_passes_the_dfe_rules(
    demo_service: DemoService, lac_validator: Path, tmp_path: Path, years_back: int
) -> None:
    """The last two complete years' returns (the older one under that year's rules)."""
    year = ssda903.CollectionYear(_last_complete_year().closing - years_back)
    made = ssda903.build(demo_service.records, year)
    ssda903.write(made, tmp_path)
    # Something to check in every table the demo records, not an empty return passing.
    tables = ("Header", "Episodes", "Reviews", "OC2", "PlacedAdoption", "PrevPerm", "SWEpisodes")
    for table in tables:
        assert len(made.rows[table]) >= 10, table
    if years_back == 0:  # the demo's few are all recent
        assert made.rows["UASC"], "the demo has unaccompanied asylum-seeking children"
        assert made.rows["Missing"], "the demo has children who went missing"
        assert made.rows["AD1"], "the demo has a child adopted in the year"
    result = ssda903_check.check(made, tmp_path, lac_validator, demo_returns.LA_CODE)
    assert [f.line() for f in result.findings] == []


def test_a_change_of_social_worker_in_the_year_passes_and_a_gap_is_reported(
    demo_service: DemoService, lac_validator: Path, tmp_path: Path
) -> None:
    """The demo's children each have one social worker; here some change worker a hundred
    days into the year (one episode ends the day the next begins: no errors), and one child's
    new worker starts a month after the last left, which the validator reports for that child."""
    records = demo_service.records
    year = _last_complete_year()
    made = ssda903.build(records, year)
    held_all_year = [
        child
        for child, holding in made.origins["SWEpisodes"]
        if holding.start < year.start and holding.end is None
    ]
    assert len(held_all_year) >= 6
    other = next(u for u in records.workers.values() if u.swe_number and u.role == "worker")
    changed = dict(records.holdings)
    handover = year.start + timedelta(days=100)
    for n, child in enumerate(held_all_year[:6]):
        first = changed[child.child_id][-1]
        starts = handover + timedelta(days=30 if n == 5 else 0)
        changed[child.child_id] = [
            *changed[child.child_id][:-1],
            dataclasses.replace(first, end=handover),
            source.Holding(other, starts, None, "LEFTRL"),
        ]
    gap = held_all_year[5]
    seeded = Records(
        records.children, records.households, records.carers, records.workers, holdings=changed
    )
    made = ssda903.build(seeded, year)
    ssda903.write(made, tmp_path)
    result = ssda903_check.check(made, tmp_path, lac_validator, demo_returns.LA_CODE)
    assert result.findings, "a month without a social worker is reported"
    assert {f.child_id for f in result.findings} == {str(gap.child_id)}
    assert all(f.table == "SWEpisodes" and f.rule.startswith("SW") for f in result.findings)
    assert any("the allocation to" in f.line() for f in result.findings)


def _seeded(records: Records) -> tuple[Records, dict[str, tuple[uuid.UUID, str]]]:
    """A copy of the records with one known mistake in each of several children's records:
    the rule expected, and the child and field it must name."""
    seeded = Records(
        copy.deepcopy(records.children),
        records.households,
        records.carers,
        records.workers,
        holdings=dict(records.holdings),
    )
    year = _last_complete_year()
    made = ssda903.build(seeded, year)
    looked_after = [child for child, _ in made.origins["Header"]]
    in_oc2 = [child for child, form in made.origins["OC2"] if form is not None]
    started = [child for child, _ in made.origins["PrevPerm"]]
    placed = {child.child_id for child, _ in made.origins["PlacedAdoption"]}
    expected: dict[str, tuple[uuid.UUID, str]] = {}

    def pick(pool: list[ChildFile]) -> ChildFile:
        used = {child_id for child_id, _ in expected.values()}
        return next(c for c in pool if c.child_id not in used and c.child_id not in placed)

    child = pick(looked_after)
    child.child.fields["ethnicity"] = "WHIT"
    expected["103"] = (child.child_id, "ethnicity")
    child = pick(looked_after)
    child.child.fields["upn"] = "I123"
    expected["168"] = (child.child_id, "unique pupil number")
    child = pick(looked_after)
    child.placements[-1].fields["placement_type"] = "Q9"
    expected["146"] = (child.child_id, "placement type")
    child = pick(looked_after)
    child.placements[-1].fields["postcode"] = None
    expected["392b"] = (child.child_id, "placement postcode")
    child = pick([c for c in looked_after if c.reviews])
    for review in child.reviews:
        review.fields["participation"] = "PN9"
    expected["167"] = (child.child_id, "child's participation")
    child = pick(in_oc2)
    child.assessments = [a for a in child.assessments if a.get("kind") != ssda903.HEALTH_KIND]
    expected["191"] = (child.child_id, "immunisations")
    child = pick([c for c in looked_after if c.born and c.born.month != 2])
    assert child.born is not None
    after_18 = child.born.replace(year=child.born.year + 18) + timedelta(days=1)
    child.child.fields.update(uasc=True, uasc_ceased=after_18.isoformat())
    expected["304"] = (child.child_id, "date asylum-seeking status ceased")
    child = pick([c for c, _ in made.origins["Missing"]])
    for form in child.assessments:
        if form.get("kind") == ssda903.MISSING_KIND:
            form.fields["answers"] = {**form.get("answers"), "missing_type": "X"}
    expected["1006"] = (child.child_id, "whether the child was missing or away")
    child = pick(started)
    child.child.fields["previous_permanence"] = None
    expected["630"] = (child.child_id, "previous permanence order")
    child = pick(looked_after)
    unregistered = UserAccount(id=0, username="agency", swe_number=None)
    seeded.holdings[child.child_id] = [
        dataclasses.replace(h, worker=unregistered) for h in seeded.holdings[child.child_id]
    ]
    expected[SW_ID_RULE] = (child.child_id, "worker's Social Work England number (user set-swe)")
    return seeded, expected


def test_seeded_mistakes_are_each_reported_by_child_and_field(
    demo_service: DemoService, lac_validator: Path, tmp_path: Path
) -> None:
    seeded, expected = _seeded(demo_service.records)
    made = ssda903.build(seeded, _last_complete_year())
    ssda903.write(made, tmp_path)
    result = ssda903_check.check(made, tmp_path, lac_validator, demo_returns.LA_CODE)
    found = {(f.rule, f.child_id, f.field) for f in result.findings}
    for rule, (child_id, field) in expected.items():
        assert (rule, str(child_id), field) in found, (rule, field)
    # Nothing else: each finding is one of the seeded mistakes' children.
    seeded_children = {str(child_id) for child_id, _ in expected.values()}
    assert {f.child_id for f in result.findings} <= seeded_children
    line = next(f for f in result.findings if f.rule == "103").line()
    name = seeded.children[expected["103"][0]].name
    assert line.startswith(f"{name} (child {expected['103'][0]}): the child's record, ethnicity")


# ---- episodes worked out by hand


def _item(**fields: object) -> Item:
    return Item(uuid.uuid4(), dict(fields))


def _hand_made_child() -> ChildFile:
    """Came into care on 10/05/2024 under an interim order with foster carers A; a full care
    order on 01/09/2024 (same placement); moved to carers B on 01/02/2025 (carers A ended, at
    the child's request); B's placement became long-term on 01/06/2025 (same carers); a
    placement order and a move to adopters on 01/10/2025; adopted 15/03/2026."""
    house_a, house_b, adopters = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    child = ChildFile(_item(date_of_birth="2021-06-01", sex="F", category_of_need="N1"))
    child.legal = [
        _item(code="C1", start_date="2024-05-10", end_date="2024-09-01", reason_ceased="X1"),
        _item(code="C2", start_date="2024-09-01", end_date="2025-10-01", reason_ceased="X1"),
        _item(code="E1", start_date="2025-10-01", end_date="2026-03-15", reason_ceased="E11"),
        _item(code="AO", start_date="2026-03-15"),
    ]
    child.placements = [
        _item(
            household_id=str(house_a),
            placement_type="U6",
            start_date="2024-05-10",
            end_date="2025-02-01",
            reason_changed="CHILD",
        ),
        _item(
            household_id=str(house_b),
            placement_type="U6",
            start_date="2025-02-01",
            end_date="2025-06-01",
            reason_changed="PLACE",
        ),
        _item(
            household_id=str(house_b),
            placement_type="U4",
            start_date="2025-06-01",
            end_date="2025-10-01",
            reason_changed="CARPL",
        ),
        _item(
            household_id=str(adopters),
            placement_type="A6",
            start_date="2025-10-01",
            end_date="2026-03-15",
        ),
    ]
    return child


def test_episodes_are_cut_at_each_change_with_the_reason_for_each() -> None:
    episodes = episodes_of(_hand_made_child())
    placed = [e.placement.get("placement_type") if e.placement else None for e in episodes]
    assert [
        (e.start, e.end, e.rne, e.legal.get("code"), place, e.rec, e.reason_place_change)
        for e, place in zip(episodes, placed, strict=True)
    ] == [
        (date(2024, 5, 10), date(2024, 9, 1), "S", "C1", "U6", "X1", None),
        (date(2024, 9, 1), date(2025, 2, 1), "L", "C2", "U6", "X1", "CHILD"),
        (date(2025, 2, 1), date(2025, 6, 1), "P", "C2", "U6", "X1", "PLACE"),
        (date(2025, 6, 1), date(2025, 10, 1), "T", "C2", "U4", "X1", "CARPL"),
        (date(2025, 10, 1), date(2026, 3, 15), "B", "E1", "A6", "E11", None),
    ]  # fmt: skip


def test_a_year_holds_the_episodes_open_in_it_and_closes_none_after_it() -> None:
    child = _hand_made_child()
    records = Records({child.child_id: child}, {}, {}, {})
    rows = ssda903.build(records, ssda903.CollectionYear.parse("2024/25")).rows["Episodes"]
    assert [(r["DECOM"], r["RNE"], r["DEC"], r["REC"]) for r in rows] == [
        ("10/05/2024", "S", "01/09/2024", "X1"),
        ("01/09/2024", "L", "01/02/2025", "X1"),
        ("01/02/2025", "P", "", ""),  # still open on 31 March 2025
    ]
    rows = ssda903.build(records, ssda903.CollectionYear.parse("2026")).rows["Episodes"]
    assert [r["RNE"] for r in rows] == ["P", "T", "B"]
    assert rows[-1]["REC"] == "E11" and rows[-1]["DEC"] == "15/03/2026"


def test_an_adoption_gives_placed_for_adoption_and_ad1_rows_from_the_decisions_form() -> None:
    child = _hand_made_child()
    child.assessments = [
        _item(
            kind=ssda903.ADOPTION_KIND,
            status="approved",
            started_date="2025-09-20",
            answers={
                "date_should_be_placed": "2025-09-15",
                "date_matched": "2025-09-25",
                "number_of_adopters": "2",
                "sex_of_adopters": "MF",
                "legal_status_of_adopters": "L11",
            },
        )
    ]
    records = Records({child.child_id: child}, {}, {}, {})
    made = ssda903.build(records, ssda903.CollectionYear.parse("2025/26"))
    code = ssda903.child_code(child.child_id)
    assert made.rows["PlacedAdoption"] == [
        {
            "CHILD": code,
            "DOB": "01/06/2021",
            "DATE_PLACED": "15/09/2025",
            "DATE_PLACED_CEASED": "",
            "REASON_PLACED_CEASED": "",
        }
    ]
    assert made.rows["AD1"] == [
        {
            "CHILD": code,
            "DOB": "01/06/2021",
            "DATE_INT": "15/09/2025",
            "DATE_MATCH": "25/09/2025",
            "FOSTER_CARE": "0",  # placed (A6) with adopters who were not her foster carers
            "NB_ADOPTR": "2",
            "SEX_ADOPTR": "MF",
            "LS_ADOPTR": "L11",
        }
    ]
    # A draft decision counts for nothing.
    child.assessments[0].fields["status"] = "draft"
    made = ssda903.build(records, ssda903.CollectionYear.parse("2025/26"))
    assert made.rows["PlacedAdoption"] == []
    assert made.rows["AD1"][0]["DATE_INT"] == ""


def test_collection_years_are_read_as_the_dfe_writes_them() -> None:
    assert ssda903.CollectionYear.parse("2026") == ssda903.CollectionYear.parse("2025/26")
    assert ssda903.CollectionYear.parse("2025-26").start == date(2025, 4, 1)
    for wrong in ("2025/27", "26", "2040", "next"):
        with pytest.raises(ssda903.ReturnError):
            ssda903.CollectionYear.parse(wrong)


# ---- the command


def _returns_command(service: DemoService, user: str, out: Path, *extra: str) -> int:
    year = _last_complete_year()
    return main(
        ["--database-url", service.url, "returns", "ssda903", "--user", user]
        + ["--year", str(year.closing), "--out", str(out), *extra]
    )


def test_the_command_writes_private_files_audits_and_lists_errors(
    demo_service: DemoService,
    lac_validator: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "return"
    code = _returns_command(
        demo_service, "officer", out, "--check", str(lac_validator), "--la", demo_returns.LA_CODE
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "0 error(s) found" in printed
    assert "not written" not in printed
    social_workers = list(csv.reader((out / "sw_episodes.csv").open(encoding="utf-8")))
    assert social_workers[0] == ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"]
    assert len(social_workers) > 100
    assert all(row[2].startswith("SW") and row[5] == "FCONTA" for row in social_workers[1:])
    header = list(csv.reader((out / "header.csv").open(encoding="utf-8")))
    assert header[0] == ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
    assert len(header) > 100
    if os.name != "nt":
        for path in out.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    events = demo_service.database.run_write(
        lambda s: audit.query_events(s, action="report.run", actor="officer", limit=1)
    )
    label = _last_complete_year().label
    assert events and events[0].outcome == "ok"
    assert f"kind=ssda903 scope=service year={label}" in events[0].detail


@pytest.mark.parametrize("user", ["worker11", "manager1", "admin"])
def test_only_a_performance_officer_or_granted_admin_makes_the_return(
    demo_service: DemoService, tmp_path: Path, capsys: pytest.CaptureFixture[str], user: str
) -> None:
    out = tmp_path / "return"
    assert _returns_command(demo_service, user, out) == 1
    assert "Only a performance officer" in capsys.readouterr().err
    assert not out.exists()
    events = demo_service.database.run_write(
        lambda s: audit.query_events(s, action="report.run", actor=user, limit=1)
    )
    assert events and events[0].outcome == "denied"
    if user == "admin":
        assert main(["--database-url", demo_service.url, "user", "grant-reports", "admin"]) == 0
        assert _returns_command(demo_service, "admin", out) == 0
        assert (out / "episodes.csv").exists()
        assert main(["--database-url", demo_service.url, "user", "revoke-reports", "admin"]) == 0


def test_the_annex_a_lists_and_fostering_figures_are_written_for_an_officer_only(
    demo_service: DemoService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--database-url", demo_service.url, "returns"]
    out = tmp_path / "ofsted"
    for args in (["annex-a", "--list", "8"], ["annex-a", "--list", "10"]):
        assert main([*base, *args, "--user", "officer", "--out", str(out)]) == 0
    assert main([*base, "ofsted-fostering", "--year", "2026", "--user", "officer", "--out",
                 str(out)]) == 0  # fmt: skip
    written = sorted(path.name for path in out.iterdir())
    assert written[0].startswith("annex-a-list-10-") and written[1].startswith("annex-a-list-8-")
    assert written[2] == "ofsted-fostering-2025-26.csv"
    list_8 = list(csv.DictReader((out / written[1]).open(encoding="utf-8")))
    assert len(list_8) >= 150 and all(row["Child Unique ID"] for row in list_8)
    if os.name != "nt":
        assert {stat.S_IMODE(path.stat().st_mode) for path in out.iterdir()} == {0o600}
    assert "left empty: Date of Last IRO Visit" in capsys.readouterr().out
    assert main([*base, "annex-a", "--list", "8", "--user", "worker11", "--out", str(out)]) == 1
    events = demo_service.database.run_write(
        lambda s: audit.query_events(s, action="report.run", limit=10)
    )
    kinds = [(e.actor, e.outcome, e.detail.split()[0]) for e in events[:4]]
    assert kinds == [
        ("worker11", "denied", "kind=annex-a"),
        ("officer", "ok", "kind=ofsted-fostering"),
        ("officer", "ok", "kind=annex-a"),
        ("officer", "ok", "kind=annex-a"),
    ]
