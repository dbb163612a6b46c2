"""`/api/v1/documents/folders`: folders of the workspace kept in the document index.

Adding a folder answers at once; the scan runs in the background and reports
DOCUMENT_INGEST_PROGRESS (with `folder_id` and counts) on /ws/events, as do its documents.
Included before the documents router, so `folders` is never read as a document id.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from venom_core.api.deps import services_of
from venom_core.api.errors import ApiError, error_responses
from venom_core.core.events import FolderCounts
from venom_core.documents.folders import FolderSync

router = APIRouter(prefix="/api/v1/documents/folders", tags=["documents"])
FolderId = Annotated[str, Path(min_length=32, max_length=32, pattern=r"^[0-9a-f]{32}$")]


class AddFolder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = Field(min_length=1, max_length=1024, description="Inside the workspace: relative to it, or absolute.")


class SkippedFile(BaseModel):
    path: str
    reason: str
    code: str | None = None


class FolderError(BaseModel):
    code: str
    message: str


class FolderInfo(BaseModel):
    id: str
    path: str = Field(description="Relative to the workspace ('.' is the workspace itself).")
    status: Literal["scanning", "synced", "failed"]
    counts: FolderCounts
    skipped: list[SkippedFile] = Field(description="A few of the skipped files, with the reason.")
    error: FolderError | None
    documents: int = Field(description="Documents of this folder in the index.")
    scanned_at: str | None
    created_at: str


class FolderDeleted(BaseModel):
    id: str
    deleted: bool
    documents_removed: int


def _sync(request: Request) -> FolderSync:
    return services_of(request).folders


async def _folder(sync: FolderSync, folder_id: str) -> dict[str, Any]:
    folder = await sync.store.get(folder_id)
    if folder is None:
        raise ApiError(404, "folder_not_found", f"No indexed folder with id {folder_id}.")
    return folder


@router.post("", status_code=201, response_model=FolderInfo, responses=error_responses(404, 409, 422, 503))
async def add_folder(request: Request, body: AddFolder) -> dict[str, Any]:
    """Index a folder of the workspace and keep it current (re-scanned every
    VENOM_DOCUMENT_FOLDER_SCAN_SECONDS)."""
    return await _sync(request).add(body.path)  # a refused path raises DocumentError, answered with its status


@router.get("", response_model=list[FolderInfo])
async def list_folders(request: Request) -> list[dict[str, Any]]:
    """Newest first."""
    return await _sync(request).store.listing()


@router.get("/{folder_id}", response_model=FolderInfo, responses=error_responses(404, 422))
async def get_folder(request: Request, folder_id: FolderId) -> dict[str, Any]:
    return await _folder(_sync(request), folder_id)


@router.post("/{folder_id}/rescan", status_code=202, response_model=FolderInfo, responses=error_responses(404, 422))
async def rescan_folder(request: Request, folder_id: FolderId) -> dict[str, Any]:
    """Scan again now (after the scan that is running, if one is)."""
    sync = _sync(request)
    folder = await _folder(sync, folder_id)
    sync.schedule(folder_id)
    return folder


@router.delete("/{folder_id}", response_model=FolderDeleted, responses=error_responses(404, 422))
async def delete_folder(request: Request, folder_id: FolderId) -> dict[str, Any]:
    """Stop syncing the folder; its documents leave the index (the files stay where they are)."""
    removed = await _sync(request).delete(folder_id)
    if removed is None:
        raise ApiError(404, "folder_not_found", f"No indexed folder with id {folder_id}.")
    return {"id": folder_id, "deleted": True, "documents_removed": removed}
