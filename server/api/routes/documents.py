"""Centrally served form templates and deadline rule tables (versioned by content hash)."""

from __future__ import annotations

from server.api.deps import CurrentUser, SettingsDep
from server.api.json_route import api_router
from server.api.routes import errors
from server.schemas import Document, DocumentList, DocumentSummary
from server.services import documents
from server.services.documents import LoadedDocument

router = api_router(prefix="/v1", tags=["documents"])


def _summary(document: LoadedDocument) -> DocumentSummary:
    return DocumentSummary(
        name=document.name,
        version=document.version,
        sha256=document.sha256,
        format=document.format,
    )


def _full(document: LoadedDocument) -> Document:
    return Document(
        name=document.name,
        version=document.version,
        sha256=document.sha256,
        format=document.format,
        content=document.content,
    )


@router.get("/templates", response_model=DocumentList, responses=errors(401, 403))
def list_templates(_caller: CurrentUser, settings: SettingsDep) -> DocumentList:
    return DocumentList(
        documents=[_summary(d) for d in documents.load_documents("forms", settings.forms_dir)]
    )


@router.get("/templates/{name}", response_model=Document, responses=errors(401, 403, 404, 422))
def get_template(name: str, _caller: CurrentUser, settings: SettingsDep) -> Document:
    return _full(documents.find_document("forms", settings.forms_dir, name))


@router.get("/rules", response_model=DocumentList, responses=errors(401, 403))
def list_rules(_caller: CurrentUser, settings: SettingsDep) -> DocumentList:
    return DocumentList(
        documents=[_summary(d) for d in documents.load_documents("rules", settings.rules_dir)]
    )


@router.get("/rules/{name}", response_model=Document, responses=errors(401, 403, 404, 422))
def get_rules(name: str, _caller: CurrentUser, settings: SettingsDep) -> Document:
    return _full(documents.find_document("rules", settings.rules_dir, name))
