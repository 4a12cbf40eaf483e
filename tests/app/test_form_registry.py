"""The laptop's form templates: shipped ones plus those fetched from the service, every version
kept, newest offered, and a published version never silently replaced."""

from __future__ import annotations

import copy
import hashlib
import logging
import tomllib
from importlib import resources
from typing import Any

import pytest

from app.forms import registry
from app.forms.template import TemplateError
from app.models import FetchedTemplate
from app.store import Store


def _shipped(name: str) -> dict[str, Any]:
    text = resources.files("resources").joinpath("forms", name).read_text("utf-8")
    return tomllib.loads(text)


def _version(content: dict[str, Any], version: int, title: str | None = None) -> dict[str, Any]:
    made = copy.deepcopy(content)
    made["version"] = version
    if title is not None:
        made["title"] = title
    return made


def _sha(content: dict[str, Any]) -> str:
    return hashlib.sha256(repr(sorted(content.items())).encode()).hexdigest()


def test_shipped_templates_are_found_by_id_and_version(store: Store) -> None:
    """Both shipped versions of the child assessment are there; the newest is offered."""
    with store.read() as session:
        assert registry.get(session, "child_asset_based", 1).version == 1
        assert registry.latest(session, "child_asset_based").version == 2
        offered = registry.available(session, "child")
        household = registry.available(session, "household")
    assert [t.title for t in offered] == sorted((t.title for t in offered), key=str.casefold)
    assert {t.key for t in offered} >= {
        ("child_asset_based", 2),
        ("kinship_viability", 1),
        ("reunification_assessment", 1),
        ("return_home_support_plan", 1),
        ("return_home_outcome", 1),
    }
    assert ("child_asset_based", 1) not in {t.key for t in offered}
    assert [t.title for t in household] == sorted(t.title for t in household)
    assert {t.id for t in household} == {
        "carer_household_summary",
        "sgo_support_needs",
        "support_plan",
        "fostering_form_f",
        "connected_person_form_c",
    }


def test_the_shipped_files_hashes_are_held(store: Store) -> None:
    """The hash of each shipped file counts as held, so sync never fetches what shipped."""
    folder = resources.files("resources").joinpath("forms")
    expected = {
        hashlib.sha256(entry.read_bytes()).hexdigest()
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }
    with store.read() as session:
        assert registry.held_hashes(session) == expected


def test_a_fetched_version_becomes_the_newest_and_the_old_ones_stay(store: Store) -> None:
    """A version 3 from the service is offered for new assessments; 1 and 2 still open."""
    content = _version(_shipped("child_asset_based.v2.toml"), 3, "Asset-based assessment (v3)")
    with store.write() as session:
        kept = registry.store_fetched(session, content, _sha(content))
    assert kept.version == 3
    with store.read() as session:
        assert registry.latest(session, "child_asset_based").title == "Asset-based assessment (v3)"
        offered = registry.available(session, "child")
        assert [t.version for t in offered if t.id == "child_asset_based"] == [3]
        assert registry.get(session, "child_asset_based", 1).version == 1
        assert _sha(content) in registry.held_hashes(session)


def test_a_shipped_version_is_not_replaced_by_different_content_from_the_service(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """Different content under a shipped version number keeps the shipped form (records may
    already use it), warns without any case data, and is not fetched again."""
    changed = _version(_shipped("support_plan.v1.toml"), 1, "A different support plan")
    with caplog.at_level(logging.WARNING, logger="app.forms.registry"), store.write() as s:
        kept = registry.store_fetched(s, changed, _sha(changed))
    assert kept.title == "Support plan"
    assert "support_plan version 1" in caplog.text
    with store.read() as session:
        assert registry.get(session, "support_plan", 1).title == "Support plan"
        assert _sha(changed) in registry.held_hashes(session)


def test_between_two_fetched_copies_of_one_version_the_first_is_kept(store: Store) -> None:
    """A version the service changed after publishing keeps the copy the laptop had first."""
    base = _shipped("kinship_viability.v1.toml")
    first, second = _version(base, 2, "First copy"), _version(base, 2, "Second copy")
    with store.write() as session:
        registry.store_fetched(session, first, _sha(first))
    with store.write() as session:
        assert registry.store_fetched(session, second, _sha(second)).title == "First copy"
    with store.read() as session:
        assert registry.get(session, "kinship_viability", 2).title == "First copy"


def test_a_malformed_template_from_the_service_is_not_stored(store: Store) -> None:
    """A template with a slip is refused, naming the place, and nothing is kept."""
    broken = _version(_shipped("support_plan.v1.toml"), 2)
    broken["sections"][0]["questions"][0]["type"] = "essay"
    with pytest.raises(TemplateError, match=r"^sections\[0\]\.questions\[0\]"), store.write() as s:
        registry.store_fetched(s, broken, _sha(broken))
    with store.read() as session:
        assert registry.latest(session, "support_plan").version == 1
        assert _sha(broken) not in registry.held_hashes(session)


def test_a_stored_copy_this_app_cannot_read_counts_as_not_held(store: Store) -> None:
    """A fetched document a later, stricter app cannot parse is passed over, not a crash."""
    with store.write() as session:
        session.add(
            FetchedTemplate(
                sha256="f" * 64, template_id="support_plan", version=5, content={"id": "x"}
            )
        )
    with store.read() as session:
        assert registry.latest(session, "support_plan").version == 1
        with pytest.raises(registry.TemplateNotFound):
            registry.get(session, "support_plan", 5)


def test_an_unknown_template_says_to_sync(store: Store) -> None:
    """Asking for a form the laptop does not hold explains what to do."""
    with store.read() as session:
        with pytest.raises(registry.TemplateNotFound, match="Sync"):
            registry.get(session, "child_asset_based", 42)
        with pytest.raises(registry.TemplateNotFound, match="no form called"):
            registry.latest(session, "adoption_medical")


def test_a_form_of_a_kind_this_app_does_not_know_is_not_offered(store: Store) -> None:
    """A new kind of assessment published before the app's code list knows it is kept but
    not offered, since an assessment of an unknown kind could not be saved."""
    content = _version(_shipped("support_plan.v1.toml"), 1)
    content.update(id="adoption_support_plan", kind="ADOPTION_SUPPORT", title="Adoption plan")
    with store.write() as session:
        registry.store_fetched(session, content, _sha(content))
    with store.read() as session:
        assert registry.get(session, "adoption_support_plan", 1).title == "Adoption plan"
        offered = {t.id for t in registry.available(session, "household")}
    assert "adoption_support_plan" not in offered and "support_plan" in offered
