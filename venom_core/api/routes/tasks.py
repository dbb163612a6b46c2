"""`/api/v1/tasks`: submit, list, read and abort tasks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from venom_core.api.deps import ServicesDep, TasksDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.pagination import LINK_HEADER, link_next
from venom_core.api.schemas import TaskCreated, TaskRequest, TaskView, task_view
from venom_core.core.language import from_accept_language
from venom_core.core.models import Task, TaskStatus, iso
from venom_core.core.task_service import TaskNotActive, TaskNotFound, TaskService

router = APIRouter(prefix="/api/v1", tags=["tasks"])

TaskId = Annotated[str, Path(min_length=1, max_length=64)]


def client_view(t: Task) -> TaskView:
    """The task as the original's clients read it: they attach a task to the open chat by
    `context_history.session.session_id`."""
    view = task_view(t)
    if t.session_id and "session" not in view.context_history:
        view.context_history = {**view.context_history, "session": {"session_id": t.session_id}}
    return view


async def load(tasks: TaskService, task_id: str) -> TaskView:
    try:
        return client_view(await tasks.get(task_id))
    except TaskNotFound:
        raise ApiError(404, "task_not_found", f"There is no task with id {task_id}.") from None


async def abort_task(tasks: TaskService, task_id: str) -> TaskView:
    try:
        return task_view(await tasks.abort(task_id))
    except TaskNotFound:
        raise ApiError(404, "task_not_found", f"There is no task with id {task_id}.") from None
    except TaskNotActive as exc:
        raise ApiError(
            409, "task_not_active",
            f"The task has already finished with status {exc.task.status.value}; there is nothing to abort.",
        ) from None


@router.post("/tasks", status_code=201, response_model=TaskCreated,
             responses=error_responses(400, 413, 422, 429, 503))
async def create_task(body: TaskRequest, tasks: TasksDep, services: ServicesDep, http: Request) -> TaskCreated:
    """Accept a task. It is stored before the answer, so a 201 task is never lost.

    Answers Venom writes itself (help, time, status) use `preferred_language`, else the language of
    `content`, else the first of en/pl/de in the `Accept-Language` header."""
    if body.forced_tool and ":" in body.forced_tool and services.tools.get(body.forced_tool) is None:
        raise ApiError(422, "unknown_forced_tool", f"There is no tool '{body.forced_tool}'. "
                       "GET /api/v1/tools lists the tools (an MCP server's tools appear once it is ready).")
    request = body.model_dump(exclude_none=True, exclude={"content"})
    header_language = from_accept_language(http.headers.get("accept-language"))
    if header_language and body.preferred_language is None:
        request["accept_language"] = header_language  # a fallback only: never the explicit choice
    task = await tasks.submit(body.content, request)
    runtime = task.context.get("llm_runtime") or {}
    return TaskCreated(
        task_id=task.id,
        status=task.status.value,
        created_at=iso(task.created_at),
        session_id=task.session_id,
        llm_provider=runtime.get("provider"),
        llm_model=runtime.get("model"),
        llm_endpoint=runtime.get("endpoint"),
        stream_url=f"/api/v1/tasks/{task.id}/stream",
    )


@router.get("/tasks", response_model=list[TaskView], responses={**error_responses(400, 422, 503), **LINK_HEADER})
async def list_tasks(
    request: Request,
    response: Response,
    tasks: TasksDep,
    status: TaskStatus | None = None,
    session_id: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[^|]+\|[^|]+$")] = None,
) -> list[TaskView]:
    """Newest first, as a JSON array. The next page's URL is in the `Link` header (`rel="next"`);
    follow it until there is none."""
    try:
        page = await tasks.page(status=status, session_id=session_id, limit=limit, cursor=cursor)
    except ValueError:
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API returned.") from None
    link_next(request, response, page.next_cursor)
    return [client_view(t) for t in page.items]


@router.get("/tasks/{task_id}", response_model=TaskView, responses=error_responses(404, 503))
async def get_task(task_id: TaskId, tasks: TasksDep) -> TaskView:
    return await load(tasks, task_id)


@router.post("/tasks/{task_id}/abort", response_model=TaskView, responses=error_responses(404, 409, 503))
async def abort(task_id: TaskId, tasks: TasksDep) -> TaskView:
    """Stop the task; a running model request is cancelled with it."""
    return await abort_task(tasks, task_id)
