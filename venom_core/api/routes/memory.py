"""`/api/v1/memory`: ingest, search, pin, delete and wipe long-term memory; the memory graph.

Session history routes (`/memory/session/{id}`) live with the session store, not here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from venom_core.api.deps import AdminDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.memory_deps import BrainDep, MemoryDep
from venom_core.api.schemas_memory import (
    EntryDeleted,
    EntryList,
    GraphView,
    IngestResponse,
    MemoryEntry,
    MemorySearchResponse,
    PinResponse,
    WipeResponse,
)
from venom_core.memory.graph import SeedNotFound
from venom_core.memory.store import Filters

router = APIRouter(prefix="/api/v1/memory", tags=["memory"])

MemoryType = Literal["fact", "summary", "note", "preference", "document", "conversation"]
MAX_TEXT = 100_000
EntryId = Annotated[str, Path(min_length=1, max_length=64)]
SessionId = Annotated[str | None, Field(default=None, min_length=1, max_length=128)]


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="1–100,000 characters; long texts are chunked.")
    session_id: SessionId = None
    memory_type: MemoryType = Field(default="fact", validation_alias=AliasChoices("memory_type", "type"))
    pinned: bool = False
    topic: str | None = Field(default=None, max_length=200)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text must contain at least one non-space character")
        return v


class MemorySearchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    query: str = Field(min_length=1, max_length=2000)
    limit: int = Field(default=3, ge=1, le=50)
    session_id: SessionId = None
    memory_type: MemoryType | None = None
    topic: str | None = Field(default=None, max_length=200)
    pinned_only: bool = False
    hybrid: bool = Field(default=False, description="Fuse vector and full-text (BM25) hits.")
    min_score: float | None = Field(default=None, ge=-1, le=1)

    @field_validator("query")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("query must contain at least one non-space character")
        return v


class PinRequest(BaseModel):
    pinned: bool = True


MAX_ENTRY_TEXT = 4000  # one entry is one chunk or one chat fact; a longer text is ingested, not edited


class EntryCorrection(BaseModel):
    """A correction of one entry: its text, its pin, or both."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, min_length=1, max_length=MAX_ENTRY_TEXT,
                             description="The corrected text (1-4,000 characters); it is embedded again.")
    pinned: bool | None = Field(default=None, description="Pin or unpin the entry.")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("text must contain at least one non-space character")
        return v.strip() if v is not None else None

    @model_validator(mode="after")
    def _something(self) -> EntryCorrection:
        if self.text is None and self.pinned is None:
            raise ValueError("send `text`, `pinned` or both")
        return self


@router.post("/ingest", responses=error_responses(400, 413, 422, 503))
async def ingest(body: IngestRequest, memory: MemoryDep) -> IngestResponse:
    """Chunk, dedupe and embed a text. Re-ingesting the same text returns the existing ids."""
    result = await memory.ingest(body.text, session_id=body.session_id, type=body.memory_type, pinned=body.pinned,
                                 topic=body.topic)
    new = result["chunks_count"] - result["deduplicated"]
    return IngestResponse(message=f"Stored {new} new chunk(s); {result['deduplicated']} already known.", **result)


@router.post("/search", responses=error_responses(400, 422, 503))
async def search(body: MemorySearchRequest, memory: MemoryDep) -> MemorySearchResponse:
    filters = Filters(session_id=body.session_id, type=body.memory_type, topic=body.topic,
                      pinned_only=body.pinned_only)
    results = await memory.search(body.query, limit=body.limit, filters=filters, hybrid=body.hybrid,
                                  min_score=body.min_score)
    return MemorySearchResponse.model_validate({"query": body.query, "results": results, "count": len(results),
                                          "mode": "hybrid" if body.hybrid else "vector"})


