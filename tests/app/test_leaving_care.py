"""Recording a child leaving care: the legal status and the placement end together, for a reason
from the SSDA903 list; a day in the future or before the status began is refused in words and
nothing changes."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import clock, codes, leaving_care
from app.errors import ValidationError
from app.models import LegalStatus, OutboxEntry, Placement
from app.store import Store
from tests.app import factories

BEGAN = date(2025, 3, 3)


def _looked_after(store: Store) -> uuid.UUID:
    with store.write() as session:
        child = factories.child()
        session.add(child)
        session.flush()
        session.add(LegalStatus(child_id=child.id, code="C2", start_date=BEGAN))
        session.add(
            Placement(child_id=child.id, placement_type="P1", provider="PR0", start_date=BEGAN)
        )
        return child.id


def _open(store: Store, child_id: uuid.UUID) -> tuple[list[LegalStatus], list[Placement]]:
    with store.read() as session:
        statuses = list(
            session.scalars(select(LegalStatus).where(LegalStatus.child_id == child_id))
        )
        placements = list(session.scalars(select(Placement).where(Placement.child_id == child_id)))
        session.expunge_all()
        return statuses, placements


def test_the_status_and_placement_end_together_and_go_to_sync(store: Store) -> None:
    child_id = _looked_after(store)
    home = clock.today() - timedelta(days=2)
    left = leaving_care.record_leaving_care(store, child_id, home, "E4A")
    [status], [placement] = _open(store, child_id)
    assert (status.end_date, status.reason_ceased) == (home, "E4A")
    assert placement.end_date == home
    assert left.status_ids == (status.id,) and left.placement_ids == (placement.id,)
    with store.read() as session:
        queued = [
            e.fields.get("end_date")
            for e in session.scalars(select(OutboxEntry))
            if e.record_id in (status.id, placement.id)
        ]
    assert queued.count(home.isoformat()) == 2, queued  # both ends wait for the next sync
    with pytest.raises(leaving_care.NotLookedAfter):
        leaving_care.record_leaving_care(store, child_id, home, "E4A")


@pytest.mark.parametrize(
    ("on", "reason", "field", "words"),
    [
        (BEGAN - timedelta(days=1), "E4A", "end_date", "before this legal status began (3 March"),
        (date.max, "E4A", "end_date", "cannot be in the future"),
        (BEGAN + timedelta(days=5), "", "reason_ceased", "Choose why the child left care"),
    ],
)
def test_a_wrong_day_or_no_reason_is_refused_in_words_and_nothing_ends(
    store: Store, on: date, reason: str, field: str, words: str
) -> None:
    child_id = _looked_after(store)
    with pytest.raises(ValidationError) as refused:
        leaving_care.record_leaving_care(store, child_id, on, reason)
    [problem] = refused.value.problems
    assert problem.field == field and words in problem.message
    [status], [placement] = _open(store, child_id)
    assert status.end_date is None and placement.end_date is None


def test_going_home_as_planned_is_offered_first() -> None:
    offered = list(leaving_care.reasons())
    assert offered[0] == "E4A" and "X1" not in offered


def test_the_reasons_are_the_services_data_each_recording_a_903_reason() -> None:
    offered = leaving_care.reason_list()
    rec = codes.code_list("reason_episode_ceased")
    assert all(r.ssda903 in rec for r in offered)
    assert offered[0].words == "Went home to parent(s) as part of the care plan"
    assert leaving_care.reasons()["E4A"] == offered[0].words


def test_a_reason_mapped_to_no_903_code_is_refused_when_the_list_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typo = {"leaving_care_reason": {"HOME": {"label": "Went home", "ssda903": "E4Z"}}}
    monkeypatch.setattr(leaving_care.resources, "load_toml", lambda *_parts: typo)
    leaving_care.reason_list.cache_clear()
    try:
        with pytest.raises(leaving_care.ReasonListError, match="HOME maps to 'E4Z'"):
            leaving_care.reason_list()
    finally:
        monkeypatch.undo()
        leaving_care.reason_list.cache_clear()
