"""What a printed record says: a finalised visit with its answers, sign-off and addenda; an
assessment with its own form version, every visible question (or "Not answered") and its
repeating groups; a chronology in date order; drafts refused in plain English."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app import service_name, settings
from app.exports import service
from app.exports.builders import assessment_document, chronology_document, visit_document
from app.exports.document import (
    DEFAULT_SERVICE_NAME,
    PROTECTIVE_MARKING,
    Answer,
    Document,
    ExportContext,
    NotExportable,
    Section,
)
from app.exports.html import body_html
from app.models import Addendum, AuditEvent, CaseNote
from app.store import Store
from tests.app import export_support, factories

CONTEXT = ExportContext(
    service_name="Northshire Children's Permanency Service",
    exported_by="alice",
    exported_at=datetime(2026, 11, 27, 10, 30, tzinfo=UTC),
)


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    with store.write() as session:
        made = factories.child(given_name="Amara", family_name="Okafor", preferred_name="Mara")
        session.add(made)
    return made.id


def _answers(section: Section) -> dict[str, Answer]:
    return {answer.label: answer for answer in section.answers}


def _section(document: Document, title: str) -> Section:
    found = [s for s in document.sections if s.title == title]
    assert found, f"no section {title!r} in {[s.title for s in document.sections]}"
    return found[0]


def test_finalised_visit_holds_its_answers_sign_off_and_addenda(
    store: Store, child_id: uuid.UUID
) -> None:
    """A finalised visit prints whose it is, what was recorded, who signed it off, and its
    addenda, under the service's header and marking."""
    with store.write() as session:
        visit = factories.visit(
            child_id,
            status="finalised",
            who_was_seen="Mara and her foster carer",
            visit_date=date(2026, 11, 20),
            seen_alone=False,
            not_seen_alone_reason="CHILD_REFUSED",
            observations="Bedroom tidy; Mara showed me her drawings.",
            wishes_and_feelings="Wants to see her brother more often.",
        )
        session.add(visit)
        session.flush()
        session.add(
            Addendum(
                child_id=child_id,
                target_type="visit",
                target_id=visit.id,
                text="Correction: her carer's son was also present.",
            )
        )
    with store.read() as session:
        document = visit_document(session, visit.id, CONTEXT)

    assert document.subject == "Amara Okafor (known as Mara), born 14 Mar 2017"
    assert document.header.service == "Northshire Children's Permanency Service"
    assert document.header.marking == PROTECTIVE_MARKING == "OFFICIAL-SENSITIVE"
    facts = _answers(_section(document, "The visit"))
    assert facts["Date of visit"].text == "20 Nov 2026"
    assert facts["Child seen alone"].text == "No: The child did not want to be seen alone"
    assert _section(document, "Observations").paragraphs == (
        "Bedroom tidy; Mara showed me her drawings.",
    )
    assert _section(document, "Actions agreed").paragraphs == ()
    meta = {row.label: row.value for row in document.meta}
    assert meta["Signed off by"].startswith("alice on ")
    assert [note.text for note in document.addenda] == [
        "Correction: her carer's son was also present."
    ]
    assert document.footer.startswith("Exported by alice on 27 Nov 2026")
    # What, whose and when, so a folder of exports can be told apart (the worker may change it
    # in the save dialog).
    assert document.suggested_name == "Visit - Amara Okafor - 2026-11-20.pdf"


def test_a_draft_visit_is_refused_in_plain_english(store: Store, child_id: uuid.UUID) -> None:
    """Exporting a draft says to finalise it first, and nothing is built."""
    with store.write() as session:
        draft = factories.visit(child_id, observations="Half written")
        session.add(draft)
    with store.read() as session, pytest.raises(NotExportable, match="still a draft"):
        visit_document(session, draft.id, CONTEXT)


def test_a_visit_not_on_this_laptop_is_refused(store: Store) -> None:
    """An unknown visit id gives a plain message, not a crash."""
    with store.read() as session, pytest.raises(NotExportable, match="not on this laptop"):
        visit_document(session, uuid.uuid4(), CONTEXT)


