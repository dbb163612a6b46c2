"""`/api/v1/knowledge/graph` and `/api/v1/graph/*`: the whole Brain, including the code graph.

The code graph comes from an `ast` scan of VENOM_WORKSPACE and works without the memory
profile; an empty workspace gives an empty graph (never mock data).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from venom_core.api.errors import error_responses
from venom_core.api.memory_deps import BrainDep, MemoryDep
from venom_core.api.routes.memory import View, seed_error
from venom_core.api.schemas_memory import (
    GraphSummary,
    GraphView,
    KnowledgeEntries,
    KnowledgeEntry,
    KnowledgeSource,
    ScanResponse,
)
from venom_core.memory.graph import SeedNotFound

router = APIRouter(prefix="/api/v1", tags=["knowledge"])


@router.get("/knowledge/graph", responses=error_responses(404, 422, 503))
async def knowledge_graph(
    brain: BrainDep,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    view: View = "overview",
    seed_id: Annotated[str | None, Query(max_length=300)] = None,
    max_hops: Annotated[int, Query(ge=1, le=6)] = 2,
    include_isolates: bool = True,
    limit_nodes: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    source: Literal["all", "code", "memory"] = "all",
) -> GraphView:
    """Code graph plus memory graph (when memory is ready) as Cytoscape `{elements, stats}`."""
    try:
        return GraphView.model_validate(await brain.knowledge_view(
            view=view, limit_nodes=limit_nodes or limit, seed_id=seed_id, max_hops=max_hops,
            include_isolates=include_isolates, source=source))
    except SeedNotFound:
        raise seed_error(seed_id) from None


@router.post("/graph/scan", responses=error_responses(503))
async def scan(brain: BrainDep) -> ScanResponse:
    """Rescan VENOM_WORKSPACE's Python files into the code graph."""
    return ScanResponse.model_validate(await brain.scan())


@router.get("/graph/summary", responses=error_responses(503))
async def summary(brain: BrainDep) -> GraphSummary:
    return GraphSummary.model_validate(await brain.summary())


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def _lesson_entry(row: dict[str, Any]) -> KnowledgeEntry:
    at = _iso(row["created_at"])
    return KnowledgeEntry(
        entry_id=row["id"], entry_type="lesson", scope="task" if row["task_id"] else "global", source="lesson",
        content=f"{row['situation']}\n{row['action']}\n{row['result']}".strip(), summary=row["result"] or None,
        tags=row["tags"], session_id=row["session_id"], task_id=row["task_id"], request_id=row["task_id"],
        created_at=at, updated_at=at,
        source_meta={"origin": "lesson", "provenance": {"task_id": row["task_id"]}},
        metadata={"title": row["situation"][:120], "success": row["success"]})


def _memory_entry(row: dict[str, Any]) -> KnowledgeEntry:
    at = _iso(row["created_at"])
    return KnowledgeEntry(
        entry_id=row["id"], entry_type=row["type"], scope="session" if row["session_id"] else "global",
        source="session" if row["session_id"] else "vector", content=row["text"], summary=None,
        tags=[row["topic"]] if row["topic"] else [], session_id=row["session_id"], task_id=row["task_id"],
        request_id=row["task_id"], created_at=at, updated_at=at,
        source_meta={"origin": row["source"] or "api", "provenance": {"pinned": row["pinned"]}},
        metadata={"title": row["text"][:120]})


@router.get("/knowledge/entries", responses=error_responses(422, 503))
async def knowledge_entries(
    memory: MemoryDep,
    source: KnowledgeSource | None = None,
    session_id: Annotated[str | None, Query(max_length=128)] = None,
    scope: Literal["session", "global", "task"] | None = None,
    tags: Annotated[str | None, Query(max_length=1000, description="Comma-separated; any of them.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> KnowledgeEntries:
    """Lessons and memory entries in one list, newest first (the reference client's Brain view).
    `graph`, `training` and `external` sources hold nothing here."""
    entries: list[KnowledgeEntry] = []
    if source in (None, "lesson"):
        entries += [_lesson_entry(r) for r in await memory.call(memory.lessons().listing, limit)]
    if source in (None, "session", "vector"):
        entries += [_memory_entry(r) for r in await memory.list_entries(session_id, limit)]
    wanted = {t.strip() for t in (tags or "").split(",") if t.strip()}
    entries = [e for e in entries if (source is None or e.source == source)
               and (session_id is None or e.session_id == session_id) and (scope is None or e.scope == scope)
               and (not wanted or wanted & set(e.tags))]
    entries.sort(key=lambda e: e.created_at, reverse=True)
    return KnowledgeEntries(count=min(len(entries), limit), entries=entries[:limit])
