"""The fostering panel pack: one printable document made from a household's signed-off
assessment reports, for the panel members and the agency decision maker.

What goes in and in what order: a contents list; the household's way so far (the stage dates
and, once it has sat, the panel's recommendation and the decision); then each signed-off
assessment of the household, its own assessment report first (Form F, or Form C for a connected
person), then its signed-off reviews (a first review's report goes to panel), each part
starting a new page with its sign-off and its addenda, exactly as the single record's export
prints it (``assessment_document``, ``review_document``), so the pack and a report exported
alone never disagree. Drafts are left out and named in the contents as left out: a
panel member must not read a report that is still changing, and the worker must see why it is
missing before sending the pack.

The household's report must be signed off before a pack can be made: a pack without it is not
a panel pack.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import codes
from app.carer_pipeline import FORM_F, OPEN, assessment_form_for
from app.carer_stages import STAGES
from app.exports.builders import SIGNED_OFF, assessment_document, file_name, review_document
from app.exports.document import (
    Document,
    ExportContext,
    MetaRow,
    NotExportable,
    Section,
    Table,
    day,
)
from app.forms import registry
from app.models import Assessment, CarerHousehold, Review

#: The title printed on the pack and the word for it in messages.
TITLE = "Fostering panel pack"


def panel_pack_document(
    session: Session, household_id: uuid.UUID, context: ExportContext
) -> Document:
    household = session.get(CarerHousehold, household_id)
    if household is None or household.deleted:
        raise NotExportable("This household is not on this laptop, so no panel pack can be made.")
    report_form = assessment_form_for(household.carer_type)
    rows = session.scalars(
        select(Assessment)
        .where(Assessment.household_id == household_id, Assessment.deleted.is_(False))
        .order_by(Assessment.started_date, Assessment.created_at)
    ).all()
    # The household's own report first, then the rest in the order they were started.
    rows = sorted(rows, key=lambda a: a.template_id != report_form)
    signed = [a for a in rows if a.status in SIGNED_OFF]
    assessing = household.approval_status in OPEN
    if assessing and not any(a.template_id == report_form for a in signed):
        form = "Form F" if report_form == FORM_F else "Form C"
        raise NotExportable(
            f"The household's assessment report ({form}) is not signed off yet. Finalise it "
            "first: the panel pack is made from signed-off reports only."
        )
    parts = [assessment_document(session, a.id, context) for a in signed]
    # The household's signed-off reviews, oldest first: a first review goes to panel.
    parts += [
        review_document(session, review_id, context)
        for review_id in session.scalars(
            select(Review.id)
            .where(
                Review.household_id == household_id,
                Review.deleted.is_(False),
                Review.status.in_(SIGNED_OFF),
            )
            .order_by(Review.review_date, Review.created_at)
        )
    ]
    if not parts:
        raise NotExportable(
            "This household has no signed-off assessment or review, so there is nothing to put "
            "in a panel pack yet."
        )
    contents = [
        (str(n), part.title, next((m.value for m in part.meta if m.label == "Signed off by"), ""))
        for n, part in enumerate(parts, start=1)
    ]
    contents += [
        ("-", _title(session, a), "Left out: still a draft")
        for a in rows
        if a.status not in SIGNED_OFF
    ]
    sections: list[Section] = [
        Section(
            "Contents",
            table=Table(("Part", "Report", "Signed off"), tuple(contents), widths=(8, 52, 40)),
        ),
        _way_so_far(household),
    ]
    for n, part in enumerate(parts, start=1):
        sections.append(
            Section(
                f"Part {n}: {part.title}",
                table=Table(
                    ("This report", "Details"),
                    tuple((m.label, m.value) for m in part.meta),
                    (28, 72),
                ),
                starts_page=True,
            )
        )
        sections.extend(part.sections)
        if part.addenda:
            sections.append(
                Section(
                    f"Part {n}: addenda (corrections and additions after sign-off)",
                    paragraphs=tuple(
                        f"{a.written}, {a.written_by}: {a.text}" for a in part.addenda
                    ),
                )
            )
    return Document(
        record_type=CarerHousehold.record_type,
        record_id=household.id,
        title=TITLE,
        subject=household.name,
        header=context.header,
        footer=context.footer,
        meta=(
            MetaRow("Household", household.name),
            MetaRow("Kind of carer", codes.label("carer_type", household.carer_type)),
            MetaRow("Fostering panel", _panel_words(household)),
            MetaRow("Reports in this pack", str(len(parts))),
        ),
        sections=tuple(sections),
        suggested_name=file_name("Panel pack", household.name, context.exported_at.date()),
        noun="panel pack",
    )


def _way_so_far(household: CarerHousehold) -> Section:
    rows = [(stage.label, day(getattr(household, stage.column)) or "Not yet") for stage in STAGES]
    if household.panel_recommendation:
        rows.append(
            (
                "Panel's recommendation",
                codes.label("panel_recommendation", household.panel_recommendation),
            )
        )
    if household.decision:
        rows.append(("Agency decision", codes.label("agency_decision", household.decision)))
    return Section(
        "The assessment so far", table=Table(("Stage", "Reached"), tuple(rows), (60, 40))
    )


def _panel_words(household: CarerHousehold) -> str:
    if household.panel_date is not None:
        return f"Held on {day(household.panel_date)}"
    if household.panel_booked_date is not None:
        return f"Booked for {day(household.panel_booked_date)}"
    return "Not yet booked"


def _title(session: Session, assessment: Assessment) -> str:
    try:
        return registry.get(session, assessment.template_id, assessment.template_version).title
    except registry.TemplateNotFound:
        return codes.label("assessment_kind", assessment.kind)
