"""The watchdog: no task stays PROCESSING forever without making progress."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from loguru import logger

from venom_core.core.models import TaskStatus, utcnow
from venom_core.core.task_service import TaskNotActive, TaskNotFound, TaskService
from venom_core.storage.base import StorageUnavailable


async def watch_stalled_tasks(service: TaskService, stall_seconds: float, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        limit = utcnow() - timedelta(seconds=stall_seconds)
        for task in service.log.live_tasks():
            if task.status is TaskStatus.PROCESSING and task.updated_at < limit:
                logger.warning("watchdog: task {} made no progress for {}s", task.id, stall_seconds)
                # A storage fault must not end the watchdog: the abort is kept and stored later.
                with contextlib.suppress(TaskNotFound, TaskNotActive, StorageUnavailable):
                    await service.abort(task.id, reason="stalled")
