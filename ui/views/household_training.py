"""A carer household's Training tab: the TSD standards in words, the training records, and the
ways to add, correct or complete them (``TrainingDialog``) or to book carers onto the service's
courses (``CourseBookingsDialog``).

Apart from ``ui.views.household_view`` because it is the one tab with dialogs of its own; it
shows the household file the page read, and says when a save means the page should read it
again.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.deadlines.engine import STATUS_WORDS, Status
from app.households import HouseholdFile
from app.settings import Settings
from app.store import Store
from ui.models.chronology_model import RowsModel
from ui.views.common import alive, heading_font, uk_date
from ui.views.course_bookings import CourseBookingsDialog
from ui.views.record_table import record_table
from ui.views.tab_parts import button_row, colour_by_status, lay_out, record_button
from ui.views.training_dialog import ADD, EDIT, TSD, TrainingDialog


class TrainingTab(QWidget):
    #: A training record or a booking was saved: the household should be read again.
    sig_changed = Signal()

    def __init__(
        self,
        store: Store,
        household_id: uuid.UUID,
        settings: Settings | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._household_id = household_id
        self._settings = settings
        self._file: HouseholdFile | None = None
        self._dialog: TrainingDialog | None = None
        self._courses_dialog: CourseBookingsDialog | None = None
        self._build()

    # ---- Public API

    @property
    def training_dialog(self) -> TrainingDialog | None:
        """The training dialog while it is open."""
        return self._dialog if self._dialog is not None and alive(self._dialog) else None

    @property
    def courses_dialog(self) -> CourseBookingsDialog | None:
        """The courses and bookings dialog while it is open."""
        found = self._courses_dialog
        return found if found is not None and alive(found) else None

    def show_file(self, found: HouseholdFile) -> None:
        self._file = found
        item = found.tsd
        if item is None:
            words = (
                "The TSD standards do not apply to this household "
                f"({found.profile.carer_type.lower()}, {found.profile.approval_status.lower()})."
            )
        else:
            rule = f" for this kind of carer: {found.tsd_deadline}" if found.tsd_deadline else ""
            if item.status is Status.DONE:
                words = f"TSD standards{rule}. Done: completed {uk_date(item.last_done)}."
            else:
                words = (
                    f"TSD standards{rule}. {STATUS_WORDS[item.status]}: due {uk_date(item.due)}."
                )
        self._tsd.setText(words)
        colour_by_status(self._tsd, item.status if item else None)
        self._training.set_rows(
            [(t.who, t.kind_label, t.title, t.completed_words, t.notes) for t in found.training],
            strong={n for n, t in enumerate(found.training) if t.kind == "TSD"},
        )

    def add_training(self, mode: str = ADD) -> TrainingDialog | None:
        """Open the training dialog: add training, or (``TSD``) mark the TSD standards
        complete. Saving it reloads the page."""
        if self._file is None:
            return None
        dialog = TrainingDialog(
            self._store, self._household_id, self._file.carers, mode=mode, parent=self
        )
        return self._open_dialog(dialog)

    def edit_training(self, row: int) -> TrainingDialog | None:
        """Open the training dialog to correct the record on ``row`` of the training table."""
        if self._file is None or not 0 <= row < len(self._file.training):
            return None
        dialog = TrainingDialog(
            self._store,
            self._household_id,
            self._file.carers,
            mode=EDIT,
            record=self._file.training[row],
            parent=self,
        )
        return self._open_dialog(dialog)

    def open_courses(self) -> CourseBookingsDialog | None:
        """Open the service's courses to book the household's carers onto them, and to record
        who attended; each save reloads the page's training."""
        if self._file is None:
            return None
        dialog = CourseBookingsDialog(
            self._store, self._household_id, self._file.carers, self._settings, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_changed.connect(self.sig_changed.emit)
        self._courses_dialog = dialog
        dialog.open()
        return dialog

    # ---- Private API

    def _build(self) -> None:
        self._tsd = QLabel("")
        self._tsd.setAccessibleName("TSD standards")
        self._tsd.setWordWrap(True)
        self._tsd.setFont(heading_font(self.font(), 1.15))
        add = record_button("&Add training…")
        mark_tsd = record_button("&Mark TSD complete…")
        change = record_button("C&hange selected…")
        courses = record_button("Courses and &bookings…")
        add.clicked.connect(lambda: self.add_training(ADD))
        mark_tsd.clicked.connect(lambda: self.add_training(TSD))
        change.clicked.connect(self._change_selected)
        courses.clicked.connect(self.open_courses)
        self._training = RowsModel(("Who", "Kind", "Training", "Completed", "Notes"), self)
        self._table = record_table("Training records", self._training)
        self._table.activated.connect(lambda index: self.edit_training(index.row()))
        lay_out(self, self._tsd, button_row(add, mark_tsd, change, courses), self._table)

    def _change_selected(self) -> None:
        rows = self._table.selectionModel().selectedRows()
        if rows:
            self.edit_training(rows[0].row())

    def _open_dialog(self, dialog: TrainingDialog) -> TrainingDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_saved.connect(lambda _state: self.sig_changed.emit())
        self._dialog = dialog
        dialog.open()
        return dialog
