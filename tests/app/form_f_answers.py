"""A Form F assessment report filled in as a worker would, every required question answered,
with words a test can find again in a PDF of it (the referees' names, the pen picture)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.forms.template import FormTemplate, Question

PEN_PICTURE = "Sam and Alex Rivers live in a three-bedroom house with their dog Biscuit."
REFEREES = ("Morgan Hale", "Priya Lund")


def form_f(today: date) -> dict[str, Any]:
    before = (today - timedelta(days=30)).isoformat()
    return {
        "applicants": [
            {"name": "Sam Rivers", "date_of_birth": "1984-03-02", "occupation": "Teacher"},
            {"name": "Alex Rivers", "date_of_birth": "1986-07-19"},
        ],
        "application_accepted": (today - timedelta(days=150)).isoformat(),
        "approval_sought": ["SHORT_TERM", "SHORT_BREAKS"],
        "pen_picture": PEN_PICTURE,
        "checks": [
            {"check": "DBS", "person": "Sam Rivers", "outcome": "CLEAR", "on": before},
            {"check": "DBS", "person": "Alex Rivers", "outcome": "CLEAR", "on": before},
            {"check": "LA", "person": "Both applicants", "outcome": "CLEAR"},
        ],
        "medical": "NO_CONCERNS",
        "references": [
            {
                "referee": name,
                "kind": "PERSONAL",
                "interviewed": before,
                "summary": f"{name} has known the family for ten years and supports them.",
            }
            for name in REFEREES
        ],
        "stage1_outcome": "PROCEED",
        "accommodation": "A spare bedroom for one child; the home safety check was passed.",
        "history": "Both grew up locally in large families.",
        "family_lifestyle": "Busy, outdoors at weekends, close to Sam's parents.",
        "caring_for_children": "Years of youth work and caring for nephews.",
        "working_together": "Open to family time and to working with birth parents.",
        "capacity_rating": 8,
        "preparation_course": "COMPLETED",
        "preparation_completed": (today - timedelta(days=60)).isoformat(),
        "learning": "The effects of trauma on behaviour; they will need support with contact.",
        "recommendation": "APPROVE",
        "terms_proposed": "Two children aged 0 to 10, short-term and short breaks.",
        "reasons": "Warm, stable and ready to care for children.",
    }


def every_answer(template: FormTemplate, today: date, words: str = "Answered") -> dict[str, Any]:
    """An answer to every question of ``template`` (the first option of a choice, yesterday for
    a date, the scale's middle), so any shipped form can be signed off in a test."""
    return {q.id: _value(q, today, words) for _section, q in template.questions()}


def _value(question: Question, today: date, words: str) -> Any:
    if question.type == "group":
        return [
            {f.id: _value(f, today, words) for f in question.fields}
            for _n in range(max(question.min_items, 1))
        ]
    if question.type == "choice":
        return question.options[0].value
    if question.type == "multi_choice":
        return [question.options[0].value]
    if question.type == "date":
        return (today - timedelta(days=1)).isoformat()
    if question.type == "rating":
        return ((question.min or 0) + (question.max or 10)) // 2
    return f"{words}: {question.label}"[: question.max_length or 500]
