"""Form templates published on the real central service reach laptops by sync: a new version
becomes available, an assessment started with it keeps opening with it after the service
publishes another, and a template with a mistake is reported without stopping the sync."""

from __future__ import annotations

import json
import shutil
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from app.replica import state as replica_state
from app.services import assessments
from app.store import Profile, Store
from sync import templates
from sync.client import ServiceClient
from sync.engine import SyncSummary, run_sync
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf
from tests.server.conftest import PASSWORD, LiveServer, ServerFactory, backends

SHIPPED = resources.files("resources").joinpath("forms")


@dataclass
class Laptop:
    store: Store
    client: ServiceClient

    def sync(self) -> SyncSummary:
        return run_sync(self.store, self.client)


@dataclass
class Service:
    live: LiveServer
    forms: Path
    worker: str

    def publish(self, name: str, content: dict[str, Any]) -> None:
        """Publish a document as JSON (the service serves TOML and JSON alike); publishing
        under an existing name replaces that document."""
        (self.forms / f"{name}.json").write_text(json.dumps(content), "utf-8")


def _shipped(name: str) -> dict[str, Any]:
    return tomllib.loads(SHIPPED.joinpath(name).read_text("utf-8"))


def _new_version(version: int, title: str) -> dict[str, Any]:
    content = _shipped("child_asset_based.v2.toml")
    content["version"] = version
    content["title"] = title
    return content


@pytest.fixture(autouse=True)
def check_every_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests publish forms between syncs seconds apart: ask the service every time
    (``test_a_quiet_sync_within_the_hour_does_not_ask_for_forms`` checks the hourly pace)."""
    monkeypatch.setattr(templates, "CHECK_INTERVAL", timedelta(0))


@pytest.fixture(params=backends())
def service(
    request: pytest.FixtureRequest, server_factory: ServerFactory, tmp_path: Path
) -> Service:
    """A service publishing the shipped forms from a folder of its own."""
    forms = tmp_path / "forms"
    forms.mkdir()
    for entry in SHIPPED.iterdir():
        if entry.name.endswith(".toml"):
            shutil.copyfile(str(entry), forms / entry.name)
    live = server_factory(request.param, forms_dir=forms)
    return Service(live, forms, live.user("worker", live.team()))


@pytest.fixture
def laptops(service: Service, tmp_path: Path) -> Iterator[tuple[Laptop, Laptop]]:
    made = []
    for name in ("one", "two"):
        profile = Profile.create(
            name, PASSPHRASE, worker=service.worker, root=tmp_path, kdf=fast_kdf()
        )
        client = ServiceClient(service.live.url)
        client.register_device(
            username=service.worker, password=PASSWORD, device_name=f"Laptop {name}"
        )
        made.append(Laptop(profile.unlock(PASSPHRASE), client))
    yield made[0], made[1]
    for laptop in made:
        laptop.store.lock()
        laptop.client.close()


def test_a_new_version_reaches_the_laptop_and_records_keep_their_own(
    service: Service, laptops: tuple[Laptop, Laptop]
) -> None:
    """Version 3 published on the service is offered after a sync (the shipped forms are not
    fetched again); an assessment started with it still opens with version 3 on both laptops
    after the service publishes version 4."""
    one, two = laptops
    quiet = one.sync()
    assert quiet.ok and quiet.templates_fetched == 0

    service.publish("child_asset_based.v3", _new_version(3, "Asset-based assessment, 2027"))
    fetched = one.sync()
    assert fetched.ok, fetched.errors
    assert fetched.templates_fetched == 1
    offered = {t.id: t for t in assessments.templates_for(one.store, subject="child")}
    assert offered["child_asset_based"].version == 3

    with one.store.write() as session:
        child = factories.child(allocated_worker=service.worker)
        session.add(child)
    assessment_id = uuid.uuid4()  # made up front, as the form does
    assessments.save_draft(
        one.store,
        assessment_id=assessment_id,
        template_id="child_asset_based",
        template_version=3,
        child_id=child.id,
        household_id=None,
        answers={"strengths": "Loves building dens."},
    )
    assert one.sync().ok

    service.publish("child_asset_based.v4", _new_version(4, "Asset-based assessment, 2028"))
    for laptop in (one, two):
        summary = laptop.sync()
        assert summary.ok, summary.errors
        state = assessments.load(laptop.store, assessment_id=assessment_id)
        assert (state.template.version, state.template.title) == (
            3,
            "Asset-based assessment, 2027",
        )
        assert state.answers == {"strengths": "Loves building dens."}
        newest = {t.id: t for t in assessments.templates_for(laptop.store, subject="child")}
        assert newest["child_asset_based"].version == 4
    assert one.sync().templates_fetched == 0


def test_a_template_with_a_mistake_is_reported_and_the_rest_of_the_sync_happens(
    service: Service, laptops: tuple[Laptop, Laptop]
) -> None:
    """A malformed template is skipped with a plain message naming it; a good one published
    with it still arrives, and the worker's work still reaches the service."""
    one, two = laptops
    broken = _new_version(5, "Broken")
    broken["sections"][1]["questions"][0]["type"] = "essay"
    service.publish("child_asset_based.v5", broken)
    good = _shipped("support_plan.v1.toml")
    good["version"] = 2
    service.publish("support_plan.v2", good)
    with one.store.write() as session:
        session.add(factories.child(allocated_worker=service.worker, given_name="Kofi"))

    summary = one.sync()
    assert summary.sent == 1 and summary.templates_fetched == 1
    [problem] = summary.errors
    assert "'child_asset_based.v5' has a mistake" in problem
    assert "sections[1].questions[0]" in problem and "service desk" in problem
    newest = {t.id: t.version for t in assessments.templates_for(one.store, subject="household")}
    assert newest["support_plan"] == 2
    assert {t.id: t.version for t in assessments.templates_for(one.store, subject="child")}[
        "child_asset_based"
    ] == 2

    service.publish("child_asset_based.v5", _new_version(5, "Fixed"))
    fixed = one.sync()
    assert fixed.ok and fixed.templates_fetched == 1
    assert two.sync().received >= 1


