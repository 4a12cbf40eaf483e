"""Starting a prospective household from the households page: a fostering enquiry, or a
connected person temporarily approved under regulation 24 from a viability assessment.

Saved on a worker thread through ``app.carer_pipeline`` with an id made when the dialog opens,
so pressing Save twice makes one household; problems are shown beside their fields and what
was typed stays until it is saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import carer_pipeline, clock, codes
from app.errors import CasebookError, ValidationError
from app.store import Store
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, date_box

ENQUIRY, CONNECTED = "enquiry", "connected"
#: Kinds of carer a fostering enquiry can be for (connected persons come in by regulation 24).
_ENQUIRY_KINDS = ("MAINSTREAM_FOSTER", "FOSTERING_FOR_ADOPTION")


class NewHouseholdDialog(QDialog):
    sig_created = Signal(uuid.UUID)
    """The household was saved; the dialog closes.

    Parameters
    ----------
    household_id : uuid.UUID
    """

    #: A save failed; the problems are on screen.
    sig_failed = Signal()

    def __init__(self, store: Store, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._mode = mode
        self._household_id = uuid.uuid4()
        self._busy = False
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        title = (
            "New fostering enquiry"
            if mode == ENQUIRY
            else "New connected person (temporary approval, regulation 24)"
        )
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setStyleSheet(FOCUS_STYLE)
        self._build()

    @property
    def mode(self) -> str:
        return self._mode

    def field(self, name: str) -> QWidget:
        return self._fields[name]

    def error_text(self, name: str) -> str:
        return self._errors[name].text() if name in self._errors else ""

    def save(self) -> None:
        if self._busy:
            return
        self._busy = True
        store, household_id = self._store, self._household_id
        name, address = self._name.text(), self._address.text()
        worker = store.worker or ""
        work: Callable[[], uuid.UUID]
        if self._mode == ENQUIRY:
            kind = str(self._kind.currentData())
            enquired = _to_date(self._first.date())

            def work() -> uuid.UUID:
                return carer_pipeline.start_enquiry(
                    store,
                    name=name,
                    carer_type=kind,
                    supervising_worker=worker,
                    enquiry_date=enquired,
                    address=address,
                    household_id=household_id,
                )

        else:
            viability, approved = _to_date(self._first.date()), _to_date(self._second.date())

            def work() -> uuid.UUID:
                return carer_pipeline.start_connected(
                    store,
                    name=name,
                    supervising_worker=worker,
                    viability_date=viability,
                    temporary_approval_date=approved,
                    address=address,
                    household_id=household_id,
                )

        run_task(work, self._saved, self._failed)

    def _build(self) -> None:
        self._general = QLabel("")
        self._general.setProperty("role", "error")
        self._general.setWordWrap(True)
        self._general.setVisible(False)
        today = clock.today()
        self._name = QLineEdit()
        self._name.setPlaceholderText("For example: The Okafor household")
        self._address = QLineEdit()
        self._first = date_box(latest=today)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._add(form, "name", "&Household name:", self._name, "Household name")
        if self._mode == ENQUIRY:
            self._kind = QComboBox()
            for code in _ENQUIRY_KINDS:
                self._kind.addItem(codes.label("carer_type", code), code)
            self._add(form, "carer_type", "&Kind of carer:", self._kind, "Kind of carer")
            self._add(form, "enquiry_date", "&Date of enquiry:", self._first, "Date of enquiry")
        else:
            self._second = date_box(latest=today)
            self._add(
                form,
                "application_date",
                "&Viability assessment on:",
                self._first,
                "Viability assessment on",
            )
            self._add(
                form,
                "temporary_approval_date",
                "&Temporarily approved on:",
                self._second,
                "Temporarily approved on",
            )
        self._add(form, "address", "&Address:", self._address, "Address")
        save = QPushButton("&Save")
        save.setAccessibleName("Save new household")
        save.setAutoDefault(False)
        save.setDefault(True)
        buttons = QDialogButtonBox()
        buttons.addButton(save, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        save.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self._general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    def _add(self, form: QFormLayout, name: str, caption: str, control: QWidget, what: str) -> None:
        control.setAccessibleName(what)
        label = QLabel(caption)
        label.setBuddy(control)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(control)
        error = QLabel("")
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.setVisible(False)
        error.setAccessibleName(f"Problem with {what.lower()}")
        layout.addWidget(error)
        form.addRow(label, box)
        self._errors[name] = error
        self._fields[name] = control

    def _saved(self, household_id: uuid.UUID) -> None:
        if not alive(self):
            return
        self._busy = False
        self.sig_created.emit(household_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._busy = False
        for name, shown in self._errors.items():
            shown.clear()
            shown.setVisible(False)
            self._fields[name].setAccessibleDescription("")
        self._general.setVisible(False)
        general: list[str] = []
        if isinstance(exc, ValidationError):
            first: QWidget | None = None
            for problem in exc.problems:
                label = self._errors.get(problem.field)
                if label is None:
                    general.append(problem.message)
                    continue
                label.setText(problem.message)
                label.setVisible(True)
                self._fields[problem.field].setAccessibleDescription(problem.message)
                first = first or self._fields[problem.field]
            if first is not None:
                first.setFocus()
        elif isinstance(exc, CasebookError | LookupError):
            general.append(str(exc))
        else:
            general.append("That could not be saved. Try again in a moment.")
        if general:
            self._general.setText(" ".join(general))
            self._general.setVisible(True)
        self.sig_failed.emit()


def _to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
