"""The actions agreed at a visit, tracked: each with who will do it and by when.

"Actions agreed" on a visit is the worker's own words, kept with the visit; this box, under it
on the visit form, turns them into actions the service tracks. Each is an ``Action`` of the
visit's child (or household) with the visit as its source (``app.services.actions.add`` with
``visit_id``), so it is listed here, on the child's Actions and Due tabs and on the dashboard
until it is done, and it travels by sync like any record. A new action starts with the next
line of "Actions agreed" that is not yet tracked, for the worker to edit.

An action must belong to a stored visit, so actions can be added once the draft has been saved
(a few seconds after the worker starts typing). Signing the visit off does not close them:
an action agreed at a visit is done later, and is marked done on the child's case.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from app.store import Store
from ui.views.actions_panel import ActionsPanel

#: The panel's buttons on a visit form, whose own shortcuts take the usual letters. An action
#: agreed at a visit keeps its words, so changing it is changing its deadline or owner; it is
#: marked done later, on the child's case (or the household's page), not on the visit.
VISIT_WORDS: tuple[str, str, str, str | None] = (
    "Trac&k an action…",
    "Change dead&line or owner…",
    "&Pass to someone else…",
    None,
)

#: A list marker at the start of a line ("- ", "• ", "1. ", "2) ").
_MARKER = re.compile(r"^\s*(?:[-*•·]+|\d+[.)])\s*")


def untracked_lines(agreed: str, tracked: list[str]) -> list[str]:
    """The lines of "Actions agreed" (without list markers) that no tracked action has the
    words of yet, in order."""
    have = {" ".join(t.split()).casefold() for t in tracked}
    out = []
    for line in agreed.splitlines():
        words = " ".join(_MARKER.sub("", line).split())
        if words and words.casefold() not in have:
            out.append(words)
    return out


class VisitActions(QGroupBox):
    def __init__(
        self,
        store: Store,
        visit_id: uuid.UUID,
        agreed_text: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        """``agreed_text`` reads the visit form's "Actions agreed" as it is on screen."""
        super().__init__("Tracked actions from this visit", parent)
        self.setAccessibleName("Tracked actions from this visit")
        self._agreed_text = agreed_text
        self._saved = False
        intro = QLabel(
            "Track each action agreed with who will do it and by when: it stays on the "
            "child's case and on your dashboard until it is marked done."
        )
        intro.setWordWrap(True)
        self._panel = ActionsPanel(
            store, visit_id=visit_id, words=VISIT_WORDS, suggestion=self._suggest
        )
        table = self._panel.table
        table.setMinimumHeight(table.verticalHeader().defaultSectionSize() * 4 + 8)
        self._waiting = QLabel(
            "Actions can be added once the visit has been saved: it saves itself a few "
            "seconds after you start typing."
        )
        self._waiting.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self._panel, 1)
        layout.addWidget(self._waiting)
        self._panel.add_button.setEnabled(False)

    @property
    def panel(self) -> ActionsPanel:
        return self._panel

    def visit_saved(self) -> None:
        """The visit is in the store: its actions can be added."""
        if not self._saved:
            self._saved = True
            self._panel.add_button.setEnabled(True)
            self._waiting.setVisible(False)

    def _suggest(self) -> str:
        lines = untracked_lines(self._agreed_text(), self._panel.descriptions())
        return lines[0] if lines else ""
