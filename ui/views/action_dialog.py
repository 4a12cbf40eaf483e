"""Adding, changing, reassigning or completing an agreed action.

Four uses of one dialog: add an action (for a child, a household, or agreed at a visit); change
one (its words, owner and due date; an action agreed at a review or a visit keeps its words, so
they are shown but not editable); reassign it (only who is responsible); and mark it done, with
the day and a note of what was done. The save runs on a worker thread through
``app.services.actions``, one transaction each; problems come back in plain English, are shown
beside the field they are about and clear as soon as that field is changed, and the dialog stays
open, with everything typed kept, until the save succeeds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.services import actions
from app.services.actions import ActionView
from app.store import Store
from ui.views.common import qdate, uk_date
from ui.views.fields_dialog import FieldsDialog

ADD, EDIT, REASSIGN, DONE = "add", "edit", "reassign", "done"

_TITLES = {
    ADD: "Add an action",
    EDIT: "Change an action",
    REASSIGN: "Reassign an action",
    DONE: "Mark an action done",
}
_SAVE_WORDS = {ADD: "&Add action", EDIT: "&Save changes", REASSIGN: "&Reassign", DONE: "&Mark done"}

#: What the due date box shows for "no date set" (its lowest date, shown as words).
NO_DATE = QDate(2000, 1, 1)


def _to_date(value: QDate) -> date | None:
    return None if value == NO_DATE else date(value.year(), value.month(), value.day())


class ActionDialog(FieldsDialog):
    sig_saved = Signal(object)
    """The action was saved; the dialog closes.

    Parameters
    ----------
    action : app.services.actions.ActionView
    """

    def __init__(
        self,
        store: Store,
        *,
        mode: str = ADD,
        action: ActionView | None = None,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        visit_id: uuid.UUID | None = None,
        owners: Sequence[str] = (),
        description: str = "",
        parent: QWidget | None = None,
    ) -> None:
        """``description`` is what a new action's words start as (a suggestion to edit)."""
        if mode != ADD and action is None:
            raise ValueError(f"{mode} needs the action it is about")
        super().__init__(mode, _TITLES[mode], parent)
        self._store = store
        self._action = action
        self._child_id = child_id
        self._household_id = household_id
        self._visit_id = visit_id
        # Made once, so a retry after a failure adds the action once (actions.add).
        self._new_id = uuid.uuid4()
        self.setModal(True)
        self._build(owners, description)

    # ---- Public API

    def save(self) -> None:
        """Save on a worker thread; the dialog closes when the action is stored."""
        if self._busy:
            return
        self._clear_problems()
        store, mode = self._store, self._mode
        description = self._description.toPlainText()
        owner = self._owner.currentText()
        due = _to_date(self._due.date())
        work: Callable[[], ActionView]
        if mode == ADD:
            child_id, household_id, visit_id, new_id = (
                self._child_id,
                self._household_id,
                self._visit_id,
                self._new_id,
            )

            def work() -> ActionView:
                return actions.add(
                    store,
                    description=description,
                    owner=owner,
                    due_date=due,
                    child_id=child_id,
                    household_id=household_id,
                    visit_id=visit_id,
                    action_id=new_id,
                )

        else:
            assert self._action is not None
            action_id = self._action.action_id
            if mode == EDIT:

                def work() -> ActionView:
                    return actions.edit(
                        store,
                        action_id=action_id,
                        description=description,
                        owner=owner,
                        due_date=due,
                    )

            elif mode == REASSIGN:

                def work() -> ActionView:
                    return actions.reassign(store, action_id=action_id, owner=owner)

            else:
                on = _to_date(self._done_on.date())
                note = self._note.toPlainText()

                def work() -> ActionView:
                    return actions.complete(store, action_id=action_id, on=on, note=note)

        self._run_save(work)

    # ---- Qt methods

    def showEvent(self, event: QShowEvent) -> None:
        """A new dialog puts the cursor in the first field the worker can fill in."""
        super().showEvent(event)
        self._first_field().setFocus(Qt.FocusReason.OtherFocusReason)
        self.activateWindow()

    # ---- Private API

    def _build(self, owners: Sequence[str], suggested: str) -> None:
        uk = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
        action = self._action
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self._description = QPlainTextEdit(action.description if action else suggested)
        self._description.setAccessibleName("What will be done")
        self._description.setTabChangesFocus(True)
        lines = 4 if self._mode in (ADD, EDIT) else 2
        self._description.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 16)
        rewordable = self._mode == ADD or (
            self._mode == EDIT and action is not None and action.rewordable
        )
        self._description.setReadOnly(not rewordable)
        self._fields["description"] = self._description
        if rewordable:
            label = QLabel("&What will be done:")
            label.setBuddy(self._description)
            form.addRow(label, self._with_error("description", self._description))
        else:
            # Words the worker cannot change read as text, not as a box that looks editable.
            self._description.setVisible(False)
            words = QLabel(action.description if action else "")
            words.setWordWrap(True)
            words.setAccessibleName("What will be done")
            words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow("What will be done:", self._with_error("description", words))
        if action is not None and not action.rewordable and self._mode == EDIT:
            kept = QLabel(
                f"{action.source}: the words agreed there stay as they are. "
                "You can change who does it and by when."
            )
            kept.setWordWrap(True)
            form.addRow("", kept)

        self._owner = QComboBox()
        self._owner.setEditable(True)
        self._owner.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._owner.setAccessibleName("Who is responsible")
        self._owner.setMinimumWidth(self.fontMetrics().averageCharWidth() * 32)
        known = list(dict.fromkeys([*(o for o in owners if o.strip())]))
        self._owner.addItems(known)
        self._owner.setCurrentText(action.owner if action else "")
        self._fields["owner"] = self._owner
        owner_label = QLabel("W&ho is responsible:")
        owner_label.setBuddy(self._owner)
        if self._mode != DONE:
            form.addRow(owner_label, self._with_error("owner", self._owner))

        self._due = QDateEdit()
        self._due.setLocale(uk)
        self._due.setDisplayFormat("dd MMM yyyy")
        self._due.setCalendarPopup(True)
        self._due.setMinimumDate(NO_DATE)
        self._due.setSpecialValueText("No date set")
        self._due.setDate(qdate(action.due) if action and action.due else NO_DATE)
        self._due.setAccessibleName("Due by")
        self._fields["due_date"] = self._due
        due_label = QLabel("D&ue by:")
        due_label.setBuddy(self._due)
        if self._mode in (ADD, EDIT):
            form.addRow(due_label, self._with_error("due_date", self._due))
            if self._visit_id is None and self._mode == ADD:
                hint = QLabel("Leave it as \u201cNo date set\u201d if there is no date to keep to.")
                hint.setWordWrap(True)
                form.addRow("", hint)

        self._done_on = QDateEdit()
        self._done_on.setLocale(uk)
        self._done_on.setDisplayFormat("dd MMM yyyy")
        self._done_on.setCalendarPopup(True)
        self._done_on.setDate(qdate(clock.today()))
        self._done_on.setAccessibleName("Date it was done")
        self._fields["completed_date"] = self._done_on
        self._note = QPlainTextEdit()
        self._note.setAccessibleName("What was done")
        self._note.setTabChangesFocus(True)
        self._note.setPlaceholderText("For example: rang the school; the trip is booked.")
        self._note.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 16)
        self._fields["completion_note"] = self._note
        if self._mode == DONE:
            when = QLabel("&Date it was done:")
            when.setBuddy(self._done_on)
            form.addRow(when, self._with_error("completed_date", self._done_on))
            note = QLabel("&Note of what was done:")
            note.setBuddy(self._note)
            form.addRow(note, self._with_error("completion_note", self._note))
        if action is not None and action.due is not None and self._mode in (REASSIGN, DONE):
            form.addRow("Due by:", QLabel(uk_date(action.due)))

        self._general.setAccessibleName("Problem saving the action")
        save_words = _SAVE_WORDS[self._mode]
        buttons = self._save_buttons(save_words.replace("&", ""), save_words)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._general)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

        # A problem clears as soon as its field is changed.
        self._description.textChanged.connect(lambda: self._clear("description"))
        self._owner.currentTextChanged.connect(lambda _t: self._clear("owner"))
        self._due.dateChanged.connect(lambda _d: self._clear("due_date"))
        self._done_on.dateChanged.connect(lambda _d: self._clear("completed_date"))
        self._note.textChanged.connect(lambda: self._clear("completion_note"))

    def _first_field(self) -> QWidget:
        if self._mode == DONE:
            return self._note
        if self._mode == REASSIGN or self._description.isReadOnly():
            return self._owner
        return self._description

    def _with_error(self, name: str, widget: QWidget, problem_with: str = "") -> QWidget:
        """The field with its error line, named for what the field is called."""
        return super()._with_error(name, widget, problem_with or widget.accessibleName().lower())

    def _clear(self, name: str) -> None:
        label = self._errors.get(name)
        if label is not None and label.isVisible():
            label.setText("")
            label.setVisible(False)

    def _announce_saved(self, saved: ActionView) -> None:
        self.sig_saved.emit(saved)
