"""Answers checked against their template: wrong shapes always, missing required answers only
when finalising, hidden answers dropped at sign-off, and answers read back in words."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.forms import registry
from app.forms.answers import (
    display_value,
    item_fields,
    problems,
    prune_hidden,
    visible_questions,
)
from app.forms.template import FormTemplate, Question, parse_template


def _cascade() -> FormTemplate:
    """A form where one hidden question decides whether later ones show."""
    yes_no = [{"value": "YES", "label": "Yes"}, {"value": "NO", "label": "No"}]
    return parse_template(
        {
            "id": "cascade",
            "version": 1,
            "kind": "CHILD_ASSET_BASED",
            "subject": "child",
            "title": "Cascade",
            "sections": [
                {
                    "id": "first",
                    "title": "First",
                    "questions": [
                        {
                            "id": "mode",
                            "type": "choice",
                            "label": "Mode",
                            "required": True,
                            "options": [
                                {"value": "X", "label": "X"},
                                {"value": "Y", "label": "Y"},
                            ],
                        }
                    ],
                },
                {
                    "id": "second",
                    "title": "Second",
                    "visible_if": {"question": "mode", "equals": "X"},
                    "questions": [
                        {"id": "more", "type": "choice", "label": "More?", "options": yes_no},
                    ],
                },
                {
                    "id": "third",
                    "title": "Third",
                    "questions": [
                        {
                            "id": "detail",
                            "type": "long_text",
                            "label": "Detail",
                            "required": True,
                            "visible_if": {"question": "more", "equals": "YES"},
                        },
                        {
                            "id": "nothing_more",
                            "type": "text",
                            "label": "Nothing more",
                            "visible_if": {"question": "more", "answered": False},
                        },
                    ],
                },
            ],
        }
    )


TEMPLATES = [*registry.bundled(), _cascade()]


def _current() -> FormTemplate:
    return next(t for t in registry.bundled() if t.key == ("child_asset_based", 2))


# ---- Shapes and completeness


def test_a_draft_may_be_incomplete_but_finalising_names_each_missing_answer() -> None:
    """An empty draft has no problems; finalising it lists each visible required question by
    its label, under the field the form shows it beside."""
    template = _current()
    assert problems(template, {}, finalising=False) == []
    found = {p.field: p.message for p in problems(template, {}, finalising=True)}
    assert found["answers.strengths"] == (
        "Answer 'What is the child good at, and what are they proud of?' before finalising."
    )
    assert "answers.reason_other" not in found  # hidden until "Another reason" is chosen
    assert "Add at least 1 entry to 'Who contributed" in found["answers.contributors"]


def test_a_conditional_question_is_required_only_while_shown() -> None:
    """Choosing "Another reason" makes its follow-up required; another choice does not."""
    template = _current()
    shown = problems(template, {"reason": "OTHER"}, finalising=True)
    hidden = problems(template, {"reason": "ENTERING_CARE"}, finalising=True)
    assert "answers.reason_other" in {p.field for p in shown}
    assert "answers.reason_other" not in {p.field for p in hidden}


def test_a_group_entry_missing_a_required_field_is_named_by_its_number() -> None:
    """The second contributor without a name is reported as entry 2, beside that field."""
    template = _current()
    answers = {"contributors": [{"name": "Amara", "role": "CHILD"}, {"role": "CARER"}]}
    found = {p.field: p.message for p in problems(template, answers, finalising=True)}
    assert found["answers.contributors.2.name"] == (
        "Fill in 'Name' for entry 2 of 'Who contributed to this assessment' before finalising."
    )
    assert "answers.contributors.1.name" not in found


@pytest.mark.parametrize(
    ("question", "value", "words"),
    [
        ("strengths", 42, "must be text"),
        ("school", "Fennbridge\nPrimary", "single line"),
        ("looked_after_from", "31/02/2026", "must be a date"),
        ("reason", "MAYBE", "Choose one of the options"),
        ("carer_skills", ["TEENAGER", "TEENAGER"], "Choose from the options"),
        ("wellbeing_scale", 11, "from 0 to 10"),
        ("wellbeing_scale", True, "from 0 to 10"),
        ("contributors", {"name": "x"}, "list of entries"),
        ("strengths", "x" * 50_001, "at most 50,000"),
        ("strengths", "bell\x07", "control characters"),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused_even_in_a_draft(
    question: str, value: object, words: str
) -> None:
    """Bad data is refused at every save, with a message about that question."""
    found = problems(_current(), {question: value}, finalising=False)
    assert [p.field for p in found] == [f"answers.{question}"]
    assert words in found[0].message


def test_an_answer_to_a_question_the_form_does_not_have_is_refused() -> None:
    """An answer keyed by an unknown question names the form and its version."""
    found = problems(_current(), {"favourite_colour": "blue"}, finalising=False)
    assert [p.field for p in found] == ["answers.favourite_colour"]
    assert "version 2" in found[0].message


# ---- Pruning


def test_finalising_drops_answers_the_form_was_hiding_but_a_draft_keeps_them() -> None:
    """Text typed under "Another reason" survives switching back and forth in a draft, and is
    dropped only from what is signed off."""
    template = _current()
    draft = {"reason": "ENTERING_CARE", "reason_other": "Typed earlier", "strengths": "  "}
    assert problems(template, draft, finalising=False) == []
    assert prune_hidden(template, draft) == {"reason": "ENTERING_CARE"}


def test_a_question_hidden_by_a_hidden_answer_is_hidden_too() -> None:
    """An answer left in a hidden section does not make later questions appear: they are
    neither required nor kept."""
    template = _cascade()
    answers = {"mode": "Y", "more": "YES", "detail": "kept only while shown"}
    assert prune_hidden(template, answers) == {"mode": "Y"}
    shown = [q.id for _s, q in visible_questions(template, answers)]
    assert shown == ["mode", "nothing_more"]
    assert problems(template, {"mode": "Y", "more": "YES"}, finalising=True) == []


def test_group_entries_keep_only_their_shown_fields() -> None:
    """A contributor's "their role" text is dropped once the role is not "Other"."""
    template = _current()
    answers = {"contributors": [{"name": "Mr Osei", "role": "SCHOOL", "role_other": "Head"}]}
    assert prune_hidden(template, answers) == {
        "contributors": [{"name": "Mr Osei", "role": "SCHOOL"}]
    }


