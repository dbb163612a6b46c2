"""`GET /api/v1/knowledge/entries`: lessons and memory entries as one list of knowledge entries,
in the original's shape (the Brain screen shows the lessons among them), newest first.

Read from the lesson table and the memory store; empty while memory is loading or not installed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from loguru import logger
from pydantic import BaseModel

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import error_responses
from venom_core.api.lesson_rows import all_rows
from venom_core.services import Services

router = APIRouter(prefix="/api/v1/knowledge", tags=["knowledge"])

Scope = Literal["session", "global", "task"]
Source = Literal["session", "lesson", "vector", "graph", "training", "external"]


class SourceMeta(BaseModel):
    origin: str
    provenance: dict[str, Any]
    reason_code: str | None


class KnowledgeEntry(BaseModel):
    entry_id: str
    entry_type: str
    scope: str
    source: str
    content: str
    summary: str | None
    tags: list[str]
    session_id: str | None
    task_id: str | None
    request_id: str | None
    created_at: str
    updated_at: str | None
    ttl_at: str | None = None
    confidence: float | None = None
    quality_score: float | None
    version: str = "v1"
    source_meta: SourceMeta
    metadata: dict[str, Any]


class KnowledgeEntries(BaseModel):
    status: str = "success"
    count: int
    entries: list[KnowledgeEntry]


def _iso(epoch: Any) -> str:
    return datetime.fromtimestamp(float(epoch or 0), UTC).isoformat()


def lesson_entry(row: dict[str, Any]) -> KnowledgeEntry:
    rating = row.get("feedback_rating") or None
    situation = str(row.get("situation") or "")
    task_id = str(row.get("task_id") or "") or None
    return KnowledgeEntry(
        entry_id=str(row["id"]), entry_type="lesson", scope="task", source="lesson",
        content=f"{situation}\n{row.get('result') or ''}".strip(), summary=str(row.get("action") or "") or None,
        tags=list(row.get("tags") or []), session_id=str(row.get("session_id") or "") or None, task_id=task_id,
        request_id=task_id, created_at=_iso(row.get("created_at")),
        updated_at=_iso(row["feedback_at"]) if row.get("feedback_at") else None,
        quality_score={"up": 1.0, "down": 0.0}.get(rating or ""),
        source_meta=SourceMeta(origin="lesson", provenance={"task_id": task_id},
                               reason_code="success" if row.get("success") else "failure"),
        metadata={"title": situation[:80], "success": bool(row.get("success")), "feedback": rating})


def memory_entry(row: dict[str, Any]) -> KnowledgeEntry:
    session = row.get("session_id")
    text = str(row.get("text") or "")
    return KnowledgeEntry(
        entry_id=str(row["id"]), entry_type=str(row.get("type") or "fact"), scope="session" if session else "global",
        source="session" if session else "vector", content=text, summary=None,
        tags=[t for t in (row.get("type"), row.get("topic")) if t], session_id=session, task_id=row.get("task_id"),
        request_id=row.get("task_id"), created_at=_iso(row.get("created_at")),
        updated_at=_iso(row.get("updated_at")) if row.get("edited") else None, quality_score=None,
        source_meta=SourceMeta(origin=str(row.get("source") or "memory"), provenance={}, reason_code=None),
        metadata={"title": row.get("topic") or text[:80], "pinned": bool(row.get("pinned")),
                  "origin": row.get("origin"), "edited": bool(row.get("edited"))})


async def _memory_entries(services: Services, session_id: str | None, limit: int) -> list[KnowledgeEntry]:
    memory = services.memory
    if memory is None or not memory.available:
        return []
    try:
        return [memory_entry(r) for r in await memory.list_entries(session_id, limit)]
    except Exception as exc:  # a read error is an empty list, like the lessons
        logger.warning("memory entries could not be read: {}", exc)
        return []


@router.get("/entries", response_model=KnowledgeEntries, responses=error_responses(422))
async def knowledge_entries(
    services: ServicesDep,
    session_id: Annotated[str | None, Query(max_length=128)] = None,
    scope: Scope | None = None,
    source: Source | None = None,
    tags: Annotated[str | None, Query(max_length=500, description="Comma-separated; any of them matches.")] = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> KnowledgeEntries:
    entries: list[KnowledgeEntry] = []
    if source in (None, "lesson"):
        entries += [lesson_entry(r) for r in await all_rows(services)
                    if session_id is None or r.get("session_id") == session_id]
    if source in (None, "session", "vector"):
        entries += [e for e in await _memory_entries(services, session_id, 1000) if source in (None, e.source)]
    wanted = {t.strip() for t in (tags or "").split(",") if t.strip()}

    def keep(e: KnowledgeEntry) -> bool:
        when = datetime.fromisoformat(e.created_at)
        return ((scope is None or e.scope == scope) and (not wanted or bool(wanted & set(e.tags)))
                and (created_from is None or when >= _aware(created_from))
                and (created_to is None or when <= _aware(created_to)))

    found = sorted((e for e in entries if keep(e)), key=lambda e: e.created_at, reverse=True)[:limit]
    return KnowledgeEntries(count=len(found), entries=found)


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)
