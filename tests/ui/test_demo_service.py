"""The local demo service behind ``make run``: started as a real child process, it holds the
service's demo data, the demo profile registers with it and syncs a caseload down, and stopping
it leaves no process behind. The caseload it brings shows the permanency workflow (assessments at
each stage, reviews with their actions, carer households' visits and training), all of it data
the laptop's own validation accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from app import carer_pipeline, clock, codes, dashboard, validation
from app.deadlines.engine import ACTION, Status
from app.households import open_household
from app.models import (
    RECORD_TYPES,
    Action,
    Assessment,
    CarerHousehold,
    Child,
    LegalStatus,
    Placement,
    Review,
)
from app.replica import state as replica_state
from app.services import assessments
from app.services.reviews import carer_parts
from app.settings import load
from sync import account
from tests.conftest import fast_kdf
from ui import demo_service
from ui.demo_service import DEMO_SERVICE_PROFILE, DemoService


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoService]:
    """One demo service for the module, stopped at the end."""
    with demo_service.running(tmp_path_factory.mktemp("demo-service")) as running:
        yield running


def _children(store: demo_service.Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(Child)) or 0)


def test_the_service_answers_health_and_holds_demo_accounts(service: DemoService) -> None:
    """The first start migrates and loads the demo data; /health answers on 127.0.0.1."""
    assert service.fresh
    assert service.url.startswith("http://127.0.0.1:")
    assert requests.get(f"{service.url}/health", timeout=5).status_code == 200
    assert service.username.startswith("worker") and service.password.startswith("demo-")


def test_the_demo_profile_registers_and_syncs_a_caseload(
    service: DemoService, tmp_path: Path
) -> None:
    """The first run creates the demo profile, registers it as the demo worker's laptop and a
    sync brings that worker's children; a second run reuses the profile and its device."""
    root = tmp_path / "data"
    opened = demo_service.open_profile(service, root=root, kdf=fast_kdf(), device_name="Test")
    try:
        assert opened.profile.name == DEMO_SERVICE_PROFILE
        assert opened.summary.ok and opened.summary.received > 0
        assert _children(opened.store) > 0
        signed_in = account.account(opened.store)
        assert signed_in is not None and signed_in.worker == service.username
        assert load(opened.profile.path).service_url == service.url
        device = signed_in.device_id
    finally:
        opened.store.lock()
    again = demo_service.open_profile(service, root=root, device_name="Test")
    try:
        again_account = account.account(again.store)
        assert again_account is not None and again_account.device_id == device
        assert _children(again.store) > 0
    finally:
        again.store.lock()


def test_refused_tokens_register_the_laptop_again(service: DemoService, tmp_path: Path) -> None:
    """Tokens the service no longer accepts (a rebuilt service) lead to a new registration,
    not to a demo that cannot sync."""
    root = tmp_path / "data"
    opened = demo_service.open_profile(service, root=root, kdf=fast_kdf(), device_name="Test")
    first = account.account(opened.store)
    with opened.store.write(remote=True) as session:
        kept = replica_state.get(session, replica_state.CREDENTIALS)
        assert kept is not None
        kept = kept.replace('"refresh_token": "', '"refresh_token": "x')
        kept = kept.replace('"access_token": "', '"access_token": "x')
        replica_state.put(session, replica_state.CREDENTIALS, kept)
    opened.store.lock()
    again = demo_service.open_profile(service, root=root, device_name="Test")
    try:
        second = account.account(again.store)
        assert first is not None and second is not None
        assert second.device_id != first.device_id
        assert again.summary.ok
    finally:
        again.store.lock()


def test_stopping_ends_the_server_process(tmp_path: Path) -> None:
    """Leaving the ``with`` block, even by an exception, stops the server process."""
    folder = tmp_path / "service"
    with pytest.raises(RuntimeError), demo_service.running(folder) as started:
        assert started.running
        process = started.process
        raise RuntimeError("the app failed")
    assert process.poll() is not None
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{started.url}/health", timeout=2)
    # A later start reuses the database and its accounts.
    with demo_service.running(folder) as again:
        assert not again.fresh and again.username == started.username
    assert again.process.poll() is not None


# ---- What the demo laptop shows: the permanency workflow, from the service's demo data


