"""The sync part of the main window's status bar.

Left to right: whether the service is there (an icon whose *shape* says it, and a word), how
many changes are waiting, when the laptop last synced, "Sync now"; while a sync runs, a progress
bar with the phase, records and bytes, and Cancel; afterwards, a one-line summary with a
"Details" button (errors in plain English, and changes the service refused with its reasons)
and, when there are any, a "N conflicts to decide" link.

Everything shown comes from ``SyncController``: this widget reads no store and calls no service
itself, apart from asking the controller's store for the refused changes on a worker thread when
Details is opened.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import clock
from sync import details
from sync.engine import Phase, Progress, SyncSummary
from ui.errors import message_for
from ui.sync_controller import RejectedChange, SyncController, SyncState, rejected_changes
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, local_time, uk_date
from ui.views.refused_changes import RefusedChangesDialog

#: Shown for the connection: the word always accompanies the icon (never colour alone).
ONLINE, OFFLINE, OFFLINE_ONLY, CHECKING = "Online", "Offline", "Offline only", "Checking…"

PHASES = {
    Phase.STARTING: "Starting…",
    Phase.SENDING: "Sending changes",
    Phase.RECEIVING: "Receiving changes",
    Phase.UPLOADING: "Uploading files",
    Phase.DOWNLOADING: "Downloading files",
}


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def size_words(size: int) -> str:
    """Bytes as a worker reads them: 512 bytes, 14 KB, 3.2 MB."""
    if size < 1024:
        return plural(size, "byte")
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def summary_line(summary: SyncSummary, conflicts_open: int | None = None) -> str:
    """One line after a sync, e.g. "Sent 3, received 12, 1 conflict to decide"."""
    if summary.errors and not (summary.sent or summary.received):
        if len(summary.errors) == 1:
            # The error says what happened on its own; a prefix only pushed its end out of
            # the status bar.
            return summary.errors[0]
        return "Sync did not finish: see Details"
    parts = [f"Sent {summary.sent}", f"received {summary.received}"]
    if summary.merged:
        parts.append(f"{summary.merged} merged")
    conflicts = summary.conflicts if conflicts_open is None else conflicts_open
    if conflicts:
        parts.append(plural(conflicts, "conflict") + " to decide")
    if summary.rejected:
        parts.append(plural(summary.rejected, "change") + " not accepted")
    line = ", ".join(parts)
    if summary.errors:
        line += ". Sync did not finish: see Details"
    return line


def unsent_note(state: SyncState | None) -> str:
    """Said when the worker locks or quits with work not yet on the service."""
    if state is None or not (state.pending or state.rejected):
        return ""
    parts = []
    if state.pending:
        parts.append(
            f"{plural(state.pending, 'change')} {'has' if state.pending == 1 else 'have'} not "
            f"been sent yet. {'It is' if state.pending == 1 else 'They are'} safe on this "
            "laptop and will be sent at the next sync."
        )
    if state.rejected:
        parts.append(
            f"{plural(state.rejected, 'change')} not accepted by the service "
            f"{'waits' if state.rejected == 1 else 'wait'} for your decision (Sync details)."
        )
    return " ".join(parts)


def progress_line(progress: Progress) -> str:
    phase = PHASES[progress.phase]
    line = f"{phase}: sent {progress.sent}, received {progress.received}"
    if progress.files_total:
        line += f", file {min(progress.files_done + 1, progress.files_total)} of "
        line += str(progress.files_total)
    moved = progress.bytes_sent + progress.bytes_received
    if moved:
        line += f" ({size_words(moved)})"
    return line


class SyncDetailsDialog(QDialog):
    """What is waiting to be sent, what the last sync sent and received record by record, what
    went wrong, and changes the service refused with their reasons and what to do next."""

    sig_loaded = Signal()
    """The lists have been read (tests wait on this)."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync details")
        self.setAccessibleName("Sync details")
        self._controller = controller
        self._summary = controller.state.last_summary
        self._refused: RefusedChangesDialog | None = None
        self.text = QTextBrowser(self)
        self.text.setAccessibleName("What happened in the last sync")
        self.text.setOpenLinks(False)
        self.refused_button = QPushButton("&Open changes not accepted…", self)
        self.refused_button.setAccessibleName("Open changes not accepted")
        self.refused_button.clicked.connect(self.open_refused)
        self.refused_button.setVisible(controller.state.rejected > 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.refused_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(row)
        self.resize(760, 520)
        self._show(None, [], loading=True)
        self.reload()

    def reload(self) -> None:
        store, summary = self._controller.store, self._summary
        items = summary.items if summary is not None else []
        moved = (summary.sent + summary.received) if summary is not None else 0

        def read() -> tuple[details.Details, list[RejectedChange]]:
            return details.read(store, items, moved), rejected_changes(store)

        run_task(read, self._loaded, self._load_failed)

    def open_refused(self) -> RefusedChangesDialog:
        """The refused changes, to read, copy, export, retry or mark dealt with."""
        if self._refused is not None and alive(self._refused):
            self._refused.raise_()
            return self._refused
        dialog = RefusedChangesDialog(self._controller.store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_changed.connect(self._controller.refresh_state)
        dialog.sig_changed.connect(self.reload)
        dialog.show()
        self._refused = dialog
        return dialog

    def _loaded(self, found: tuple[details.Details, list[RejectedChange]]) -> None:
        if alive(self):
            self._show(*found, loading=False)
            self.sig_loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        if alive(self):
            self._show(None, [], loading=False)
            self.text.append(message_for(exc, "What is waiting could not be read just now."))
            self.sig_loaded.emit()

    def _show(
        self, found: details.Details | None, rejected: list[RejectedChange], *, loading: bool
    ) -> None:
        lines: list[str] = []
        summary = self._summary
        if summary is not None:
            line = summary_line(summary)
            lines.append(f"<p>{_escape(line)}{'' if line.endswith('.') else '.'}</p>")
            if summary.errors:
                lines.append("<h3>Problems</h3><ul>")
                lines += [f"<li>{_escape(e)}</li>" for e in summary.errors]
                lines.append("</ul>")
        else:
            lines.append("<p>This laptop has not synced since Casebook was opened.</p>")
        if loading:
            lines.append("<p>Reading what is waiting…</p>")
        if found is not None:
            lines.append(f"<h3>Waiting to be sent ({len(found.waiting)})</h3>")
            if found.waiting:
                lines.append(
                    "<p>These are safe on this laptop and go at the next sync.</p>"
                    + _table(found.waiting)
                )
            else:
                lines.append("<p>Nothing is waiting: everything you saved has been sent.</p>")
        if rejected:
            lines.append(f"<h3>Not accepted by the service ({len(rejected)})</h3><ul>")
            lines += [f"<li>{_escape(r.what)}: {_escape(r.reason)}</li>" for r in rejected]
            lines.append(
                "</ul><p>What to do next: open them (the button below) to read each in full, "
                "copy or export it to PDF to hand on, retry it once the reason is put right, "
                "or mark it dealt with. Until then they, and the records they are about, stay "
                "on this laptop.</p>"
            )
        if found is not None and found.kept:
            lines.append(
                f"<h3>Kept on this laptop for your unsent or refused work ({len(found.kept)})</h3>"
                "<p>The service has removed these from your caseload; they leave this laptop "
                "once your work on them has been sent or dealt with.</p>" + _table(found.kept)
            )
        if found is not None and summary is not None:
            lines.append("<h3>The last sync, record by record</h3>")
            if found.last_sync:
                lines.append(_table(found.last_sync))
                if found.more:
                    lines.append(f"<p>…and {found.more} more.</p>")
            else:
                lines.append("<p>Nothing was sent or received.</p>")
        self.refused_button.setVisible(bool(rejected))
        self.text.setHtml("".join(lines))


def _table(lines: list[details.Line]) -> str:
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{_escape(cell)}</td>"
            for cell in (
                line.about or "(not on this laptop)",
                line.kind,
                uk_date(line.when) if line.when else "",
                line.state,
                line.note,
            )
        )
        + "</tr>"
        for line in lines
    )
    head = "".join(
        f"<th align='left'>{name}</th>"
        for name in ("Child or household", "Record", "Date", "Draft or signed off", "")
    )
    return f"<table cellspacing='0' cellpadding='3'><tr>{head}</tr>{rows}</table>"


