"""A form template: the structure of an assessment, read from data a service may change.

Templates live in ``resources/forms`` (and the central service serves them, so a service can
publish a new version without a new release). Each is a TOML table::

    id = "child_asset_based"          # stable across versions
    version = 2                       # a whole number, raised for every published change
    kind = "CHILD_ASSET_BASED"        # the ``assessment_kind`` code the record carries
    subject = "child"                 # "child" or "household"
    title = "Asset-based assessment of a child entering care"
    description = "Why and when to use it."

    [[sections]]
    id = "strengths"
    title = "Strengths, talents and interests"
    help = "Optional guidance shown under the heading."
    visible_if = { question = "...", equals = "..." }      # optional

      [[sections.questions]]
      id = "strengths"                # unique in the whole template: answers are one flat map
      type = "long_text"              # see QUESTION_TYPES
      label = "What is the child good at, and proud of?"
      help = "Shown under the question."
      required = true                 # needed to finalise (drafts may be incomplete)
      options = [{ value = "YES", label = "Yes" }]   # choice and multi_choice
      min = 0, max = 10, min_label = "...", max_label = "..."   # rating
      max_length = 500                # text and long_text (defaults below)
      past_only = true                # date: a day after today cannot be finalised
      visible_if = { question = "seen_alone", equals = "NO" }
      # also { question = "x", any_of = ["A", "B"] } or { question = "x", answered = true }

      # type = "group" repeats a set of fields (min_items, max_items); its fields are
      # [[sections.questions.fields]] with the same keys (no nested groups); a field's
      # visible_if names a sibling field of the same item.

Why parse into frozen dataclasses, strictly: a template is data written by a person, and a slip
in it (a condition naming a question that does not exist, a choice without options) must be
found when the template is loaded, with its place named, not when a worker is half-way through
an assessment in a foster carer's living room.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

QuestionType = Literal["text", "long_text", "date", "choice", "multi_choice", "rating", "group"]
QUESTION_TYPES: Final[tuple[QuestionType, ...]] = (
    "text",
    "long_text",
    "date",
    "choice",
    "multi_choice",
    "rating",
    "group",
)
Subject = Literal["child", "household"]

#: Default length limits, so a paste of a whole document into a one-line box is caught.
DEFAULT_MAX_LENGTH: Final[dict[str, int]] = {"text": 500, "long_text": 50_000}
#: A repeating group may hold at most this many items unless the template says fewer.
DEFAULT_MAX_ITEMS: Final = 50


class TemplateError(ValueError):
    """A template is malformed; the message names the place (``sections[2].questions[0]``)."""


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    """Show a question (or section) only when another question's answer fits.

    Exactly one of ``equals``, ``any_of`` and ``answered`` is set.
    """

    question: str
    equals: str | None = None
    any_of: tuple[str, ...] = ()
    answered: bool | None = None

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.question)
        if self.answered is not None:
            return is_answered(value) == self.answered
        chosen = set(value) if isinstance(value, list) else {value}
        if self.equals is not None:
            return self.equals in chosen
        return bool(chosen & set(self.any_of))


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    label: str
    help: str = ""
    required: bool = False
    options: tuple[Option, ...] = ()
    min: int | None = None
    max: int | None = None
    min_label: str = ""
    max_label: str = ""
    max_length: int | None = None
    visible_if: Condition | None = None
    fields: tuple[Question, ...] = ()
    min_items: int = 0
    max_items: int = DEFAULT_MAX_ITEMS
    #: A date that must already have happened (a child cannot have become looked after next
    #: week): refused at sign-off, never in a draft, so a slip never stops a draft saving.
    past_only: bool = False

    def option_label(self, value: str) -> str:
        """The words for a stored choice; an unknown value is shown as it is, never dropped."""
        for option in self.options:
            if option.value == value:
                return option.label
        return value


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    help: str = ""
    visible_if: Condition | None = None


@dataclass(frozen=True)
class FormTemplate:
    id: str
    version: int
    kind: str
    subject: Subject
    title: str
    sections: tuple[Section, ...]
    description: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def questions(self) -> Iterator[tuple[Section, Question]]:
        """Every top-level question with its section, in form order."""
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, question_id: str) -> Question | None:
        for _section, question in self.questions():
            if question.id == question_id:
                return question
        return None


def is_answered(value: object) -> bool:
    """Empty text, an empty list and None all mean "not answered yet"."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def parse_template(content: Mapping[str, Any]) -> FormTemplate:
    """Build a template from its parsed TOML/JSON, checking everything a form will rely on."""
    where = "template"
    template_id = _text(content, "id", where, identifier=True)
    version = content.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TemplateError(f"{where}: 'version' must be a whole number of 1 or more.")
    subject = content.get("subject")
    if subject not in ("child", "household"):
        raise TemplateError(f"{where}: 'subject' must be 'child' or 'household'.")
    raw_sections = _list(content, "sections", where)
    if not raw_sections:
        raise TemplateError(f"{where}: a template needs at least one section.")
    sections = tuple(_section(raw, f"sections[{i}]") for i, raw in enumerate(raw_sections))
    template = FormTemplate(
        id=template_id,
        version=version,
        kind=_text(content, "kind", where, identifier=True),
        subject=cast(Subject, subject),
        title=_text(content, "title", where),
        description=_optional_text(content, "description", where),
        sections=sections,
    )
    _check_references(template)
    return template


