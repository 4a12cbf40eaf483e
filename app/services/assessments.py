"""Recording an assessment from a form template: autosave a draft, finalise it, have it
approved, correct it with addenda.

Qt-free and shaped like ``app.services.visits`` (read that module's docstring for why drafts
are upserts by an id the form makes up front). What differs here:

- An assessment is made with one version of one template and stays with it: its answers are
  stored with ``template_id`` and ``template_version``, and ``load`` gives back that exact
  version, however many newer ones the service has published since.
- Answers are checked against that version inside the store's validation (``app.validation``),
  so every path that saves an assessment is held to the same rules: value shapes always,
  required answers once finalised.
- Finalising keeps only what the form showed (``prune_hidden``): a draft keeps answers to
  questions hidden for now, so flipping a choice back and forth never loses typed text, but
  what is signed off is exactly what the worker could see.
- A manager's approval is a change of status on a finalised record. The laptop cannot say who
  approved or when: the central service fills those in (never trusting a laptop) and they
  reach the worker by sync.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import case_closing, clock, codes, people
from app.chronology import child_names
from app.errors import FieldProblem, RecordFinalised, ValidationError
from app.forms import answers as form_answers
from app.forms import registry
from app.forms.template import FormTemplate, Subject
from app.models import APPROVED, DRAFT, FINALISED, Addendum, Assessment, CarerHousehold
from app.services.visits import AddendumView
from app.store import Store


@dataclass(frozen=True)
class Saved:
    """The answer to a draft save: small on purpose, because it happens every few seconds."""

    assessment_id: uuid.UUID
    saved_at: datetime
    created: bool


@dataclass(frozen=True)
class AssessmentState:
    """An assessment as the form shows it when it opens (or after finalising/approval)."""

    assessment_id: uuid.UUID
    child_id: uuid.UUID | None
    household_id: uuid.UUID | None
    #: The version the record was made with, not necessarily the newest.
    template: FormTemplate
    answers: dict[str, Any]
    started_date: date
    status: str  # draft / finalised / approved
    finalised_at: datetime | None
    finalised_by: str | None
    approved_at: datetime | None
    approved_by: str | None
    saved_at: datetime
    addenda: tuple[AddendumView, ...]

    @property
    def finalised(self) -> bool:
        return self.status in (FINALISED, APPROVED)


@dataclass(frozen=True)
class AssessmentSummary:
    """One line of a child's or household's list of assessments."""

    assessment_id: uuid.UUID
    child_id: uuid.UUID | None
    household_id: uuid.UUID | None
    template_id: str
    template_version: int
    #: The form's title (the kind's label if the form is not on this laptop).
    title: str
    kind: str
    started_date: date
    status: str
    finalised_at: datetime | None
    approved_at: datetime | None
    saved_at: datetime


class AssessmentNotFound(LookupError):
    """The assessment is not on this laptop (never saved, or removed by sync)."""


def templates_for(store: Store, *, subject: Subject) -> list[FormTemplate]:
    """The forms a new assessment about a child (or a household) may be started with: the
    newest version of each, by title."""
    with store.read() as session:
        return registry.available(session, subject)


def load(store: Store, *, assessment_id: uuid.UUID) -> AssessmentState:
    """The assessment with its own template version. Raises ``AssessmentNotFound``, or
    ``registry.TemplateNotFound`` when the version it was made with has not reached this
    laptop yet (a record made on another laptop with a form published since the last sync)."""
    with store.read() as session:
        return _state(session, _live(session, assessment_id))


@dataclass(frozen=True)
class Opening:
    """What an assessment form needs before it can show anything, read in one go."""

    name: str
    template: FormTemplate
    current_version: int
    state: AssessmentState | None


def opening(
    store: Store,
    *,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    assessment_id: uuid.UUID | None,
    template_id: str | None,
) -> Opening:
    """The record (with its own template version) or, for a new assessment, the newest
    version of the chosen template; the subject's name; and the newest version this laptop
    holds, to say when the record's is older."""
    state = load(store, assessment_id=assessment_id) if assessment_id else None
    with store.read() as session:
        if state is not None:
            template = state.template
            child_id, household_id = state.child_id, state.household_id
        elif template_id is not None:
            template = registry.latest(session, template_id)
        else:
            raise ValueError("a new assessment needs a template")
        try:
            current = registry.latest(session, template.id).version
        except registry.TemplateNotFound:
            current = template.version
        if child_id is not None:
            name = child_names(session, {child_id}).get(child_id, "")
        else:
            household = session.get(CarerHousehold, household_id)
            name = household.name if household is not None and not household.deleted else ""
    return Opening(name, template, max(current, template.version), state)


