"""Request traces: `/api/v1/history/requests` and `/api/v1/history/requests/{id}`.

The list is a bare JSON array, newest first, with the next page in a `Link` header; step
`details` are text (a JSON object is sent encoded), as the original's clients expect.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.lesson_rows import feedback_entry, rated_rows
from venom_core.api.pagination import LINK_HEADER, link_next
from venom_core.api.routes.tasks import TaskId
from venom_core.api.schemas_compat import FeedbackEntry, RequestDetail, RequestSummary, TraceStep, details_text
from venom_core.core.models import Task, TaskStatus, iso
from venom_core.core.trace import trace_steps, trace_summary

router = APIRouter(prefix="/api/v1/history", tags=["history"])


def summary(task: Task, feedback: dict[str, Any] | None = None) -> RequestSummary:
    runtime = task.context.get("llm_runtime") or {}
    error = task.error or {}
    return RequestSummary(
        **trace_summary(task),
        llm_config_hash=runtime.get("config_hash"),
        llm_runtime_id=runtime.get("runtime_id"),
        error_class=error.get("code"),
        error_details=error.get("details") if isinstance(error.get("details"), dict) else None,
        feedback=FeedbackEntry(**feedback_entry(feedback)) if feedback else None,
    )


def text_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**s, "details": details_text(s.get("details"))} for s in steps]


@router.get("/requests", response_model=list[RequestSummary],
            responses={**error_responses(400, 422), **LINK_HEADER})
async def list_requests(
    request: Request,
    response: Response,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[^|]+\|[^|]+$")] = None,
    status: TaskStatus | None = None,
    session_id: Annotated[str | None, Query(max_length=128)] = None,
) -> list[RequestSummary]:
    """Request summaries, newest first. The next page's URL is in the `Link` header (`rel="next"`)."""
    try:
        page = await services.tasks.page(status=status, session_id=session_id, limit=limit, cursor=cursor)
    except ValueError:
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API returned.") from None
    link_next(request, response, page.next_cursor)
    rated = await rated_rows(services, [t.id for t in page.items])
    return [summary(t, rated.get(t.id)) for t in page.items]


@router.get("/requests/{request_id}", response_model=RequestDetail, responses=error_responses(404))
async def request_detail(request_id: TaskId, services: ServicesDep) -> RequestDetail:
    task = await services.log.load_task(request_id)
    if task is None:
        raise ApiError(404, "request_not_found", f"There is no request with id {request_id}.")
    steps, streaming = trace_steps(await services.log.read_task(request_id))
    rated = await rated_rows(services, [task.id])
    first = next((s for s in steps if s["component"] == "LLM" and s["action"] == "first_token"), None)
    first_token = None
    if task.first_token_at:
        preview = (first or {}).get("details", {}).get("preview", "") if first else ""
        first_token = {"at": iso(task.first_token_at), "elapsed_ms": first["elapsed_ms"] if first else None,
                       "preview": str(preview)}
    return RequestDetail(
        **summary(task, rated.get(task.id)).model_dump(),
        steps=[TraceStep(**s) for s in text_steps(steps)],
        streaming=streaming,
        first_token=first_token,
        generation_params=task.request.get("generation_params"),
        llm_runtime=task.context.get("llm_runtime"),
        routing_decision=task.context.get("routing_decision"),
        context_used=task.context.get("context_used") or {"lessons": [], "memory_entries": []},
        context=task.context,
    )
