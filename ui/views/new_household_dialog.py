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
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import carer_pipeline, clock, codes
from app.store import Store
from ui.views.common import date_box
from ui.views.fields_dialog import FieldsDialog

ENQUIRY, CONNECTED = "enquiry", "connected"
#: Kinds of carer a fostering enquiry can be for (connected persons come in by regulation 24).
_ENQUIRY_KINDS = ("MAINSTREAM_FOSTER", "FOSTERING_FOR_ADOPTION")


class NewHouseholdDialog(FieldsDialog):
    sig_created = Signal(uuid.UUID)
    """The household was saved; the dialog closes.

    Parameters
    ----------
    household_id : uuid.UUID
    """

    def __init__(self, store: Store, mode: str, parent: QWidget | None = None) -> None:
        title = (
            "New fostering enquiry"
            if mode == ENQUIRY
            else "New connected person (temporary approval, regulation 24)"
        )
        super().__init__(mode, title, parent)
        self._store = store
        self._household_id = uuid.uuid4()
        self._build()

    def save(self) -> None:
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

        self._run_save(work)

    def _build(self) -> None:
        today = clock.today()
        self._name = QLineEdit()
        self._name.setPlaceholderText("For example: The Okafor household")
        self._address = QLineEdit()
        self._first = date_box(latest=today)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._add_row(form, "name", "&Household name:", self._name, "Household name")
        if self._mode == ENQUIRY:
            self._kind = QComboBox()
            for code in _ENQUIRY_KINDS:
                self._kind.addItem(codes.label("carer_type", code), code)
            self._add_row(form, "carer_type", "&Kind of carer:", self._kind, "Kind of carer")
            self._add_row(form, "enquiry_date", "&Date of enquiry:", self._first, "Date of enquiry")
        else:
            self._second = date_box(latest=today)
            self._add_row(
                form,
                "application_date",
                "&Viability assessment on:",
                self._first,
                "Viability assessment on",
            )
            self._add_row(
                form,
                "temporary_approval_date",
                "&Temporarily approved on:",
                self._second,
                "Temporarily approved on",
            )
        self._add_row(form, "address", "&Address:", self._address, "Address")
        buttons = self._save_buttons("Save new household")
        layout = QVBoxLayout(self)
        layout.addWidget(self._general)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    def _announce_saved(self, household_id: uuid.UUID) -> None:
        self.sig_created.emit(household_id)


def _to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
