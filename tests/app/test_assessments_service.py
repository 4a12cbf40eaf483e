"""Recording an assessment without Qt: autosaved drafts are upserts by id, finalising needs the
required answers and signs off only what the form showed, finalised assessments never change,
managers approve, corrections are addenda, and old records keep their own form version."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app import clock
from app.chronology import chronology
from app.errors import RecordFinalised, ValidationError
from app.models import Assessment, AuditEvent, OutboxEntry
from app.services import assessments
from app.store import Store
from tests.app import factories

V1 = {
    "strengths": "Brilliant at drawing; proud of her swimming badge.",
    "positive_relationships": "Nan, who she phones every Sunday.",
    "existing_safety": "A settled routine with the carers.",
    "seen_alone": "YES",
    "child_views": "Wants to stay at her school.",
    "analysis": "Build on her friendships at school.",
}


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.child()
        session.add(made)
    return made.id


@pytest.fixture
def household_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.household()
        session.add(made)
    return made.id


def _save(
    store: Store, assessment_id: uuid.UUID, child_id: uuid.UUID, answers: dict[str, Any]
) -> assessments.Saved:
    return assessments.save_draft(
        store,
        assessment_id=assessment_id,
        template_id="child_asset_based",
        template_version=1,
        child_id=child_id,
        household_id=None,
        answers=answers,
    )


def _finalise(
    store: Store, assessment_id: uuid.UUID, child_id: uuid.UUID, answers: dict[str, Any]
) -> assessments.AssessmentState:
    return assessments.finalise(
        store,
        assessment_id=assessment_id,
        template_id="child_asset_based",
        template_version=1,
        child_id=child_id,
        household_id=None,
        answers=answers,
    )


def _count(store: Store, model: type[Any]) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_autosave_creates_the_draft_once_and_an_unchanged_save_writes_nothing(
    store: Store, child_id: uuid.UUID
) -> None:
    """The first save creates the assessment, later ones update it, and saving an unchanged
    form queues nothing for sync and audits nothing."""
    assessment_id = uuid.uuid4()
    first = _save(store, assessment_id, child_id, {"strengths": "Drawing"})
    second = _save(store, assessment_id, child_id, {"strengths": "Drawing and swimming"})
    assert (first.created, second.created) == (True, False)
    outbox, audit = _count(store, OutboxEntry), _count(store, AuditEvent)
    _save(store, assessment_id, child_id, {"strengths": "Drawing and swimming"})
    assert (_count(store, OutboxEntry), _count(store, AuditEvent)) == (outbox, audit)
    state = assessments.load(store, assessment_id=assessment_id)
    assert state.status == "draft" and state.answers == {"strengths": "Drawing and swimming"}
    assert state.started_date == clock.today()
    assert _count(store, Assessment) == 1


def test_a_draft_with_a_badly_shaped_answer_is_not_saved(store: Store, child_id: uuid.UUID) -> None:
    """A wrong value comes back beside its question and nothing is stored."""
    with pytest.raises(ValidationError) as caught:
        _save(store, uuid.uuid4(), child_id, {"seen_alone": "PERHAPS"})
    assert [p.field for p in caught.value.problems] == ["answers.seen_alone"]
    assert _count(store, Assessment) == 0


def test_finalising_needs_the_required_answers_and_names_each_question(
    store: Store, child_id: uuid.UUID
) -> None:
    """Finalising an incomplete assessment lists every missing required question by its
    label; the draft stays as it was."""
    assessment_id = uuid.uuid4()
    _save(store, assessment_id, child_id, {"strengths": "Drawing"})
    with pytest.raises(ValidationError) as caught:
        _finalise(store, assessment_id, child_id, {"strengths": "Drawing", "seen_alone": "NO"})
    found = {p.field: p.message for p in caught.value.problems}
    assert found["answers.not_seen_alone_reason"] == "Answer 'Why not?' before finalising."
    assert found["answers.analysis"] == (
        "Answer 'What do the child's strengths and needs mean for their care?' before finalising."
    )
    assert "answers.strengths" not in found
    state = assessments.load(store, assessment_id=assessment_id)
    assert state.status == "draft" and state.answers == {"strengths": "Drawing"}


def test_finalising_signs_off_only_what_the_form_showed(store: Store, child_id: uuid.UUID) -> None:
    """A reason typed while "not seen alone" was chosen, then switched back, is not signed
    off; who finalised and when are stamped."""
    assessment_id = uuid.uuid4()
    answers = {**V1, "not_seen_alone_reason": "Typed before changing the answer"}
    _save(store, assessment_id, child_id, answers)
    state = _finalise(store, assessment_id, child_id, answers)
    assert state.status == "finalised" and state.finalised
    assert state.answers == V1
    assert state.finalised_by == "alice" and state.finalised_at is not None


def test_a_finalised_assessment_cannot_change(store: Store, child_id: uuid.UUID) -> None:
    """Neither an autosave from a stale form nor a direct edit changes a finalised record."""
    assessment_id = uuid.uuid4()
    _finalise(store, assessment_id, child_id, V1)
    with pytest.raises(RecordFinalised):
        _save(store, assessment_id, child_id, {**V1, "strengths": "Changed"})
    with pytest.raises(RecordFinalised), store.write() as session:
        record = session.get(Assessment, assessment_id)
        assert record is not None
        record.answers = {**V1, "strengths": "Changed"}
    assert assessments.load(store, assessment_id=assessment_id).answers == V1


def test_a_manager_approves_a_finalised_assessment_but_not_a_draft(
    store: Store, child_id: uuid.UUID
) -> None:
    """Approval is refused for a draft and a second time; for a finalised assessment the
    status becomes approved and the change is queued for the service, which fills in who."""
    draft_id, final_id = uuid.uuid4(), uuid.uuid4()
    _save(store, draft_id, child_id, {"strengths": "Drawing"})
    with pytest.raises(ValidationError) as caught:
        assessments.approve(store, assessment_id=draft_id)
    assert "still a draft" in caught.value.problems[0].message
    _finalise(store, final_id, child_id, V1)
    state = assessments.approve(store, assessment_id=final_id)
    assert state.status == "approved" and state.approved_by is None
    with store.read() as session:
        queued = session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == final_id)).all()
    assert any(entry.fields.get("status") == "approved" for entry in queued)
    with pytest.raises(ValidationError):
        assessments.approve(store, assessment_id=final_id)


def test_addenda_correct_a_finalised_assessment_only(store: Store, child_id: uuid.UUID) -> None:
    """A draft is edited, not corrected; a finalised assessment takes addenda, in order."""
    draft_id, final_id = uuid.uuid4(), uuid.uuid4()
    _save(store, draft_id, child_id, {"strengths": "Drawing"})
    with pytest.raises(ValidationError):
        assessments.add_addendum(store, assessment_id=draft_id, text="Correction")
    _finalise(store, final_id, child_id, V1)
    with pytest.raises(ValidationError):
        assessments.add_addendum(store, assessment_id=final_id, text="   ")
    assessments.add_addendum(store, assessment_id=final_id, text="Nan is her maternal nan.")
    state = assessments.load(store, assessment_id=final_id)
    assert [a.text for a in state.addenda] == ["Nan is her maternal nan."]
    assert state.answers == V1


def test_an_old_version_record_opens_with_its_own_form(store: Store, child_id: uuid.UUID) -> None:
    """An assessment made with version 1 loads with version 1, while new assessments are
    offered version 2, and version 2's questions are refused in a version 1 record."""
    assessment_id = uuid.uuid4()
    _save(store, assessment_id, child_id, {"strengths": "Drawing"})
    state = assessments.load(store, assessment_id=assessment_id)
    assert (state.template.id, state.template.version) == ("child_asset_based", 1)
    assert state.template.question("wellbeing_scale") is None
    offered = assessments.templates_for(store, subject="child")
    assert ("child_asset_based", 2) in {t.key for t in offered}
    assert ("child_asset_based", 1) not in {t.key for t in offered}
    with pytest.raises(ValidationError) as caught:
        _save(store, assessment_id, child_id, {"strengths": "Drawing", "wellbeing_scale": 5})
    assert [p.field for p in caught.value.problems] == ["answers.wellbeing_scale"]


