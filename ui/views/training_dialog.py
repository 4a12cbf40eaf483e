"""Adding, correcting or completing a carer's training record.

Three uses of one dialog: add any training (TSD standards, induction, preparation, a course)
for a carer or the household; correct a record already kept; and "Mark TSD complete", which
fixes the kind to the TSD standards and asks for the date they were completed. The save runs
on a worker thread through ``app.services.training``; problems come back in plain English and
are shown beside the field they are about, and the dialog stays open until the save succeeds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.households import CarerView, TrainingView
from app.services import training
from app.services.training import TrainingFields, TrainingState
from app.store import Store
from ui.views.common import date_box, qdate
from ui.views.fields_dialog import FieldsDialog

ADD, EDIT, TSD = "add", "edit", "tsd"

_TITLES = {ADD: "Add training", EDIT: "Change training record", TSD: "Mark TSD standards complete"}


class TrainingDialog(FieldsDialog):
    sig_saved = Signal(object)
    """The training record was saved; the dialog closes.

    Parameters
    ----------
    state : app.services.training.TrainingState
    """

    def __init__(
        self,
        store: Store,
        household_id: uuid.UUID,
        carers: tuple[CarerView, ...],
        *,
        mode: str = ADD,
        record: TrainingView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if mode == EDIT and record is None:
            raise ValueError("editing needs the record to edit")
        super().__init__(mode, _TITLES[mode], parent)
        self._store = store
        self._household_id = household_id
        self._record = record
        self._build(carers)
        if record is not None:
            self._fill(record)

    # ---- Public API

    def values(self) -> TrainingFields:
        kind = self._kind.currentData()
        carer = self._who.currentData()
        return TrainingFields(
            kind=str(kind) if kind else None,
            title=self._title.text(),
            completed_date=_to_date(self._date.date()) if self._completed.isChecked() else None,
            notes=self._notes.toPlainText(),
            carer_id=carer if isinstance(carer, uuid.UUID) else None,
        )

    def save(self) -> None:
        """Save on a worker thread; the dialog closes when the record is stored."""
        values, store, household_id = self.values(), self._store, self._household_id
        work: Callable[[], TrainingState]
        if self._mode == TSD:

            def work() -> TrainingState:
                return training.mark_tsd_complete(
                    store,
                    household_id=household_id,
                    completed_date=values.completed_date,
                    carer_id=values.carer_id,
                    title=values.title,
                    notes=values.notes,
                )

        elif self._mode == EDIT and self._record is not None:
            record_id = self._record.record_id

            def work() -> TrainingState:
                return training.edit(store, record_id=record_id, values=values)

        else:

            def work() -> TrainingState:
                return training.add(store, household_id=household_id, values=values)

        self._run_save(work)

    # ---- Private API

    def _build(self, carers: tuple[CarerView, ...]) -> None:
        self._who = QComboBox()
        self._who.addItem("The household as a whole", None)
        for carer in carers:
            self._who.addItem(carer.name, carer.carer_id)
        self._kind = QComboBox()
        for code, words in training.kinds().items():
            self._kind.addItem(words, code)
        self._title = QLineEdit()
        self._title.setPlaceholderText("For example: Safer caring, or the TSD workbook")
        self._completed = QCheckBox("&Completed")
        self._completed.setChecked(True)
        self._date = date_box(latest=clock.today())
        self._notes = QPlainTextEdit()
        self._notes.setTabChangesFocus(True)
        self._notes.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)

        if self._mode == TSD:
            self._kind.setCurrentIndex(max(0, self._kind.findData(training.TSD)))
            self._kind.setEnabled(False)
            self._title.setText(training.TSD_TITLE)
            self._completed.setEnabled(False)  # completing is the point of this dialog

        when = QWidget()
        when_row = QHBoxLayout(when)
        when_row.setContentsMargins(0, 0, 0, 0)
        when_row.addWidget(self._completed)
        when_row.addWidget(self._date)
        when_row.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        rows: list[tuple[str, str, QWidget, QWidget, str]] = [
            ("carer_id", "&Who:", self._who, self._who, "Carer the training was for"),
            ("kind", "&Kind of training:", self._kind, self._kind, "Kind of training"),
            ("title", "&Name of the training:", self._title, self._title, "Name of the training"),
            ("completed_date", "&Date completed:", when, self._date, "Date completed"),
            ("notes", "N&otes:", self._notes, self._notes, "Notes"),
        ]
        for name, caption, shown, control, accessible in rows:
            problem_with = name.replace("_", " ")
            self._add_row(
                form, name, caption, control, accessible, shown=shown, problem_with=problem_with
            )

        buttons = self._save_buttons("Save training")
        self._completed.toggled.connect(self._date.setEnabled)

        layout = QVBoxLayout(self)
        layout.addWidget(self._general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    def _fill(self, record: TrainingView) -> None:
        # Compared in Python: Qt cannot match a UUID held as item data by value.
        carers = [self._who.itemData(n) for n in range(self._who.count())]
        self._who.setCurrentIndex(carers.index(record.carer_id) if record.carer_id in carers else 0)
        self._kind.setCurrentIndex(max(0, self._kind.findData(record.kind)))
        self._title.setText(record.title)
        self._completed.setChecked(record.completed_date is not None)
        self._date.setEnabled(record.completed_date is not None)
        if record.completed_date is not None:
            self._date.setDate(qdate(record.completed_date))
        self._notes.setPlainText(record.notes)

    def _announce_saved(self, state: TrainingState) -> None:
        self.sig_saved.emit(state)


def _to_date(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())