def save_draft(
    store: Store,
    *,
    assessment_id: uuid.UUID,
    template_id: str,
    template_version: int,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    answers: Mapping[str, Any],
    started_date: date | None = None,
) -> Saved:
    """Create the draft or bring it up to date with ``answers``, in one transaction.

    Raises ``RecordFinalised`` if it was finalised meanwhile, and ``ValidationError`` with
    per-question problems (``answers.<question>``) the form shows beside each question.
    """
    with store.write() as session:
        assessment, created = _upsert(
            session,
            assessment_id=assessment_id,
            template_id=template_id,
            template_version=template_version,
            child_id=child_id,
            household_id=household_id,
            answers=answers,
            started_date=started_date,
        )
        session.flush()
        return Saved(assessment.id, assessment.updated_at, created)


def finalise(
    store: Store,
    *,
    assessment_id: uuid.UUID,
    template_id: str,
    template_version: int,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    answers: Mapping[str, Any],
    started_date: date | None = None,
) -> AssessmentState:
    """Save ``answers`` and finalise in one transaction, so what is signed is exactly what the
    worker last saw, less answers to questions the form was hiding. A required question left
    unanswered comes back as a ``ValidationError`` naming it; nothing is saved then."""
    with store.write() as session:
        template = _template(session, template_id, template_version)
        # Shapes are checked on everything the form sent, before hidden answers are dropped,
        # so a bad value is reported rather than quietly pruned away.
        found = form_answers.problems(template, answers, finalising=False, today=clock.today())
        if found:
            raise ValidationError(found)
        assessment, _created = _upsert(
            session,
            assessment_id=assessment_id,
            template_id=template_id,
            template_version=template_version,
            child_id=child_id,
            household_id=household_id,
            answers=form_answers.prune_hidden(template, answers),
            started_date=started_date,
            status=FINALISED,
        )
        # An outcome after a return home may close the case: in this same transaction, so a
        # signed-off "close the case" never leaves the case open, nor a refusal a signed form.
        case_closing.after_outcome(session, assessment, clock.today())
        session.flush()
        return _state(session, assessment)


def approve(store: Store, *, assessment_id: uuid.UUID) -> AssessmentState:
    """A manager's approval of a finalised assessment. Only the status changes here; the
    central service checks that the approver manages the team holding the case, records who
    approved and when, and sends that back to every laptop holding the record."""
    with store.write() as session:
        assessment = _live(session, assessment_id)
        if assessment.status == DRAFT:
            raise ValidationError(
                [
                    FieldProblem(
                        "status",
                        "This assessment is still a draft: the worker finalises it before it "
                        "can be approved.",
                    )
                ]
            )
        if assessment.status == APPROVED:
            raise ValidationError(
                [FieldProblem("status", "This assessment has already been approved.")]
            )
        assessment.status = APPROVED
        session.flush()
        return _state(session, assessment)


def add_addendum(store: Store, *, assessment_id: uuid.UUID, text: str) -> AddendumView:
    """Add a correction or addition to a finalised assessment. Drafts are edited instead."""
    if not text.strip():
        raise ValidationError([FieldProblem("text", "Write the addendum before adding it.")])
    with store.write() as session:
        assessment = _live(session, assessment_id)
        if not assessment.is_finalised:
            raise ValidationError(
                [
                    FieldProblem(
                        "text",
                        "This assessment is still a draft: change the assessment itself. "
                        "Addenda are for assessments that have been finalised.",
                    )
                ]
            )
        addendum = Addendum(
            target_type=Assessment.record_type,
            target_id=assessment.id,
            child_id=assessment.child_id,
            household_id=assessment.household_id,
            text=text.strip(),
        )
        session.add(addendum)
        session.flush()
        return AddendumView(addendum.id, addendum.text, addendum.created_at, addendum.created_by)