def test_a_quiet_sync_within_the_hour_does_not_ask_for_forms(
    service: Service, laptops: tuple[Laptop, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first sync asks the service for its forms; another sync within the hour does not
    (a quiet sync stays one round trip), and once the hour has passed it asks again."""
    monkeypatch.setattr(templates, "CHECK_INTERVAL", timedelta(hours=1))
    one, _two = laptops
    asked: list[int] = []
    listing = one.client.templates

    def counted() -> object:
        asked.append(1)
        return listing()

    monkeypatch.setattr(one.client, "templates", counted)
    assert one.sync().ok and len(asked) == 1
    service.publish("child_asset_based.v3", _new_version(3, "Asset-based assessment, 2027"))
    assert one.sync().templates_fetched == 0 and len(asked) == 1
    with one.store.write() as session:
        replica_state.put(session, replica_state.TEMPLATES_CHECKED, "2020-01-01T00:00:00+00:00")
    assert one.sync().templates_fetched == 1 and len(asked) == 2


def test_a_record_on_a_form_version_published_within_the_hour_fetches_it_in_the_same_sync(
    service: Service, laptops: tuple[Laptop, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Laptop two checked the service's forms a moment ago; version 3 is published and laptop
    one starts an assessment on it the same day. Two's next sync brings the assessment and,
    although its hourly check is not due, fetches version 3 with it: the record opens."""
    one, two = laptops
    assert two.sync().ok
    monkeypatch.setattr(templates, "CHECK_INTERVAL", timedelta(hours=1))
    service.publish("child_asset_based.v3", _new_version(3, "Asset-based assessment, 2027"))
    monkeypatch.setattr(templates, "CHECK_INTERVAL", timedelta(0))
    assert one.sync().templates_fetched == 1
    monkeypatch.setattr(templates, "CHECK_INTERVAL", timedelta(hours=1))
    with one.store.write() as session:
        child = factories.child(allocated_worker=service.worker)
        session.add(child)
    assessment_id = uuid.uuid4()
    assessments.save_draft(
        one.store,
        assessment_id=assessment_id,
        template_id="child_asset_based",
        template_version=3,
        child_id=child.id,
        household_id=None,
        answers={"strengths": "Plays the drums."},
    )
    assert one.sync().ok
    summary = two.sync()
    assert summary.ok, summary.errors
    assert summary.templates_fetched == 1
    state = assessments.load(two.store, assessment_id=assessment_id)
    assert state.template.version == 3 and state.answers == {"strengths": "Plays the drums."}
