"""`/api/v1/lessons`: list, stats, prune (ttl, tag, range, latest), dedupe and purge.

Every deletion is an admin action (audited by the admin guard). Each prune names what it deletes
and refuses a parameter that would silently delete everything (`days=0`, an empty range).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from venom_core.api.deps import AdminDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.memory_deps import MemoryDep
from venom_core.api.schemas_memory import DedupeResult, LessonList, LessonStatsResponse, PruneResult
from venom_core.memory.service import MemoryService

router = APIRouter(prefix="/api/v1/lessons", tags=["lessons"])
Tag = Annotated[str, Query(min_length=1, max_length=100)]


@router.get("", responses=error_responses(422, 503))
async def list_lessons(
    memory: MemoryDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    tag: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    success: bool | None = None,
) -> LessonList:
    """Newest first."""
    store = memory.lessons()
    items = await memory.call(store.listing, limit, tag, success)
    total = await memory.call(store.t.count)
    return LessonList.model_validate({"lessons": items, "count": len(items), "total": total})


async def _prune(memory: MemoryService, doomed: Callable[[int, dict[str, Any]], bool]) -> PruneResult:
    """Delete every lesson for which `doomed(rank, row)` holds (rank 0 = the newest)."""
    return PruneResult.model_validate(await memory.call(memory.lessons().prune, doomed))


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat()


@router.get("/stats", responses=error_responses(503))
async def stats(memory: MemoryDep) -> LessonStatsResponse:
    """Counts by outcome, feedback and tag; also under the reference client's names."""
    raw: dict[str, Any] = await memory.call(memory.lessons().stats)
    compat = {"total_lessons": raw["total"], "tag_distribution": raw["tags"],
              "newest_lesson": _iso(raw["newest"]), "oldest_lesson": _iso(raw["oldest"])}
    return LessonStatsResponse.model_validate({"stats": {**raw, **compat}})


@router.delete("/prune/ttl", responses=error_responses(403, 422, 503))
async def prune_ttl(_: AdminDep, memory: MemoryDep, days: Annotated[float, Query(
        ge=1, le=36_500, description="At least 1: lessons older than this many days are deleted.")]) -> PruneResult:
    """Admin: delete lessons older than `days` days (1 or more; `DELETE /lessons/purge` deletes all)."""
    cutoff = time.time() - days * 86_400
    return await _prune(memory, lambda _, r: r["created_at"] < cutoff)


@router.delete("/prune/tag", responses=error_responses(403, 422, 503))
async def prune_tag(_: AdminDep, memory: MemoryDep, tag: Tag) -> PruneResult:
    """Admin: delete the lessons with this tag."""
    if not tag.strip():
        raise ApiError(422, "invalid_tag", "`tag` must contain a non-space character.")
    return await _prune(memory, lambda _, r: tag in (r["tags"] or []))


def _epoch(value: datetime | None, default: float) -> float:
    if value is None:
        return default
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


@router.delete("/prune/range", responses=error_responses(403, 422, 503))
async def prune_range(_: AdminDep, memory: MemoryDep, from_date: datetime | None = None,
                      to: datetime | None = None) -> PruneResult:
    """Admin: delete lessons created in [from_date, to] (ISO 8601; naive times are UTC)."""
    if from_date is None and to is None:
        raise ApiError(422, "range_required", "Give `from_date`, `to`, or both (ISO 8601).")
    start, end = _epoch(from_date, float("-inf")), _epoch(to, float("inf"))
    if start > end:
        raise ApiError(422, "invalid_range", "`from_date` is after `to`.")
    return await _prune(memory, lambda _, r: start <= r["created_at"] <= end)


@router.delete("/prune/latest", responses=error_responses(403, 422, 503))
async def prune_latest(_: AdminDep, memory: MemoryDep, count: Annotated[int, Query(ge=1, le=100_000)]
                       ) -> PruneResult:
    """Admin: delete the `count` newest lessons."""
    return await _prune(memory, lambda rank, _: rank < count)


@router.post("/dedupe", responses=error_responses(403, 503))
async def dedupe(_: AdminDep, memory: MemoryDep) -> DedupeResult:
    """Admin: keep only the newest of identical lessons."""
    return DedupeResult.model_validate(await memory.call(memory.lessons().dedupe))


@router.delete("/purge", responses=error_responses(403, 503))
async def purge(_: AdminDep, memory: MemoryDep) -> PruneResult:
    """Admin: delete every lesson."""
    return await _prune(memory, lambda _, __: True)
