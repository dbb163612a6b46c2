"""`/api/v1/lessons`: list, stats, prune (ttl, tag, range, latest), dedupe and purge.

Every deletion is an admin action (audited by the admin guard). Each prune names what it deletes
and refuses a parameter that would silently delete everything (`days=0`, an empty range).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from venom_core.api.deps import AdminDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.memory_deps import MemoryDep

router = APIRouter(prefix="/api/v1/lessons", tags=["lessons"])
Tag = Annotated[str, Query(min_length=1, max_length=100)]


@router.get("", responses=error_responses(422, 503))
async def list_lessons(
    memory: MemoryDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    tag: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    success: bool | None = None,
) -> dict[str, Any]:
    """Newest first."""
    store = memory.lessons()
    items = await memory.call(store.listing, limit, tag, success)
    total = await memory.call(store.t.count)
    return {"status": "success", "lessons": items, "count": len(items), "total": total}


@router.get("/stats", responses=error_responses(503))
async def stats(memory: MemoryDep) -> dict[str, Any]:
    return {"status": "success", "stats": await memory.call(memory.lessons().stats)}


@router.delete("/prune/ttl", responses=error_responses(403, 422, 503))
async def prune_ttl(_: AdminDep, memory: MemoryDep, days: Annotated[float, Query(
        ge=1, le=36_500, description="At least 1: lessons older than this many days are deleted.")]) -> dict[str, Any]:
    """Admin: delete lessons older than `days` days (1 or more; `DELETE /lessons/purge` deletes all)."""
    cutoff = time.time() - days * 86_400
    return {"status": "success", **await memory.call(memory.lessons().prune, lambda _, r: r["created_at"] < cutoff)}


@router.delete("/prune/tag", responses=error_responses(403, 422, 503))
async def prune_tag(_: AdminDep, memory: MemoryDep, tag: Tag) -> dict[str, Any]:
    """Admin: delete the lessons with this tag."""
    if not tag.strip():
        raise ApiError(422, "invalid_tag", "`tag` must contain a non-space character.")
    return {"status": "success", **await memory.call(memory.lessons().prune, lambda _, r: tag in (r["tags"] or []))}


def _epoch(value: datetime | None, default: float) -> float:
    if value is None:
        return default
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


@router.delete("/prune/range", responses=error_responses(403, 422, 503))
async def prune_range(_: AdminDep, memory: MemoryDep, from_date: datetime | None = None,
                      to: datetime | None = None) -> dict[str, Any]:
    """Admin: delete lessons created in [from_date, to] (ISO 8601; naive times are UTC)."""
    if from_date is None and to is None:
        raise ApiError(422, "range_required", "Give `from_date`, `to`, or both (ISO 8601).")
    start, end = _epoch(from_date, float("-inf")), _epoch(to, float("inf"))
    if start > end:
        raise ApiError(422, "invalid_range", "`from_date` is after `to`.")
    return {"status": "success",
            **await memory.call(memory.lessons().prune, lambda _, r: start <= r["created_at"] <= end)}


@router.delete("/prune/latest", responses=error_responses(403, 422, 503))
async def prune_latest(_: AdminDep, memory: MemoryDep, count: Annotated[int, Query(ge=1, le=100_000)]
                       ) -> dict[str, Any]:
    """Admin: delete the `count` newest lessons."""
    return {"status": "success", **await memory.call(memory.lessons().prune, lambda rank, _: rank < count)}


@router.post("/dedupe", responses=error_responses(403, 503))
async def dedupe(_: AdminDep, memory: MemoryDep) -> dict[str, Any]:
    """Admin: keep only the newest of identical lessons."""
    return {"status": "success", **await memory.call(memory.lessons().dedupe)}


@router.delete("/purge", responses=error_responses(403, 503))
async def purge(_: AdminDep, memory: MemoryDep) -> dict[str, Any]:
    """Admin: delete every lesson."""
    return {"status": "success", **await memory.call(memory.lessons().prune, lambda _, __: True)}
