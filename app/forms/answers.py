"""Checking an assessment's answers against the template version they were made with.

Answers are one JSON map, question id to value:

- ``text``, ``long_text``: a string; ``date``: an ISO date string (``"2026-11-27"``);
- ``choice``: an option value; ``multi_choice``: a list of option values;
- ``rating``: a whole number within the scale;
- ``group``: a list of items, each a map of the group's field ids to values as above.

A question nobody has answered is simply absent (empty text and empty lists count as absent).

Why two levels of checking: a draft is saved every few seconds while the worker types, so it
may be incomplete but must never hold a value of the wrong shape (that would be bad data from
somewhere, not a half-filled form); finalising also needs every visible required question
answered. Problems name the field as ``answers.<question>`` or ``answers.<group>.<n>.<field>``
(n counting from 1, as the worker sees items) so the form can show each beside its widget.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from app.errors import FieldProblem
from app.forms.template import FormTemplate, Question, Section, is_answered


def field_name(question_id: str, item: int | None = None, field_id: str | None = None) -> str:
    """The problem field for a question, or for one field of one item (``item`` from 1)."""
    if item is None:
        return f"answers.{question_id}"
    return f"answers.{question_id}.{item}.{field_id}"


def section_visible(section: Section, answers: Mapping[str, Any]) -> bool:
    return section.visible_if is None or section.visible_if.holds(answers)


def question_visible(section: Section, question: Question, answers: Mapping[str, Any]) -> bool:
    """Shown when its section is shown and its own condition (if any) holds.

    Give it the answers of shown questions only (``prune_hidden`` of a draft) when a hidden
    question's answer should not count; ``visible_questions`` does that itself."""
    if not section_visible(section, answers):
        return False
    return question.visible_if is None or question.visible_if.holds(answers)


def visible_questions(
    template: FormTemplate, answers: Mapping[str, Any]
) -> Iterator[tuple[Section, Question]]:
    """The questions shown, in form order. A hidden question counts as unanswered for the
    questions after it (conditions only name earlier questions), so hiding one also hides
    those that hang on its answer, however the draft still holds it."""
    shown: dict[str, Any] = {}
    for section, question in template.questions():
        if question_visible(section, question, shown):
            if question.id in answers:
                shown[question.id] = answers[question.id]
            yield section, question


def problems(
    template: FormTemplate,
    answers: Mapping[str, Any],
    *,
    finalising: bool,
    today: date | None = None,
) -> list[FieldProblem]:
    """Everything wrong with ``answers``: shapes always, completeness when ``finalising``, and
    with ``today`` a ``past_only`` date after it."""
    found: list[FieldProblem] = []
    known = {question.id: question for _section, question in template.questions()}
    for key in answers:
        if key not in known:
            found.append(
                FieldProblem(
                    field_name(key),
                    f"This form ({template.title}, version {template.version}) has no "
                    f"question called {key!r}.",
                )
            )
    shown = {question.id for _section, question in visible_questions(template, answers)}
    for _section, question in template.questions():
        value = answers.get(question.id)
        if is_answered(value):
            shape = _shape(question, value, field_name(question.id))
            found.extend(shape)
            if not shape and today is not None and question.past_only:
                found.extend(_not_future(question, str(value), today))
        if finalising and question.id in shown:
            found.extend(_complete(question, value))
    return found