def test_assessment_prints_visible_questions_groups_and_gaps(
    store: Store, child_id: uuid.UUID
) -> None:
    """Every visible question appears in form order, choices and ratings in words, a group as
    numbered entries, an empty question as "Not answered", and hidden questions not at all."""
    export_support.keep_templates(store)
    assessment_id = export_support.signed_assessment(
        store,
        child_id,
        {
            "strengths": "Swimming; looks after her little brother.",
            "seen_alone": "YES",
            # Answered once, then hidden when "seen alone" became Yes: not part of the record.
            "why_not_alone": "Carer stayed in the room",
            "mood": 4,
            "people": [
                {"name": "Sandra", "relationship": "Foster carer"},
                {"name": "Kwame"},
            ],
        },
    )
    with store.read() as session:
        document = assessment_document(session, assessment_id, CONTEXT)

    assert document.title == "Strengths assessment (export test)"
    about = _section(document, "About the child")
    assert [a.label for a in about.answers] == [
        "What is the child proud of?",
        "How is school going?",
        "Was the child seen alone?",
        "Mood today",
    ]
    answers = _answers(about)
    assert answers["Was the child seen alone?"].text == "Yes"
    assert answers["Mood today"].text == "4 (on a scale of 1 to 5)"
    assert not answers["How is school going?"].answered
    people = _answers(_section(document, "People who matter"))["Important people"]
    assert people.is_group
    assert [[(f.label, f.text, f.answered) for f in item] for item in people.items] == [
        [("Name", "Sandra", True), ("Relationship", "Foster carer", True)],
        [("Name", "Kwame", True), ("Relationship", "", False)],
    ]
    assert not _answers(_section(document, "People who matter"))[
        "What are we worried about?"
    ].answered
    html = body_html(document)
    assert "Carer stayed in the room" not in html
    assert "Not answered" in html
    meta = {row.label: row.value for row in document.meta}
    assert meta["Form"] == "Strengths assessment (export test), version 1"


def test_assessment_prints_with_its_own_older_form_version(
    store: Store, child_id: uuid.UUID
) -> None:
    """An assessment made with version 1 shows version 1's questions after version 2 exists."""
    export_support.keep_templates(store)
    old = export_support.signed_assessment(store, child_id, {"school": "Settled in Year 4"})
    new = export_support.signed_assessment(
        store, child_id, {"health": "Asthma, well managed"}, version=2
    )
    with store.read() as session:
        old_doc = assessment_document(session, old, CONTEXT)
        new_doc = assessment_document(session, new, CONTEXT)
    old_labels = [a.label for s in old_doc.sections for a in s.answers]
    new_labels = [a.label for s in new_doc.sections for a in s.answers]
    assert "How is school going?" in old_labels and "How is the child's health?" not in old_labels
    assert "How is the child's health?" in new_labels and "How is school going?" not in new_labels


def test_a_draft_assessment_is_refused(store: Store, child_id: uuid.UUID) -> None:
    """A draft assessment cannot be exported; the message says to finalise it."""
    export_support.keep_templates(store)
    draft = export_support.signed_assessment(store, child_id, {}, status="draft")
    with store.read() as session, pytest.raises(NotExportable, match="Finalise it first"):
        assessment_document(session, draft, CONTEXT)


def test_an_approved_assessment_says_who_approved_it(store: Store, child_id: uuid.UUID) -> None:
    """Approval (which arrives by sync) is printed with the manager and the time."""
    export_support.keep_templates(store)
    assessment_id = export_support.signed_assessment(store, child_id, {"strengths": "Kind"})
    with store.write(remote=True) as session:
        from app.models import Assessment

        row = session.get(Assessment, assessment_id)
        assert row is not None
        row.status = "approved"
        row.approved_by = "manager.mo"
        row.approved_at = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    with store.read() as session:
        document = assessment_document(session, assessment_id, CONTEXT)
    meta = {row.label: row.value for row in document.meta}
    assert meta["Approved by"].startswith("manager.mo on 25 Nov 2026")


def test_chronology_is_in_date_order_and_marks_drafts(store: Store, child_id: uuid.UUID) -> None:
    """The printed chronology runs oldest first, whatever order things were typed in, and says
    which entries are drafts."""
    today = date(2026, 11, 27)
    with store.write() as session:
        session.add_all(
            [
                factories.finalised_visit(child_id, visit_date=today - timedelta(days=3)),
                CaseNote(
                    child_id=child_id,
                    event_date=today - timedelta(days=40),
                    subject="Call from school",
                    text="Settled well.",
                    status="finalised",
                ),
                factories.visit(child_id, visit_date=today - timedelta(days=10)),
            ]
        )
    with store.read() as session:
        document = chronology_document(session, child_id, CONTEXT)
    table = _section(document, "Chronology").table
    assert table is not None
    assert [row[0] for row in table.rows] == ["18 Oct 2026", "17 Nov 2026", "24 Nov 2026"]
    assert [row[4] for row in table.rows] == ["Finalised", "Draft", "Finalised"]
    assert "Call from school" in table.rows[0][2]
    assert document.suggested_name.startswith("Chronology - ")
    assert document.suggested_name.endswith(" - 2026-11-27.pdf")