def test_a_draft_stays_with_the_form_version_it_was_started_with(
    store: Store, child_id: uuid.UUID
) -> None:
    """Saving a version 1 draft as if it were version 2 is refused with a plain message."""
    assessment_id = uuid.uuid4()
    _save(store, assessment_id, child_id, {"strengths": "Drawing"})
    with pytest.raises(ValidationError) as caught:
        assessments.save_draft(
            store,
            assessment_id=assessment_id,
            template_id="child_asset_based",
            template_version=2,
            child_id=child_id,
            household_id=None,
            answers={"strengths": "Drawing"},
        )
    assert "started with version 1" in caught.value.problems[0].message


def test_the_subject_must_fit_the_form(
    store: Store, child_id: uuid.UUID, household_id: uuid.UUID
) -> None:
    """A household form needs a household, and a child's form needs a child."""
    with pytest.raises(ValidationError) as caught:
        assessments.save_draft(
            store,
            assessment_id=uuid.uuid4(),
            template_id="support_plan",
            template_version=1,
            child_id=child_id,
            household_id=None,
            answers={},
        )
    assert [p.field for p in caught.value.problems] == ["household_id"]
    with pytest.raises(ValidationError) as caught:
        # No subject at all, as a bad caller could send: refused, naming the child's field.
        _save(store, uuid.uuid4(), None, {})  # type: ignore[arg-type]
    assert [p.field for p in caught.value.problems] == ["child_id"]


