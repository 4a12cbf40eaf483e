"""A repeating group: a list of entries (people in the household, support services...), each
with the group's fields, added and removed by the worker within the template's limits.

Entries are numbered from 1 as the worker sees them, the same numbers ``app.forms.answers``
uses in its problem names (``answers.<group>.<n>.<field>``), so a problem with entry 2 lands
on entry 2. A field's own condition looks only at its entry's other answers.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.forms.answers import item_fields
from app.forms.template import Question, is_answered
from ui.forms.block import QuestionBlock
from ui.forms.inputs import QuestionInput, make_input, show_if


class GroupEntry(QFrame):
    """One entry of a group: a numbered heading, a Remove button and the group's fields."""

    def __init__(self, group: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._group = group
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._title = QLabel("")
        self._title.setProperty("role", "heading")
        self.remove_button = QPushButton("Remove")
        self.blocks: dict[str, QuestionBlock] = {}
        head = QHBoxLayout()
        head.addWidget(self._title, 1)
        head.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        for field in group.fields:
            block = QuestionBlock(field, make_input(field))
            self.blocks[field.id] = block
            layout.addWidget(block)

    def number(self, n: int) -> None:
        """Show (and name, for screen readers) this entry as entry ``n``."""
        label = self._group.label
        self._title.setText(f"Entry {n}")
        self._title.setAccessibleName(f"Entry {n} of {label}")
        self.remove_button.setAccessibleName(f"Remove entry {n} of {label}")
        for field in self._group.fields:
            self.blocks[field.id].set_accessible_label(f"{field.label} (entry {n})")

    def values(self) -> dict[str, Any]:
        """The entry's answered fields (hidden ones too: a draft keeps them)."""
        found = {}
        for field_id, block in self.blocks.items():
            value = block.input.value()
            if is_answered(value):
                found[field_id] = value
        return found

    def set_values(self, values: dict[str, Any]) -> None:
        for field_id, block in self.blocks.items():
            block.input.set_value(values.get(field_id))

    def show_fields(self) -> None:
        """Show the fields whose conditions hold for this entry's answers."""
        shown = {field.id for field in item_fields(self._group, self.values())}
        for field_id, block in self.blocks.items():
            show_if(block, field_id in shown)


class GroupInput(QuestionInput):
    """The entries of a group and an "Add entry" button; see the module docstring."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self._entries: list[GroupEntry] = []
        self._list = QVBoxLayout()
        self._list.setContentsMargins(0, 0, 0, 0)
        self._empty = QLabel("No entries yet.")
        self._empty.setProperty("role", "help")
        self._add_button = QPushButton("Add entry")
        self._limit = QLabel(f"This can have at most {question.max_items} entries.")
        self._limit.setProperty("role", "help")
        self._limit.setVisible(False)
        add_row = QHBoxLayout()
        add_row.addWidget(self._add_button)
        add_row.addWidget(self._limit)
        add_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._empty)
        layout.addLayout(self._list)
        layout.addLayout(add_row)
        self._add_button.clicked.connect(self.add_entry)
        self._update_buttons()

    # ---- Public API

    @property
    def entries(self) -> list[GroupEntry]:
        return list(self._entries)

    @property
    def add_button(self) -> QPushButton:
        return self._add_button

    def value(self) -> Any:
        return [entry.values() for entry in self._entries] or None

    def focus_target(self) -> QWidget:
        return self._add_button

    def set_accessible_label(self, label: str) -> None:
        self.setAccessibleName(label)
        self._add_button.setAccessibleName(f"Add entry to {label}")

    def set_accessible_hint(self, hint: str) -> None:
        self._add_button.setAccessibleDescription(hint)

    def block(self, n: int, field_id: str) -> QuestionBlock | None:
        """The field ``field_id`` of entry ``n`` (counting from 1), if there is one."""
        if not 1 <= n <= len(self._entries):
            return None
        return self._entries[n - 1].blocks.get(field_id)

    def blocks(self) -> list[QuestionBlock]:
        return [block for entry in self._entries for block in entry.blocks.values()]

    def local_problem(self) -> str:
        for entry in self._entries:
            for block in entry.blocks.values():
                if block.isVisibleTo(self) and (problem := block.input.local_problem()):
                    return problem
        return ""

    def add_entry(self) -> GroupEntry | None:
        """Add an empty entry at the end and move to its first field (the worker's click)."""
        if self._read_only or len(self._entries) >= self._question.max_items:
            return None
        entry = self._append({})
        self._update_buttons()
        entry.blocks[self._question.fields[0].id].input.focus_target().setFocus()
        self._edited()
        return entry

    def remove_entry(self, entry: GroupEntry) -> None:
        """Remove an entry, asking first if anything has been written in it."""
        if self._read_only or len(self._entries) <= self._question.min_items:
            return
        n = self._entries.index(entry) + 1
        if entry.values():
            answer = QMessageBox.question(
                self,
                "Remove entry",
                f"Remove entry {n} of '{self._question.label}' and everything written in it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._entries.remove(entry)
        self._drop(entry)
        self._renumber()
        self._update_buttons()
        if self._entries:
            nearest = self._entries[min(n, len(self._entries)) - 1].remove_button
            (nearest if nearest.isEnabled() else self._add_button).setFocus()
        else:
            self._add_button.setFocus()
        self._edited()

    # ---- Private API

    def _show(self, value: Any) -> None:
        for entry in self._entries:
            self._drop(entry)
        self._entries = []
        items = value if isinstance(value, list) else []
        for item in items:
            self._append(item if isinstance(item, dict) else {})
        self._update_buttons()

    def _append(self, values: dict[str, Any]) -> GroupEntry:
        entry = GroupEntry(self._question)
        entry.set_values(values)
        entry.show_fields()
        for block in entry.blocks.values():
            block.input.set_read_only(self._read_only)
            block.input.sig_edited.connect(lambda entry=entry: self._entry_edited(entry))
        entry.remove_button.clicked.connect(lambda _=False, entry=entry: self.remove_entry(entry))
        self._entries.append(entry)
        self._list.addWidget(entry)
        entry.show()  # now, not when the layout gets round to it: focus goes straight to it
        self._renumber()
        return entry

    def _drop(self, entry: GroupEntry) -> None:
        """Out of the form at once (a later deletion would leave it findable meanwhile)."""
        self._list.removeWidget(entry)
        entry.hide()
        entry.setParent(None)
        entry.deleteLater()

    def _entry_edited(self, entry: GroupEntry) -> None:
        entry.show_fields()
        self._edited()

    def _renumber(self) -> None:
        for n, entry in enumerate(self._entries, start=1):
            entry.number(n)

    def _update_buttons(self) -> None:
        full = len(self._entries) >= self._question.max_items
        self._add_button.setEnabled(not full)
        show_if(self._add_button, not self._read_only)
        show_if(self._limit, full and not self._read_only)
        show_if(self._empty, not self._entries)
        removable = len(self._entries) > self._question.min_items
        for entry in self._entries:
            show_if(entry.remove_button, not self._read_only)
            entry.remove_button.setEnabled(removable)

    def _apply_read_only(self, read_only: bool) -> None:
        for entry in self._entries:
            for block in entry.blocks.values():
                block.input.set_read_only(read_only)
        self._update_buttons()
