"""`/api/v1/queue`: status, pause, resume, purge, emergency stop and abort."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from venom_core.api.deps import AdminDep, TasksDep
from venom_core.api.errors import error_responses
from venom_core.api.routes.tasks import TaskId, abort_task
from venom_core.api.schemas import TaskView

router = APIRouter(prefix="/api/v1/queue", tags=["queue"])


class QueueStatus(BaseModel):
    paused: bool
    pending: int
    active: int
    processing: int
    limit: int


@router.get("/status", response_model=QueueStatus)
async def status(tasks: TasksDep) -> dict[str, Any]:
    return tasks.status()


@router.post("/pause", response_model=QueueStatus, responses=error_responses(403))
async def pause(tasks: TasksDep, _: AdminDep) -> dict[str, Any]:
    """Admin: running tasks go on; new and pending tasks wait until resume."""
    return await tasks.pause()


@router.post("/resume", responses=error_responses(403))
async def resume(tasks: TasksDep, _: AdminDep) -> dict[str, Any]:
    """Admin (like emergency stop, which it undoes): pending tasks start again."""
    return {"status": "resumed", **await tasks.resume()}


@router.post("/purge", responses=error_responses(403))
async def purge(tasks: TasksDep, _: AdminDep) -> dict[str, Any]:
    """Cancel every pending task (`error.code = "purged"`)."""
    ids = await tasks.purge()
    return {"status": "purged", "removed": len(ids), "task_ids": ids, **tasks.status()}


@router.post("/emergency-stop", responses=error_responses(403))
async def emergency_stop(tasks: TasksDep, _: AdminDep) -> dict[str, Any]:
    """Pause, cancel every running task and purge the pending ones."""
    return {"status": "stopped", **await tasks.emergency_stop()}


@router.post("/task/{task_id}/abort", response_model=TaskView, responses=error_responses(404, 409))
async def abort(task_id: TaskId, tasks: TasksDep) -> TaskView:
    return await abort_task(tasks, task_id)
