"""Admin knowledge API: upload documents or catalogues, re-index, and see what the index holds (admin token only)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from bot.errors import BadInput
from bot.ports import IngestReport, KnowledgeAdmin
from bot.server.deps import ServiceApi, bearer_token, get_service
from bot.server.errors import ApiError
from bot.types import JSON, DocKind

router = APIRouter(prefix="/v1/admin/knowledge", tags=["admin"])

#: One upload request at most (the app's JSON body limit does not apply to multipart).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FILES = 50
KINDS: tuple[DocKind, ...] = ("policy", "product")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_READ = 1024 * 1024


def _admin(request: Request, service: ServiceApi = Depends(get_service)) -> ServiceApi:
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "unauthorized", "this route needs the admin bearer token")
    if not service.is_admin(token):
        raise ApiError(403, "forbidden", "this route needs the admin bearer token")
    return service


def _knowledge(service: ServiceApi) -> KnowledgeAdmin:
    """The service's retriever, when it is a knowledge base the admin can manage (knowledge.KnowledgeBase is)."""
    kb = getattr(service, "retriever", None)
    if not isinstance(kb, KnowledgeAdmin):
        raise ApiError(503, "no_knowledge", "this service has no knowledge base to manage")
    return kb


def uploads_dir(service: ServiceApi, kind: str) -> Path:
    """Where uploaded files of a kind live (under the data dir); the folder is re-ingested whole."""
    return Path(service.settings.data_dir) / "uploads" / kind


def safe_name(filename: str) -> str:
    """A file name without folders or odd characters; the suffix (the format) is kept."""
    base = Path(filename.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("-", base).strip("-.")
    if not cleaned or "." not in cleaned:
        raise BadInput(f"file name {filename!r} needs a name and a suffix such as .md, .pdf or .csv")
    return cleaned


def _summary(reports: list[IngestReport], kb: KnowledgeAdmin) -> dict[str, JSON]:
    """The counts of one or more ingestions added up, the files that failed, and the chunks now stored."""
    totals: dict[str, int] = {}
    for report in reports:
        for name, value in report.counts().items():
            totals[name] = totals.get(name, 0) + value
    result: dict[str, JSON] = dict(totals)
    result["failed_files"] = [{"source": name, "reason": reason} for r in reports for name, reason in r.failed]
    result["chunks"] = kb.count()
    return result


@router.post("", response_model=None)
async def upload(request: Request, service: ServiceApi = Depends(_admin)) -> dict[str, JSON]:
    """Multipart form: one or more `files`, `kind` (policy or product), optional `fields` (catalogue mapping)."""
    kb = _knowledge(service)
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise ApiError(411, "length_required", "send the upload with a Content-Length header")
    if int(declared) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "too_large", f"uploads are limited to {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB per request")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, "unsupported_media_type", "send files as multipart/form-data")
    form = await request.form(max_files=MAX_FILES, max_fields=10)
    kind = next((k for k in KINDS if k == str(form.get("kind") or "policy")), None)
    if kind is None:
        raise ApiError(400, "bad_request", f"kind must be one of {', '.join(KINDS)}")
    mapping = str(form.get("fields") or "") or None  # "id=sku,title=name": checked before anything is saved
    if mapping is not None:
        kb.check_mapping(mapping)
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
    if not files:
        raise ApiError(400, "bad_request", "attach one or more files in the `files` field")
    folder = uploads_dir(service, kind)
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[str] = []
    for upload_file in files:
        name = safe_name(upload_file.filename or "")
        data = bytearray()
        while chunk := await upload_file.read(_READ):
            data += chunk
            if len(data) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "too_large", f"{name} is over the upload limit")
        (folder / name).write_bytes(bytes(data))
        saved.append(name)
    await form.close()
    # The whole uploads folder: unchanged files are skipped by hash, so this costs only the new ones.
    report = await run_in_threadpool(lambda: kb.ingest_paths([folder], kind=kind, mapping=mapping))
    result = _summary([report], kb)
    result["saved"] = list(saved)
    return result


@router.post("/reindex", response_model=None)
async def reindex(service: ServiceApi = Depends(_admin)) -> dict[str, JSON]:
    """Re-ingest the policies folder and every upload folder: changed files updated, vanished ones removed."""
    kb = _knowledge(service)

    def run() -> list[IngestReport]:
        reports = [kb.ingest_paths([kb.policies_dir], kind="policy")]
        for kind in KINDS:
            folder = uploads_dir(service, kind)
            if folder.is_dir():
                reports.append(kb.ingest_paths([folder], kind=kind))
        return reports

    return _summary(await run_in_threadpool(run), kb)


@router.get("", response_model=None)
def describe(service: ServiceApi = Depends(_admin)) -> dict[str, JSON]:
    """Chunks stored, the embedding model, its relevance bars, and the uploaded files."""
    kb = _knowledge(service)
    uploads: dict[str, JSON] = {}
    for kind in KINDS:
        folder = uploads_dir(service, kind)
        files = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
        uploads[kind] = list[JSON](files)
    return {
        "chunks": kb.count(),
        "model": kb.model_name,
        "relevance_thresholds": {k: float(v) for k, v in kb.relevance_thresholds.items()},
        "uploads": uploads,
    }