@pytest.fixture(scope="module")
def laptop(
    service: DemoService, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[demo_service.DemoProfile]:
    """The demo worker's laptop, registered and synced once for the tests below."""
    root = tmp_path_factory.mktemp("laptop")
    opened = demo_service.open_profile(service, root=root, kdf=fast_kdf(), device_name="Test")
    try:
        yield opened
    finally:
        opened.store.lock()


def _refused(store: demo_service.Store) -> tuple[list[tuple[str, str, str]], int]:
    """What the laptop's validation says about every record it holds, and how many it holds."""
    today = clock.today()
    refused: list[tuple[str, str, str]] = []
    counted = 0
    with store.read() as session:
        for model in RECORD_TYPES.values():
            for record in session.scalars(select(model)):
                found = validation.problems(record, today=today, session=session)
                refused += [(model.__name__, p.field, p.message) for p in found]
                counted += 1
    return refused, counted


def test_every_pulled_record_passes_the_laptops_validation(
    laptop: demo_service.DemoProfile,
) -> None:
    """Nothing the demo service sends is a record the laptop would refuse to save, so a
    worker can edit any of it."""
    refused, counted = _refused(laptop.store)
    assert refused == [] and counted > 100


def test_the_worker_has_assessments_at_each_stage(laptop: demo_service.DemoProfile) -> None:
    """The worker's caseload has an asset-based assessment approved by the team's manager, a
    draft, one made with version 1 of the form, a support plan and a household summary; each
    opens with the form version it was made with."""
    with laptop.store.read() as session:
        made = list(session.scalars(select(Assessment)))
    by_status = {(a.template_id, a.template_version, a.status): a for a in made}
    approved = by_status[("child_asset_based", 2, "approved")]
    assert approved.approved_by == "manager1" and approved.approved_at is not None
    assert approved.finalised_by == laptop.store.worker
    state = assessments.load(laptop.store, assessment_id=approved.id)
    assert state.template.version == 2 and state.status == "approved"
    assert state.answers["wellbeing_scale"] == 7 and "{name}" not in state.answers["strengths"]
    first = assessments.load(
        laptop.store, assessment_id=by_status[("child_asset_based", 1, "finalised")].id
    )
    assert first.template.version == 1 and first.finalised
    assert ("child_asset_based", 2, "draft") in by_status
    plans = [a for a in made if a.template_id == "support_plan"]
    summaries = [a for a in made if a.template_id == "carer_household_summary"]
    assert plans and plans[0].household_id is not None and plans[0].status == "finalised"
    assert summaries and summaries[0].household_id is not None


def test_review_actions_are_due_items_on_the_dashboard(laptop: demo_service.DemoProfile) -> None:
    """Actions agreed at reviews reach the laptop linked to their review, and the open ones
    are on the child's dashboard row: some overdue, some due soon or later; some are done."""
    today = clock.today()
    with laptop.store.read() as session:
        reviews = {r.id: r for r in session.scalars(select(Review))}
        actions = [a for a in session.scalars(select(Action)) if a.source_type == "review"]
    assert {r.kind for r in reviews.values()} >= {"CHILD_LAC", "CARER_ANNUAL", "SGO_SUPPORT"}
    assert actions and all(a.source_id in reviews for a in actions)
    assert any(a.completed_date is not None for a in actions)
    rows = {row.child_id: row for row in dashboard.rows(laptop.store, today)}
    statuses = set()
    for action in actions:
        if action.completed_date is None and action.child_id is not None:
            items = {i.obligation: i for i in rows[action.child_id].items}
            item = items[ACTION + action.id.hex]
            assert action.description in item.title
            statuses.add(item.status)
    assert {Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING} <= statuses
    sgo = next(r for r in reviews.values() if r.kind == "SGO_SUPPORT")
    assert sgo.child_id is not None and sgo.household_id is not None


def test_carer_households_show_visits_training_and_deadlines(
    laptop: demo_service.DemoProfile,
) -> None:
    """The worker's carer households include a temporarily approved connected person, an
    applicant and special guardians; their pages show supervising and unannounced visits,
    TSD training and annual reviews, with one unannounced visit and one TSD overdue."""
    today = clock.today()
    with laptop.store.read() as session:
        households = list(session.scalars(select(CarerHousehold)))
    by_status = {(h.carer_type, h.approval_status): h for h in households}
    temporary = by_status[("CONNECTED_PERSON", "TEMPORARY")]
    assert temporary.temporary_approval_date is not None
    assert (today - temporary.temporary_approval_date).days < 16 * 7
    assert ("MAINSTREAM_FOSTER", "APPLICANT") in by_status
    assert ("SPECIAL_GUARDIAN", "APPROVED") in by_status
    files = [open_household(laptop.store, h.id, today) for h in households]
    visit_types = {v.visit_type for f in files for v in f.visits}
    assert {"SUPERVISING", "UNANNOUNCED"} <= visit_types
    assert any(t.kind == "TSD" for f in files for t in f.training)
    late_visit = [f for f in files if f.next_unannounced and f.next_unannounced.status == "overdue"]
    late_tsd = [f for f in files if f.tsd and f.tsd.status == "overdue"]
    assert late_visit and late_tsd
    assert late_tsd[0].tsd_deadline is not None and "18 months" in late_tsd[0].tsd_deadline
    annual = [r for f in files for r in f.reviews if r.kind == "CARER_ANNUAL"]
    assert annual
    with laptop.store.read() as session:
        review = session.get(Review, annual[0].review_id)
        assert review is not None
        parts = carer_parts(review.decisions)
    assert parts.suitability == "YES" and parts.terms == "YES" and parts.panel is not None
    assert parts.carers_views and parts.children_views and parts.recommendation
    guardians = next(f for f in files if f.profile.carer_type_code == "SPECIAL_GUARDIAN")
    assert guardians.support_plans
    # The applicant is on its way from enquiry to approval, stage 1 of its assessment next.
    applicant = next(f for f in files if f.profile.approval_code == "APPLICANT")
    assert applicant.pipeline is not None and applicant.pipeline.next_stage is not None
    assert applicant.pipeline.next_stage.column == "stage1_completed"
    assert applicant.item("assessment_stage1") is not None


@pytest.mark.parametrize("manager", ["manager1", "manager2", "manager3"])
def test_every_teams_demo_records_pass_the_laptops_validation(
    service: DemoService, tmp_path: Path, manager: str
) -> None:
    """Each team's whole caseload (what its manager's laptop holds) is data the laptop would
    accept: the demo is usable from any account, not only the demo worker's."""
    saved = json.loads((service.folder / demo_service.ACCOUNTS_FILE).read_text(encoding="utf-8"))
    as_manager = replace(service, username=manager, password=saved["accounts"][manager])
    opened = demo_service.open_profile(
        as_manager, root=tmp_path / "data", kdf=fast_kdf(), device_name="Test"
    )
    try:
        refused, counted = _refused(opened.store)
        assert refused == [] and counted > 500
    finally:
        opened.store.lock()


def test_make_run_as_manager_opens_the_teams_manager_on_a_laptop_of_their_own(
    service: DemoService, tmp_path: Path
) -> None:
    """``make run AS=manager`` signs in as the demo worker's team manager, on a profile apart
    from the worker's, holding the whole team's caseload (more than the worker's own)."""
    saved = json.loads((service.folder / demo_service.ACCOUNTS_FILE).read_text(encoding="utf-8"))
    username, password = demo_service._pick_account(saved["accounts"], "manager")
    assert username == demo_service.PREFERRED_MANAGER
    with pytest.raises(demo_service.DemoServiceFailed, match="no demo 'admin'"):
        demo_service._pick_account(saved["accounts"], "admin")
    root = tmp_path / "data"
    worker = demo_service.open_profile(service, root=root, kdf=fast_kdf(), device_name="Test")
    try:
        worker_children = _children(worker.store)
    finally:
        worker.store.lock()
    as_manager = replace(service, username=username, password=password)
    opened = demo_service.open_profile(as_manager, root=root, kdf=fast_kdf(), device_name="Test")
    try:
        assert opened.profile.name == "demo-service-manager" != DEMO_SERVICE_PROFILE
        signed_in = account.account(opened.store)
        assert signed_in is not None and signed_in.role == "manager"
        assert _children(opened.store) > worker_children
    finally:
        opened.store.lock()


# ---- What a worker can walk through in `make run` (issues 24, 28 and 30)


def test_approved_fostering_households_say_what_they_are_approved_for(
    laptop: demo_service.DemoProfile,
) -> None:
    """Every approved fostering household carries its type of fostering (the carer register
    matches on it); households that do not foster, or are not approved yet, carry none."""
    with laptop.store.read() as session:
        households = list(session.scalars(select(CarerHousehold)))
    fostering = ("MAINSTREAM_FOSTER", "CONNECTED_PERSON", "FOSTERING_FOR_ADOPTION")
    approved = [h for h in households if h.approval_date and h.carer_type in fostering]
    assert approved
    assert all(codes.is_valid("fostering_approval_type", h.approval_type or "") for h in approved)
    assert {h.approval_type for h in approved if h.carer_type == "CONNECTED_PERSON"} == {
        "CONNECTED_PERSON"
    }
    others = [h for h in households if h not in approved]
    assert others and all(h.approval_type is None for h in others)


def test_a_child_gone_home_is_in_support_after_return(laptop: demo_service.DemoProfile) -> None:
    """The worker's caseload holds a child whose care order ended nine days ago because she
    went home (E4A): her case is open, she is on the dashboard with the support plan due within
    ten working days of going home (part-written, as a draft) and her first support visit
    made, and her history shows her placed with her mother, on the nominated officer's decision,
    before the order ended."""
    today = clock.today()
    with laptop.store.read() as session:
        evie = session.scalars(select(Child).where(Child.family_name == "Whitcombe")).one()
        statuses = list(session.scalars(select(LegalStatus).where(LegalStatus.child_id == evie.id)))
        placements = list(session.scalars(select(Placement).where(Placement.child_id == evie.id)))
        plans = list(session.scalars(select(Assessment).where(Assessment.child_id == evie.id)))
    assert evie.case_open
    ended = max(statuses, key=lambda s: s.start_date)
    # Nine days before the day the service was built (which may be yesterday, run at midnight).
    assert ended.reason_ceased == "E4A" and ended.end_date is not None
    assert (today - ended.end_date).days in (9, 10)
    assert [p.placement_type for p in sorted(placements, key=lambda p: p.start_date)] == [
        "U6",
        "P1",
    ]
    assert sorted((a.template_id, a.status) for a in plans) == [
        ("placement_with_parents", "approved"),
        ("return_home_support_plan", "draft"),
    ]
    row = next(r for r in dashboard.rows(laptop.store, today) if r.child_id == evie.id)
    items = {i.obligation: i for i in row.items}
    assert items["return_home_support_plan"].status is Status.DUE_SOON
    assert items["return_home_outcome_6"].status is Status.UPCOMING
    assert items["child_visit"].status is not Status.OVERDUE


def test_the_worker_can_take_an_enquiry_and_a_connected_person_on(
    laptop: demo_service.DemoProfile,
) -> None:
    """A household that enquired four days ago waits for its initial visit (due on the
    dashboard's household list), and the temporarily approved grandparents' assessment goes on
    from their viability assessment; the laptop's own pipeline records the next stage of each.
    (Last in the module: it records on the shared demo laptop.)"""
    today = clock.today()
    with laptop.store.read() as session:
        households = {h.name: h for h in session.scalars(select(CarerHousehold))}
    enquiry = open_household(laptop.store, households["The Adeyemi household"].id, today)
    assert enquiry.pipeline is not None and enquiry.profile.approval_code == "ENQUIRY"
    assert enquiry.pipeline.next_stage is not None
    assert enquiry.pipeline.next_stage.column == "initial_visit_date"
    visit_due = enquiry.item("initial_visit")
    assert visit_due is not None and visit_due.status is Status.DUE_SOON
    carer_pipeline.record_stage(
        laptop.store, enquiry.profile.household_id, "initial_visit_date", today
    )
    visited = open_household(laptop.store, enquiry.profile.household_id, today)
    assert visited.pipeline is not None and visited.pipeline.next_stage is not None
    assert visited.pipeline.next_stage.column == "application_date"

    grandparents = next(
        h
        for h in households.values()
        if h.carer_type == "CONNECTED_PERSON"
        and h.approval_status == "TEMPORARY"
        and h.supervising_worker == laptop.store.worker
    )
    file = open_household(laptop.store, grandparents.id, today)
    assert file.pipeline is not None and file.pipeline.connected
    assert file.pipeline.next_stage is not None
    assert file.pipeline.next_stage.column == "stage1_completed"
    carer_pipeline.record_stage(laptop.store, grandparents.id, "stage1_completed", today)
    file = open_household(laptop.store, grandparents.id, today)
    assert file.pipeline is not None and file.pipeline.next_stage is not None
    assert file.pipeline.next_stage.column == "stage2_completed"
