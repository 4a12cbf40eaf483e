"""Exports as the UI calls them: build a record's printable copy from the store, and record
in the audit trail that it left.

Qt-free and store-only, so the same steps are tested without a display and run on a worker
thread in the app. Writing the file is the caller's business (the renderer and the atomic
write are in ``ui.exports``); ``record_export`` is called only after the file is safely on disk.

What the audit trail holds for an export: who, when, what kind of record and its id, and the
number of pages, never the destination. A path is chosen freely by the worker and often
carries names (a folder called after a child or a family, a file name typed in the dialog),
and the trail must stay something an auditor, or the central service, can read without seeing
case content; the record id and time are enough to ask the worker where the copy went.
"""

from __future__ import annotations

import uuid

from app import audit, clock, people
from app import service_name as service_names
from app.exports.builders import assessment_document, chronology_document, visit_document
from app.exports.document import DEFAULT_SERVICE_NAME, Document, ExportContext
from app.exports.panel_pack import panel_pack_document
from app.store import Store

#: The audit trail's action for a PDF leaving Casebook.
EXPORT_ACTION = "export_pdf"


def context(store: Store) -> ExportContext:
    """The service's name (as the service last sent it), the worker signed in, and now."""
    with store.read() as session:
        service = service_names.stored(session)
        by = people.name_of(session, store.worker) or store.worker
    return ExportContext(service_name=service, exported_by=by, exported_at=clock.utcnow())


def service_name(store: Store) -> str:
    """The name exports print: the service's own, or the general one before the first sync
    brings it (the Settings dialog shows the same)."""
    with store.read() as session:
        return service_names.stored(session) or DEFAULT_SERVICE_NAME


def visit(store: Store, visit_id: uuid.UUID) -> Document:
    made = context(store)
    with store.read() as session:
        return visit_document(session, visit_id, made)


def assessment(store: Store, assessment_id: uuid.UUID) -> Document:
    made = context(store)
    with store.read() as session:
        return assessment_document(session, assessment_id, made)


def chronology(store: Store, child_id: uuid.UUID) -> Document:
    made = context(store)
    with store.read() as session:
        return chronology_document(session, child_id, made)


def panel_pack(store: Store, household_id: uuid.UUID) -> Document:
    made = context(store)
    with store.read() as session:
        return panel_pack_document(session, household_id, made)


def record_export(store: Store, document: Document, *, pages: int) -> None:
    """One small transaction of its own: the export happened, and the file exists."""
    with store.write() as session:
        audit.record(
            session,
            actor=store.worker,
            action=EXPORT_ACTION,
            record_type=document.record_type,
            record_id=document.record_id,
            detail=f"PDF, {pages} {'page' if pages == 1 else 'pages'}",
        )
