"""A pulled record that refers to one the laptop does not hold yet waits for it (sync.waiting).

The service lists records by their latest revision, so a household edited after its carer and
the carer's training were recorded comes last, and pages may end anywhere in between.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Carer, CarerHousehold, TrainingRecord, WaitingVersion
from app.store import Store
from sync.apply import ApplyTally, apply_removal
from sync.pages import apply_pulled
from sync.protocol.messages import RecordVersion, Removal
from tests.app import factories
from tests.conftest import unlocked_store
from tests.sync.test_apply import _version


@pytest.fixture
def family(tmp_path: Path) -> list[RecordVersion]:
    """A household, its carer and the carer's training, made on another laptop: versions in
    the order the feed lists them once the household has been edited last."""
    with unlocked_store(tmp_path, "elsewhere") as other, other.write() as session:
        household = factories.household()
        session.add(household)
        session.flush()
        carer = Carer(household_id=household.id, given_name="Jo", family_name="Whitfield")
        session.add(carer)
        session.flush()
        training = TrainingRecord(
            household_id=household.id,
            carer_id=carer.id,
            kind="PREPARATION",
            title="Skills to Foster",
            completed_date=date(2026, 10, 1),
        )
        session.add(training)
        session.flush()
        return [_version(training, 3), _version(carer, 4), _version(household, 9)]


def _held(store: Store) -> set[str]:
    with store.read() as session:
        return {
            *(f"household {h.name}" for h in session.scalars(select(CarerHousehold))),
            *(f"carer {c.given_name}" for c in session.scalars(select(Carer))),
            *(f"training {t.title}" for t in session.scalars(select(TrainingRecord))),
        }


def _waiting(store: Store) -> int:
    with store.read() as session:
        return len(session.scalars(select(WaitingVersion)).all())


@pytest.mark.parametrize("cut", [1, 2])
def test_records_wait_in_a_chain_until_what_they_refer_to_arrives(
    store: Store, family: list[RecordVersion], cut: int
) -> None:
    """Training refers to a carer, who refers to a household: whatever comes before the
    household waits (each page commits on its own), and all is in place once it arrives."""
    for page in (family[:cut], family[cut:]):
        with store.write(remote=True) as session:
            apply_pulled(session, page, ApplyTally())
        if page is family[:cut]:
            assert _held(store) == set() and _waiting(store) == cut
    assert _held(store) == {
        "household The Whitfield household",
        "carer Jo",
        "training Skills to Foster",
    }
    assert _waiting(store) == 0


def test_any_order_in_one_page_applies_at_once(store: Store, family: list[RecordVersion]) -> None:
    for order in itertools.permutations(family):
        with store.write(remote=True) as session:
            apply_pulled(session, list(order), ApplyTally())
        assert len(_held(store)) == 3 and _waiting(store) == 0


def test_a_waiting_record_that_is_removed_waits_no_more(
    store: Store, family: list[RecordVersion]
) -> None:
    """The training left the caseload (or was deleted) before its household arrived: it is
    forgotten, and never appears when the rest does."""
    training, carer, household = family
    with store.write(remote=True) as session:
        apply_pulled(session, [training, carer], ApplyTally())
        apply_removal(
            session,
            Removal(
                record_type=training.record_type, record_id=training.record_id, reason="deleted"
            ),
            ApplyTally(),
        )
    assert _waiting(store) == 1
    with store.write(remote=True) as session:
        apply_pulled(session, [household], ApplyTally())
    assert _held(store) == {"household The Whitfield household", "carer Jo"}
    assert _waiting(store) == 0


def test_a_newer_version_of_a_waiting_record_replaces_the_older(
    store: Store, family: list[RecordVersion]
) -> None:
    training, carer, household = family
    renamed = training.model_copy(
        update={"revision": 12, "fields": {**training.fields, "title": "Skills to Foster 2"}}
    )
    for page in ([renamed], [training], [carer, household]):
        with store.write(remote=True) as session:
            apply_pulled(session, page, ApplyTally())
    assert "training Skills to Foster 2" in _held(store)