def prune_hidden(template: FormTemplate, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a finalised record keeps: those the worker could see, non-empty.

    A draft keeps answers to questions that are hidden for now, so switching a choice back and
    forth never loses typed text; what is signed off is only what the form showed.
    """
    kept: dict[str, Any] = {}
    for _section, question in visible_questions(template, answers):
        value = answers.get(question.id)
        if not is_answered(value):
            continue
        if question.type == "group" and isinstance(value, list):
            value = [_prune_item(question, item) for item in value if isinstance(item, Mapping)]
        kept[question.id] = value
    return kept


def display_value(question: Question, value: object) -> str:
    """An answer in words, for reading back and for exports (a group gives one line per field
    per item). Unanswered questions read as an empty string."""
    if not is_answered(value):
        return ""
    if question.type == "date" and isinstance(value, str):
        try:
            on = date.fromisoformat(value)
            return f"{on.day} {on:%B %Y}"  # not %-d: Windows strftime lacks it
        except ValueError:
            return value
    if question.type == "choice" and isinstance(value, str):
        return question.option_label(value)
    if question.type == "multi_choice" and isinstance(value, list):
        return "; ".join(question.option_label(str(v)) for v in value)
    if question.type == "rating" and question.max is not None:
        return f"{value} (on a scale of {question.min} to {question.max})"
    if question.type == "group" and isinstance(value, list):
        lines = []
        for n, item in enumerate(value, start=1):
            if not isinstance(item, Mapping):
                continue
            parts = [
                f"{field.label}: {display_value(field, item.get(field.id))}"
                for field in item_fields(question, item)
                if is_answered(item.get(field.id))
            ]
            lines.append(f"{n}. " + "; ".join(parts))
        return "\n".join(lines)
    return str(value)


def item_fields(group: Question, item: Mapping[str, Any]) -> Iterator[Question]:
    """The fields of one group item that are shown, given that item's own answers (a hidden
    field counts as unanswered for the fields after it, as in ``visible_questions``)."""
    shown: dict[str, Any] = {}
    for field in group.fields:
        if field.visible_if is None or field.visible_if.holds(shown):
            if field.id in item:
                shown[field.id] = item[field.id]
            yield field


# ---- Private API


def _prune_item(group: Question, item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        field.id: item[field.id]
        for field in item_fields(group, item)
        if is_answered(item.get(field.id))
    }


def future_problem(label: str, on: date, today: date) -> str:
    """The words for a date that has not happened yet ("" when it has)."""
    if on <= today:
        return ""
    return f"'{label}' cannot be in the future: {on.day} {on:%B %Y} has not happened yet."


def _not_future(question: Question, value: str, today: date) -> list[FieldProblem]:
    message = future_problem(question.label, date.fromisoformat(value), today)
    return [FieldProblem(field_name(question.id), message)] if message else []


def _complete(question: Question, value: object) -> list[FieldProblem]:
    name = field_name(question.id)
    if question.type != "group":
        if question.required and not is_answered(value):
            return [FieldProblem(name, f"Answer '{question.label}' before finalising.")]
        return []
    items = [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
    found: list[FieldProblem] = []
    wanted = max(question.min_items, 1 if question.required else 0)
    if len(items) < wanted:
        found.append(
            FieldProblem(
                name,
                f"Add at least {wanted} {'entry' if wanted == 1 else 'entries'} to "
                f"'{question.label}' before finalising.",
            )
        )
    for n, item in enumerate(items, start=1):
        for field in item_fields(question, item):
            if field.required and not is_answered(item.get(field.id)):
                found.append(
                    FieldProblem(
                        field_name(question.id, n, field.id),
                        f"Fill in '{field.label}' for entry {n} of '{question.label}' before "
                        "finalising.",
                    )
                )
    return found


def _shape(question: Question, value: object, name: str) -> list[FieldProblem]:
    """A wrong shape is reported in words a worker could act on, though in practice it only
    comes from a damaged record or a bad API call: the form's widgets cannot produce one."""
    label = question.label
    match question.type:
        case "text" | "long_text":
            if not isinstance(value, str):
                return [FieldProblem(name, f"'{label}' must be text.")]
            if question.max_length is not None and len(value) > question.max_length:
                return [
                    FieldProblem(
                        name,
                        f"'{label}' is {len(value):,} characters long; it can be at most "
                        f"{question.max_length:,}. Shorten it, or attach a document instead.",
                    )
                ]
            if any(ord(ch) < 32 and ch not in "\n\t\r" for ch in value):
                return [FieldProblem(name, f"'{label}' contains invisible control characters.")]
            if question.type == "text" and "\n" in value:
                return [FieldProblem(name, f"'{label}' must be a single line.")]
        case "date":
            try:
                on = date.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                on = None
            if on is None:
                return [FieldProblem(name, f"'{label}' must be a date.")]
        case "choice":
            if not isinstance(value, str) or value not in {o.value for o in question.options}:
                return [FieldProblem(name, f"Choose one of the options for '{label}'.")]
        case "multi_choice":
            allowed = {o.value for o in question.options}
            if (
                not isinstance(value, list)
                or not all(isinstance(v, str) and v in allowed for v in value)
                or len(set(value)) != len(value)
            ):
                return [FieldProblem(name, f"Choose from the options for '{label}'.")]
        case "rating":
            low, high = question.min, question.max
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or low is None
                or high is None
                or not low <= value <= high
            ):
                return [
                    FieldProblem(name, f"'{label}' must be a whole number from {low} to {high}.")
                ]
        case "group":
            return _group_shape(question, value, name)
    return []


def _group_shape(question: Question, value: object, name: str) -> list[FieldProblem]:
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        return [FieldProblem(name, f"'{question.label}' must be a list of entries.")]
    if len(value) > question.max_items:
        return [
            FieldProblem(name, f"'{question.label}' can have at most {question.max_items} entries.")
        ]
    found: list[FieldProblem] = []
    fields = {field.id: field for field in question.fields}
    for n, item in enumerate(value, start=1):
        for key, inner in item.items():
            field = fields.get(key)
            where = field_name(question.id, n, key)
            if field is None:
                found.append(FieldProblem(where, f"'{question.label}' has no field {key!r}."))
            elif is_answered(inner):
                found.extend(_shape(field, inner, where))
    return found
