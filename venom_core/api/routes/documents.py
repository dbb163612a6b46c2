"""`/api/v1/documents`: upload, list, read, download, delete and search documents.

Uploads are streamed (venom_core/documents/upload.py) and checked before anything is kept;
indexing runs in the background and reports DOCUMENT_INGEST_PROGRESS on /ws/events.
Folders (`/documents/folders`) are a later change: they add documents through the same service.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from venom_core.api.deps import services_of
from venom_core.api.errors import ApiError, error_responses
from venom_core.documents.service import DocumentService
from venom_core.documents.upload import receive_files

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
DocId = Annotated[str, Path(min_length=32, max_length=32, pattern=r"^[0-9a-f]{32}$")]
Status = Literal["queued", "indexing", "ready", "failed"]


class DocumentErrorInfo(BaseModel):
    code: str
    message: str


class DocumentInfo(BaseModel):
    id: str
    name: str
    type: str = Field(description="pdf, docx, pptx, xlsx, html, markdown, text or code")
    media_type: str
    size: int
    sha256: str
    pages: int | None = Field(description="Pages (PDF) or slides (PPTX); null for formats without pages.")
    chunks: int
    status: Status
    error: DocumentErrorInfo | None
    folder_id: str | None
    source_path: str | None = Field(default=None, description="For a file of a synced folder: its path in the folder.")
    created_at: str
    updated_at: str


class ChunkInfo(BaseModel):
    id: str
    document_id: str
    ordinal: int
    page: int | None = Field(description="From 1; null for formats without pages.")
    heading_path: list[str]
    start: int = Field(description="Span in the converted text, end exclusive.")
    end: int
    text: str


class DocumentDetail(DocumentInfo):
    chunk_list: list[ChunkInfo]


class UploadedDocument(BaseModel):
    id: str
    name: str
    status: Status


class UploadResponse(BaseModel):
    documents: list[UploadedDocument]


class DocumentList(BaseModel):
    documents: list[DocumentInfo]
    count: int


class DocumentSearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1, max_length=2000)
    document_ids: list[str] | None = Field(default=None, max_length=200)
    limit: int = Field(default=5, ge=1, le=50)
    threshold: float | None = Field(default=None, ge=-1, le=1, description="Cosine floor for vector-only hits.")

    @field_validator("query")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("query must contain at least one non-space character")
        return v


class DocumentHit(BaseModel):
    chunk_id: str
    document_id: str
    name: str
    page: int | None
    heading_path: list[str]
    start: int
    end: int
    text: str
    score: float = Field(description="Reciprocal-rank fusion of the vector and full-text ranks.")
    similarity: float | None = Field(description="Cosine similarity; null for a full-text-only hit.")
    matched: list[Literal["vector", "text"]]


class DocumentSearchResponse(BaseModel):
    results: list[DocumentHit]
    count: int


class DeleteResponse(BaseModel):
    id: str
    deleted: bool


def _service(request: Request) -> DocumentService:
    return services_of(request).documents


@router.post("", status_code=202, response_model=UploadResponse,
             responses=error_responses(400, 413, 415, 422, 503),
             openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                 "type": "object", "required": ["file"],
                 "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}},
             }}}}})
async def upload(request: Request) -> UploadResponse:
    """One or more parts named `file`; all are checked before any is kept. Indexing runs in the
    background: poll `GET /documents/{id}` or watch DOCUMENT_INGEST_PROGRESS on /ws/events."""
    service = _service(request)  # a refused upload raises DocumentError, answered with its status
    files = await receive_files(request.headers.get("content-type", ""), request.stream(), service.max_bytes,
                                service.temp_file)
    return UploadResponse.model_validate({"documents": await service.add_files(files)})


@router.get("", response_model=DocumentList)
async def list_documents(request: Request) -> DocumentList:
    """Newest first."""
    docs = await _service(request).listing()
    return DocumentList.model_validate({"documents": docs, "count": len(docs)})


@router.post("/search", response_model=DocumentSearchResponse, responses=error_responses(422, 503))
async def search(request: Request, body: DocumentSearchRequest) -> DocumentSearchResponse:
    """Hybrid (vector + full text) search over the chunks of ready documents, best first."""
    hits = await _service(request).search(body.query, body.document_ids, body.limit, body.threshold)
    return DocumentSearchResponse.model_validate({"results": hits, "count": len(hits)})


async def _get(request: Request, doc_id: str) -> dict[str, Any]:
    doc = await _service(request).get(doc_id)
    if doc is None:
        raise ApiError(404, "document_not_found", f"No document with id {doc_id}.")
    return doc


@router.get("/{doc_id}", response_model=DocumentDetail, responses=error_responses(404, 422))
async def get_document(request: Request, doc_id: DocId) -> DocumentDetail:
    return DocumentDetail.model_validate(await _get(request, doc_id))


FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "description": "The original file, in the media type it was uploaded with.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/{doc_id}/file", response_class=FileResponse, responses={**FILE_RESPONSE, **error_responses(404, 422)})
async def get_file(request: Request, doc_id: DocId) -> FileResponse:
    """The original file, as uploaded."""
    doc = await _get(request, doc_id)
    path = _service(request).original(doc_id)
    if not await asyncio.to_thread(path.exists):
        raise ApiError(404, "document_file_missing", f"The original file of {doc['name']} is missing.")
    return FileResponse(path, media_type=doc["media_type"], headers={"Content-Disposition": disposition(doc["name"])})


@router.delete("/{doc_id}", response_model=DeleteResponse, responses=error_responses(404, 422))
async def delete_document(request: Request, doc_id: DocId) -> DeleteResponse:
    """The document, its chunks, vectors and files."""
    if not await _service(request).delete(doc_id):
        raise ApiError(404, "document_not_found", f"No document with id {doc_id}.")
    return DeleteResponse(id=doc_id, deleted=True)


def disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266); no quote, backslash or
    control character can reach the header."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in name) or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"
