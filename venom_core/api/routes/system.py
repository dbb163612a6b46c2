"""Liveness, readiness, service health and disk use (the configuration is in `config_runtime.py`)."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from venom_core.api.deps import ServicesDep
from venom_core.api.disk_report import storage_report
from venom_core.api.schemas_system import ServiceHealth, StorageReport, SystemStatus
from venom_core.core.system_info import system_status

router = APIRouter(tags=["system"])


class Liveness(BaseModel):
    status: str
    component: str


def one_line(detail: Any) -> str | None:
    """A health detail as text: `key: value` pairs for a structured one."""
    if detail is None or isinstance(detail, str):
        return detail
    if isinstance(detail, dict):
        return ", ".join(f"{k}: {one_line(v) if isinstance(v, dict) else v}" for k, v in detail.items())
    return str(detail)


def service_row(check: dict[str, Any]) -> ServiceHealth:
    detail = check.get("detail")
    return ServiceHealth(
        name=str(check.get("name", "")), type=str(check.get("type", "")), status=str(check.get("status", "unknown")),
        is_critical=bool(check.get("is_critical", False)), latency_ms=check.get("latency_ms"),
        detail=one_line(detail), details=detail if isinstance(detail, dict) else None,
        warnings=[str(w) for w in check.get("warnings") or []],
    )


@router.get("/healthz", response_model=Liveness)
async def healthz() -> Liveness:
    """Liveness: the process answers. Does no I/O."""
    return Liveness(status="ok", component="venom-core")


@router.get("/api/v1/system/status", response_model=SystemStatus)
async def status(services: ServicesDep) -> SystemStatus:
    """Readiness, with `boot_id`, resources, the queue and the active runtime."""
    return SystemStatus(**await system_status(services))


@router.get("/api/v1/system/storage", response_model=StorageReport, response_model_by_alias=True)
async def storage(services: ServicesDep,
                  force_refresh: Annotated[bool, Query(description="Measure again now.")] = False) -> StorageReport:
    """Disk use of Venom's folders (data, models, memory, logs, workspace) and of their disks."""
    return await storage_report(services.settings, force=force_refresh)


@router.get("/api/v1/system/services", response_model=list[ServiceHealth])
async def service_health(services: ServicesDep) -> list[ServiceHealth]:
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
    return [service_row(c) for c in checks]
