"""Strategy: `/api/v1/roadmap` (alias `/api/roadmap`): vision, milestones, tasks, KPIs and report.

`POST /create` has the Architect draft the milestones with the model (constrained JSON). Items
are edited with plain CRUD; `POST /tasks/{id}/run` sends a roadmap task to the queue, and from
then on its status follows the real task.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from venom_core.agents.architect import draft_roadmap
from venom_core.api.deps import LlmDep, RoadmapDep, TasksDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.core.models import TaskFailure
from venom_core.strategy.store import STATUSES, Item, ItemNotFound, RoadmapStore, kpis, report

router = APIRouter(prefix="/api/v1/roadmap", tags=["strategy"])
alias = APIRouter(prefix="/api/roadmap", tags=["strategy"], include_in_schema=False)

ItemId = Annotated[str, Path(min_length=1, max_length=32)]
Status = Literal["PENDING", "IN_PROGRESS", "COMPLETED", "BLOCKED", "CANCELLED"]
assert set(STATUSES) == set(Status.__args__)  # type: ignore[attr-defined]


class CreateRoadmap(BaseModel):
    model_config = ConfigDict(extra="ignore")
    vision: str = Field(min_length=1, max_length=2000)
    description: str = Field(default="", max_length=5000)


class NewItem(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=5000)
    priority: int = Field(default=1, ge=0, le=100)


class ItemUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    status: Status | None = None
    priority: int | None = Field(default=None, ge=0, le=100)


class RoadmapItem(BaseModel):
    id: str
    title: str
    description: str
    status: Status
    priority: int
    progress: float = Field(description="Percent done.")
    task_id: str | None = Field(default=None, description="Tasks only: the queued task it follows.")
    tasks: list[RoadmapItem] | None = Field(default=None, description="Milestones only.")


class Vision(BaseModel):
    id: str
    title: str
    description: str
    status: Literal["PENDING", "IN_PROGRESS", "COMPLETED"]
    progress: float


class Kpis(BaseModel):
    completion_rate: float
    milestones_completed: int
    milestones_total: int
    tasks_completed: int
    tasks_in_progress: int
    tasks_blocked: int
    tasks_total: int


class Roadmap(BaseModel):
    status: Literal["success"] = "success"
    vision: Vision | None
    milestones: list[RoadmapItem]
    kpis: Kpis
    report: str = Field(description="The markdown progress report.")


class RoadmapReport(BaseModel):
    status: Literal["success"] = "success"
    report: str
    kpis: Kpis


class ItemAnswer(BaseModel):
    status: Literal["success"] = "success"
    item: RoadmapItem


class ItemDeleted(BaseModel):
    status: Literal["success"] = "success"
    deleted: int = Field(description="Items deleted: the item and everything under it.")


class TaskQueued(ItemAnswer):
    task_id: str


async def roadmap_view(roadmap: RoadmapStore) -> Roadmap:
    vision = await roadmap.tree()
    k = kpis(vision)
    return Roadmap.model_validate({
        "vision": None if vision is None else {
            "id": vision.id, "title": vision.title, "description": vision.description,
            "status": "COMPLETED" if k["tasks_total"] and k["tasks_completed"] == k["tasks_total"] else
            ("IN_PROGRESS" if k["tasks_completed"] or k["tasks_in_progress"] else "PENDING"),
            "progress": k["completion_rate"]},
        "milestones": [m.view() for m in vision.children] if vision else [],
        "kpis": k,
        "report": report(vision),
    })


def _missing(item_id: str) -> ApiError:
    return ApiError(404, "roadmap_item_not_found", f"There is no roadmap item with id {item_id}.")


@router.get("", responses=error_responses(503))
@alias.get("")
async def get_roadmap(roadmap: RoadmapDep) -> Roadmap:
    """The roadmap with computed progress, KPIs and the markdown report (the vision is null if none)."""
    return await roadmap_view(roadmap)


@router.post("/create", status_code=201, responses=error_responses(422, 503))
@alias.post("/create", status_code=201)
async def create_roadmap(body: CreateRoadmap, roadmap: RoadmapDep, llm: LlmDep) -> Roadmap:
    """The Architect drafts milestones and tasks for the vision; the previous roadmap is replaced."""
    try:
        milestones = await draft_roadmap(llm, body.vision)
    except TaskFailure as exc:
        raise ApiError(503, exc.error.code, exc.error.message) from None
    await roadmap.replace(body.vision, body.description, milestones)
    return await roadmap_view(roadmap)


STATUS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The report",
          "content": {"text/markdown": {"schema": {"type": "string"}}}},
    **error_responses(422, 503),
}


@router.get("/status", response_model=RoadmapReport, responses=STATUS_RESPONSES)
@alias.get("/status", response_model=RoadmapReport)
async def roadmap_status(roadmap: RoadmapDep,
                         format: Annotated[Literal["json", "markdown"], Query()] = "json") -> RoadmapReport | Response:
    """The markdown progress report (`?format=markdown` gives it as `text/markdown`)."""
    vision = await roadmap.tree()
    text = report(vision)
    if format == "markdown":
        return PlainTextResponse(text, media_type="text/markdown")
    return RoadmapReport.model_validate({"report": text, "kpis": kpis(vision)})


@router.post("/milestones", status_code=201, responses=error_responses(404, 422, 503))
async def add_milestone(body: NewItem, roadmap: RoadmapDep) -> ItemAnswer:
    vision = await roadmap.tree()
    if vision is None:
        raise ApiError(404, "roadmap_missing", "There is no roadmap yet; create one with POST /api/v1/roadmap/create.")
    item = await roadmap.add("milestone", vision.id, body.title, body.description, body.priority)
    return ItemAnswer.model_validate({"item": item.view()})


@router.post("/milestones/{milestone_id}/tasks", status_code=201, responses=error_responses(404, 409, 422, 503))
async def add_task(milestone_id: ItemId, body: NewItem, roadmap: RoadmapDep) -> ItemAnswer:
    try:
        item = await roadmap.add("task", milestone_id, body.title, body.description, body.priority)
    except ItemNotFound:
        raise _missing(milestone_id) from None
    except ValueError as exc:
        raise ApiError(409, "invalid_parent", f"{exc}.") from None
    return ItemAnswer.model_validate({"item": item.view()})


@router.patch("/items/{item_id}", responses=error_responses(404, 409, 422, 503))
async def update_item(item_id: ItemId, body: ItemUpdate, roadmap: RoadmapDep) -> ItemAnswer:
    """Edit a vision, milestone or task. A task that follows a queued task cannot have its status set."""
    try:
        current = await roadmap.get(item_id)
        if body.status is not None and current.task_id:
            raise ApiError(409, "status_follows_task",
                           f"This task's status follows the real task {current.task_id}; it cannot be set by hand.")
        item = await roadmap.update(item_id, **body.model_dump(exclude_none=True))
    except ItemNotFound:
        raise _missing(item_id) from None
    return ItemAnswer.model_validate({"item": item.view()})


@router.delete("/items/{item_id}", responses=error_responses(404, 503))
async def delete_item(item_id: ItemId, roadmap: RoadmapDep) -> ItemDeleted:
    try:
        deleted = await roadmap.delete(item_id)
    except ItemNotFound:
        raise _missing(item_id) from None
    return ItemDeleted(deleted=deleted)


@router.post("/tasks/{item_id}/run", status_code=202, responses=error_responses(404, 409, 503))
async def run_task(item_id: ItemId, roadmap: RoadmapDep, tasks: TasksDep) -> TaskQueued:
    """Send a roadmap task to the queue; its status then follows the real task."""
    try:
        item: Item = await roadmap.get(item_id)
    except ItemNotFound:
        raise _missing(item_id) from None
    if item.kind != "task":
        raise ApiError(409, "not_a_task", f"Only roadmap tasks can be queued; this item is a {item.kind}.")
    if item.task_id and item.status == "IN_PROGRESS":
        raise ApiError(409, "task_already_running", f"This roadmap task is already running as {item.task_id}.")
    content = item.title + (f": {item.description}" if item.description else "")
    task = await tasks.submit(content, {"roadmap_item_id": item.id})
    item = await roadmap.update(item.id, task_id=task.id, status="IN_PROGRESS")
    return TaskQueued.model_validate({"task_id": task.id, "item": item.view()})
