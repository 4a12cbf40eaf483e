"""Building the printable copy of a visit, an assessment or a child's chronology.

Each builder reads what it needs in the caller's read transaction and returns a
``Document`` of plain strings. Only signed-off visits and assessments are exported: a draft
is still changing, and a paper copy of it would soon disagree with the record while looking
just as official. A chronology is a view over many records and can always be printed; its
drafts are marked as such.

An assessment is printed with the template version it was made with (``registry.get``), so
an old assessment shows the questions the worker was actually asked, even after the service
has published a newer form.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import codes, people
from app.chronology import ChildNotFound, load_case
from app.exports.document import (
    NOT_ANSWERED,
    Answer,
    Document,
    ExportContext,
    MetaRow,
    Note,
    NotExportable,
    Section,
    Table,
    day,
    when,
)
from app.forms import registry
from app.forms.answers import display_value, item_fields, section_visible, visible_questions
from app.forms.template import FormTemplate, Question, is_answered
from app.models import (
    APPROVED,
    Addendum,
    Assessment,
    Attachment,
    CarerHousehold,
    Child,
    Review,
    Visit,
)

#: The statuses a record may be exported in.
SIGNED_OFF = {"finalised", APPROVED}


def visit_document(session: Session, visit_id: uuid.UUID, context: ExportContext) -> Document:
    """A finalised visit: the facts of the visit, the three written parts, the files attached
    (by name) and every addendum. Raises ``NotExportable`` for a draft."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.deleted:
        raise NotExportable("This visit is not on this laptop, so it cannot be exported.")
    if visit.status not in SIGNED_OFF:
        raise NotExportable(
            "This visit is still a draft. Finalise it first: only signed-off visits can be "
            "exported, so a printed copy always matches the record."
        )
    about_child = visit.child_id is not None
    if visit.seen_alone is None:
        seen_alone = Answer.of("Child seen alone", "")
    elif visit.seen_alone:
        seen_alone = Answer.of("Child seen alone", "Yes")
    else:
        reason = visit.not_seen_alone_reason
        because = f": {codes.label('not_seen_alone_reason', reason)}" if reason else ""
        seen_alone = Answer.of("Child seen alone", f"No{because}")
    if about_child:
        concern = Answer.of(
            "Welfare concern",
            "Yes: the child's welfare is not adequately safeguarded (an early review is needed)"
            if visit.welfare_concern
            else "No",
        )
    else:
        # A visit to carers asks about the household's standard of care, not one child's.
        concern = Answer.of(
            "Concern about the standard of care",
            "Yes: to be followed up with the manager" if visit.welfare_concern else "No",
        )
    facts = Section(
        "The visit",
        answers=(
            Answer.of("Type of visit", codes.label("visit_type", visit.visit_type)),
            Answer.of("Date of visit", day(visit.visit_date)),
            Answer.of("Who was seen", visit.who_was_seen),
            *((seen_alone,) if about_child else ()),
            concern,
        ),
    )
    wishes = visit.wishes_and_feelings
    if about_child and visit.wishes_not_gathered:
        # Why the child's words are not here: the observations then speak for the child.
        why = codes.label("wishes_not_gathered_reason", visit.wishes_not_gathered)
        wishes = f"Not gathered at this visit: {why}.\n\n{wishes}".strip()
    written = tuple(
        Section(title, paragraphs=_paragraphs(text), empty=NOT_ANSWERED)
        for title, text in (
            (
                "Child's wishes and feelings" if about_child else "Children's views (if seen)",
                wishes,
            ),
            (
                "Observations" if about_child else "Observations of the home and care",
                visit.observations,
            ),
            ("Actions agreed", visit.actions_agreed),
        )
    )
    files = tuple(
        session.scalars(
            select(Attachment.filename)
            .where(
                Attachment.target_type == Visit.record_type,
                Attachment.target_id == visit.id,
                Attachment.deleted.is_(False),
            )
            .order_by(Attachment.created_at)
        )
    )
    sections = (facts, *written)
    if files:
        sections = (
            *sections,
            Section(
                "Photos and documents attached",
                paragraphs=(
                    "These files are held with the record in Casebook and are not included in "
                    "this copy:",
                    *(f"• {name}" for name in files),
                ),
            ),
        )
    return Document(
        record_type=Visit.record_type,
        record_id=visit.id,
        title=codes.label("visit_type", visit.visit_type),
        subject=_subject(session, visit.child_id, visit.household_id),
        header=context.header,
        footer=context.footer,
        meta=(
            *_signed_meta(
                session, visit.created_by, visit.created_at, visit.finalised_by, visit.finalised_at
            ),
            MetaRow("Record reference", str(visit.id)),
        ),
        sections=sections,
        addenda=_addenda(session, Visit.record_type, visit.id),
        suggested_name=file_name(
            "Visit", _file_subject(session, visit.child_id, visit.household_id), visit.visit_date
        ),
        noun="visit",
    )


