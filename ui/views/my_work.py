"""My drafts and the diary: two pages of a worker's own desk (``app.my_work``).

Both are read on a worker thread and shown in a read-only tree a keyboard drives: Enter opens
the draft (or the child or household an item is about). The diary exports to an iCalendar file
for Outlook; the file is written off the GUI thread, atomically, where the worker chooses
(their documents folder first).
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.diary_calendar import diary_calendar, record_export
from app.my_work import DIARY_WEEKS, DiaryWeek, Draft, diary, my_drafts
from app.store import Store
from app.store.atomic import write_bytes_atomically
from ui.errors import load_message, message_for
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font, local_time, uk_date
from ui.views.form_page import error_label


def _tree(name: str, headers: tuple[str, ...]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setAccessibleName(name)
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setStretchLastSection(True)
    return tree


def _age(days: int) -> str:
    if days == 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


class DraftsView(QWidget):
    """Every draft the worker started, oldest first; Enter opens one."""

    sig_open = Signal(object)
    """The worker asked to open a draft.

    Parameters
    ----------
    draft : app.my_work.Draft
    """

    #: The list has been read (or failed to be) and is on screen.
    sig_loaded = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._drafts: list[Draft] = []
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName("My drafts")
        title = QLabel("My drafts")
        title.setFont(heading_font(self.font()))
        self._summary = QLabel("Loading…")
        self._summary.setWordWrap(True)
        self._summary.setAccessibleName("Drafts summary")
        self._problem = error_label()
        self.tree = _tree(
            "Drafts, oldest first", ("Started", "Age", "Kind", "What", "About", "Last saved")
        )
        self.tree.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self._summary)
        layout.addWidget(self._problem)
        layout.addWidget(self.tree, 1)
        self.refresh()

    @property
    def drafts(self) -> list[Draft]:
        return list(self._drafts)

    def refresh(self) -> None:
        store, today = self._store, clock.today()
        run_task(lambda: my_drafts(store, today), self._show, self._failed)

    def _show(self, drafts: list[Draft]) -> None:
        if not alive(self):
            return
        self._drafts = drafts
        self.tree.clear()
        for n, d in enumerate(drafts):
            item = QTreeWidgetItem(
                [
                    uk_date(d.started.astimezone().date()),
                    _age(d.age_days),
                    d.kind_word,
                    d.title,
                    d.about,
                    f"{uk_date(d.last_saved.astimezone().date())} {local_time(d.last_saved)}",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, n)
            self.tree.addTopLevelItem(item)
        if drafts:
            self._summary.setText(
                f"{len(drafts)} not signed off yet, oldest first. Press Enter to open one."
            )
            first = self.tree.topLevelItem(0)
            if first is not None:
                self.tree.setCurrentItem(first)
        else:
            self._summary.setText("No drafts: everything you started has been signed off.")
        self.sig_loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self._summary.setText("")
            self._problem.setText(load_message(exc, "list of drafts"))
            self._problem.setVisible(True)
            self.sig_loaded.emit()

    def _activated(self, item: QTreeWidgetItem) -> None:
        n = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(n, int) and n < len(self._drafts):
            self.sig_open.emit(self._drafts[n])


class DiaryView(QWidget):
    """The next weeks' statutory items and actions across the caseload, by week."""

    sig_open_child = Signal(uuid.UUID)
    """The worker asked to open the child an item is about.

    Parameters
    ----------
    child_id : uuid.UUID
    """

    sig_open_household = Signal(uuid.UUID)
    """The worker asked to open the carer household an item is about.

    Parameters
    ----------
    household_id : uuid.UUID
    """

    #: The diary has been read (or failed to be) and is on screen.
    sig_loaded = Signal()
    #: The calendar file was written (its path is in ``exported_to``).
    sig_exported = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._weeks: list[DiaryWeek] = []
        self.exported_to: Path | None = None
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName("Diary")
        title = QLabel(f"Diary: the next {DIARY_WEEKS} weeks")
        title.setFont(heading_font(self.font()))
        self._summary = QLabel("Loading…")
        self._summary.setWordWrap(True)
        self._summary.setAccessibleName("Diary summary")
        self._problem = error_label()
        self.export_button = QPushButton("Export to &calendar (.ics)…")
        self.export_button.setAccessibleName("Export the diary to a calendar file")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        self.tree = _tree("Diary by week", ("Due", "What", "About", "Regulation"))
        self.tree.setRootIsDecorated(True)
        self.tree.itemActivated.connect(self._activated)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._summary)
        layout.addWidget(self._problem)
        layout.addWidget(self.tree, 1)
        self.refresh()

    @property
    def weeks(self) -> list[DiaryWeek]:
        return list(self._weeks)

    def refresh(self) -> None:
        store, today = self._store, clock.today()
        run_task(lambda: diary(store, today), self._show, self._failed)

    def export(self, path: Path | None = None) -> None:
        """Ask where (unless ``path`` is given), then write the calendar file off the GUI
        thread. Overdue items are left out: a calendar is for what is still ahead."""
        if path is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            suggested = Path(folder or Path.home()) / f"Casebook diary {clock.today():%Y-%m-%d}.ics"
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export the diary", str(suggested), "Calendar files (*.ics)"
            )
            if not chosen:
                return
            path = Path(chosen)
        items = [i for week in self._weeks if week.monday is not None for i in week.items]
        made_at, store = clock.utcnow(), self._store

        def work() -> Path:
            write_bytes_atomically(path, diary_calendar(items, made_at=made_at))
            record_export(store, events=len(items))
            return path

        self._summary.setText("Exporting…")
        run_task(work, self._exported, self._export_failed)

    def _show(self, weeks: list[DiaryWeek]) -> None:
        if not alive(self):
            return
        self._weeks = weeks
        self.tree.clear()
        count = 0
        for week in weeks:
            if week.monday is None:
                if not week.items:
                    continue
                heading = f"Overdue now ({len(week.items)})"
            else:
                heading = f"Week of {_weekday(week.monday)}"
                heading += f" ({len(week.items)})" if week.items else ": nothing due"
            top = QTreeWidgetItem([heading])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(top)
            for item in week.items:
                row = QTreeWidgetItem([_weekday(item.due), item.title, item.about, item.regulation])
                row.setData(0, Qt.ItemDataRole.UserRole, (item.child_id, item.household_id))
                top.addChild(row)
                count += 1
            top.setFirstColumnSpanned(True)
        self.tree.expandAll()
        self._summary.setText(
            f"{count} items due or overdue across your caseload. Press Enter on one to open "
            "the child or household; export puts what is ahead in Outlook or another calendar."
        )
        self.export_button.setEnabled(True)
        self.sig_loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self._summary.setText("")
            self._problem.setText(load_message(exc, "diary"))
            self._problem.setVisible(True)
            self.sig_loaded.emit()

    def _exported(self, path: Path) -> None:
        if alive(self):
            self.exported_to = path
            self._problem.setVisible(False)
            self._summary.setText(
                f"Saved {path.name} in {path.parent}. Open it with Outlook (or drag it onto "
                "your calendar) to add these dates."
            )
            self.sig_exported.emit()

    def _export_failed(self, exc: BaseException) -> None:
        if alive(self):
            self._summary.setText("Not exported.")
            self._problem.setText(
                "That folder could not be written to. Choose another, such as Documents."
                if isinstance(exc, OSError)
                else message_for(exc)
            )
            self._problem.setVisible(True)

    def _activated(self, item: QTreeWidgetItem) -> None:
        subject = item.data(0, Qt.ItemDataRole.UserRole)
        if not isinstance(subject, tuple):
            return
        child_id, household_id = subject
        if child_id is not None:
            self.sig_open_child.emit(child_id)
        elif household_id is not None:
            self.sig_open_household.emit(household_id)


def _weekday(day: date) -> str:
    return f"{day:%a} {uk_date(day)}"
