"""Form templates: every shipped template is a real, complete form, and a slip in a template is
found when it is loaded, with its place named."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from app import codes
from app.forms import registry
from app.forms.template import QUESTION_TYPES, FormTemplate, TemplateError, parse_template
from server.services.documents import load_documents

SHIPPED = sorted(
    entry.name
    for entry in resources.files("resources").joinpath("forms").iterdir()
    if entry.name.endswith(".toml")
)


def _raw(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("resources").joinpath("forms", name).read_text("utf-8"))


def _every_question(template: FormTemplate) -> list[Any]:
    found = []
    for _section, question in template.questions():
        found.append(question)
        found.extend(question.fields)
    return found


def test_the_promised_templates_are_shipped() -> None:
    """The service's forms ship, with the asset-based assessment in versions 1 and 2, and the
    two the children looked after return reads (health and outcomes, adoption decisions)."""
    assert {t.key for t in registry.bundled()} == {
        ("child_asset_based", 1),
        ("child_asset_based", 2),
        ("carer_household_summary", 1),
        ("kinship_viability", 1),
        ("sgo_support_needs", 1),
        ("support_plan", 1),
        ("child_health_outcomes", 1),
        ("adoption_decisions", 1),
        ("missing_episode", 1),
        ("reunification_assessment", 1),
        ("return_home_support_plan", 1),
        ("return_home_outcome", 1),
        ("placement_with_parents", 1),
        ("fostering_form_f", 1),
        ("connected_person_form_c", 1),
    }


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_template_is_a_usable_form(name: str) -> None:
    """Each file parses, is named for its id and version, carries a known assessment kind,
    and uses help text, required questions and at least one conditional question."""
    template = parse_template(_raw(name))
    assert name == f"{template.id}.v{template.version}.toml"
    assert template.kind in codes.code_list("assessment_kind")
    questions = _every_question(template)
    assert any(q.help for q in questions) or any(s.help for s in template.sections)
    assert any(q.required for q in questions)
    assert any(q.visible_if is not None for q in questions)
    assert template.description


def test_between_them_the_templates_use_every_question_type() -> None:
    """Every question type the form can show is used by some shipped template."""
    used = {q.type for t in registry.bundled() for q in _every_question(t)}
    assert used == set(QUESTION_TYPES)


def test_the_child_assessment_covers_the_seven_dimensions_and_the_childs_view() -> None:
    """Version 2 of the asset-based assessment has a section for each developmental dimension
    of the care plan, a Signs of Safety style 0-10 scale and the child's own view; version 1,
    kept for old records, is smaller."""
    older = parse_template(_raw("child_asset_based.v1.toml"))
    current = parse_template(_raw("child_asset_based.v2.toml"))
    sections = {s.id for s in current.sections}
    assert {
        "health",
        "education",
        "emotional",
        "identity",
        "family",
        "presentation",
        "self_care",
        "child_view",
    } <= sections
    scale = current.question("wellbeing_scale")
    assert scale is not None and (scale.min, scale.max) == (0, 10)
    assert len(list(older.questions())) < len(list(current.questions()))


def test_the_server_serves_every_shipped_template_as_it_parses_here() -> None:
    """The central service reads the same folder: every document it would serve is named by
    its file stem and parses as the same template the laptop ships."""
    served = {d.name: d for d in load_documents("forms", None)}
    assert set(served) == {name.removesuffix(".toml") for name in SHIPPED}
    for name, document in served.items():
        assert parse_template(document.content) == parse_template(_raw(f"{name}.toml"))
    assert {d.sha256 for d in served.values()} == registry.bundled_hashes()


# ---- Malformed templates


def _minimal() -> dict[str, Any]:
    return {
        "id": "tiny",
        "version": 1,
        "kind": "CHILD_ASSET_BASED",
        "subject": "child",
        "title": "Tiny",
        "sections": [
            {
                "id": "one",
                "title": "One",
                "questions": [
                    {
                        "id": "seen",
                        "type": "choice",
                        "label": "Seen?",
                        "options": [
                            {"value": "YES", "label": "Yes"},
                            {"value": "NO", "label": "No"},
                        ],
                    },
                    {"id": "why", "type": "text", "label": "Why not?"},
                ],
            }
        ],
    }


def _broken(change: str) -> dict[str, Any]:
    content = copy.deepcopy(_minimal())
    questions = content["sections"][0]["questions"]
    match change:
        case "bad type":
            questions[1]["type"] = "essay"
        case "condition on a later question":
            questions[0]["visible_if"] = {"question": "why", "answered": True}
        case "condition on a missing option":
            questions[1]["visible_if"] = {"question": "seen", "equals": "MAYBE"}
        case "duplicate id":
            questions[1]["id"] = "seen"
        case "choice with one option":
            questions[0]["options"] = questions[0]["options"][:1]
        case "rating without a scale":
            questions[1].update(type="rating", min=5, max=5)
        case "group inside a group":
            questions[1].update(
                type="group",
                fields=[{"id": "inner", "type": "group", "label": "x", "fields": []}],
            )
        case "no version":
            del content["version"]
    return content


@pytest.mark.parametrize(
    ("change", "place", "words"),
    [
        ("bad type", "sections[0].questions[1]", "'type' must be one of"),
        ("condition on a later question", "sections[0].questions[0].visible_if", "before"),
        ("condition on a missing option", "sections[0].questions[1].visible_if", "'MAYBE'"),
        ("duplicate id", "sections[0].questions[1]", "already has the id"),
        ("choice with one option", "sections[0].questions[0]", "at least two options"),
        ("rating without a scale", "sections[0].questions[1]", "'min' < 'max'"),
        ("group inside a group", "sections[0].questions[1].fields[0]", "cannot hold"),
        ("no version", "template", "'version'"),
    ],
)
def test_a_malformed_template_is_refused_naming_the_place(
    change: str, place: str, words: str
) -> None:
    """A slip in a template is reported with where it is and what is wrong."""
    with pytest.raises(TemplateError) as caught:
        parse_template(_broken(change))
    message = str(caught.value)
    assert message.startswith(place + ":") and words in message
