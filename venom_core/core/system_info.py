"""Readiness and resource figures for `/api/v1/system/status` and the INFRA_STATUS fast path."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any, Protocol

from venom_core.core.event_log import EventLog
from venom_core.core.first_run import workspace_info
from venom_core.core.task_service import TaskService
from venom_core.storage.sql import SqlStorage


class SystemInfo:
    """The status figures' sources, given once: the INFRA_STATUS fast path, the status tool and
    `/api/v1/system/status` all ask this one object."""

    def __init__(self, log: EventLog, tasks: TaskService, storage: SqlStorage, workspace: Path):
        self.log = log
        self.tasks = tasks
        self.storage = storage  # its start-up warnings
        self.workspace = workspace
        self.boot_id = uuid.uuid4().hex
        self.started_at = time.time()

    async def status(self) -> dict[str, Any]:
        import psutil  # here, not at start-up: nothing needs it before the first status call

        vm = psutil.virtual_memory()
        proc = psutil.Process(os.getpid())
        runtime = self.tasks.runtime_info()
        return {
            "status": "ok",
            "boot_id": self.boot_id,
            "system_healthy": self.log.healthy,  # false while storage writes fail, true again once one works
            "uptime_seconds": round(time.time() - self.started_at, 3),
            "process_rss_mb": round(proc.memory_info().rss / 2**20, 1),
            "memory_usage_mb": round((vm.total - vm.available) / 2**20, 1),
            "memory_total_mb": round(vm.total / 2**20, 1),
            "memory_usage_percent": vm.percent,
            "cpu_percent": psutil.cpu_percent(interval=None),
            "vram_usage_mb": None,
            "vram_total_mb": None,
            "vram_usage_percent": None,
            "queue": self.tasks.status(),
            "llm_runtime": runtime or {"provider": None, "model": None, "status": "unavailable"},
            "workspace": workspace_info(self.workspace),
            "event_log": self.log.describe(),
            "storage_warnings": list(self.storage.warnings),
        }


class HasSystem(Protocol):
    @property
    def system(self) -> SystemInfo: ...


async def system_status(s: HasSystem) -> dict[str, Any]:
    """The readiness document of the app's services (the status route's entry point)."""
    return await s.system.status()