def _text(*, lines: bool) -> st.SearchStrategy[str]:
    characters = st.characters(blacklist_categories=("Cc", "Cs"))
    if lines:
        characters = st.one_of(characters, st.just("\n"))
    return st.text(characters, max_size=12)


def _value(question: Question) -> st.SearchStrategy[Any]:
    values = [o.value for o in question.options]
    match question.type:
        case "text":
            return _text(lines=False)
        case "long_text":
            return _text(lines=True)
        case "date":
            return st.dates(date(1990, 1, 1), date(2040, 12, 31)).map(date.isoformat)
        case "choice":
            return st.sampled_from(values)
        case "multi_choice":
            return st.lists(st.sampled_from(values), unique=True, max_size=len(values))
        case "rating":
            assert question.min is not None and question.max is not None
            return st.integers(question.min, question.max)
    item = st.fixed_dictionaries({}, optional={f.id: _value(f) for f in question.fields})
    return st.lists(item, max_size=min(3, question.max_items))


@st.composite
def _drafts(draw: st.DrawFn) -> tuple[FormTemplate, dict[str, Any]]:
    template = draw(st.sampled_from(TEMPLATES))
    optional = {q.id: _value(q) for _s, q in template.questions()}
    return template, draw(st.fixed_dictionaries({}, optional=optional))


@settings(max_examples=300)
@given(_drafts())
def test_pruned_answers_are_a_valid_draft_with_nothing_hidden(
    drafted: tuple[FormTemplate, dict[str, Any]],
) -> None:
    """Whatever a valid draft holds, what finalising keeps is still valid, and every answer
    kept (and every field of every entry) is one the form shows for the kept answers."""
    template, answers = drafted
    assert problems(template, answers, finalising=False) == []
    pruned = prune_hidden(template, answers)
    assert problems(template, pruned, finalising=False) == []
    shown = {q.id: q for _s, q in visible_questions(template, pruned)}
    assert set(pruned) <= set(shown)
    for key, value in pruned.items():
        if shown[key].type == "group":
            for item in value:
                assert set(item) <= {f.id for f in item_fields(shown[key], item)}


# ---- Reading answers back


def test_answers_read_back_in_words() -> None:
    """Dates, choices, lists, scales and group entries read as a worker would say them."""
    template = _current()

    def shown(question_id: str, value: object) -> str:
        question = template.question(question_id)
        assert question is not None
        return display_value(question, value)

    assert shown("looked_after_from", "2026-11-07") == "7 November 2026"
    assert shown("reason", "PLACEMENT_CHANGE") == "A planned move or change of placement"
    assert shown("reason", "RETIRED_CODE") == "RETIRED_CODE"
    assert shown("carer_skills", ["TEENAGER", "SCHOOL"]) == (
        "Caring for a teenager; Keeping the child at their current school"
    )
    assert shown("wellbeing_scale", 7) == "7 (on a scale of 0 to 10)"
    assert shown("strengths", "   ") == ""
    assert shown(
        "contributors",
        [{"name": "Amara", "role": "CHILD"}, {"name": "Mr Osei", "role": "SCHOOL"}],
    ) == (
        "1. Name: Amara; Who they are: The child\n"
        "2. Name: Mr Osei; Who they are: School, nursery or college"
    )
