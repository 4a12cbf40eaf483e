"""The dialog that opens a closed case again, with why (``app.case_closing.reopen_case``).

A case closed by mistake, or a family who need the service again: the child comes back to the
caseload with their due items, and the reason goes in the chronology. Saved on a worker thread;
a missing reason is said beside its field and what was typed stays.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget

from app import case_closing
from app.store import Store
from ui.views.fields_dialog import FieldsDialog

TITLE = "Reopen the case"


class ReopenCaseDialog(FieldsDialog):
    #: The case is open again; the dialog closes.
    sig_saved = Signal()

    def __init__(
        self, store: Store, child_id: uuid.UUID, *, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__("", f"{TITLE}: {name}", parent)
        self.setAccessibleName(TITLE)
        self._store = store
        self._child_id = child_id
        self._build(name)

    # ---- Public API

    @property
    def reason_edit(self) -> QLineEdit:
        return self._reason

    def error_text(self, name: str) -> str:
        """The problem shown under the field, else the one shown above the form."""
        return super().error_text(name) or self._general.text()

    def save(self) -> None:
        store, child_id, reason = self._store, self._child_id, self._reason.text()
        self._run_save(lambda: case_closing.reopen_case(store, child_id, reason))

    # ---- Private API

    def _build(self, name: str) -> None:
        intro = QLabel(
            f"{name}'s case is closed. Reopening it brings them back to your caseload with "
            "everything due for them, and the chronology keeps your reason."
        )
        intro.setWordWrap(True)
        self._reason = QLineEdit()
        self._reason.setMaxLength(500)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._add_row(
            form,
            "reason",
            "&Why it is reopened:",
            self._reason,
            "Why the case is reopened",
            problem_with="the reason",
        )
        buttons = self._save_buttons("Reopen the case", "&Reopen")
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addWidget(self._general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

    def _announce_saved(self, _result: object) -> None:
        self.sig_saved.emit()
