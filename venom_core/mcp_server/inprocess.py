"""The backend of `/mcp`: Venom's own services, called directly in the API process.

It goes through the same pieces the REST routes use (the `TaskRequest` model and the task service
for a submit, the memory service for a search), so a task from an MCP client is the same task a
`POST /api/v1/tasks` makes: stored first, queued, streamed, in the history.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from pydantic import ValidationError

from venom_core.api.schemas import TaskRequest
from venom_core.core.errors import VenomError
from venom_core.core.fanout import EventBus
from venom_core.core.models import Task, iso
from venom_core.core.task_service import TaskNotFound, TaskService
from venom_core.mcp_server.models import (
    BackendError,
    MemoryResults,
    RecentTasks,
    TaskAnswer,
    TaskDetail,
    TaskSummary,
    error_text,
    preview,
)
from venom_core.memory.service import MemoryService
from venom_core.memory.store import Filters

RECHECK_SECONDS = 1.0  # a wait also re-reads the task this often (a subscriber cut off by a burst resumes so)


def _summary(t: Task) -> TaskSummary:
    return TaskSummary(task_id=t.id, status=t.status.value, content=preview(t.content), session_id=t.session_id,
                       created_at=iso(t.created_at))


def _answer(t: Task) -> TaskAnswer:
    return TaskAnswer(task_id=t.id, status=t.status.value, finished=t.terminal, answer=t.result,
                      error=error_text(t.error))


class InProcessBackend:
    def __init__(self, tasks: TaskService, memory: MemoryService, bus: EventBus) -> None:
        self.tasks = tasks
        self.memory = memory
        self.bus = bus

    async def submit_task(self, content: str, session_id: str | None, wait_seconds: float) -> TaskAnswer:
        try:
            body = TaskRequest(content=content, session_id=session_id)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise BackendError("invalid_request", str(first["msg"]).removeprefix("Value error, ")) from None
        request: dict[str, Any] = body.model_dump(exclude_none=True, exclude={"content"})
        try:
            task = await self.tasks.submit(body.content, request)
        except VenomError as exc:
            raise BackendError(exc.code, exc.message) from None
        return _answer(await self._wait(task.id, wait_seconds))

    async def _wait(self, task_id: str, wait_seconds: float) -> Task:
        # Subscribed before the first read, so a finish between the two is not missed.
        sub = self.bus.subscribe(lambda e: e.task_id == task_id, maxsize=256)
        deadline = time.monotonic() + wait_seconds
        try:
            while True:
                task = self.tasks.live_task(task_id) or await self.tasks.get(task_id)
                left = deadline - time.monotonic()
                if task.terminal or left <= 0:
                    return task
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(sub.queue.get(), timeout=min(left, RECHECK_SECONDS))
        finally:
            self.bus.unsubscribe(sub)

    async def get_task(self, task_id: str) -> TaskDetail:
        try:
            t = await self.tasks.get(task_id)
        except TaskNotFound:
            raise BackendError("task_not_found", f"There is no task with id {task_id}.") from None
        return TaskDetail(task_id=t.id, status=t.status.value, finished=t.terminal, content=preview(t.content),
                          result=t.result, error=error_text(t.error), session_id=t.session_id,
                          created_at=iso(t.created_at), finished_at=iso(t.finished_at) if t.finished_at else None)

    async def search_memory(self, query: str, limit: int) -> MemoryResults:
        if not query.strip():
            raise BackendError("invalid_request", "query must contain at least one non-space character")
        try:
            self.memory.store()  # raises MemoryUnavailable (loading, disabled, failed) with its reason
            hits = await self.memory.search(query, limit=limit, filters=Filters())
        except VenomError as exc:
            raise BackendError(exc.code, exc.message) from None
        return MemoryResults.from_hits(query, hits)

    async def list_recent_tasks(self, limit: int) -> RecentTasks:
        try:
            page = await self.tasks.page(status=None, session_id=None, limit=limit, cursor=None)
        except VenomError as exc:
            raise BackendError(exc.code, exc.message) from None
        return RecentTasks(count=len(page.items), tasks=[_summary(t) for t in page.items])
