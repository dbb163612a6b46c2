"""Task use cases on the shared work queue (`VENOM_QUEUE=postgres`): what differs from one process.

A task may run on any worker, so this instance reads tasks from storage (after `submit`, it hands
its in-memory record off), and writes a task's events only while it holds the task: when it runs
it itself, or after it withdrew the task's job before any worker took it (pg_queue.py). A task
running elsewhere is stopped through the queue, by the worker that holds it.
"""

from __future__ import annotations

from typing import Any

from loguru import logger

from venom_core.core.event_log import EventLog
from venom_core.core.models import EventType, Task, TaskStatus
from venom_core.core.pg_queue import SharedQueue
from venom_core.core.task_runner import finish_cancelled
from venom_core.core.task_service import QUEUE_PAUSED_KEY, RuntimeInfo, TaskNotActive, TaskNotFound, TaskService
from venom_core.storage.base import Storage

STOP_WAIT_SECONDS = 10.0  # as in one process: an abort answers once the worker has stopped the task


class SharedTaskService(TaskService):
    def __init__(self, log: EventLog, storage: Storage, queue: SharedQueue, runtime_info: RuntimeInfo):
        super().__init__(log, storage, queue, runtime_info)
        self.shared = queue

    async def submit(self, content: str, request: dict[str, Any]) -> Task:
        task = await super().submit(content, request)
        if not self.shared.holds(task.id):
            self.log.hand_off(task.id)
        return task

    async def abort(self, task_id: str, reason: str = "aborted") -> Task:
        if self.shared.cancel(task_id, reason):  # it runs here
            await self.shared.wait_stopped([task_id], within=STOP_WAIT_SECONDS)
            await self.log.commit()
            return await self.get(task_id)
        task = await self.storage.get_task(task_id)
        if task is None:
            raise TaskNotFound(task_id)
        if task.terminal:
            raise TaskNotActive(task)
        if await self.shared.release(task_id):
            await self._end_here(task_id, reason)
        else:
            await self.shared.request_abort(task_id, reason)
            await self.shared.wait_released(task_id, within=STOP_WAIT_SECONDS)
        return await self.get(task_id)

    async def _end_here(self, task_id: str, reason: str) -> None:
        """End a task this instance holds now (its job withdrawn): no worker will run it."""
        task = await self.log.load_task(task_id)
        if task is not None and not task.terminal:
            finish_cancelled(self.log, task_id, reason)
            await self.log.commit()

    async def resume(self) -> dict[str, Any]:
        answer = await super().resume()
        await self.shared.nudge()
        return answer

    async def _withdraw_pending(self) -> list[str]:
        return await self.shared.withdraw_all()  # the waiting jobs of every instance

    async def emergency_stop(self) -> dict[str, Any]:
        await self.pause()
        here = [tid for tid in self.shared.active_ids() if self.shared.cancel(tid, "emergency_stop")]
        elsewhere = await self.shared.running_elsewhere()
        for tid in elsewhere:
            await self.shared.request_abort(tid, "emergency_stop")
        await self.shared.wait_stopped(here, within=STOP_WAIT_SECONDS)
        for tid in elsewhere:
            await self.shared.wait_released(tid, within=STOP_WAIT_SECONDS)
        purged = await self.purge("emergency_stop")
        cancelled = len(here) + len(elsewhere)
        self.log.append(
            None, EventType.EMERGENCY_STOP, message="Emergency stop: queue paused, tasks cancelled", agent="Queue",
            data={"cancelled": cancelled, "purged": len(purged), "paused": True},
        )
        await self.log.commit()
        logger.warning("emergency stop: {} cancelled, {} purged", cancelled, len(purged))
        return {"cancelled": cancelled, "purged": len(purged), "paused": True}

    async def recover(self) -> dict[str, int]:
        """Jobs outlive every process, so there is little to re-queue: a worker that died is found
        by its heartbeat (pg_queue.py). Open tasks with no job at all (stored while this database
        was used with the local queue) get one; their holder applies the restart rules."""
        await self.shared.open()
        if await self.storage.get_setting(QUEUE_PAUSED_KEY):
            self.shared.pause()
        open_tasks = await self.storage.list_tasks(statuses=(TaskStatus.PENDING, TaskStatus.PROCESSING),
                                                   limit=100_000)
        open_tasks.sort(key=lambda t: (t.created_at, t.id))
        adopted = await self.shared.adopt([t.id for t in open_tasks])
        if adopted:
            logger.info("recovery: {} open task(s) without a job were queued", adopted)
        return {"requeued": adopted, "interrupted": 0}

