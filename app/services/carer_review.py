"""A foster carer annual review's considerations (DOMAIN.md §3: continued suitability, whether
the terms of approval remain appropriate, whether it goes to panel, and the views of the carers,
the children placed and the placing authorities), kept in the review's ``decisions`` text under
fixed headings, so nothing new has to travel to the service, and read back from it into their
own fields. Text under no known heading is kept as the recommendation, so a review written
before the headings, or received from elsewhere, loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The carer annual review's answers: field -> (heading, {answer code: words}).
CARER_ANSWERS: dict[str, tuple[str, dict[str, str]]] = {
    "suitability": (
        "Continued suitability",
        {
            "YES": "The carers and their household continue to be suitable",
            "NO": "The carers or their household are no longer suitable",
        },
    ),
    "terms": (
        "Terms of approval",
        {
            "YES": "The terms of approval remain appropriate",
            "CHANGE": "The terms of approval should change (see the recommendation)",
        },
    ),
    "panel": (
        "Fostering panel",
        {
            "YES": "The review goes to the fostering panel",
            "NO": "The review does not go to the fostering panel",
        },
    ),
}
#: The carer annual review's written parts: field -> heading.
CARER_TEXTS: dict[str, str] = {
    "carers_views": "Carers' views",
    "children_views": "Views of children placed (as their age and understanding allow)",
    "authorities_views": "Views of the authorities that placed children in the last year",
    "recommendation": "Recommendation and other decisions",
}


@dataclass(frozen=True)
class CarerReview:
    """What a foster carer annual review considers (DOMAIN.md §3), answer codes from
    ``CARER_ANSWERS`` (None: not answered yet)."""

    suitability: str | None = None
    terms: str | None = None
    panel: str | None = None
    carers_views: str = ""
    children_views: str = ""
    authorities_views: str = ""
    recommendation: str = ""


def carer_decisions(carer: CarerReview) -> str:
    """A carer annual review's parts as the review's ``decisions`` text: the answers one to a
    line, then each written part under its heading. Empty when nothing is filled in, so the
    review's own sign-off rule (decisions recorded) still applies."""
    lines = []
    for name, (heading, answers) in CARER_ANSWERS.items():
        code = getattr(carer, name)
        if code is not None:
            lines.append(f"{heading}: {answers[code]}.")
    blocks = ["\n".join(lines)] if lines else []
    for name, heading in CARER_TEXTS.items():
        text = getattr(carer, name).strip()
        if text:
            blocks.append(f"{heading}:\n{text}")
    return "\n\n".join(blocks)


def carer_parts(decisions: str) -> CarerReview:
    """``carer_decisions`` read back. Text under no known heading (a review written before
    these headings, or received from elsewhere) is kept as the recommendation, so nothing is
    lost or hidden."""
    answers: dict[str, str | None] = dict.fromkeys(CARER_ANSWERS)
    texts: dict[str, list[str]] = {name: [] for name in CARER_TEXTS}
    headings = {f"{heading}:": name for name, heading in CARER_TEXTS.items()}
    section = "recommendation"
    for line in decisions.splitlines():
        stripped = line.strip()
        if stripped in headings:
            section = headings[stripped]
            continue
        answer = _answer_in(stripped)
        if answer is not None and not any(texts[section]) and answers[answer[0]] is None:
            answers[answer[0]] = answer[1]
            continue
        texts[section].append(line)
    text = {name: "\n".join(found).strip() for name, found in texts.items()}
    return CarerReview(
        suitability=answers["suitability"],
        terms=answers["terms"],
        panel=answers["panel"],
        carers_views=text["carers_views"],
        children_views=text["children_views"],
        authorities_views=text["authorities_views"],
        recommendation=text["recommendation"],
    )


# ---- Private API


def _answer_in(line: str) -> tuple[str, str] | None:
    for name, (heading, answers) in CARER_ANSWERS.items():
        for code, words in answers.items():
            if line == f"{heading}: {words}.":
                return name, code
    return None
