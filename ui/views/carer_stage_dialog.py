"""The dialog that records one stage of a prospective fostering household's assessment: the
day it was reached, and for the panel its recommendation, for the agency decision maker the
decision and the terms of approval; or, in its withdrawal mode, the day the household withdrew
and Ofsted's reason; or, in its deregistration mode, the day an approved household's approval
ended and why.

Saved on a worker thread through ``app.carer_pipeline``; each problem is shown beside its own
field in plain English, and what the worker entered stays in the dialog until it is saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import carer_pipeline, clock
from app.carer_pipeline import DECISION, PANEL, Extension
from app.carer_stages import BY_COLUMN
from app.store import Store
from ui.views.approval_terms import TermsFields
from ui.views.common import date_box, qdate
from ui.views.fields_dialog import FieldsDialog

#: The dialog's modes for a withdrawal, for extending a temporary approval and for a
#: deregistration, not a stage.
WITHDRAW = "withdraw"
EXTEND = "extend"
DEREGISTER = "deregister"
_MODES = (WITHDRAW, EXTEND, DEREGISTER)


class StageDialog(FieldsDialog):
    #: The stage (or the withdrawal) was saved; the dialog closes.
    sig_saved = Signal()

    def __init__(
        self,
        store: Store,
        household_id: uuid.UUID,
        mode: str,
        *,
        earliest: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``mode`` is a stage's column (``app.carer_stages``) or ``WITHDRAW``; ``earliest``
        the day of the stage before, where the date box starts."""
        if mode not in _MODES and mode not in BY_COLUMN:
            raise ValueError(f"no such stage: {mode!r}")
        title = (
            "Record a withdrawal"
            if mode == WITHDRAW
            else "Record a deregistration (approval ended)"
            if mode == DEREGISTER
            else "Extend temporary approval (regulation 25)"
            if mode == EXTEND
            else f"Record: {BY_COLUMN[mode].label}"
        )
        super().__init__(mode, title, parent)
        self._store = store
        self._household_id = household_id
        self._build(earliest)

    # ---- Public API

    def save(self) -> None:
        store, household_id, mode = self._store, self._household_id, self._mode
        on = _to_date(self._date.date())
        work: Callable[[], None]
        if mode == WITHDRAW:
            reason = str(self._reason.currentData() or "")

            def work() -> None:
                carer_pipeline.withdraw(store, household_id, on, reason)

        elif mode == DEREGISTER:
            reason = str(self._reason.currentData() or "")

            def work() -> None:
                carer_pipeline.deregister(store, household_id, on, reason)

        elif mode == EXTEND:
            extension = Extension(
                until=on,
                panel_date=_to_date(self._panel_date.date()),
                panel_view=self._panel_view.toPlainText(),
                decided_by=self._officer.text(),
                decided_on=_to_date(self._decided_on.date()),
            )

            def work() -> None:
                carer_pipeline.extend_temporary_approval(store, household_id, extension)

        elif mode == DECISION:
            decision = str(self._decision.currentData() or "")
            terms = self._terms.terms()

            def work() -> None:
                carer_pipeline.record_decision(store, household_id, on, decision, terms)

        else:
            recommendation = self._recommendation.currentData() if mode == PANEL else None

            def work() -> None:
                carer_pipeline.record_stage(
                    store,
                    household_id,
                    mode,
                    on,
                    recommendation=str(recommendation) if recommendation else None,
                )

        self._run_save(work)

    # ---- Private API

    def _build(self, earliest: date | None) -> None:
        today = clock.today()
        self._date = date_box(latest=today, start=today)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        column, caption = {
            WITHDRAW: ("withdrawn_date", "Date &withdrawn:"),
            DEREGISTER: ("deregistered_date", "Approval &ended on:"),
            EXTEND: ("temporary_extension_until", "&Extended until:"),
        }.get(self._mode, (self._mode, "&Date:"))
        if self._mode == EXTEND and earliest is not None:
            self._date.setMaximumDate(qdate(earliest))  # the latest regulation 25 allows
            self._date.setDate(qdate(earliest))
            earliest = None
        self._add_row(form, column, caption, self._date, "Date")
        if earliest is not None:
            self._date.setToolTip(f"The stage before was on {earliest:%d %b %Y}.")
        if self._mode == EXTEND:
            self._panel_date = date_box(latest=today)
            self._panel_view = QPlainTextEdit()
            self._panel_view.setTabChangesFocus(True)
            self._panel_view.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
            self._officer = QLineEdit()
            self._decided_on = date_box(latest=today)
            self._add_row(
                form,
                "extension_panel_date",
                "&Panel's views given on:",
                self._panel_date,
                "Panel's views given on",
            )
            self._add_row(
                form, "extension_panel_view", "Panel's &views:", self._panel_view, "Panel's views"
            )
            self._add_row(
                form,
                "extension_decided_by",
                "&Nominated officer:",
                self._officer,
                "Nominated officer",
            )
            self._add_row(
                form,
                "extension_decided_on",
                "&Officer approved on:",
                self._decided_on,
                "Officer approved on",
            )
        if self._mode == WITHDRAW:
            self._reason = _combo(carer_pipeline.withdrawal_reasons(), "Choose a reason…")
            self._add_row(
                form, "withdrawal_reason", "&Reason (Ofsted's code):", self._reason, "Reason"
            )
        if self._mode == DEREGISTER:
            self._reason = _combo(carer_pipeline.deregistration_reasons(), "Choose a reason…")
            self._add_row(form, "deregistration_reason", "&Reason:", self._reason, "Reason")
        if self._mode == PANEL:
            self._recommendation = _combo(carer_pipeline.recommendations(), "Choose…")
            self._add_row(
                form,
                "panel_recommendation",
                "&Recommendation:",
                self._recommendation,
                "Panel recommendation",
            )
        if self._mode == DECISION:
            self._decision = _combo(carer_pipeline.decisions(), "Choose…")
            self._terms = TermsFields(lines=4)
            self._add_row(form, "decision", "De&cision:", self._decision, "Decision")
            for name, caption, control, what in self._terms.rows():
                self._add_row(form, name, caption, control, what)

        buttons = self._save_buttons("Save stage")
        layout = QVBoxLayout(self)
        layout.addWidget(self._general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    def _announce_saved(self, _result: object) -> None:
        self.sig_saved.emit()


def _combo(choices: dict[str, str], prompt: str) -> QComboBox:
    box = QComboBox()
    box.addItem(prompt, None)
    for code, words in choices.items():
        box.addItem(words, code)
    return box


def _to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
