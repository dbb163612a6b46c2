"""Request traces: `/api/v1/history/requests` and `/api/v1/history/requests/{id}`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.tasks import TaskId
from venom_core.core.models import TaskStatus, iso
from venom_core.core.trace import trace_steps, trace_summary

router = APIRouter(prefix="/api/v1/history", tags=["history"])


@router.get("/requests", responses=error_responses(400, 422))
async def list_requests(
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[^|]+\|[^|]+$")] = None,
    status: TaskStatus | None = None,
    session_id: Annotated[str | None, Query(max_length=128)] = None,
) -> dict[str, Any]:
    try:
        page = await services.tasks.page(status=status, session_id=session_id, limit=limit, cursor=cursor)
    except ValueError:
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API returned.") from None
    items = [trace_summary(t) for t in page.items]
    return {"items": items, "count": len(items), "next_cursor": page.next_cursor}


@router.get("/requests/{request_id}", responses=error_responses(404))
async def request_detail(request_id: TaskId, services: ServicesDep) -> dict[str, Any]:
    task = await services.log.load_task(request_id)
    if task is None:
        raise ApiError(404, "request_not_found", f"There is no request with id {request_id}.")
    steps, streaming = trace_steps(await services.log.read_task(request_id))
    return {
        **trace_summary(task),
        "steps": steps,
        "streaming": streaming,
        "first_token": {"at": iso(task.first_token_at)} if task.first_token_at else None,
        "generation_params": task.request.get("generation_params"),
        "llm_runtime": task.context.get("llm_runtime"),
        "routing_decision": task.context.get("routing_decision"),
        "context_used": task.context.get("context_used") or {"lessons": [], "memory_entries": []},
        "context": task.context,
    }