@router.get("/entries", responses=error_responses(422, 503))
async def list_entries(memory: MemoryDep, session_id: Annotated[str | None, Query(max_length=128)] = None,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> EntryList:
    items = await memory.list_entries(session_id, limit)
    return EntryList.model_validate({"entries": items, "count": len(items)})


def _missing(entry_id: str) -> ApiError:
    return ApiError(404, "memory_entry_not_found", f"There is no memory entry with id {entry_id}.")


@router.get("/entry/{entry_id}", responses=error_responses(404, 503))
async def get_entry(entry_id: EntryId, memory: MemoryDep) -> MemoryEntry:
    entry = await memory.get_entry(entry_id)
    if entry is None:
        raise _missing(entry_id)
    return MemoryEntry.model_validate(entry)


@router.post("/entry/{entry_id}/pin", responses=error_responses(404, 422, 503))
async def pin(entry_id: EntryId, memory: MemoryDep, body: PinRequest | None = None) -> PinResponse:
    """Pin (or with `{"pinned": false}` unpin) an entry. Pinned entries win recall ties."""
    pinned = True if body is None else body.pinned
    if not await memory.pin(entry_id, pinned):
        raise _missing(entry_id)
    return PinResponse(id=entry_id, pinned=pinned)


@router.patch("/entries/{entry_id}", responses=error_responses(403, 404, 409, 422, 503))
async def correct_entry(entry_id: EntryId, body: EntryCorrection, memory: MemoryDep, brain: BrainDep,
                        _: AdminDep) -> MemoryEntry:
    """Admin: correct an entry's text (embedded again; the id, session, task and source stay) or its pin.

    A text correction is all or nothing: if the new text cannot be embedded, the entry is unchanged (503)."""
    entry = await memory.correct(entry_id, text=body.text, pinned=body.pinned)
    if entry is None:
        raise _missing(entry_id)
    if body.text is not None:
        await brain.entry_corrected(entry_id, body.text)
    return MemoryEntry.model_validate(entry)


@router.delete("/entry/{entry_id}", responses=error_responses(403, 404, 503))
async def delete_entry(entry_id: EntryId, memory: MemoryDep, _: AdminDep) -> EntryDeleted:
    """Admin: delete one entry."""
    if not await memory.delete_entry(entry_id):
        raise _missing(entry_id)
    return EntryDeleted(id=entry_id, deleted=1)


@router.delete("/global", responses=error_responses(403, 503))
async def wipe(_: AdminDep, memory: MemoryDep,
               keep_pinned: Annotated[bool, Query(description="Keep pinned entries")] = False) -> WipeResponse:
    """Admin: delete every long-term memory entry (lessons are pruned separately)."""
    deleted = await memory.wipe(keep_pinned)
    return WipeResponse(deleted=deleted, message=f"Deleted {deleted} memory entr(y/ies).")


View = Literal["overview", "focus", "full"]


@router.get("/graph", responses=error_responses(404, 422, 503))
async def memory_graph(
    memory: MemoryDep, brain: BrainDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    session_id: Annotated[str | None, Query(max_length=128)] = None,
    only_pinned: bool = False,
    include_lessons: bool = True,
    mode: Literal["default", "flow"] = "default",
    view: View = "overview",
    seed_id: Annotated[str | None, Query(max_length=300)] = None,
    max_hops: Annotated[int, Query(ge=1, le=6)] = 2,
    include_isolates: bool = True,
    limit_nodes: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> GraphView:
    """Memory entries, entities, sessions and lessons as Cytoscape `{elements, stats}`."""
    del memory, mode  # `memory` only guards availability; `flow` is drawn by the UI from the same data
    try:
        graph = await brain.memory_view(view=view, limit_nodes=limit_nodes or limit, seed_id=seed_id,
                                        max_hops=max_hops, include_isolates=include_isolates,
                                        session_id=session_id, only_pinned=only_pinned,
                                        include_lessons=include_lessons)
    except SeedNotFound:
        raise seed_error(seed_id) from None
    return GraphView.model_validate(graph)


def seed_error(seed_id: str | None) -> ApiError:
    if not seed_id:
        return ApiError(422, "seed_required", "The focus view needs `seed_id` (a node id of this graph).")
    return ApiError(404, "graph_node_not_found", f"There is no node {seed_id} in this graph.")
