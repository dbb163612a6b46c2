"""`/api/v1/tasks/{task_id}/timeline`: the task's spans (routing, context, model and tool calls,
sub-tasks) with offsets and durations, for the Inspector's waterfall (see `core/timeline.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.tasks import TaskId
from venom_core.core.models import Event, EventType
from venom_core.core.timeline import TaskTimeline, build_timeline

router = APIRouter(prefix="/api/v1", tags=["tasks"])


@router.get("/tasks/{task_id}/timeline", response_model=TaskTimeline, responses=error_responses(404, 503))
async def task_timeline(task_id: TaskId, services: ServicesDep) -> TaskTimeline:
    """Spans from the task's stored events, its plan steps' sub-tasks nested under them."""
    task = await services.log.load_task(task_id)
    if task is None:
        raise ApiError(404, "task_not_found", f"There is no task with id {task_id}.")
    events = await services.log.read_task(task_id)
    subtasks: dict[str, list[Event]] = {}
    for ev in events:
        if ev.type == EventType.PLAN_STEP_STARTED:
            sub_id = str(ev.data.get("sub_task_id"))
            subtasks[sub_id] = await services.log.read_task(sub_id)
    return build_timeline(task.id, task.status.value, events, subtasks)
