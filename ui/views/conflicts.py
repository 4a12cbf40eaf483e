"""Deciding conflicts: the same field changed on this laptop and elsewhere, shown side by side.

The worker picks a record from the list, then for each field sees the value both sides started
from, this laptop's value and the other value (with who changed it and when), and chooses "Keep
mine" or "Keep theirs". Nothing is pre-selected and Cancel is the default button: a conflict is
never settled by pressing Enter. "Save choices" hands the choices to
``app.services.conflicts.resolve`` on a worker thread (the one way a choice is saved), then the
list is read again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import conflicts
from app.services.conflicts import FieldConflict, RecordConflict, Side
from app.store import Store
from ui.errors import message_for
from ui.models.conflicts_model import ConflictsModel, when
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font

SAVE_FAILED = (
    "Your choices could not be saved. Nothing has changed; try again, and if it keeps "
    "happening, call the service desk."
)
LOAD_FAILED = "The conflicts could not be read. Close this window and try again."
SIGNED_OFF_NOTE = (
    "This record has been signed off. If you keep your version of a field, it is added to the "
    "record as an addendum; the signed-off record itself does not change."
)


def value_text(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(empty)"
    return str(value)


def sides_text(item: FieldConflict) -> tuple[str, str, str]:
    """(base, mine, theirs) as the worker reads them. A deletion against an edit reads
    "Deleted on this laptop" / "Kept (edited) by <who>" (or the other way round)."""
    who = item.theirs_by or "someone else"
    if item.field == "deleted":
        base = "Deleted" if item.base else "Not deleted"
        mine = "Deleted on this laptop" if item.mine else "Kept (edited) on this laptop"
        theirs = f"Deleted by {who}" if item.theirs else f"Kept (edited) by {who}"
        return base, mine, theirs
    return value_text(item.base), value_text(item.mine), value_text(item.theirs)


class ConflictsDialog(QDialog):
    """Conflicts waiting for a decision, a record at a time."""

    sig_resolved = Signal(int)
    """
    Choices were saved.

    Parameters
    ----------
    fields: int
        How many fields were decided.
    """

    sig_loaded = Signal()
    """The list of conflicts has been (re)read and shown."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._current: RecordConflict | None = None
        self._groups: dict[str, QButtonGroup] = {}
        self._saving = False
        self._build()
        self.reload()

    # ---- Public API

    @property
    def model(self) -> ConflictsModel:
        return self._model

    @property
    def current(self) -> RecordConflict | None:
        """The record whose fields are shown."""
        return self._current

    def choice_buttons(self, field: str) -> tuple[QRadioButton, QRadioButton]:
        """The "Keep mine" and "Keep theirs" buttons of a field of the shown record."""
        group = self._groups[field]
        mine, theirs = group.button(0), group.button(1)
        assert isinstance(mine, QRadioButton) and isinstance(theirs, QRadioButton)
        return mine, theirs

    def choices(self) -> dict[str, Side]:
        chosen: dict[str, Side] = {}
        for field, group in self._groups.items():
            if group.checkedId() == 0:
                chosen[field] = "mine"
            elif group.checkedId() == 1:
                chosen[field] = "theirs"
        return chosen

    def reload(self) -> None:
        """Read the open conflicts again (on a worker)."""
        store = self._store
        run_task(lambda: conflicts.open_conflicts(store), self._loaded, self._load_failed)

    # ---- Private API

    def _build(self) -> None:
        self.setWindowTitle("Conflicts to decide")
        self.setAccessibleName("Conflicts to decide")
        self.setStyleSheet(FOCUS_STYLE)
        self.resize(1000, 640)

        heading = QLabel("Conflicts to decide", self)
        heading.setFont(heading_font(self.font(), 1.3))
        intro = QLabel(
            "The same thing was changed on this laptop and somewhere else. For each field, "
            "choose which version to keep. Nothing is decided until you press Save choices.",
            self,
        )
        intro.setWordWrap(True)

        self._model = ConflictsModel(self)
        self.table = QTableView(self)
        self.table.setAccessibleName("Records with conflicts")
        self.table.setModel(self._model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(180)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.record_heading = QLabel(self)
        self.record_heading.setProperty("role", "heading")
        self.record_heading.setAccessibleName("Record shown")
        self.signed_off_note = QLabel(SIGNED_OFF_NOTE, self)
        self.signed_off_note.setWordWrap(True)
        self.signed_off_note.setAccessibleName("About signed-off records")
        self.signed_off_note.hide()

        self._fields = QWidget(self)
        self._grid = QGridLayout(self._fields)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._fields)

        self.status = QLabel(self)
        self.status.setAccessibleName("Conflicts status")
        self.status.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setProperty("role", "error")
        self.error.setAccessibleName("Problem")
        self.error.setWordWrap(True)
        self.error.hide()

        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("&Save choices", self)
        self.save_button.setAccessibleName("Save choices")
        self.save_button.setAutoDefault(False)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._save)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.record_heading)
        layout.addWidget(self.signed_off_note)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _loaded(self, rows: list[RecordConflict]) -> None:
        if not alive(self):
            return
        self._model.set_conflicts(rows)
        if rows:
            self.status.setText(
                f"{len(rows)} record{'s' if len(rows) != 1 else ''} with conflicts to decide."
            )
            self.table.selectRow(0)
            self._row_changed(self._model.index(0, 0))
        else:
            self.status.setText("No conflicts left to decide.")
            self._show_record(None)
        self.sig_loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        if alive(self):
            self._show_error(message_for(exc, LOAD_FAILED))
            self.sig_loaded.emit()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if current.isValid() and current.row() < self._model.rowCount():
            self._show_record(self._model.conflict_at(current.row()))

    def _show_record(self, record: RecordConflict | None) -> None:
        self._current = record
        self._groups = {}
        while self._grid.count():
            taken = self._grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.signed_off_note.setVisible(record is not None and record.signed_off)
        self.record_heading.setText(record.title if record is not None else "")
        self._update_save()
        if record is None:
            return
        for column, text in enumerate(
            ("Field", "Before either change", "On this laptop (mine)", "Their version", "Keep")
        ):
            label = QLabel(text, self._fields)
            label.setProperty("role", "heading")
            self._grid.addWidget(label, 0, column)
        for row, item in enumerate(record.fields, start=1):
            base, mine, theirs = sides_text(item)
            who = item.theirs_by or "someone else"
            stamp = f"{who}, {when(item.theirs_at)}" if item.theirs_at else who
            cells = (item.label, base, mine, f"{theirs}\n(changed by {stamp})")
            for column, text in enumerate(cells):
                label = QLabel(text, self._fields)
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setAccessibleName(
                    f"{item.label}: "
                    + ("field", "before either change", "on this laptop", "their version")[column]
                )
                self._grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignTop)
            choice = QWidget(self._fields)
            box = QVBoxLayout(choice)
            box.setContentsMargins(0, 0, 0, 0)
            group = QButtonGroup(choice)
            for side_id, text in ((0, "Keep &mine"), (1, "Keep &theirs")):
                radio = QRadioButton(text, choice)
                radio.setAccessibleName(f"{text.replace('&', '')} for {item.label}")
                group.addButton(radio, side_id)
                box.addWidget(radio)
            group.idClicked.connect(lambda _id: self._update_save())
            self._groups[item.field] = group
            self._grid.addWidget(choice, row, 4, Qt.AlignmentFlag.AlignTop)
        for column in range(1, 4):
            self._grid.setColumnStretch(column, 1)
        self._grid.setRowStretch(len(record.fields) + 1, 1)

    def _update_save(self) -> None:
        complete = bool(self._groups) and len(self.choices()) == len(self._groups)
        self.save_button.setEnabled(complete and not self._saving)
        if self._groups and not complete:
            self.status.setText("Choose a version for every field, then press Save choices.")
        elif complete:
            self.status.setText("Ready to save your choices.")

    def _save(self) -> None:
        record, chosen = self._current, self.choices()
        if record is None or not chosen or self._saving:
            return
        self._saving = True
        self.error.hide()
        self._update_save()
        store = self._store

        def work() -> int:
            conflicts.resolve(
                store,
                record_type=record.record_type,
                record_id=record.record_id,
                choices=chosen,
            )
            return len(chosen)

        run_task(work, self._saved, self._save_failed)

    def _saved(self, count: int) -> None:
        if not alive(self):
            return
        self._saving = False
        self.sig_resolved.emit(count)
        self.reload()

    def _save_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._saving = False
        self._show_error(message_for(exc, SAVE_FAILED))
        if isinstance(exc, conflicts.ConflictNotFound):
            self.reload()
        self._update_save()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