class SyncStatusBar(QWidget):
    """The sync indicator, counts, Sync now, progress and summary, for the status bar."""

    sig_conflicts_requested = Signal()
    """The worker asked to see the conflicts waiting for a decision."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._details: SyncDetailsDialog | None = None
        self._build()
        controller.sig_state_changed.connect(self._show_state)
        controller.sig_progress.connect(self._show_progress)
        controller.sig_finished.connect(lambda _s: self._show_state(controller.state))
        self._show_state(controller.state)

    # ---- Public API

    @property
    def controller(self) -> SyncController:
        return self._controller

    def connection_text(self) -> str:
        return self.connection.text()

    def open_details(self) -> SyncDetailsDialog:
        """Show the last sync's details (non-modal, so the status bar keeps updating)."""
        if self._details is not None and alive(self._details):
            self._details.close()
        self._details = SyncDetailsDialog(self._controller, self)
        self._details.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._details.show()
        return self._details

    # ---- Private API

    def _build(self) -> None:
        self.setStyleSheet(FOCUS_STYLE)
        self.icon = QLabel(self)
        self.icon.setAccessibleName("Connection icon")
        self.connection = QLabel(self)
        self.connection.setAccessibleName("Connection to the service")
        self.pending = QLabel(self)
        self.pending.setAccessibleName("Changes waiting to be sent")
        self.last_sync = QLabel(self)
        self.last_sync.setAccessibleName("Last synced")
        # No Alt letter: F5 and the toolbar sync already, and every page needs Alt+S for itself.
        self.sync_button = QPushButton("Sync now", self)
        self.sync_button.setToolTip("Sync now (F5)")
        self.sync_button.setAccessibleName("Sync now")
        self.sync_button.clicked.connect(self._controller.sync_now)

        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Sync progress")
        self.progress.setRange(0, 0)  # busy: how much is left is not known in advance
        self.progress.setMaximumWidth(120)
        self.progress.setTextVisible(False)
        self.phase = QLabel(self)
        self.phase.setAccessibleName("Sync progress")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel sync")
        self.cancel_button.clicked.connect(self._controller.cancel)

        self.summary = QLabel(self)
        self.summary.setAccessibleName("Last sync summary")
        self.details_button = QPushButton("Details", self)
        self.details_button.setAccessibleName("Sync details")
        self.details_button.clicked.connect(self.open_details)
        self.conflicts_link = QLabel(self)
        self.conflicts_link.setAccessibleName("Conflicts to decide")
        self.conflicts_link.setTextFormat(Qt.TextFormat.RichText)
        self.conflicts_link.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.conflicts_link.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.conflicts_link.linkActivated.connect(lambda _href: self.sig_conflicts_requested.emit())

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for widget in (
            self.icon,
            self.connection,
            _separator(self),
            self.pending,
            _separator(self),
            self.last_sync,
            self.sync_button,
            self.progress,
            self.phase,
            self.cancel_button,
            self.summary,
            self.details_button,
            self.conflicts_link,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)

    def _show_state(self, state: SyncState) -> None:
        if not alive(self):
            return
        word = _connection_word(state)
        self.icon.setPixmap(connection_icon(word).pixmap(16, 16))
        self.connection.setText(word)
        self.pending.setText(
            "No changes waiting"
            if state.pending == 0
            else plural(state.pending, "change") + " waiting"
        )
        self.last_sync.setText(_last_synced(state))
        self.sync_button.setVisible(not state.running)
        self.sync_button.setEnabled(not state.offline_only)
        for widget in (self.progress, self.phase, self.cancel_button):
            widget.setVisible(state.running)
        if state.running and not self.phase.text():
            self.phase.setText("Starting…")
        if not state.running:
            self.phase.setText("")
        summary = state.last_summary
        self.summary.setVisible(summary is not None and not state.running)
        self.details_button.setVisible(summary is not None and not state.running)
        if summary is not None:
            self.summary.setText(summary_line(summary, state.conflicts))
        if state.rejected:
            self.details_button.setVisible(not state.running)
        self.conflicts_link.setVisible(state.conflicts > 0)
        self.conflicts_link.setText(
            f'<a href="conflicts">{plural(state.conflicts, "conflict")} to decide</a>'
        )

    def _show_progress(self, progress: Progress) -> None:
        if alive(self):
            self.phase.setText(progress_line(progress))


