"""A prospective fostering household's stages travel through the real central service: the
assessing worker's second laptop receives the panel's recommendation and the agency decision
maker's decision with its terms, and works out the approved household's deadlines from them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from app import carer_pipeline, clock
from app.carer_pipeline import ApprovalTerms
from app.deadlines.engine import Status
from app.households import open_household
from app.store import Profile, Store
from sync.client import ServiceClient
from sync.engine import SyncSummary, run_sync
from tests.conftest import PASSPHRASE, fast_kdf
from tests.server.conftest import PASSWORD, LiveServer


@dataclass
class Laptop:
    store: Store
    client: ServiceClient

    def sync(self) -> SyncSummary:
        summary = run_sync(self.store, self.client)
        assert summary.ok, summary.errors
        return summary


@pytest.fixture
def laptops(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Laptop, Laptop]]:
    worker = server.user("worker", server.team())
    made = []
    for name in ("office", "home"):
        profile = Profile.create(name, PASSPHRASE, worker=worker, root=tmp_path, kdf=fast_kdf())
        client = ServiceClient(server.url)
        client.register_device(username=worker, password=PASSWORD, device_name=f"Laptop {name}")
        made.append(Laptop(profile.unlock(PASSPHRASE), client))
    yield made[0], made[1]
    for laptop in made:
        laptop.store.lock()
        laptop.client.close()


def test_the_decision_reaches_the_assessing_workers_other_laptop(
    laptops: tuple[Laptop, Laptop],
) -> None:
    office, home = laptops
    today = clock.today()

    household_id = carer_pipeline.start_enquiry(
        office.store,
        name="The Mensah household",
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker=office.store.worker or "",
        enquiry_date=today - timedelta(days=240),
    )
    for column, days in (
        ("initial_visit_date", 230),
        ("application_date", 220),
        ("stage1_completed", 170),
        ("stage2_completed", 60),
    ):
        carer_pipeline.record_stage(office.store, household_id, column, today - timedelta(days))
    carer_pipeline.record_stage(
        office.store,
        household_id,
        "panel_date",
        today - timedelta(days=30),
        recommendation="APPROVE",
    )
    office.sync()
    home.sync()
    at_home = open_household(home.store, household_id, today)
    assert at_home.pipeline is not None
    assert at_home.pipeline.panel_recommendation == "APPROVE"
    waiting = at_home.item("agency_decision")
    assert waiting is not None and waiting.status is Status.OVERDUE

    carer_pipeline.record_decision(
        office.store,
        household_id,
        today - timedelta(days=25),
        "APPROVE",
        ApprovalTerms("LONG_TERM", 1, 0, 17, "One child aged 0 to 17, long-term"),
    )
    office.sync()
    home.sync()
    approved = open_household(home.store, household_id, today)
    assert approved.profile.approval_code == "APPROVED"
    assert approved.profile.approval_date == today - timedelta(days=25)
    assert (approved.profile.max_children, approved.profile.approval_terms) == (
        1,
        "One child aged 0 to 17, long-term",
    )
    assert approved.pipeline is not None and approved.pipeline.approval_type == "LONG_TERM"
    decided = approved.item("agency_decision")
    assert decided is not None and decided.status is Status.DONE
    review = approved.item("carer_review")
    assert review is not None and review.due.year == (today - timedelta(days=25)).year + 1
