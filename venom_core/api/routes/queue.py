"""`/api/v1/queue`: status, pause, resume, purge, emergency stop and abort."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

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
    limit: int = Field(description="Tasks that may run at once (MAX_CONCURRENT_TASKS).")


class QueueResumed(QueueStatus):
    status: Literal["resumed"] = "resumed"
    pending_tasks: int = Field(description="Tasks that were waiting when the queue resumed.")


class QueuePurged(QueueStatus):
    status: Literal["purged"] = "purged"
    removed: int
    task_ids: list[str]


class EmergencyStopped(BaseModel):
    status: Literal["stopped"] = "stopped"
    cancelled: int
    purged: int
    paused: bool


@router.get("/status", response_model=QueueStatus)
async def status(tasks: TasksDep) -> QueueStatus:
    return QueueStatus.model_validate(tasks.status())


@router.post("/pause", response_model=QueueStatus, responses=error_responses(403))
async def pause(tasks: TasksDep, _: AdminDep) -> QueueStatus:
    """Admin: running tasks go on; new and pending tasks wait until resume."""
    return QueueStatus.model_validate(await tasks.pause())


@router.post("/resume", responses=error_responses(403))
async def resume(tasks: TasksDep, _: AdminDep) -> QueueResumed:
    """Admin (like emergency stop, which it undoes): pending tasks start again."""
    return QueueResumed.model_validate(await tasks.resume())


@router.post("/purge", responses=error_responses(403))
async def purge(tasks: TasksDep, _: AdminDep) -> QueuePurged:
    """Cancel every pending task (`error.code = "purged"`)."""
    ids = await tasks.purge()
    return QueuePurged.model_validate({"removed": len(ids), "task_ids": ids, **tasks.status()})


@router.post("/emergency-stop", responses=error_responses(403))
async def emergency_stop(tasks: TasksDep, _: AdminDep) -> EmergencyStopped:
    """Pause, cancel every running task and purge the pending ones."""
    return EmergencyStopped.model_validate(await tasks.emergency_stop())


@router.post("/task/{task_id}/abort", response_model=TaskView, responses=error_responses(404, 409))
async def abort(task_id: TaskId, tasks: TasksDep) -> TaskView:
    return await abort_task(tasks, task_id)
