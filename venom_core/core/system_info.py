"""Readiness and resource figures for `/api/v1/system/status` and the INFRA_STATUS fast path."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

from venom_core.core.first_run import workspace_info

if TYPE_CHECKING:
    from venom_core.services import Services


async def system_status(s: Services) -> dict[str, Any]:
    import psutil  # here, not at start-up: nothing needs it before the first status call

    vm = psutil.virtual_memory()
    proc = psutil.Process(os.getpid())
    runtime = s.tasks.runtime_info()
    return {
        "status": "ok",
        "boot_id": s.boot_id,
        "system_healthy": s.log.healthy,  # false while storage writes fail, true again once one works
        "uptime_seconds": round(time.time() - s.started_at, 3),
        "process_rss_mb": round(proc.memory_info().rss / 2**20, 1),
        "memory_usage_mb": round((vm.total - vm.available) / 2**20, 1),
        "memory_total_mb": round(vm.total / 2**20, 1),
        "memory_usage_percent": vm.percent,
        "cpu_percent": psutil.cpu_percent(interval=None),
        "vram_usage_mb": None,
        "vram_total_mb": None,
        "vram_usage_percent": None,
        "queue": s.tasks.status(),
        "llm_runtime": runtime or {"provider": None, "model": None, "status": "unavailable"},
        "workspace": workspace_info(s.settings.VENOM_WORKSPACE),
        "event_log": {"last_gseq": s.log.last_gseq, "write_errors": s.log.write_errors,
                      "subscribers": s.bus.subscriber_count, "storage_fault": s.log.fault},
        "storage_warnings": list(s.storage.warnings),
    }
