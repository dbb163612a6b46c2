"""`POST /api/v1/memory/ingest/batch`: many texts in one request, embedded as one batch.

One text per request costs a full HTTP round trip and an embedding call of one; clients that
load notes, a chat export or a document set should send them here instead. The route answers
per item in order, like `POST /memory/ingest` does for one text.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from venom_core.api.errors import ApiError, error_responses
from venom_core.api.memory_deps import MemoryDep
from venom_core.api.routes.memory import IngestRequest, MemoryType, SessionId
from venom_core.api.schemas_memory import BatchIngestResponse
from venom_core.memory.service import IngestItem

router = APIRouter(prefix="/api/v1/memory", tags=["memory"])

MAX_ITEMS = 1000  # also bounded by VENOM_MAX_BODY_BYTES (1 MiB by default)
MAX_TOTAL_CHARS = 1_000_000


class BatchItem(IngestRequest):
    """One item: the fields of `POST /memory/ingest`; unset fields take the batch defaults."""

    session_id: SessionId = None
    memory_type: MemoryType | None = Field(  # type: ignore[assignment]
        default=None, validation_alias=AliasChoices("memory_type", "type"))
    pinned: bool | None = None  # type: ignore[assignment]


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    items: list[BatchItem] = Field(min_length=1, description=f"1–{MAX_ITEMS} texts, ingested in order.")
    session_id: SessionId = None
    memory_type: MemoryType = Field(default="fact", validation_alias=AliasChoices("memory_type", "type"))
    pinned: bool = False
    topic: str | None = Field(default=None, max_length=200)


@router.post("/ingest/batch", responses=error_responses(400, 413, 422, 503))
async def ingest_batch(body: BatchRequest, memory: MemoryDep) -> BatchIngestResponse:
    """Chunk, dedupe, embed and store up to 1000 texts in one embedding batch and one table write."""
    total = sum(len(item.text) for item in body.items)
    if len(body.items) > MAX_ITEMS or total > MAX_TOTAL_CHARS:
        raise ApiError(413, "batch_too_large",
                       f"A batch holds at most {MAX_ITEMS} items and {MAX_TOTAL_CHARS:,} characters; "
                       f"this one has {len(body.items)} items and {total:,} characters. Split it.",
                       {"max_items": MAX_ITEMS, "max_chars": MAX_TOTAL_CHARS, "items": len(body.items),
                        "chars": total})
    items = [IngestItem(
        text=item.text,
        session_id=item.session_id if item.session_id is not None else body.session_id,
        type=item.memory_type or body.memory_type,
        pinned=item.pinned if item.pinned is not None else body.pinned,
        topic=item.topic if item.topic is not None else body.topic,
    ) for item in body.items]
    results = await memory.ingest_batch(items)
    chunks = sum(r["chunks_count"] for r in results)
    dedup = sum(r["deduplicated"] for r in results)
    return BatchIngestResponse.model_validate({
        "message": f"Stored {chunks - dedup} new chunk(s); {dedup} already known.", "results": results,
        "count": len(results), "chunks_count": chunks, "deduplicated": dedup})