def _connection_word(state: SyncState) -> str:
    if state.offline_only:
        return OFFLINE_ONLY
    if state.online is None:
        return CHECKING
    return ONLINE if state.online else OFFLINE


def _last_synced(state: SyncState) -> str:
    if state.last_sync is None:
        return "Last synced: Never"
    moment = state.last_sync.astimezone()
    if moment.date() == clock.today():
        return f"Last synced {local_time(state.last_sync)}"
    return f"Last synced {uk_date(moment.date())} {local_time(state.last_sync)}"


def _separator(parent: QWidget) -> QLabel:
    label = QLabel("·", parent)
    label.setAccessibleName("")
    return label


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@cache
def connection_icon(word: str) -> QIcon:
    """Online: a filled circle with a tick; offline: a ring with a slash through it; offline
    only: a hollow square; checking: a dotted ring. Shapes differ, not just colours."""
    icon = QIcon()
    for size in (16, 32):
        icon.addPixmap(_draw(word, size))
    return icon


def _draw(word: str, size: int) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    width = max(1.5, s / 9)
    if word == ONLINE:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#2e7d32"))
        p.drawEllipse(QRectF(1, 1, s - 2, s - 2))
        pen = QPen(QColor("white"), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawLine(QPointF(s * 0.28, s * 0.52), QPointF(s * 0.44, s * 0.68))
        p.drawLine(QPointF(s * 0.44, s * 0.68), QPointF(s * 0.72, s * 0.34))
    elif word == OFFLINE:
        p.setPen(QPen(QColor("#b3261e"), width))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(2, 2, s - 4, s - 4))
        p.drawLine(QPointF(s * 0.25, s * 0.75), QPointF(s * 0.75, s * 0.25))
    elif word == OFFLINE_ONLY:
        p.setPen(QPen(QColor("#505a5f"), width))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(2, 2, s - 4, s - 4))
    else:
        pen = QPen(QColor("#505a5f"), width)
        pen.setStyle(Qt.PenStyle.DotLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(2, 2, s - 4, s - 4))
    p.end()
    return pix