def test_a_form_the_laptop_does_not_hold_is_refused(store: Store, child_id: uuid.UUID) -> None:
    """Starting an assessment with a form version that has not reached this laptop says to
    sync, beside the form version."""
    with pytest.raises(ValidationError) as caught:
        assessments.save_draft(
            store,
            assessment_id=uuid.uuid4(),
            template_id="child_asset_based",
            template_version=9,
            child_id=child_id,
            household_id=None,
            answers={},
        )
    [problem] = caught.value.problems
    assert problem.field == "template_version" and "Sync" in problem.message


def test_list_for_shows_a_subjects_assessments_newest_first(
    store: Store, child_id: uuid.UUID, household_id: uuid.UUID
) -> None:
    """A child's list has their own assessments with the form's title and status, newest
    start date first; the household's list has only the household's."""
    older, newer = uuid.uuid4(), uuid.uuid4()
    assessments.save_draft(
        store,
        assessment_id=older,
        template_id="child_asset_based",
        template_version=1,
        child_id=child_id,
        household_id=None,
        answers={},
        started_date=clock.today() - timedelta(days=30),
    )
    _finalise(store, newer, child_id, V1)
    assessments.save_draft(
        store,
        assessment_id=uuid.uuid4(),
        template_id="support_plan",
        template_version=1,
        child_id=None,
        household_id=household_id,
        answers={"plan_for": "SPECIAL_GUARDIANS"},
    )
    listed = assessments.list_for(store, child_id=child_id)
    assert [(s.assessment_id, s.status) for s in listed] == [
        (newer, "finalised"),
        (older, "draft"),
    ]
    assert listed[0].title == "Asset-based assessment of a child entering care"
    [plan] = assessments.list_for(store, household_id=household_id)
    assert (plan.title, plan.kind) == ("Support plan", "SUPPORT_PLAN")


def test_loading_an_assessment_not_on_this_laptop_says_so(store: Store) -> None:
    """A missing assessment is a plain "not on this laptop"."""
    with pytest.raises(assessments.AssessmentNotFound, match="not on this laptop"):
        assessments.load(store, assessment_id=uuid.uuid4())


def test_the_childs_chronology_shows_the_form_title_and_the_strengths_first(
    store: Store, child_id: uuid.UUID
) -> None:
    """The chronology line names the form and starts its summary with the child's strengths,
    leaving out answers the form was hiding."""
    assessments.save_draft(
        store,
        assessment_id=uuid.uuid4(),
        template_id="child_asset_based",
        template_version=2,
        child_id=child_id,
        household_id=None,
        answers={
            "child_agrees": "YES",
            "child_disagrees": "Left over from an earlier answer",
            "strengths": V1["strengths"],
        },
    )
    with store.read() as session:
        [entry] = [e for e in chronology(session, child_id) if e.kind == "assessment"]
    assert (entry.title, entry.status) == (
        "Asset-based assessment of a child entering care",
        "Draft",
    )
    assert entry.summary.startswith("Brilliant at drawing; proud of her swimming badge.")
    assert "Left over" not in entry.summary


def test_the_date_a_child_became_looked_after_cannot_be_in_the_future(
    store: Store, child_id: uuid.UUID
) -> None:
    """Version 2's "date the child became looked after" may sit in a draft as typed (nothing
    typed is refused on the way to the store) but cannot be signed off for a day that has not
    happened; yesterday is fine."""
    tomorrow = clock.today() + timedelta(days=1)
    answers = {"looked_after_from": tomorrow.isoformat()}
    assessment_id = uuid.uuid4()

    def finalise(given: dict[str, Any]) -> dict[str, str]:
        with pytest.raises(ValidationError) as caught:
            assessments.finalise(
                store,
                assessment_id=assessment_id,
                template_id="child_asset_based",
                template_version=2,
                child_id=child_id,
                household_id=None,
                answers=given,
            )
        return {p.field: p.message for p in caught.value.problems}

    assessments.save_draft(
        store,
        assessment_id=assessment_id,
        template_id="child_asset_based",
        template_version=2,
        child_id=child_id,
        household_id=None,
        answers=answers,
    )
    found = finalise(answers)
    assert found["answers.looked_after_from"] == (
        "'Date the child became looked after' cannot be in the future: "
        f"{tomorrow.day} {tomorrow:%B %Y} has not happened yet."
    )
    state = assessments.load(store, assessment_id=assessment_id)
    assert state.status == "draft" and state.answers["looked_after_from"] == tomorrow.isoformat()
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    assert "answers.looked_after_from" not in finalise({**answers, "looked_after_from": yesterday})