# ---- Private API


def _section(raw: object, where: str) -> Section:
    table = _table(raw, where)
    questions = tuple(
        _question(q, f"{where}.questions[{i}]", in_group=False)
        for i, q in enumerate(_list(table, "questions", where))
    )
    if not questions:
        raise TemplateError(f"{where}: a section needs at least one question.")
    return Section(
        id=_text(table, "id", where, identifier=True),
        title=_text(table, "title", where),
        help=_optional_text(table, "help", where),
        questions=questions,
        visible_if=_condition(table.get("visible_if"), where),
    )


def _question(raw: object, where: str, *, in_group: bool) -> Question:
    table = _table(raw, where)
    kind = table.get("type")
    if kind not in QUESTION_TYPES:
        raise TemplateError(f"{where}: 'type' must be one of {', '.join(QUESTION_TYPES)}.")
    kind = cast(QuestionType, kind)
    if kind == "group" and in_group:
        raise TemplateError(f"{where}: a group cannot hold another group.")
    required = table.get("required", False)
    if not isinstance(required, bool):
        raise TemplateError(f"{where}: 'required' must be true or false.")
    options: tuple[Option, ...] = ()
    if kind in ("choice", "multi_choice"):
        options = tuple(
            _option(o, f"{where}.options[{i}]")
            for i, o in enumerate(_list(table, "options", where))
        )
        if len(options) < 2:
            raise TemplateError(f"{where}: a choice needs at least two options.")
        if len({o.value for o in options}) != len(options):
            raise TemplateError(f"{where}: two options share a value.")
    low = high = None
    if kind == "rating":
        low, high = _int(table, "min", where), _int(table, "max", where)
        if low is None or high is None or low >= high:
            raise TemplateError(f"{where}: a rating needs whole numbers 'min' < 'max'.")
    past_only = table.get("past_only", False)
    if not isinstance(past_only, bool) or (past_only and kind != "date"):
        raise TemplateError(f"{where}: 'past_only' is true or false, and only for a date.")
    max_length = _int(table, "max_length", where)
    if kind in DEFAULT_MAX_LENGTH:
        max_length = max_length or DEFAULT_MAX_LENGTH[kind]
    fields: tuple[Question, ...] = ()
    min_items, max_items = 0, DEFAULT_MAX_ITEMS
    if kind == "group":
        fields = tuple(
            _question(f, f"{where}.fields[{i}]", in_group=True)
            for i, f in enumerate(_list(table, "fields", where))
        )
        if not fields:
            raise TemplateError(f"{where}: a group needs at least one field.")
        if len({f.id for f in fields}) != len(fields):
            raise TemplateError(f"{where}: two fields of the group share an id.")
        min_items = _int(table, "min_items", where) or 0
        max_items = _int(table, "max_items", where) or DEFAULT_MAX_ITEMS
        if not 0 <= min_items <= max_items:
            raise TemplateError(f"{where}: 'min_items' must not exceed 'max_items'.")
    return Question(
        id=_text(table, "id", where, identifier=True),
        type=kind,
        label=_text(table, "label", where),
        help=_optional_text(table, "help", where),
        required=required,
        options=options,
        min=low,
        max=high,
        min_label=_optional_text(table, "min_label", where),
        max_label=_optional_text(table, "max_label", where),
        max_length=max_length,
        visible_if=_condition(table.get("visible_if"), where),
        fields=fields,
        min_items=min_items,
        max_items=max_items,
        past_only=past_only,
    )


