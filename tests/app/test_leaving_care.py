"""Recording a child leaving care: the legal status and the placement end together, for a reason
from the SSDA903 list; a day in the future or before the status began is refused in words and
nothing changes."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

import resources
from app import clock, codes, leaving_care
from app.chronology import load_case
from app.deadlines import cache
from app.errors import ValidationError
from app.models import AuditEvent, LegalStatus, OutboxEntry, Placement
from app.models.due_cache import CHILD
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
    real = resources.load_toml
    monkeypatch.setattr(
        resources,
        "load_toml",
        lambda *parts: typo if parts == ("codes", "service.toml") else real(*parts),
    )
    leaving_care.reason_list.cache_clear()
    try:
        with pytest.raises(leaving_care.ReasonListError, match="HOME maps to 'E4Z'"):
            leaving_care.reason_list()
    finally:
        monkeypatch.undo()
        leaving_care.reason_list.cache_clear()


def _support_plan_due(store: Store, child_id: uuid.UUID) -> date:
    with cache.current(store, clock.today()) as session:
        items = cache.subject_items(session, clock.today(), CHILD, child_id)
    [plan] = [i for i in items if i.obligation == "return_home_support_plan"]
    return plan.due


def test_a_leaving_day_recorded_by_mistake_is_corrected_with_its_reason(store: Store) -> None:
    """Worked by hand: the child went home on Monday 2 March 2026 but Monday 9 March was
    recorded. The support plan (RH1, ten working days) moves from 23 March to 16 March; the
    status and the placement move together; the chronology keeps both days and the reason;
    the audit trail names the correction but not the reason; all of it waits for the sync."""
    with clock.frozen_at(datetime(2026, 3, 12, 12, 0).astimezone()):
        child_id = _looked_after(store)
        leaving_care.record_leaving_care(store, child_id, date(2026, 3, 9), "E4A")
        assert _support_plan_due(store, child_id) == date(2026, 3, 23)
        assert leaving_care.last_left(store, child_id) == date(2026, 3, 9)

        done = leaving_care.correct_leaving_date(
            store, child_id, date(2026, 3, 2), "Typed the day of the review, not the discharge."
        )

        assert (done.was, done.now) == (date(2026, 3, 9), date(2026, 3, 2))
        [status], [placement] = _open(store, child_id)
        assert status.end_date == placement.end_date == date(2026, 3, 2)
        assert status.reason_ceased == "E4A"
        assert _support_plan_due(store, child_id) == date(2026, 3, 16)
        with store.read() as session:
            case = load_case(session, child_id, clock.today())
            [note] = [e for e in case.chronology if e.kind == "case_note"]
            assert note.title.startswith("Record corrected: Day the child left care corrected")
            assert "9 March 2026 to 2 March 2026" in note.summary
            assert "Typed the day of the review" in note.summary
            [event] = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "leaving_care.corrected")
            )
            assert event.record_id == status.id and "review" not in event.detail
            queued = {e.record_id: e.fields for e in session.scalars(select(OutboxEntry))}
        assert queued[status.id].get("end_date") == "2026-03-02"
        assert queued[placement.id].get("end_date") == "2026-03-02"
        assert queued[done.note_id].get("kind") == "RECORD_CORRECTED"


@pytest.mark.parametrize(
    ("on", "reason", "field", "words"),
    [
        (date(2026, 3, 2), "  ", "reason", "Say why the day is being corrected"),
        (date(2026, 3, 9), "Wrong day.", "end_date", "9 March 2026 is already the day recorded"),
        (BEGAN - timedelta(days=1), "Wrong day.", "end_date", "before this legal status began"),
        (date(2026, 4, 1), "Wrong day.", "end_date", "before they came back into care (20 March"),
        (date(2026, 6, 1), "Wrong day.", "end_date", "cannot be in the future"),
    ],
)
def test_a_correction_without_a_reason_or_to_an_impossible_day_is_refused(
    store: Store, on: date, reason: str, field: str, words: str
) -> None:
    with clock.frozen_at(datetime(2026, 5, 1, 12, 0).astimezone()):
        child_id = _looked_after(store)
        leaving_care.record_leaving_care(store, child_id, date(2026, 3, 9), "E4A")
        with store.write() as session:  # back into care on 20 March
            session.add(LegalStatus(child_id=child_id, code="V2", start_date=date(2026, 3, 20)))
        with pytest.raises(ValidationError) as refused:
            leaving_care.correct_leaving_date(store, child_id, on, reason)
        assert any(p.field == field and words in p.message for p in refused.value.problems), (
            refused.value.problems
        )
        assert leaving_care.last_left(store, child_id) == date(2026, 3, 9)


def test_a_child_who_never_left_care_has_no_day_to_correct(store: Store) -> None:
    child_id = _looked_after(store)
    with pytest.raises(leaving_care.NothingToCorrect):
        leaving_care.correct_leaving_date(store, child_id, BEGAN, "Wrong day.")


def test_leaving_care_today_shows_on_the_record_at_once(store: Store) -> None:
    """The day a child leaves care is their last day looked after, so the status is still
    current that day; the record says until when, so the worker sees the save took."""
    with clock.frozen_at(datetime(2026, 3, 9, 12, 0).astimezone()):
        child_id = _looked_after(store)
        leaving_care.record_leaving_care(store, child_id, clock.today(), "E4A")
        with store.read() as session:
            profile = load_case(session, child_id, clock.today()).profile
            tomorrow = load_case(session, child_id, date(2026, 3, 10)).profile
    assert profile.legal_status == "Full care order (s31), until 9 March 2026"
    assert tomorrow.legal_status == "Not looked after"
    assert tomorrow.return_home == "Returned home on 9 March 2026: support after return home"
