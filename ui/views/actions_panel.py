"""A subject's or a visit's agreed actions, with the buttons to add, change, reassign and mark
them done.

The same panel serves a child's case (its Actions tab), a carer household's page and a visit
(the actions agreed at it). It reads its list on a worker thread through
``app.services.actions`` and never queries the store; each change is one transaction made by
``ui.views.action_dialog`` and, once saved, the list is read again and ``sig_changed`` tells the
page around it (whose tab titles and Due tab follow).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.services import actions
from app.services.actions import Actions, ActionView
from app.store import Store
from ui.errors import message_for
from ui.models.actions_model import ActionsModel
from ui.models.actions_model import Column as A
from ui.tasks import run_task
from ui.views.action_dialog import ADD, DONE, EDIT, REASSIGN, ActionDialog
from ui.views.common import alive

#: The buttons' words (add, edit, reassign, done), each with its Alt shortcut letter; a page
#: whose own shortcuts use these letters passes its own (None: no such button on that page).
WORDS: tuple[str, str, str, str | None] = (
    "Ne&w action…",
    "&Edit…",
    "Pass to someone e&lse…",
    "&Mark done…",
)


class ActionsPanel(QWidget):
    #: An action was added or changed (the list has been asked to reload).
    sig_changed = Signal()

    #: The list has been read and is on screen (or could not be read; the panel says so).
    sig_loaded = Signal()

    def __init__(
        self,
        store: Store,
        *,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        visit_id: uuid.UUID | None = None,
        words: tuple[str, str, str, str | None] = WORDS,
        suggestion: Callable[[], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``suggestion`` gives the words a new action starts with (a visit offers the next
        line of its "Actions agreed" not yet tracked)."""
        super().__init__(parent)
        if child_id is None and household_id is None and visit_id is None:
            raise ValueError("an actions panel needs a child, a household or a visit")
        self._store = store
        self._child_id = child_id
        self._household_id = household_id
        self._visit_id = visit_id
        self._seq = 0
        self._owners: list[str] = []
        self._dialog: ActionDialog | None = None
        self._select_after: uuid.UUID | None = None
        self._loaded = False
        self._suggestion = suggestion
        self._build(words)
        self.refresh()

    # ---- Public API

    @property
    def model(self) -> ActionsModel:
        return self._model

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def loaded(self) -> bool:
        """Whether a list has arrived since the panel was made."""
        return self._loaded

    @property
    def dialog(self) -> ActionDialog | None:
        """The dialog open from this panel, if any (tests)."""
        return self._dialog

    @property
    def add_button(self) -> QPushButton:
        return self._add

    @property
    def edit_button(self) -> QPushButton:
        return self._edit

    @property
    def reassign_button(self) -> QPushButton:
        return self._reassign

    @property
    def done_button(self) -> QPushButton:
        return self._done

    def refresh(self) -> None:
        self._seq += 1
        seq, store = self._seq, self._store
        child_id, household_id, visit_id = self._child_id, self._household_id, self._visit_id

        def work() -> tuple[Actions, list[str]]:
            if visit_id is not None:
                found = actions.for_visit(store, visit_id=visit_id, today=clock.today())
            else:
                found = actions.list_for(
                    store, child_id=child_id, household_id=household_id, today=clock.today()
                )
            subject = (child_id, household_id) if visit_id is None else (None, None)
            owners = (
                actions.owners(store, child_id=subject[0], household_id=subject[1])
                if visit_id is None
                else []
            )
            return found, owners

        run_task(work, lambda got: self._show(seq, *got), lambda exc: self._failed(seq, exc))

    def descriptions(self) -> list[str]:
        """The words of every action listed."""
        return [self._model.action_at(r).description for r in range(self._model.rowCount())]

    def open_dialog(self, mode: str) -> ActionDialog | None:
        """Open the dialog for ``mode`` (add, or edit / reassign / done on the selected row);
        None if there is no open action selected to act on."""
        chosen = self._chosen()
        if mode != ADD and (chosen is None or chosen.completed is not None):
            return None
        owners = [self._store.worker, *self._owners] if self._store.worker else self._owners
        dialog = ActionDialog(
            self._store,
            mode=mode,
            action=chosen if mode != ADD else None,
            child_id=self._child_id,
            household_id=self._household_id,
            visit_id=self._visit_id,
            owners=owners,
            description=self._suggestion() if mode == ADD and self._suggestion else "",
            parent=self,
        )
        dialog.sig_saved.connect(self._saved)
        dialog.finished.connect(lambda _r: self._closed(dialog))
        self._dialog = dialog
        dialog.open()
        return dialog

    # ---- Private API

    def _build(self, words: tuple[str, str, str, str | None]) -> None:
        self._model = ActionsModel(self)
        self._table = QTableView()
        self._table.setModel(self._model)
        self._table.setAccessibleName(
            "Actions agreed at this visit" if self._visit_id else "Actions"
        )
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setTabKeyNavigation(False)
        self._table.setAlternatingRowColors(True)
        self._table.setWordWrap(False)
        self._table.verticalHeader().setVisible(False)
        self._table.verticalHeader().setDefaultSectionSize(self._table.fontMetrics().height() + 10)
        header = self._table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for column in A:
            header.setSectionResizeMode(
                column,
                QHeaderView.ResizeMode.Stretch
                if column is A.ACTION
                else QHeaderView.ResizeMode.ResizeToContents,
            )
        self._table.activated.connect(lambda _i: self.open_dialog(EDIT))

        self._add = QPushButton(words[0])
        self._add.setAccessibleName("Add an action")
        self._edit = QPushButton(words[1])
        self._edit.setAccessibleName("Change the selected action")
        self._reassign = QPushButton(words[2])
        self._reassign.setAccessibleName("Give the selected action to someone else")
        self._done = QPushButton(words[3] or "Mark done…")
        self._done.setAccessibleName("Mark the selected action done")
        self._add.clicked.connect(lambda: self.open_dialog(ADD))
        self._edit.clicked.connect(lambda: self.open_dialog(EDIT))
        self._reassign.clicked.connect(lambda: self.open_dialog(REASSIGN))
        self._done.clicked.connect(lambda: self.open_dialog(DONE))
        self._problem = QLabel("")
        self._problem.setProperty("role", "error")
        self._problem.setWordWrap(True)
        self._problem.setVisible(False)
        self._empty = QLabel("No actions yet.")
        self._empty.setVisible(False)

        buttons = QHBoxLayout()
        for button in (self._add, self._edit, self._reassign, self._done):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._empty)
        layout.addWidget(self._problem)
        layout.addLayout(buttons)
        if words[3] is None:  # hidden once it has a parent (shown, it would be a window)
            self._done.setVisible(False)
        self._table.selectionModel().currentRowChanged.connect(self._chosen_changed)
        self._chosen_changed()

    def _chosen(self) -> ActionView | None:
        row = self._table.currentIndex().row()
        if not 0 <= row < self._model.rowCount():
            return None
        found = self._model.action_at(row)
        return found if isinstance(found, ActionView) else None

    def _chosen_changed(self, *_args: object) -> None:
        chosen = self._chosen()
        live = chosen is not None and chosen.completed is None
        for button in (self._edit, self._reassign, self._done):
            button.setEnabled(live)

    def _show(self, seq: int, found: Actions, owners: list[str]) -> None:
        if not alive(self) or seq != self._seq:
            return
        chosen = self._chosen()
        wanted = self._select_after or (chosen.action_id if chosen else None)
        self._select_after = None
        self._owners = owners
        self._model.set_actions([*found.open, *found.complete])
        self._empty.setVisible(self._model.rowCount() == 0)
        self._problem.setVisible(False)
        if wanted is not None:
            row = self._model.row_of(wanted)
            if row >= 0:
                self._table.selectRow(row)
        self._chosen_changed()
        self._loaded = True
        self.sig_loaded.emit()

    def _failed(self, seq: int, exc: BaseException) -> None:
        if not alive(self) or seq != self._seq:
            return
        self._problem.setText(
            message_for(exc, "The actions could not be read. Try again in a moment.")
        )
        self._problem.setVisible(True)
        self.sig_loaded.emit()

    def _saved(self, saved: ActionView) -> None:
        if not alive(self):
            return
        self._select_after = saved.action_id
        self.refresh()
        self.sig_changed.emit()
        self._table.setFocus()

    def _closed(self, dialog: ActionDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()
