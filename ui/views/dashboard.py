"""The caseload dashboard: every child and carer household with their next statutory items,
filters, and search as you type.

All store access runs on worker threads (``ui.tasks``): ``refresh()`` builds the dashboard rows
there, and each search runs there too, debounced so typing "okafor" costs one search, not six.
Answers that arrive after a newer request was made are dropped, so the list always matches the
words in the box.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock, dashboard, late_work
from app.child_search import SearchResult, find_children
from app.chronology import legal_status_words
from app.deadlines.engine import STATUS_WORDS, Status
from app.store import Store
from ui.changes import ChangeHub, RecordsChanged, ReloadOnChange
from ui.errors import message_for
from ui.models.dashboard_model import (
    OBLIGATIONS,
    CaseloadFilter,
    CaseloadModel,
    Column,
)
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font
from ui.views.flow_layout import FlowLayout, group
from ui.views.record_table import record_table

#: Pause after the last keystroke before searching: long enough to skip the keystrokes of a
#: word being typed, short enough to feel immediate.
SEARCH_DEBOUNCE_MS = 150

#: The columns left to right: status, who, and what is due when, before the other details.
SHOWN_ORDER = (
    Column.STATUS,
    Column.NAME,
    Column.NEXT,
    Column.DUE,
    Column.WHO,
    Column.AGE,
    Column.LEGAL,
    Column.WHERE,
)


def _load_rows(store: Store) -> dashboard.Caseload:
    """Runs on a worker thread: the dashboard's rows as of today, raw (from the saved
    deadlines, redoing first those whose records changed); words come as rows are painted."""
    return dashboard.caseload(store, clock.today())


def late_work_text(flags: list[late_work.LateWork]) -> str:
    """The dashboard's notice of work colleagues recorded before a case moved here (rich
    text; names escaped)."""
    if not flags:
        return ""
    lines = [
        f"{html.escape(flag.about or 'A case')}: {html.escape(flag.heading)} "
        f"({flag.arrived:%d %b %Y})"
        for flag in flags[:5]
    ]
    more = f"<br>…and {len(flags) - 5} more" if len(flags) > 5 else ""
    return (
        "<b>Work recorded before a case moved to you</b> is now on the record. Please read it "
        "in the child's chronology:<br>" + "<br>".join(lines) + more
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


class _SearchBox(QLineEdit):
    """Down arrow moves into the results, as in a browser's address bar."""

    sig_down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Down:
            self.sig_down.emit()
            return
        super().keyPressEvent(event)