def assessment_document(
    session: Session, assessment_id: uuid.UUID, context: ExportContext
) -> Document:
    """A finalised or approved assessment: every question the worker could see, in the form's
    order, with its answer or "Not answered"; repeating groups as numbered entries. Questions
    hidden by the answers given (and sections hidden likewise) are left out, as on screen."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.deleted:
        raise NotExportable("This assessment is not on this laptop, so it cannot be exported.")
    if assessment.status not in SIGNED_OFF:
        raise NotExportable(
            "This assessment is still a draft. Finalise it first: only signed-off assessments "
            "can be exported, so a printed copy always matches the record."
        )
    try:
        template = registry.get(session, assessment.template_id, assessment.template_version)
    except registry.TemplateNotFound as exc:
        raise NotExportable(str(exc)) from exc
    answers: dict[str, Any] = dict(assessment.answers or {})
    meta = _signed_meta(
        session,
        assessment.created_by,
        assessment.created_at,
        assessment.finalised_by,
        assessment.finalised_at,
    )
    if assessment.status == APPROVED:
        approved = people.name_of(session, assessment.approved_by) or "a manager"
        if assessment.approved_at is not None:
            approved += f" on {when(assessment.approved_at)}"
        meta += (MetaRow("Approved by", approved),)
    meta += (
        MetaRow("Started", day(assessment.started_date)),
        MetaRow("Form", f"{template.title}, version {template.version}"),
        MetaRow("Record reference", str(assessment.id)),
    )
    return Document(
        record_type=Assessment.record_type,
        record_id=assessment.id,
        title=template.title,
        subject=_subject(session, assessment.child_id, assessment.household_id),
        header=context.header,
        footer=context.footer,
        meta=meta,
        sections=_answer_sections(template, answers),
        addenda=_addenda(session, Assessment.record_type, assessment.id),
        suggested_name=file_name(
            "Assessment",
            _file_subject(session, assessment.child_id, assessment.household_id),
            assessment.started_date,
        ),
        noun="assessment",
    )


def review_document(session: Session, review_id: uuid.UUID, context: ExportContext) -> Document:
    """A signed-off review (a carer's annual review goes to the fostering panel in the panel
    pack; the first one must, FS(E)R 2011 reg 28): its facts, decisions and addenda."""
    review = session.get(Review, review_id)
    if review is None or review.deleted:
        raise NotExportable("This review is not on this laptop, so it cannot be exported.")
    if review.status not in SIGNED_OFF:
        raise NotExportable("This review is still a draft. Finalise it first.")
    participation = (
        codes.label("review_participation", review.participation) if review.participation else ""
    )
    return Document(
        record_type=Review.record_type,
        record_id=review.id,
        title=codes.label("review_kind", review.kind),
        subject=_subject(session, review.child_id, review.household_id),
        header=context.header,
        footer=context.footer,
        meta=(
            *_signed_meta(
                session,
                review.created_by,
                review.created_at,
                review.finalised_by,
                review.finalised_at,
            ),
            MetaRow("Record reference", str(review.id)),
        ),
        sections=(
            Section(
                "The review",
                answers=(
                    Answer.of("Date of review", day(review.review_date)),
                    Answer.of("Chair", review.chair),
                    Answer.of("Who took part", review.attendees),
                    *(
                        (Answer.of("How the child took part", participation),)
                        if review.child_id is not None
                        else ()
                    ),
                ),
            ),
            Section("Decisions", paragraphs=_paragraphs(review.decisions), empty=NOT_ANSWERED),
        ),
        addenda=_addenda(session, Review.record_type, review.id),
        suggested_name=file_name(
            "Review",
            _file_subject(session, review.child_id, review.household_id),
            review.review_date,
        ),
        noun="review",
    )


def chronology_document(session: Session, child_id: uuid.UUID, context: ExportContext) -> Document:
    """The child's chronology in date order (oldest first, as a chronology is read on paper),
    with their legal status and placement history. Drafts are included and marked."""
    today = context.exported_at.astimezone().date()
    try:
        case = load_case(session, child_id, today)
    except ChildNotFound as exc:
        raise NotExportable(str(exc)) from exc
    who = case.profile
    entries = sorted(case.chronology, key=lambda e: (e.on, e.recorded_at))
    chronology = Section(
        "Chronology",
        table=Table(
            ("Date", "Kind", "Record", "Summary", "Status"),
            tuple((day(e.on), e.kind_word, e.title, e.summary, e.status or "") for e in entries),
            widths=(15, 10, 20, 42, 13),
        )
        if entries
        else None,
        empty="Nothing has been recorded for this child yet.",
    )
    statuses = Section(
        "Legal status history",
        table=Table(
            ("Legal status", "From", "To", "Why it ended"),
            tuple(
                (s.label, day(s.start), day(s.end) or "Current", s.reason_ended or "")
                for s in case.legal_statuses
            ),
        )
        if case.legal_statuses
        else None,
        empty="No legal status recorded.",
    )
    placements = Section(
        "Placements",
        table=Table(
            ("Placement", "Carers", "From", "To"),
            tuple(
                (p.label, p.carers, day(p.start), day(p.end) or "Current") for p in case.placements
            ),
        )
        if case.placements
        else None,
        empty="No placements recorded.",
    )
    return Document(
        record_type=Child.record_type,
        record_id=who.child_id,
        title="Chronology",
        subject=_child_words(session.get(Child, child_id)),
        header=context.header,
        footer=context.footer,
        meta=(
            MetaRow("Legal status", who.legal_status),
            MetaRow("Allocated worker", who.allocated_worker),
            MetaRow("Records", f"{len(entries)} up to {day(today)}"),
        ),
        sections=(chronology, statuses, placements),
        suggested_name=file_name("Chronology", _file_subject(session, child_id, None), today),
        noun="chronology",
    )


# ---- Private API


def _answer_sections(template: FormTemplate, answers: Mapping[str, Any]) -> tuple[Section, ...]:
    shown: dict[str, list[Answer]] = {}
    titles: dict[str, str] = {}
    for section in template.sections:
        if section_visible(section, answers):
            shown[section.id], titles[section.id] = [], section.title
    for section, question in visible_questions(template, answers):
        shown[section.id].append(_answer(question, answers.get(question.id)))
    return tuple(
        Section(titles[section_id], answers=tuple(found), empty="No questions to answer here.")
        for section_id, found in shown.items()
    )


def _answer(question: Question, value: object) -> Answer:
    if question.type != "group":
        text = display_value(question, value)
        return Answer(question.label, text, answered=bool(text.strip()))
    items = [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
    return Answer(
        question.label,
        answered=bool(items),
        is_group=True,
        items=tuple(
            tuple(
                Answer(field.label, display_value(field, item.get(field.id)))
                if is_answered(item.get(field.id))
                else Answer(field.label, answered=False)
                for field in item_fields(question, item)
            )
            for item in items
        ),
    )


def _signed_meta(
    session: Session,
    created_by: str,
    created_at: datetime,
    finalised_by: str | None,
    finalised_at: datetime | None,
) -> tuple[MetaRow, ...]:
    names = people.directory(session)
    recorded = people.shown(names, created_by) or "Unknown"
    rows = [MetaRow("Recorded by", f"{recorded} on {when(created_at)}")]
    signed = people.shown(names, finalised_by) or "Unknown"
    if finalised_at is not None:
        signed += f" on {when(finalised_at)}"
    rows.append(MetaRow("Signed off by", signed))
    return tuple(rows)


def _addenda(session: Session, target_type: str, target_id: uuid.UUID) -> tuple[Note, ...]:
    rows = session.scalars(
        select(Addendum)
        .where(
            Addendum.target_type == target_type,
            Addendum.target_id == target_id,
            Addendum.deleted.is_(False),
        )
        .order_by(Addendum.created_at)
    )
    names = people.directory(session)
    return tuple(
        Note(when(a.created_at), people.shown(names, a.created_by) or "", a.text) for a in rows
    )


def _subject(session: Session, child_id: uuid.UUID | None, household_id: uuid.UUID | None) -> str:
    if child_id is not None:
        return _child_words(session.get(Child, child_id))
    if household_id is not None:
        household = session.get(CarerHousehold, household_id)
        if household is not None and not household.deleted:
            return household.name
    return "Carer household (its record is held by the supervising social worker)"


#: Characters no file name may hold on Windows (and "/" nowhere).
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(kind: str, subject: str, on: date | None) -> str:
    """A PDF's suggested file name: what it is, whose, and the day, so a folder of exports
    reads like a filing drawer ("Visit - Amara Okafor - 2026-11-03.pdf")."""
    parts = [kind]
    if subject:
        parts.append(subject)
    if on is not None:
        parts.append(f"{on:%Y-%m-%d}")
    name = " - ".join(_NOT_IN_FILE_NAMES.sub(" ", part).strip() for part in parts)
    return f"{' '.join(name.split())[:150]}.pdf"


def _file_subject(
    session: Session, child_id: uuid.UUID | None, household_id: uuid.UUID | None
) -> str:
    """The child's or household's name alone, for a file name ("" when it is not held)."""
    if child_id is not None:
        child = session.get(Child, child_id)
        if child is not None and not child.deleted:
            return f"{child.given_name} {child.family_name}"
    elif household_id is not None:
        household = session.get(CarerHousehold, household_id)
        if household is not None and not household.deleted:
            return household.name
    return ""


def _child_words(child: Child | None) -> str:
    """The child's full name as the record holds it, with the name they go by, and their date
    of birth: on paper a name alone does not say which child."""
    if child is None or child.deleted:
        return "A child whose record is no longer on this laptop"
    name = f"{child.given_name} {child.family_name}"
    if child.preferred_name and child.preferred_name != child.given_name:
        name += f" (known as {child.preferred_name})"
    return f"{name}, born {day(child.date_of_birth)}"


def _paragraphs(text: str) -> tuple[str, ...]:
    """Blank lines separate paragraphs; single line breaks inside one are kept by the
    renderer."""
    parts = [p.strip("\n") for p in text.replace("\r\n", "\n").split("\n\n")]
    return tuple(p for p in parts if p.strip())
