"""The demo assessments' words (``assessments.toml``), for both demos.

The desktop's own demo (``demo.laptop.assessments``) and the central service's
(``demo.service.records``) show the same assessments, and the service is deployed without
``app``: so the answers are data here, read by both, and the only code they share is this small
reader, which fills in the child's name and turns the file's relative dates into real ones for
the day the demo is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import resources

FILE = "assessments.toml"
#: Marks a child's name in an answer's text.
NAME = "{name}"


@dataclass(frozen=True)
class DemoAssessment:
    """One demo assessment as the file describes it; ``answers`` still hold the file's
    placeholders (``answers_for`` fills them in)."""

    key: str
    template_id: str
    template_version: int
    kind: str
    status: str
    started_days_ago: int
    answers: dict[str, Any]

    def started(self, today: date) -> date:
        return today - timedelta(days=self.started_days_ago)

    def answers_for(self, *, today: date, name: str = "") -> dict[str, Any]:
        """The answers as the form stores them: ``{name}`` replaced by ``name`` and every
        ``{ from = "start" | "today", days = n }`` by that ISO date."""
        origins = {"start": self.started(today), "today": today}
        return {key: _filled(value, origins, name) for key, value in self.answers.items()}


def assessments() -> dict[str, DemoAssessment]:
    """Every demo assessment in the file, by its table's name."""
    out = {}
    for key, entry in resources.load_toml("demo", FILE).items():
        out[key] = DemoAssessment(
            key=key,
            template_id=str(entry["template_id"]),
            template_version=int(entry["template_version"]),
            kind=str(entry["kind"]),
            status=str(entry["status"]),
            started_days_ago=int(entry["started_days_ago"]),
            answers=dict(entry["answers"]),
        )
    return out


def _filled(value: Any, origins: dict[str, date], name: str) -> Any:
    if isinstance(value, str):
        return value.replace(NAME, name)
    if isinstance(value, list):
        return [_filled(item, origins, name) for item in value]
    if isinstance(value, dict):
        if set(value) == {"from", "days"}:
            return (origins[value["from"]] + timedelta(days=int(value["days"]))).isoformat()
        return {key: _filled(item, origins, name) for key, item in value.items()}
    return value
