"""Liveness, readiness and service health (the configuration is in `config_runtime.py`)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter

from venom_core.api.deps import ServicesDep
from venom_core.core.system_info import system_status

router = APIRouter(tags=["system"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers. Does no I/O."""
    return {"status": "ok", "component": "venom-core"}


@router.get("/api/v1/system/status")
async def status(services: ServicesDep) -> dict[str, Any]:
    """Readiness, with `boot_id`, resources, the queue and the active runtime."""
    return await system_status(services)


@router.get("/api/v1/system/services")
async def service_health(services: ServicesDep) -> list[dict[str, Any]]:
    """The health of each dependency Venom uses."""
    checks: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    detail = services.settings.database_url.split("://", 1)[0]
    try:
        await services.storage.max_gseq()
        db_status = "online" if services.log.healthy else "degraded"
    except Exception:
        db_status = "offline"
    warnings = list(services.storage.warnings)
    checks.append({
        "name": "database", "type": "storage", "status": db_status, "is_critical": True,
        "latency_ms": round((time.perf_counter() - t0) * 1000, 3),
        "detail": services.log.fault or (f"{detail}; warning: {warnings[0]}" if warnings else detail),
        "warnings": warnings,
    })
    checks.append({
        "name": "event_log", "type": "core", "status": "online" if services.log.healthy else "degraded",
        "is_critical": True, "latency_ms": None,
        "detail": services.log.fault or f"last gseq {services.log.last_gseq}",
    })
    checks.append({
        "name": "work_queue", "type": "core", "status": "degraded" if services.queue.paused else "online",
        "is_critical": True, "latency_ms": None, "detail": services.tasks.status(),
    })
    for extra in services.health_checks:
        checks.append(await extra())
    return checks