class DashboardView(QWidget):
    sig_child_opened = Signal(uuid.UUID)
    """The worker chose a child to open.

    Parameters
    ----------
    child_id : uuid.UUID
        The child's record id.
    """

    # Emitted when a refresh or a search answer has been shown; tests and the shell's status
    # bar wait on these rather than on sleeps.
    sig_loaded = Signal()
    sig_searched = Signal()

    def __init__(
        self, store: Store, parent: QWidget | None = None, *, changes: ChangeHub | None = None
    ) -> None:
        """``changes``: where saves and syncs are announced; the caseload reads again after
        any of them, since any record may move a child's next visit or review."""
        super().__init__(parent)
        self._store = store
        self._refresh_seq = 0
        self._search_seq = 0
        self._build()
        if changes is not None:
            ReloadOnChange(
                self, changes, concerns=_any_change, reload=self.refresh, always_on_return=True
            )

    # ---- Public API

    def refresh(self) -> None:
        """Reload the caseload from the store (on a worker thread); filters, sort and the
        selected row's child are kept."""
        self._refresh_seq += 1
        seq = self._refresh_seq
        self._status.setText("Loading the caseload…")
        run_task(
            lambda: _load_rows(self._store),
            lambda rows: self._show_rows(seq, rows),
            lambda exc: self._failed(seq, exc),
        )
        run_task(
            lambda: late_work.recent(self._store, clock.today()),
            lambda flags: self._show_late_work(seq, flags),
            lambda _exc: None,
        )

    def _show_late_work(self, seq: int, flags: list[late_work.LateWork]) -> None:
        if not alive(self) or seq != self._refresh_seq:
            return
        self._late_work.setText(late_work_text(flags))
        self._late_work.setVisible(bool(flags))

    @property
    def model(self) -> CaseloadModel:
        return self._model

    @property
    def proxy(self) -> CaseloadFilter:
        return self._proxy

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def search_box(self) -> QLineEdit:
        return self._search

    @property
    def results(self) -> QListWidget:
        return self._results

    def set_filters(
        self,
        *,
        status: Status | None = None,
        obligation: str | None = None,
        legal_status: str | None = None,
        kind: str | None = None,
    ) -> None:
        """Set the filter boxes (and so the table) programmatically, e.g. from a shortcut on
        the main window's summary: "show me everything overdue"."""
        for box, value in (
            (self._status_box, status),
            (self._item_box, obligation),
            (self._kind_box, kind),
        ):
            box.setCurrentIndex(max(0, box.findData(value)))
        self._ensure_legal_option(legal_status)
        self._legal_box.setCurrentIndex(max(0, self._legal_box.findData(legal_status)))
        self._apply_filters()

    # ---- Private API: building

    def _build(self) -> None:
        self.setStyleSheet(FOCUS_STYLE)
        self.setAccessibleName("Caseload dashboard")
        title = QLabel("Caseload")
        title.setFont(heading_font(self.font()))
        title.setAccessibleName("Caseload")
        self._summary = QLabel("")
        self._summary.setAccessibleName("Caseload summary")
        self._summary.setWordWrap(True)
        self._late_work = QLabel("")
        self._late_work.setObjectName("lateWork")
        self._late_work.setAccessibleName("Work recorded before a case moved to you")
        self._late_work.setWordWrap(True)
        self._late_work.setTextFormat(Qt.TextFormat.RichText)
        self._late_work.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._late_work.setStyleSheet(
            "QLabel#lateWork { background: #fff4ce; color: #0b0c0c; border: 1px solid #b58105;"
            " padding: 6px; }"
        )
        self._late_work.setVisible(False)

        self._search = _SearchBox()
        self._search.setPlaceholderText("Type a name or words from case records")
        self._search.setClearButtonEnabled(True)
        self._search.setAccessibleName("Search children and case records")
        search_label = QLabel("&Search:")
        search_label.setBuddy(self._search)
        self._results_label = QLabel("")
        self._results_label.setAccessibleName("Search results summary")
        self._results = QListWidget()
        self._results.setAccessibleName("Search results")
        self._results.setMaximumHeight(self.fontMetrics().height() * 9)
        self._results.setVisible(False)
        self._results_label.setVisible(False)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)

        self._kind_box = self._combo(
            "Show", [("Children and carers", None), ("Children", "child"), ("Carers", "household")]
        )
        self._status_box = self._combo(
            "Status", [("Any status", None)] + [(STATUS_WORDS[s], s) for s in Status]
        )
        self._item_box = self._combo(
            "Kind of item", [("Any kind of item", None)] + [(w, o) for o, w in OBLIGATIONS.items()]
        )
        self._legal_box = self._combo("Legal status", [("Any legal status", None)])
        # Boxes of a steady width (full wording in the drop-downs): sized to their longest
        # entry, the row of filters would not fit a 13-inch screen at 150% scaling with a
        # larger text size, and the whole window would grow past the screen's edge.
        for box, characters, list_characters in (
            (self._kind_box, 12, 24),
            (self._status_box, 8, 16),
            (self._item_box, 12, 48),
            (self._legal_box, 14, 60),
        ):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(characters)
            box.view().setMinimumWidth(self.fontMetrics().averageCharWidth() * list_characters)
        self._clear = QPushButton("Clea&r filters")
        self._clear.setAccessibleName("Clear filters")

        self._model = CaseloadModel(self)
        self._proxy = CaseloadFilter(self)
        self._proxy.setSourceModel(self._model)
        self._table = record_table("Caseload table", self._proxy)
        self._table.setSortingEnabled(True)
        self._table.horizontalHeader().setSortIndicator(Column.STATUS, Qt.SortOrder.AscendingOrder)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # What is due and when sit beside the name, before the columns a narrow window may
        # push out of sight (the model's column numbers stay as they are).
        for visual, column in enumerate(SHOWN_ORDER):
            header.moveSection(header.visualIndex(column), visual)
        self._natural_widths: dict[Column, int] = {}
        self._table.viewport().installEventFilter(self)
        self._status = QLabel("")
        self._status.setAccessibleName("Table status")

        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self._search, 1)
        filters = FlowLayout()
        for label, box in (
            ("Sho&w:", self._kind_box),
            ("S&tatus:", self._status_box),
            ("&Kind of item:", self._item_box),
            ("&Legal status:", self._legal_box),
        ):
            caption = QLabel(label)
            caption.setBuddy(box)
            filters.addWidget(group(caption, box))
        filters.addWidget(self._clear)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self._summary, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._late_work)
        layout.addLayout(search_row)
        layout.addWidget(self._results_label)
        layout.addWidget(self._results)
        layout.addLayout(filters)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._status)

        self._search.textChanged.connect(self._typed)
        self._search.returnPressed.connect(self._open_first_result)
        self._search.sig_down.connect(self._focus_results)
        self._debounce.timeout.connect(self._run_search)
        self._results.itemActivated.connect(self._open_result)
        self._table.activated.connect(self._open_row)
        for box in (self._kind_box, self._status_box, self._item_box, self._legal_box):
            box.currentIndexChanged.connect(self._apply_filters)
        self._clear.clicked.connect(lambda: self.set_filters())
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self._search)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self._search.clear)

    def _combo(self, name: str, options: list[tuple[str, object]]) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        # Wide enough for "Children and carers"; a longer choice is elided in the box (the list
        # shows it whole), so the filters fit a 150% screen in one row.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(min(20, max(len(text) for text, _value in options)))
        for text, value in options:
            box.addItem(text, value)
        return box

    # ---- Private API: caseload

    def _show_rows(self, seq: int, caseload: dashboard.Caseload) -> None:
        if not alive(self) or seq != self._refresh_seq:
            return
        selected = self._selected_subject()
        rows = caseload.lines
        self._model.set_caseload(caseload)
        self._fill_legal_options(rows)
        if not self._table.property("sized"):
            self._size_columns()
            self._table.setProperty("sized", True)
        if selected is not None:
            self._select_subject(selected)
        children = [r for r in rows if r[dashboard.KIND] == "child"]
        overdue = sum(1 for r in children if r[dashboard.RANK] == 0)
        soon = sum(1 for r in children if r[dashboard.RANK] == 1)
        households = len(rows) - len(children)
        self._summary.setText(
            f"{_count(len(children), 'child', 'children')}, "
            f"{_count(households, 'carer household', 'carer households')}. "
            f"Children with something overdue: {overdue}; due soon: {soon}."
        )
        self._update_status()
        self.sig_loaded.emit()

    def _failed(self, seq: int, exc: BaseException) -> None:
        if not alive(self) or seq != self._refresh_seq:
            return
        # No case text in the message: only the kind of failure.
        self._status.setText(
            message_for(
                exc,
                "The caseload could not be loaded. Try again; if it keeps happening, "
                "contact the service desk.",
            )
        )
        self.sig_loaded.emit()

    def _size_columns(self) -> None:
        """Fit the short columns to their contents once; the long text columns share the rest.
        Measured on the first load only, so a refresh never makes the columns jump."""
        metrics = self._table.fontMetrics()
        widths = {
            Column.STATUS: metrics.horizontalAdvance("Due soon") + 48,
            Column.NAME: metrics.horizontalAdvance("The Lewandowski household") + 16,
            Column.WHO: metrics.horizontalAdvance("Carers") + 28,
            Column.AGE: metrics.horizontalAdvance("Age") + 28,
            Column.LEGAL: metrics.horizontalAdvance("Placement order granted (s21)") + 24,
            Column.NEXT: metrics.horizontalAdvance("Statutory visit (first year of placement)")
            + 16,
            Column.DUE: metrics.horizontalAdvance("30 Sept 2026") + 28,
        }
        self._natural_widths = widths
        for column, width in widths.items():
            self._table.setColumnWidth(column, width)
        self._keep_due_in_view()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        """A new text size: measure the columns again once every widget has the new font."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and getattr(self, "_natural_widths", None):
            QTimer.singleShot(0, self, self._size_columns)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self._table.viewport() and event.type() == QEvent.Type.Resize:
            self._keep_due_in_view()
        return super().eventFilter(watched, event)

    def _keep_due_in_view(self) -> None:
        """Narrow the next item's text, then the name's, so the Due column always ends inside
        the table: a worker must never scroll sideways to see when something is due."""
        if not self._natural_widths:
            return
        metrics = self._table.fontMetrics()
        room = self._table.viewport().width()
        if room <= 0:
            return
        header = self._table.horizontalHeader()
        for column in (Column.NEXT, Column.NAME):
            self._table.setColumnWidth(column, self._natural_widths[column])
        for column, least in (
            (Column.NEXT, metrics.horizontalAdvance("Statutory visit…") + 16),
            (Column.NAME, metrics.horizontalAdvance("Muhammad T…") + 16),
        ):
            over = header.sectionPosition(Column.DUE) + header.sectionSize(Column.DUE) - room
            if over <= 0:
                break
            width = self._natural_widths[column]
            self._table.setColumnWidth(column, max(least, width - over))

    def _fill_legal_options(self, rows: list[dashboard.CaseloadLine]) -> None:
        current = self._legal_box.currentData()
        codes = sorted({code for r in rows if (code := r[dashboard.LEGAL]) is not None})
        self._legal_box.blockSignals(True)
        self._legal_box.clear()
        self._legal_box.addItem("Any legal status", None)
        for code in codes:
            self._legal_box.addItem(legal_status_words(code), code)
        self._legal_box.setCurrentIndex(max(0, self._legal_box.findData(current)))
        self._legal_box.blockSignals(False)

    def _ensure_legal_option(self, code: str | None) -> None:
        if code is not None and self._legal_box.findData(code) < 0:
            self._legal_box.addItem(legal_status_words(code), code)

    def _apply_filters(self) -> None:
        status = self._status_box.currentData()
        self._proxy.set_filters(
            # Combo boxes hand a StrEnum back as a plain string.
            status=Status(status) if status else None,
            obligation=self._item_box.currentData(),
            legal_status=self._legal_box.currentData(),
            kind=self._kind_box.currentData(),
        )
        self._update_status()

    def _update_status(self) -> None:
        shown, total = self._proxy.rowCount(), self._model.rowCount()
        if total == 0:
            self._status.setText("No children or carer households in this caseload yet.")
        elif shown == total:
            self._status.setText(f"Showing all {total}. Press Enter on a child to open them.")
        else:
            self._status.setText(
                f"Showing {shown} of {total} (filtered). Press Enter on a child to open them."
            )

    def _selected_subject(self) -> uuid.UUID | None:
        index = self._table.currentIndex()
        return self._proxy.row_at(index.row()).subject_id if index.isValid() else None

    def _select_subject(self, subject: uuid.UUID) -> None:
        source = self._model.row_of(subject)
        if source < 0:
            return
        shown = self._proxy.mapFromSource(self._model.index(source, 0))
        if shown.isValid():
            self._table.selectRow(shown.row())

    def _open_row(self, index: QModelIndex | QPersistentModelIndex) -> None:
        row = self._proxy.row_at(index.row())
        if row.kind == "child":
            self.sig_child_opened.emit(row.subject_id)

    # ---- Private API: search

    def _typed(self, text: str) -> None:
        if not text.strip():
            self._debounce.stop()
            self._search_seq += 1  # any answer still on its way is now stale
            self._results.clear()
            self._results.setVisible(False)
            self._results_label.setVisible(False)
            return
        self._debounce.start()

    def _run_search(self) -> None:
        typed = self._search.text()
        self._search_seq += 1
        seq = self._search_seq
        run_task(
            lambda: find_children(self._store, typed),
            lambda found: self._show_results(seq, found),
            lambda exc: self._search_failed(seq),
        )

    def _show_results(self, seq: int, found: list[SearchResult]) -> None:
        if not alive(self) or seq != self._search_seq:
            return
        self._results.clear()
        for result in found:
            item = QListWidgetItem(result.text)
            item.setData(Qt.ItemDataRole.UserRole, result.child_id)
            self._results.addItem(item)
        if found:
            self._results.setCurrentRow(0)
        count = len(found)
        self._results_label.setText(
            "No children match those words."
            if not found
            else f"{count} {'child matches' if count == 1 else 'children match'}. "
            "Press Enter to open the highlighted child, or Down to choose."
        )
        self._results_label.setVisible(True)
        self._results.setVisible(bool(found))
        self.sig_searched.emit()

    def _search_failed(self, seq: int) -> None:
        if not alive(self) or seq != self._search_seq:
            return
        self._results.clear()
        self._results.setVisible(False)
        self._results_label.setText("Search is not available just now. Please try again.")
        self._results_label.setVisible(True)
        self.sig_searched.emit()

    def _focus_results(self) -> None:
        if self._results.isVisible() and self._results.count():
            self._results.setFocus()
            if self._results.currentRow() < 0:
                self._results.setCurrentRow(0)

    def _open_first_result(self) -> None:
        """Enter in the search box opens the highlighted result. If the answer for what was
        just typed has not arrived yet, search now and open when it does."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._run_search()
            self.sig_searched.connect(
                self._open_after_search, Qt.ConnectionType.SingleShotConnection
            )
            return
        item = self._results.currentItem() or self._results.item(0)
        if item is not None:
            self._open_result(item)

    def _open_after_search(self) -> None:
        item = self._results.currentItem()
        if item is not None:
            self._open_result(item)

    def _open_result(self, item: QListWidgetItem) -> None:
        child_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(child_id, uuid.UUID):
            self.sig_child_opened.emit(child_id)


def _any_change(_change: RecordsChanged) -> bool:
    return True
