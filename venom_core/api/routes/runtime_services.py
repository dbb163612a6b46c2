"""`/api/v1/runtime/status` and `/api/v1/runtime/history`: the processes behind Venom and the
recent changes to what serves the model (read from the audit trail).

Venom is one process; the model servers it connects to (Ollama, an OpenAI-compatible server)
run on their own, so their CPU and memory are not measured here (`metrics_available: false`, the
figures 0) and they are never `actionable`.
"""

from __future__ import annotations

import os
import time
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from venom_core import __version__
from venom_core.api.admin_history import runtime_changes
from venom_core.api.deps import ServicesDep
from venom_core.runtimes import providers
from venom_core.services import Services

router = APIRouter(prefix="/api/v1/runtime", tags=["system"])

# The reference's names for its runtimes' rows; any other runtime is `llm_<name>`.
SERVICE_TYPES = {"embedded": "llm_embedded", "ollama": "llm_ollama", "openai_compatible": "llm_vllm"}
STATUS = {"ready": "running", "loading": "degraded", "error": "error", "offline": "stopped",
          "unavailable": "stopped"}


class RuntimeService(BaseModel):
    name: str
    service_type: str
    status: str = Field(description="running, stopped, unknown, error or degraded.")
    pid: int | None
    port: int | None
    cpu_percent: float
    memory_mb: float
    metrics_available: bool = Field(description="False when cpu/memory are not measured (another process).")
    uptime_seconds: int | None
    last_log: str | None = None
    error_message: str | None = None
    runtime_version: str | None = None
    actionable: bool = False
    endpoint: str | None = None
    latency_ms: float | None = None


class RuntimeStatus(BaseModel):
    status: str = "success"
    services: list[RuntimeService]
    count: int


class RuntimeChange(BaseModel):
    timestamp: str
    service: str
    action: str
    success: bool
    message: str


class RuntimeHistory(BaseModel):
    status: str = "success"
    history: list[RuntimeChange]
    count: int


def _backend(s: Services) -> RuntimeService:
    import psutil  # here, not at start-up (as in core.system_info)

    proc = psutil.Process(os.getpid())
    return RuntimeService(name="backend", service_type="backend", status="running", pid=proc.pid,
                          port=s.settings.VENOM_PORT, cpu_percent=proc.cpu_percent(interval=None),
                          memory_mb=round(proc.memory_info().rss / 2**20, 1), metrics_available=True,
                          uptime_seconds=int(time.time() - s.started_at), runtime_version=__version__)


def _llm(s: Services) -> list[RuntimeService]:
    reg = s.runtimes
    if reg is None:
        return []
    out = []
    for name in filter(reg.listed, providers.PROVIDERS.local_names):
        if not reg.policy.local_allowed(name):
            continue
        status, error = reg.status_of(name)
        endpoint = str(reg.snapshot(name)["endpoint"])
        in_process = providers.PROVIDERS.get(name).has("load")
        port = urlsplit(endpoint).port if "://" in endpoint else None
        shown = "unknown" if status == "loading" and not in_process else STATUS.get(status, "unknown")
        out.append(RuntimeService(
            name=name, service_type=SERVICE_TYPES.get(name, f"llm_{name}"), status=shown,
            pid=os.getpid() if in_process else None, port=None if in_process else port, cpu_percent=0.0,
            memory_mb=0.0, metrics_available=False, uptime_seconds=None, error_message=error or None,
            endpoint=None if in_process else endpoint))
    return out


@router.get("/status", response_model=RuntimeStatus)
async def runtime_status(services: ServicesDep) -> RuntimeStatus:
    """The backend process and the local model runtimes it uses."""
    rows = [_backend(services), *_llm(services)]
    return RuntimeStatus(services=rows, count=len(rows))


@router.get("/history", response_model=RuntimeHistory)
async def runtime_history(services: ServicesDep,
                          limit: Annotated[int, Query(ge=1, le=100)] = 20) -> RuntimeHistory:
    """Runtime and model switches, installs and cost-mode changes, newest first (from the audit trail)."""
    rows = [RuntimeChange(timestamp=e["timestamp"], service=e["action"].split(".", 1)[0],
                          action=e["action"].split(".", 1)[-1], success=e["outcome"] == "success",
                          message=e["message"]) for e in await runtime_changes(services, limit)]
    return RuntimeHistory(history=rows, count=len(rows))