def _option(raw: object, where: str) -> Option:
    table = _table(raw, where)
    return Option(value=_text(table, "value", where), label=_text(table, "label", where))


def _condition(raw: object, where: str) -> Condition | None:
    if raw is None:
        return None
    where = f"{where}.visible_if"
    table = _table(raw, where)
    question = _text(table, "question", where, identifier=True)
    given = [key for key in ("equals", "any_of", "answered") if key in table]
    if len(given) != 1:
        raise TemplateError(f"{where}: give exactly one of 'equals', 'any_of' or 'answered'.")
    if "equals" in table:
        return Condition(question, equals=_text(table, "equals", where))
    if "any_of" in table:
        values = table["any_of"]
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            raise TemplateError(f"{where}: 'any_of' must be a list of option values.")
        return Condition(question, any_of=tuple(values))
    answered = table["answered"]
    if not isinstance(answered, bool):
        raise TemplateError(f"{where}: 'answered' must be true or false.")
    return Condition(question, answered=answered)


def _check_references(template: FormTemplate) -> None:
    """Ids are unique, and every condition names a question that comes before it (so a form
    filled from top to bottom never depends on something further down)."""
    seen: dict[str, Question] = {}
    section_ids: set[str] = set()
    for s_index, section in enumerate(template.sections):
        where = f"sections[{s_index}]"
        if section.id in section_ids:
            raise TemplateError(f"{where}: another section already has the id {section.id!r}.")
        section_ids.add(section.id)
        _check_condition(section.visible_if, seen, where)
        for q_index, question in enumerate(section.questions):
            q_where = f"{where}.questions[{q_index}]"
            _check_condition(question.visible_if, seen, q_where)
            if question.id in seen:
                raise TemplateError(
                    f"{q_where}: another question already has the id {question.id!r}."
                )
            siblings: dict[str, Question] = {}
            for f_index, field in enumerate(question.fields):
                _check_condition(field.visible_if, siblings, f"{q_where}.fields[{f_index}]")
                siblings[field.id] = field
            seen[question.id] = question


def _check_condition(condition: Condition | None, earlier: dict[str, Question], where: str) -> None:
    if condition is None:
        return
    target = earlier.get(condition.question)
    if target is None:
        raise TemplateError(
            f"{where}.visible_if: {condition.question!r} is not a question before this one."
        )
    wanted = (condition.equals,) if condition.equals is not None else condition.any_of
    if wanted and target.type not in ("choice", "multi_choice"):
        raise TemplateError(f"{where}.visible_if: {target.id!r} is not a choice question.")
    values = {o.value for o in target.options}
    for value in wanted:
        if value not in values:
            raise TemplateError(f"{where}.visible_if: {target.id!r} has no option {value!r}.")


def _table(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise TemplateError(f"{where}: expected a table.")
    return raw


def _list(table: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise TemplateError(f"{where}: {key!r} must be a list.")
    return value


def _text(table: Mapping[str, Any], key: str, where: str, *, identifier: bool = False) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{where}: {key!r} is missing or empty.")
    if identifier and not value.replace("_", "").isalnum():
        raise TemplateError(f"{where}: {key!r} may hold only letters, digits and '_'.")
    return value


def _optional_text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise TemplateError(f"{where}: {key!r} must be text.")
    return value


def _int(table: Mapping[str, Any], key: str, where: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TemplateError(f"{where}: {key!r} must be a whole number.")
    return value