def test_chronology_of_a_child_with_nothing_recorded_says_so(
    store: Store, child_id: uuid.UUID
) -> None:
    """An empty chronology prints a sentence, not an empty table."""
    with store.read() as session:
        document = chronology_document(session, child_id, CONTEXT)
    section = _section(document, "Chronology")
    assert section.table is None
    assert "Nothing has been recorded" in body_html(document)


def test_case_text_is_escaped_in_the_printed_html(store: Store, child_id: uuid.UUID) -> None:
    """Text that looks like markup prints as typed and can never change the layout."""
    with store.write() as session:
        visit = factories.finalised_visit(
            child_id, observations='<b>bold</b> & <img src="x"> "quoted"'
        )
        session.add(visit)
    with store.read() as session:
        html = body_html(visit_document(session, visit.id, CONTEXT))
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=&quot;x&quot;&gt;" in html
    assert "<img" not in html


def test_service_name_comes_from_the_service_not_the_settings_file(
    store: Store, child_id: uuid.UUID
) -> None:
    """The header carries the name the service sent (kept in the store), or a plain default
    before the first sync; a name left in an older settings.json is not printed."""
    with store.write() as session:
        visit = factories.finalised_visit(child_id)
        session.add(visit)
    (store.profile_path / settings.SETTINGS_FILE).write_text(
        '{"service_name": "Typed on the laptop"}', encoding="utf-8"
    )
    assert service.visit(store, visit.id).header.service == DEFAULT_SERVICE_NAME
    with store.write(remote=True) as session:
        service_name.save(session, "  Westbury Fostering  ")
    assert service.visit(store, visit.id).header.service == "Westbury Fostering"


def test_recording_an_export_names_the_record_never_the_place(
    store: Store, child_id: uuid.UUID
) -> None:
    """The audit entry says who exported which record and how many pages, and holds no
    names, case text or file path."""
    with store.write() as session:
        visit = factories.finalised_visit(child_id, observations="Private words")
        session.add(visit)
    document = service.visit(store, visit.id)
    service.record_export(store, document, pages=2)
    with store.read() as session:
        events = [e for e in session.query(AuditEvent) if e.action == service.EXPORT_ACTION]
    assert len(events) == 1
    event = events[0]
    assert (event.actor, event.record_type, event.record_id) == ("alice", "visit", visit.id)
    assert event.detail == "PDF, 2 pages"
    assert event.fields == []


def test_a_visit_to_carers_prints_the_household_and_its_own_words(store: Store) -> None:
    """A supervising visit names the household and asks no child-only questions."""
    with store.write() as session:
        household = factories.household(name="The Whitfield household")
        session.add(household)
        session.flush()
        visit = factories.visit(
            None,
            household_id=household.id,
            visit_type="SUPERVISING",
            who_was_seen="Sandra and Tom Whitfield",
            observations="Home warm and welcoming.",
            status="finalised",
        )
        session.add(visit)
    with store.read() as session:
        document = visit_document(session, visit.id, CONTEXT)
    assert document.subject == "The Whitfield household"
    assert "Child seen alone" not in _answers(_section(document, "The visit"))
    assert _section(document, "Observations of the home and care").paragraphs == (
        "Home warm and welcoming.",
    )


def test_a_baby_s_visit_prints_why_their_words_are_not_there(
    store: Store, child_id: uuid.UUID
) -> None:
    """Where the child's wishes and feelings could not be gathered, the copy says why under
    that heading rather than "Not answered"."""
    with store.write() as session:
        visit = factories.finalised_visit(
            child_id, wishes_and_feelings="", wishes_not_gathered="TOO_YOUNG"
        )
        session.add(visit)
    with store.read() as session:
        document = visit_document(session, visit.id, CONTEXT)
    wishes = _section(document, "Child's wishes and feelings")
    assert wishes.paragraphs == (
        "Not gathered at this visit: The child is too young to put them into words.",
    )


def test_a_suggested_file_name_is_safe_on_every_laptop() -> None:
    """Characters Windows refuses in a file name are replaced; the name stays one line."""
    from datetime import date

    from app.exports.builders import file_name

    assert file_name("Visit", 'Ana: "Bo"/Smith?', date(2026, 11, 3)) == (
        "Visit - Ana Bo Smith - 2026-11-03.pdf"
    )
    assert file_name("Visit", "", None) == "Visit.pdf"
