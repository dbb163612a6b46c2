"""`POST /api/v1/feedback`: a thumbs up or down (and a comment) on a task, kept on its lesson."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from venom_core.api.deps import TasksDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.memory_deps import MemoryDep
from venom_core.core.task_service import TaskNotFound

router = APIRouter(prefix="/api/v1", tags=["lessons"])


class FeedbackRequest(BaseModel):
    task_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=2000)


@router.post("/feedback", responses=error_responses(404, 409, 422, 503))
async def feedback(body: FeedbackRequest, tasks: TasksDep, memory: MemoryDep) -> dict[str, Any]:
    try:
        task = await tasks.get(body.task_id)
    except TaskNotFound:
        raise ApiError(404, "task_not_found", f"There is no task with id {body.task_id}.") from None
    if not task.terminal:
        raise ApiError(409, "task_not_finished", "The task is still running; give feedback once it has finished.")
    lesson_id = await memory.call(memory.lessons().set_feedback, body.task_id, body.rating, body.comment)
    if lesson_id is None:
        raise ApiError(404, "lesson_not_found",
                       "This task has no lesson: it ran with store_knowledge=false, or its lesson was pruned "
                       "or is still being recorded.")
    return {"status": "success", "feedback_saved": True, "task_id": body.task_id, "lesson_id": lesson_id,
            "rating": body.rating, "follow_up_task_id": None}
