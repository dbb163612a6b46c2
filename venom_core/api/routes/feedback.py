"""`POST /api/v1/feedback`: a thumbs up or down (and a comment) on a task, kept on its lesson;
`GET /api/v1/feedback/logs`: the ratings given, newest first."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from venom_core.api.deps import ServicesDep, TasksDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.lesson_rows import all_rows, feedback_entry
from venom_core.api.memory_deps import MemoryDep
from venom_core.api.schemas_compat import FeedbackEntry
from venom_core.core.task_service import TaskNotFound

router = APIRouter(prefix="/api/v1", tags=["lessons"])


class FeedbackRequest(BaseModel):
    task_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=2000)


class FeedbackSaved(BaseModel):
    status: str = "success"
    feedback_saved: bool
    task_id: str
    lesson_id: str
    rating: str
    follow_up_task_id: str | None


class FeedbackLog(BaseModel):
    count: int
    items: list[FeedbackEntry]


@router.post("/feedback", response_model=FeedbackSaved, responses=error_responses(404, 409, 422, 503))
async def feedback(body: FeedbackRequest, tasks: TasksDep, memory: MemoryDep) -> FeedbackSaved:
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
    return FeedbackSaved(feedback_saved=True, task_id=body.task_id, lesson_id=lesson_id, rating=body.rating,
                         follow_up_task_id=None)


@router.get("/feedback/logs", response_model=FeedbackLog, responses=error_responses(422))
async def feedback_logs(
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    rating: Literal["up", "down"] | None = None,
) -> FeedbackLog:
    """Ratings, newest first; empty while memory is loading or not installed."""
    rows = [r for r in await all_rows(services) if r.get("feedback_rating")
            and (rating is None or r.get("feedback_rating") == rating)]
    rows.sort(key=lambda r: float(r.get("feedback_at") or 0), reverse=True)
    items = [FeedbackEntry(**feedback_entry(r)) for r in rows[:limit]]
    return FeedbackLog(count=len(items), items=items)
