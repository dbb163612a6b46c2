"""Response schemas of `/api/v1/system/*` status routes (the original's field names)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from venom_core.api.schemas_runtime import LlmRuntimeInfo


class ServiceHealth(BaseModel):
    name: str
    type: str
    status: str = Field(description="online, offline, degraded (or starting/disabled for optional parts).")
    is_critical: bool
    latency_ms: float | None
    detail: str | None = Field(default=None, description="One line of text (the original's clients run it through "
                                                         "i18n, which needs a string).")
    details: dict[str, Any] | None = Field(default=None, description="The same facts, structured, when there are some.")
    warnings: list[str] = Field(default_factory=list)


class SystemStatus(BaseModel):
    status: str
    boot_id: str = Field(description="32 hex characters, stable for the life of the process; a change means the "
                                     "backend restarted.")
    system_healthy: bool
    uptime_seconds: float
    process_rss_mb: float
    memory_usage_mb: float
    memory_total_mb: float
    memory_usage_percent: float
    cpu_percent: float
    vram_usage_mb: float | None
    vram_total_mb: float | None
    vram_usage_percent: float | None
    queue: dict[str, Any]
    llm_runtime: LlmRuntimeInfo
    workspace: dict[str, Any]
    event_log: dict[str, Any]
    storage_warnings: list[str]


class DiskUsage(BaseModel):
    total_bytes: int
    used_bytes: int
    free_bytes: int
    mount: str


class StorageItem(BaseModel):
    name: str
    path: str
    size_bytes: int
    kind: str = Field(description="project, code, models, cache, logs, data, mcp, build, deps or system.")


class StorageReport(BaseModel):
    status: str = "success"
    refreshed_at: str
    disk: DiskUsage = Field(description="The disk that holds the data directory.")
    disk_root: DiskUsage = Field(description="The disk of the filesystem root.")
    items: list[StorageItem] = Field(description="Largest first.")
    schema_version: int = Field(default=2, alias="_schema_version", serialization_alias="_schema_version")
