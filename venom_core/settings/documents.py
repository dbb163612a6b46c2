"""Documents (issue 14: venom_core/documents, docs/MEMORY.md): upload size and synced folders."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DocumentSettings(BaseModel):
    """Limits of uploads and of folder scans."""

    # Largest accepted upload, per file; refused with 413 while it streams in. The whole body of
    # POST /api/v1/documents is bounded by this times the files one request may carry.
    VENOM_DOCUMENT_MAX_BYTES: int = Field(default=52_428_800, ge=1024,
        description="Largest document upload per file (POST /api/v1/documents), refused with 413 document_too_large "
        "while it streams in")
    # Synced folders (POST /api/v1/documents/folders) are scanned again this often; 0 = on demand only.
    VENOM_DOCUMENT_FOLDER_SCAN_SECONDS: float = Field(default=30.0, ge=0,
        description="How often every synced folder (POST /api/v1/documents/folders) is scanned again for added, "
        "edited and removed files")
    # Files one folder scan takes; past it the folder is indexed in part and nothing is removed.
    VENOM_DOCUMENT_FOLDER_MAX_FILES: int = Field(default=5000, ge=1, le=100_000,
        description="Files one folder scan takes; a folder with more is indexed up to it, and then no file is removed"
        " from the index (an unseen file may still exist)")
