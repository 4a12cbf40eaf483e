"""The fostering panel pack: one PDF of a household's signed-off reports, read back with
pypdf to find each part where a panel member would look for it (contents, the stages so far,
Form F's sections and references, a second report), drafts left out and named, and no pack
before the household's own report is signed off."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

import pypdf
import pytest

from app import carer_pipeline, clock
from app.exports import service
from app.exports.document import NotExportable
from app.forms import registry
from app.ids import new_id
from app.models import CarerHousehold, Review
from app.services import assessments
from app.store import Store
from tests.app import factories
from tests.app.form_f_answers import PEN_PICTURE, REFEREES, every_answer, form_f
from ui.exports.pdf import render_pdf


def _applicants(store: Store) -> uuid.UUID:
    today = clock.today()
    household = carer_pipeline.start_enquiry(
        store,
        name="Rivers household",
        carer_type="MAINSTREAM_FOSTER",
        supervising_worker=store.worker,
        enquiry_date=today - timedelta(days=170),
    )
    for column, ago in (
        ("initial_visit_date", 165),
        ("application_date", 150),
        ("stage1_completed", 90),
    ):
        carer_pipeline.record_stage(store, household, column, today - timedelta(days=ago))
    return household


def _sign(store: Store, household: uuid.UUID, template_id: str, answers: dict) -> uuid.UUID:
    made = new_id()
    assessments.finalise(
        store,
        assessment_id=made,
        template_id=template_id,
        template_version=1,
        child_id=None,
        household_id=household,
        answers=answers,
    )
    return made


def _pages(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def test_the_pack_is_one_pdf_with_each_part_findable(qapp: object, store: Store) -> None:
    household = _applicants(store)
    _sign(store, household, carer_pipeline.FORM_F, form_f(clock.today()))
    # A draft summary: left out of the pack, and named in its contents as left out.
    assessments.save_draft(
        store,
        assessment_id=new_id(),
        template_id="carer_household_summary",
        template_version=1,
        child_id=None,
        household_id=household,
        answers={"assessment_type": "FORM_F"},
    )

    pages = _pages(render_pdf(service.panel_pack(store, household)).data)
    text = " ".join(pages)

    # Cover and contents on the first page, then the stages so far.
    assert "Fostering panel pack" in pages[0] and "Rivers household" in pages[0]
    assert "Contents" in pages[0]
    assert "Foster carer assessment (Form F style)" in pages[0]
    assert "Carer household assessment summary Left out: still a draft" in text
    assert "Stage 1: checks and references complete" in text
    # Form F starts a page of its own, and its sections follow in the form's order.
    form_page = next(n for n, p in enumerate(pages) if "Part 1: Foster carer assessment" in p)
    assert form_page > 0
    order = [
        "Front sheet",
        "Stage 1: checks and references",
        "Section A: factual information",
        "Section B1: history, family and lifestyle",
        "Section B2: fostering capacity",
        "Section B3: preparation for the fostering task",
        "Section C: supporting information",
        "Recommendation to the fostering panel",
    ]
    at = [text.index(heading, text.index("Part 1: Foster carer")) for heading in order]
    assert at == sorted(at)
    assert PEN_PICTURE in text
    for referee in REFEREES:
        assert referee in text
    assert "Enhanced DBS with barred lists" in text
    # The draft's words are nowhere.
    assert text.count("Carer household assessment summary") == 1


def test_a_second_signed_off_report_is_a_part_of_its_own(qapp: object, store: Store) -> None:
    household = _applicants(store)
    _sign(store, household, carer_pipeline.FORM_F, form_f(clock.today()))
    summary = next(t for t in registry.bundled() if t.id == "carer_household_summary")
    _sign(store, household, summary.id, every_answer(summary, clock.today(), "Summary words"))
    pages = _pages(render_pdf(service.panel_pack(store, household)).data)
    second = [n for n, p in enumerate(pages) if "Part 2:" in p]
    first = [n for n, p in enumerate(pages) if "Part 1: Foster carer" in p]
    assert second and first and second[0] > first[0]
    assert "Carer household assessment summary" in pages[second[0]]
    assert "Summary words" in " ".join(pages[second[0] :])
    assert "Summary words" not in " ".join(pages[: second[0]])


def test_no_pack_before_the_households_report_is_signed_off(store: Store) -> None:
    household = _applicants(store)
    assessments.save_draft(
        store,
        assessment_id=new_id(),
        template_id=carer_pipeline.FORM_F,
        template_version=1,
        child_id=None,
        household_id=household,
        answers={"pen_picture": PEN_PICTURE},
    )
    with pytest.raises(NotExportable, match=r"assessment report \(Form F\) is not signed off"):
        service.panel_pack(store, household)


def test_a_connected_persons_pack_is_made_from_their_form_c(qapp: object, store: Store) -> None:
    """A connected person's own report is Form C: a Form F signed off for them does not make a
    pack; their Form C does, and the cover says when they are booked for panel."""
    today = clock.today()
    household = carer_pipeline.start_connected(
        store,
        name="Okafor household",
        supervising_worker=store.worker,
        viability_date=today - timedelta(days=40),
        temporary_approval_date=today - timedelta(days=38),
    )
    with store.write(remote=True) as session:  # as the service's booking arrives by sync
        found = session.get(CarerHousehold, household)
        assert found is not None
        found.panel_booked_date = today + timedelta(days=20)
    _sign(store, household, carer_pipeline.FORM_F, form_f(today))
    with pytest.raises(NotExportable, match=r"\(Form C\) is not signed off"):
        service.panel_pack(store, household)
    form_c = next(t for t in registry.bundled() if t.id == carer_pipeline.FORM_C)
    _sign(store, household, form_c.id, every_answer(form_c, today, "Form C words"))
    pages = _pages(render_pdf(service.panel_pack(store, household)).data)
    assert "Connected person assessment (Form C style)" in pages[0]
    assert f"Booked for {today + timedelta(days=20):%d %b %Y}" in pages[0]
    part_one = next(n for n, p in enumerate(pages) if "Part 1:" in p)
    assert "Part 1: Connected person assessment (Form C style)" in pages[part_one]
    assert "Capacity to care for the child" in " ".join(pages)


def test_an_approved_households_first_review_goes_into_its_pack(qapp: object, store: Store) -> None:
    """For a first review at panel (FS(E)R 2011 reg 28): a household approved before Casebook
    has no Form F here; its signed-off review makes the pack, a draft review does not."""
    with store.write() as session:
        household = factories.household(name="The Mensah household", approval_date=date(2026, 1, 6))
        session.add(household)
    with pytest.raises(NotExportable, match="nothing to put in a panel pack"):
        service.panel_pack(store, household.id)
    with store.write() as session:
        session.add_all(
            [
                Review(
                    household_id=household.id,
                    kind="CARER_ANNUAL",
                    review_date=date(2026, 12, 1),
                    chair="Independent reviewing officer",
                    attendees="Both carers; the supervising social worker",
                    decisions="Approval continues on the same terms.",
                    status="finalised",
                ),
                Review(
                    household_id=household.id,
                    kind="CARER_ANNUAL",
                    review_date=date(2026, 12, 2),
                    decisions="A draft nobody signed.",
                    status="draft",
                ),
            ]
        )
    pages = _pages(render_pdf(service.panel_pack(store, household.id)).data)
    text = " ".join(pages)
    assert "Part 1: Foster carer annual review" in text
    assert "Approval continues on the same terms." in text
    assert "A draft nobody signed." not in text