def list_for(
    store: Store, *, child_id: uuid.UUID | None = None, household_id: uuid.UUID | None = None
) -> list[AssessmentSummary]:
    """A child's or a household's assessments, most recently started first. Given both, the
    assessments about either."""
    if child_id is None and household_id is None:
        return []
    wanted = []
    if child_id is not None:
        wanted.append(Assessment.child_id == child_id)
    if household_id is not None:
        wanted.append(Assessment.household_id == household_id)
    with store.read() as session:
        rows = session.scalars(
            select(Assessment)
            .where(or_(*wanted), Assessment.deleted.is_(False))
            .order_by(Assessment.started_date.desc(), Assessment.created_at.desc())
        ).all()
        return [
            AssessmentSummary(
                assessment_id=a.id,
                child_id=a.child_id,
                household_id=a.household_id,
                template_id=a.template_id,
                template_version=a.template_version,
                title=title_of(session, a),
                kind=a.kind,
                started_date=a.started_date,
                status=a.status,
                finalised_at=a.finalised_at,
                approved_at=a.approved_at,
                saved_at=a.updated_at,
            )
            for a in rows
        ]


def title_of(session: Session, assessment: Assessment) -> str:
    """The form's own title, or the kind's label when the form has not reached this laptop."""
    try:
        return registry.get(session, assessment.template_id, assessment.template_version).title
    except registry.TemplateNotFound:
        return codes.label("assessment_kind", assessment.kind)


# ---- Private API


def _live(session: Session, assessment_id: uuid.UUID) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.deleted:
        raise AssessmentNotFound("This assessment is not on this laptop.")
    return assessment


def _template(session: Session, template_id: str, version: int) -> FormTemplate:
    try:
        return registry.get(session, template_id, version)
    except registry.TemplateNotFound as exc:
        raise ValidationError([FieldProblem("template_version", str(exc))]) from None


def _upsert(
    session: Session,
    *,
    assessment_id: uuid.UUID,
    template_id: str,
    template_version: int,
    child_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    answers: Mapping[str, Any],
    started_date: date | None,
    status: str = DRAFT,
) -> tuple[Assessment, bool]:
    """Create the assessment, or apply only what changed to the existing draft. The form, the
    subject and the start date are fixed by the first save (``started_date`` None keeps it)."""
    template = _template(session, template_id, template_version)
    values = copy.deepcopy(dict(answers))
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        assessment = Assessment(
            id=assessment_id,
            kind=template.kind,
            template_id=template.id,
            template_version=template.version,
            child_id=child_id,
            household_id=household_id,
            answers=values,
            started_date=started_date or clock.today(),
            status=status,
        )
        session.add(assessment)
        return assessment, True
    if assessment.is_finalised:
        raise RecordFinalised(what=assessment.noun)
    if (assessment.template_id, assessment.template_version) != template.key:
        raise ValidationError(
            [
                FieldProblem(
                    "template_version",
                    f"This assessment was started with version {assessment.template_version} "
                    "of its form and stays with it; reopen it to carry on.",
                )
            ]
        )
    _apply(assessment, answers=values, started_date=started_date, status=status)
    return assessment, False


def _apply(
    assessment: Assessment, *, answers: dict[str, Any], started_date: date | None, status: str
) -> None:
    """Set only what changed, so an autosave of an unchanged form writes nothing at all (no
    outbox entry, no audit line)."""
    if assessment.answers != answers:
        assessment.answers = answers
    if started_date is not None and assessment.started_date != started_date:
        assessment.started_date = started_date
    if assessment.status != status:
        assessment.status = status


def _state(session: Session, assessment: Assessment) -> AssessmentState:
    names = people.directory(session)
    template = registry.get(session, assessment.template_id, assessment.template_version)
    addenda = session.scalars(
        select(Addendum)
        .where(
            Addendum.target_type == Assessment.record_type,
            Addendum.target_id == assessment.id,
            Addendum.deleted.is_(False),
        )
        .order_by(Addendum.created_at)
    )
    return AssessmentState(
        assessment_id=assessment.id,
        child_id=assessment.child_id,
        household_id=assessment.household_id,
        template=template,
        answers=copy.deepcopy(dict(assessment.answers or {})),
        started_date=assessment.started_date,
        status=assessment.status,
        finalised_at=assessment.finalised_at,
        finalised_by=people.shown(names, assessment.finalised_by),
        approved_at=assessment.approved_at,
        approved_by=people.shown(names, assessment.approved_by),
        saved_at=assessment.updated_at,
        addenda=tuple(
            AddendumView(a.id, a.text, a.created_at, people.shown(names, a.created_by) or "")
            for a in addenda
        ),
    )
