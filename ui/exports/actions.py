"""What the "Export PDF…" buttons do: build the record's printable copy, ask where to save it,
render and write it, record the export in the audit trail, and say where it went.

The order is chosen so nothing is asked in vain and nothing is left half-done:

1. the document is built first (on a worker thread), so a draft is refused in plain English
   before the worker is asked for a folder;
2. the worker chooses where (the only step on purpose: nothing is ever exported by itself);
3. rendering, the atomic write and the audit entry run on a worker thread; the audit entry is
   its own small transaction after the file is safely on disk. If the audit entry cannot be
   written, the file is removed again: a copy the trail does not know about must not exist.

Why the suggested file name holds no name of a child or a family ("Visit 2026-11-20.pdf"):
a file name travels where the contents do not. It shows in recent-file lists, search
indexes, a memory stick's listing, backup logs and an email's attachment line, all readable
without opening the file (and without the PDF viewer's prompt). The record type and date are
enough to tell copies apart in a folder; a worker who needs more can type it, on purpose.

``choose_path`` and ``tell`` are module attributes so tests can stand in for the native
dialogs, which no test can click.
"""

from __future__ import annotations

import contextlib
import errno
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.errors import CasebookError
from app.exports import service
from app.exports.document import Document
from app.store import Store
from ui.errors import message_for
from ui.exports.pdf import render_pdf, write_file
from ui.tasks import run_task
from ui.views.common import alive


def _ask_where(parent: QWidget | None, caption: str, suggested: Path) -> Path | None:
    """The platform's own save dialog (it asks before replacing an existing file)."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, caption, str(suggested), "PDF documents (*.pdf)"
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def _show(parent: QWidget | None, title: str, text: str, problem: bool) -> None:
    if problem:
        QMessageBox.warning(parent, title, text)
    else:
        QMessageBox.information(parent, title, text)


#: Asks where to save: ``(parent, caption, suggested path) -> chosen path or None``.
choose_path: Callable[[QWidget | None, str, Path], Path | None] = _ask_where
#: Tells the worker how it went: ``(parent, title, text, problem)``.
tell: Callable[[QWidget | None, str, str, bool], None] = _show

#: The folder last exported to, in this session only: a folder's name can carry a family's
#: name, so it is not written into the settings file.
_last_folder: Path | None = None


#: Set on the widget an export was started from while that export runs.
_EXPORTING = "casebook_exporting"


class ExportNotRecorded(CasebookError):
    """The PDF was written but the audit entry was not, so the PDF was removed again."""


class Export(QObject):
    """One export in progress; it belongs to the widget that started it (so an answer that
    arrives after the form has closed is dropped) and goes once it has finished."""

    sig_saved = Signal(object)
    """The PDF is on disk and the export is in the audit trail.

    Parameters
    ----------
    path : pathlib.Path
    """

    sig_failed = Signal(str)
    """Nothing was exported; the message (already shown) says why.

    Parameters
    ----------
    message : str
    """

    #: The worker closed the save dialog without choosing.
    sig_cancelled = Signal()

    def __init__(
        self, parent: QWidget, store: Store, caption: str, build: Callable[[], Document]
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._store = store
        self._caption = caption
        if parent.property(_EXPORTING):
            # A second click while the first export is still running: one PDF, not two.
            self.deleteLater()
            return
        parent.setProperty(_EXPORTING, True)
        run_task(build, self._built, self._failed)

    def _built(self, document: Document) -> None:
        if not alive(self):
            return
        path = choose_path(self._parent, self._caption, _folder() / document.suggested_name)
        if path is None:
            self.sig_cancelled.emit()
            self._finish()
            return
        global _last_folder
        _last_folder = path.parent
        store = self._store
        run_task(lambda: _write(store, document, path), self._written, self._failed)

    def _written(self, path: Path) -> None:
        if not alive(self):
            return
        tell(self._parent, "PDF exported", f"The PDF was saved as:\n{path}", False)
        self.sig_saved.emit(path)
        self._finish()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        message = _message(exc)
        tell(self._parent, "PDF not exported", message, True)
        self.sig_failed.emit(message)
        self._finish()

    def _finish(self) -> None:
        if alive(self._parent):
            self._parent.setProperty(_EXPORTING, False)
        self.deleteLater()


def export_visit(parent: QWidget, store: Store, visit_id: uuid.UUID) -> Export:
    return Export(parent, store, "Export visit to PDF", lambda: service.visit(store, visit_id))


def export_assessment(parent: QWidget, store: Store, assessment_id: uuid.UUID) -> Export:
    return Export(
        parent,
        store,
        "Export assessment to PDF",
        lambda: service.assessment(store, assessment_id),
    )


def export_chronology(parent: QWidget, store: Store, child_id: uuid.UUID) -> Export:
    return Export(
        parent, store, "Export chronology to PDF", lambda: service.chronology(store, child_id)
    )


def export_panel_pack(parent: QWidget, store: Store, household_id: uuid.UUID) -> Export:
    return Export(
        parent,
        store,
        "Save the panel pack as a PDF",
        lambda: service.panel_pack(store, household_id),
    )


# ---- Private API


def _folder() -> Path:
    if _last_folder is not None:
        return _last_folder
    # The worker's Documents folder (where Windows and Linux desktops keep a person's
    # papers), or their home folder on a laptop that has none.
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def _write(store: Store, document: Document, path: Path) -> Path:
    """Runs on a worker thread: render in memory, write atomically, then audit."""
    rendered = render_pdf(document)
    write_file(path, rendered.data)
    try:
        service.record_export(store, document, pages=rendered.pages)
    except Exception as exc:
        with contextlib.suppress(OSError):
            path.unlink()
        raise ExportNotRecorded(
            "The PDF was not kept, because Casebook could not record the export in its audit "
            "trail. Try again; if it keeps happening, contact the service desk."
        ) from exc
    return path


def _message(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return (
            "The PDF could not be saved there: you are not allowed to save files in that "
            "folder. Choose another folder, such as Documents."
        )
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "There is not enough space on that disk for the PDF. Choose another place."
    if isinstance(exc, OSError):
        return (
            "The PDF could not be saved there. Check that the folder still exists (a memory "
            "stick may have been removed) and try again."
        )
    return message_for(
        exc,
        "The PDF could not be made. Try again; if it keeps happening, contact the service desk.",
    )
