"""Closing the case after a return home: a six- or twelve-month outcome signed off with "Close
the case" closes it in the same transaction. The child leaves the dashboard's caseload, their
support items stop, the chronology says so, and both changes wait for the next sync; any other
answer leaves the case open, and a child looked after again cannot have their case closed."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from app import case_closing, child_search, clock, dashboard
from app.chronology import load_case
from app.deadlines import cache
from app.errors import ValidationError
from app.models import Assessment, CaseNote, Child, LegalStatus, OutboxEntry
from app.models.due_cache import CHILD
from app.services import assessments
from app.store import Store
from tests.app import factories

HOME = date(2026, 3, 2)
TWELVE_MONTHS_ON = datetime(2027, 3, 3, 12, 0).astimezone()


def _went_home(store: Store) -> uuid.UUID:
    with store.write() as session:
        child = factories.child(given_name="Evie", family_name="Whitfield")
        session.add(child)
        session.flush()
        session.add(
            LegalStatus(
                child_id=child.id,
                code="C2",
                start_date=date(2025, 6, 2),
                end_date=HOME,
                reason_ceased="E4A",
            )
        )
        return child.id


def _outcome(store: Store, child_id: uuid.UUID, support_next: str, **more: Any) -> uuid.UUID:
    answers = {
        "point": "TWELVE_MONTHS",
        "where": "AT_HOME",
        "how_going": "Settled at home and at school.",
        "support_next": support_next,
        **more,
    }
    assessment_id = uuid.uuid4()
    assessments.finalise(
        store,
        assessment_id=assessment_id,
        template_id="return_home_outcome",
        template_version=1,
        child_id=child_id,
        household_id=None,
        answers=answers,
    )
    return assessment_id


def _caseload(store: Store) -> set[uuid.UUID]:
    """The children on the dashboard, as it opens (its caseload lines) and as its rows."""
    lines = dashboard.caseload(store, clock.today()).lines
    rows = {row.child_id for row in dashboard.rows(store, clock.today())}
    assert {
        uuid.UUID(line[dashboard.KEY]) for line in lines if line[dashboard.KIND] == "child"
    } == rows
    return rows


def test_close_the_case_closes_it_off_the_caseload_with_a_chronology_entry(store: Store) -> None:
    with clock.frozen_at(TWELVE_MONTHS_ON):
        child_id = _went_home(store)
        assert child_id in _caseload(store)
        with cache.current(store, clock.today()) as session:
            before = cache.subject_items(session, clock.today(), CHILD, child_id)
        assert any(i.obligation == "return_home_outcome_12" for i in before)

        _outcome(store, child_id, "CLOSE")

        assert child_id not in _caseload(store)
        with cache.current(store, clock.today()) as session:
            assert list(cache.subject_items(session, clock.today(), CHILD, child_id)) == []
            case = load_case(session, child_id, clock.today())
        assert not case.profile.case_open
        [closed] = [e for e in case.chronology if e.kind == "case_note"]
        assert closed.title.startswith("Case closed")
        assert "outcome at twelve months" in closed.summary and closed.status == "Finalised"
        assert closed.on == clock.today()
        with store.read() as session:
            queued = {
                (e.record_type, e.record_id): e.fields for e in session.scalars(select(OutboxEntry))
            }
        assert queued[("child", child_id)].get("case_open") is False
        assert any(kind == "case_note" for kind, _id in queued)


def test_carrying_on_leaves_the_case_open(store: Store) -> None:
    with clock.frozen_at(TWELVE_MONTHS_ON):
        child_id = _went_home(store)
        _outcome(store, child_id, "STEP_DOWN")
        assert child_id in _caseload(store)
        with store.read() as session:
            assert session.scalars(select(CaseNote)).first() is None


def test_a_child_back_in_care_keeps_their_case_open_and_nothing_is_signed(store: Store) -> None:
    with clock.frozen_at(TWELVE_MONTHS_ON):
        child_id = _went_home(store)
        with store.write() as session:
            session.add(LegalStatus(child_id=child_id, code="C1", start_date=date(2026, 9, 1)))
        with pytest.raises(ValidationError) as refused:
            _outcome(
                store,
                child_id,
                "CLOSE",
                where="BACK_IN_CARE",
                back_in_care_on="2026-09-01",
                why_ended="Neglect concerns.",
            )
        [problem] = refused.value.problems
        assert problem.field == "support_next" and "looked after again" in problem.message
        with store.read() as session:
            assert session.get(Child, child_id).case_open  # type: ignore[union-attr]
            assert session.scalars(select(Assessment)).first() is None


def test_a_child_supported_after_going_home_says_so_on_the_dashboard(store: Store) -> None:
    """Not 'No legal status recorded': the row and the caseload line say they went home."""
    with clock.frozen_at(TWELVE_MONTHS_ON):
        child_id = _went_home(store)
        [row] = [r for r in dashboard.rows(store, clock.today()) if r.child_id == child_id]
        assert row.legal_status == "Not looked after: returned home"
        [line] = [
            line
            for line in dashboard.caseload(store, clock.today()).lines
            if line[dashboard.KEY] == child_id.hex
        ]
        assert dashboard.status_label(line[dashboard.LEGAL]) == row.legal_status


def test_a_closed_case_is_reopened_with_a_reason(store: Store) -> None:
    with clock.frozen_at(TWELVE_MONTHS_ON):
        child_id = _went_home(store)
        _outcome(store, child_id, "CLOSE")
        with pytest.raises(ValidationError) as refused:
            case_closing.reopen_case(store, child_id, "  ")
        assert [p.field for p in refused.value.problems] == ["reason"]
        assert child_id not in _caseload(store)
        # Off the caseload, the closed case is still found by the dashboard's search.
        assert child_id in {r.child_id for r in child_search.find_children(store, "Whitfield")}

        case_closing.reopen_case(store, child_id, "Closed by mistake: the 12-month review is due.")

        assert child_id in _caseload(store)
        with store.read() as session:
            case = load_case(session, child_id, clock.today())
        assert case.profile.case_open
        [reopened] = [e for e in case.chronology if e.title.startswith("Case reopened")]
        assert "Closed by mistake" in reopened.summary
        with pytest.raises(case_closing.CaseNotClosed):
            case_closing.reopen_case(store, child_id, "Again.")
