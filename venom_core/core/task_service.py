"""Task use cases: submit, read, abort, and queue control. Every change goes through the log."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loguru import logger

from venom_core.core.event_log import EventLog
from venom_core.core.models import EventType, Task, TaskStatus
from venom_core.core.task_runner import finish_cancelled
from venom_core.core.work_queue import WorkQueue
from venom_core.storage.base import Storage, StorageUnavailable

RuntimeInfo = Callable[[], dict[str, Any]]
QUEUE_PAUSED_KEY = "queue.paused"


def resume_interrupted(log: EventLog, task: Task) -> bool:
    """SPEC §3 durability for a task whose run was cut off (a restart, a worker that died): a
    PROCESSING task is re-queued if nothing was streamed yet, else it fails `interrupted`.
    True when the task is to run (again)."""
    if task.status is not TaskStatus.PROCESSING:
        return True
    if task.streamed:
        log.append(
            task.id, EventType.TASK_FAILED, message="Interrupted by a restart", agent="Recovery",
            data={"error": {"code": "interrupted", "stage": "recovery", "retryable": True,
                            "message": "The server restarted while this task was streaming its "
                                       "answer; submit it again to get a complete answer."}},
        )
        return False
    log.append(task.id, EventType.TASK_REQUEUED, message="Re-queued after a restart", agent="Recovery")
    return True


class TaskNotFound(LookupError):
    pass


class TaskNotActive(Exception):
    def __init__(self, task: Task):
        super().__init__(task.id)
        self.task = task


@dataclass
class TaskPage:
    items: list[Task]
    next_cursor: str | None


class TaskService:
    def __init__(self, log: EventLog, storage: Storage, queue: WorkQueue, runtime_info: RuntimeInfo):
        self.log = log
        self.storage = storage
        self.queue = queue
        self.runtime_info = runtime_info  # the runtime every new task records that it will use

    @property
    def limit(self) -> int:
        return self.queue.limit

    def live_task(self, task_id: str) -> Task | None:
        """The in-memory record of a task, when it is recent (no storage read)."""
        return self.log.live_task(task_id)

    # -- submit and read ---------------------------------------------------------------------
    async def submit(self, content: str, request: dict[str, Any]) -> Task:
        self.log.ensure_writable()  # a failing disk refuses new work at once (503), before it exists
        task_id = str(uuid.uuid4())
        runtime = self.runtime_info()
        self.log.append(
            task_id,
            EventType.TASK_CREATED,
            message="Task accepted",
            agent="User",
            data={"content": content, "request": request, "context": {"llm_runtime": runtime}},
        )
        busy = len(self.queue.active_ids()) + len(self.queue.pending_ids())  # pending: not yet taken by the loop
        if self.queue.paused or busy >= self.queue.limit:
            self.log.append(
                task_id,
                EventType.TASK_QUEUED,
                message="Queued: the queue is paused" if self.queue.paused else "Queued: waiting for a free slot",
                agent="Queue",
                data={"active": len(self.queue.active_ids()), "limit": self.queue.limit,
                      "paused": self.queue.paused},
            )
        live = self.log.live_task(task_id)
        assert live is not None
        accepted = copy.copy(live)  # the record as accepted; the runner may move on before we answer
        # Scheduling first lets the run overlap the commit: the writer stores events in order, so
        # the task's first events are durable before any later one, and before the 201 goes out.
        self.queue.submit(task_id)
        try:
            await self.log.commit()
        except StorageUnavailable:
            await self._withdraw(task_id)
            raise
        return accepted

    async def _withdraw(self, task_id: str) -> None:
        """Storage failed while the task was being accepted, so the client is told it was not:
        make that true. It does not run, and its record, once stored, says why."""
        if not self.queue.discard(task_id) and self.queue.cancel(task_id, "storage_unavailable"):
            await self.queue.wait_stopped([task_id], within=10)
        live = self.log.live_task(task_id)
        if live is not None and not live.terminal:
            finish_cancelled(self.log, task_id, "storage_unavailable")

    async def get(self, task_id: str) -> Task:
        task = self.log.cached_task(task_id) or await self.storage.get_task(task_id)
        if task is None:
            raise TaskNotFound(task_id)
        return task

    async def page(
        self, *, status: TaskStatus | None, session_id: str | None, limit: int, cursor: str | None
    ) -> TaskPage:
        before: tuple[str, str] | None = None
        if cursor:
            created, _, tid = cursor.partition("|")
            before = (created, tid)
        await self.log.commit()
        items = await self.storage.list_tasks(
            statuses=(status,) if status else (), session_id=session_id, limit=limit + 1, before=before
        )
        next_cursor = None
        if len(items) > limit:
            items = items[:limit]
            last = items[-1]
            next_cursor = f"{last.created_at.replace(tzinfo=None).isoformat()}|{last.id}"
        # Prefer the live (possibly newer, not yet flushed) record of each task.
        return TaskPage([self.log.live_task(t.id) or t for t in items], next_cursor)

    # -- abort and queue control -------------------------------------------------------------
    async def abort(self, task_id: str, reason: str = "aborted") -> Task:
        task = await self.log.load_task(task_id)
        if task is None:
            raise TaskNotFound(task_id)
        if task.terminal:
            raise TaskNotActive(task)
        if self.queue.discard(task_id) or task_id not in self.queue.active_ids():
            finish_cancelled(self.log, task_id, reason)
        elif self.queue.cancel(task_id, reason):
            await self.queue.wait_stopped([task_id], within=10)
        await self.log.commit()
        return await self.get(task_id)

    def status(self) -> dict[str, Any]:
        active = self.queue.active_ids()
        return {
            "paused": self.queue.paused,
            "pending": len(self.queue.pending_ids()),
            "active": len(active),
            "processing": len(active),
            "limit": self.queue.limit,
        }

    async def pause(self) -> dict[str, Any]:
        self.queue.pause()
        await self.storage.set_setting(QUEUE_PAUSED_KEY, True)
        self.log.append(None, EventType.QUEUE_PAUSED, message="Queue paused", agent="Queue", data=self.status())
        return self.status()

    async def resume(self) -> dict[str, Any]:
        pending = len(self.queue.pending_ids())
        self.queue.resume()
        await self.storage.set_setting(QUEUE_PAUSED_KEY, False)
        self.log.append(None, EventType.QUEUE_RESUMED, message="Queue resumed", agent="Queue",
                        data={**self.status(), "pending_tasks": pending})
        return {**self.status(), "pending_tasks": pending}

    async def _withdraw_pending(self) -> list[str]:
        """Take every waiting task off the queue; their ids."""
        return self.queue.remove_pending()

    async def purge(self, reason: str = "purged") -> list[str]:
        ids = await self._withdraw_pending()
        for tid in ids:
            task = await self.log.load_task(tid)
            if task is not None and not task.terminal:
                finish_cancelled(self.log, tid, reason)
        if reason == "purged":
            self.log.append(None, EventType.QUEUE_PURGED, message=f"Queue purged: {len(ids)} task(s) removed",
                            agent="Queue", data={"purged": len(ids), "task_ids": ids})
        await self.log.commit()
        return ids

    async def emergency_stop(self) -> dict[str, Any]:
        await self.pause()
        cancelled = [tid for tid in self.queue.active_ids() if self.queue.cancel(tid, "emergency_stop")]
        await self.queue.wait_stopped(cancelled, within=10)
        purged = await self.purge("emergency_stop")
        self.log.append(
            None, EventType.EMERGENCY_STOP, message="Emergency stop: queue paused, tasks cancelled", agent="Queue",
            data={"cancelled": len(cancelled), "purged": len(purged), "paused": True},
        )
        logger.warning("emergency stop: {} cancelled, {} purged", len(cancelled), len(purged))
        return {"cancelled": len(cancelled), "purged": len(purged), "paused": True}

    # -- start-up ----------------------------------------------------------------------------
    async def recover(self) -> dict[str, int]:
        """Resolve what a crash or restart left open (SPEC §3 durability)."""
        if await self.storage.get_setting(QUEUE_PAUSED_KEY):
            self.queue.pause()
        open_tasks = await self.storage.list_tasks(
            statuses=(TaskStatus.PENDING, TaskStatus.PROCESSING), limit=100_000
        )
        open_tasks.sort(key=lambda t: (t.created_at, t.id))
        requeued = interrupted = 0
        for stored in open_tasks:
            task = await self.log.load_task(stored.id)
            if task is None:
                continue
            if not resume_interrupted(self.log, task):
                interrupted += 1
                continue
            self.queue.submit(task.id)
            requeued += 1
        await self.log.commit()
        if requeued or interrupted:
            logger.info("recovery: {} task(s) re-queued, {} interrupted", requeued, interrupted)
        return {"requeued": requeued, "interrupted": interrupted}
