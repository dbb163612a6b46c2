"""Pipeline: how many tasks run at once, the watchdog, SSE heartbeats and SQLite durability."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class PipelineSettings(BaseModel):
    """The task pipeline's pace and limits."""

    MAX_CONCURRENT_TASKS: int = Field(default=5, ge=1, le=256,
        description="Tasks running at once; the rest wait in the queue")
    VENOM_SSE_HEARTBEAT_SECONDS: float = Field(default=10.0, ge=0.05,
        description="SSE heartbeat after this much silence (at least 0.05)")  # shorter is a busy loop
    VENOM_TASK_STALL_SECONDS: float = Field(default=300.0, gt=0,
        description="The watchdog fails a running task with no progress for this long (task_timeout)")
    VENOM_WATCHDOG_INTERVAL_SECONDS: float = Field(default=5.0, ge=0.05,
        description="How often the watchdog looks (at least 0.05)")
    # SQLite durability: NORMAL survives a process crash (WAL); FULL also survives power loss (fsync per commit).
    VENOM_SQLITE_SYNCHRONOUS: Literal["NORMAL", "FULL"] = Field(
        "NORMAL",
        description="NORMAL survives a process crash (WAL); FULL also survives power loss, at one fsync per commit")
    VENOM_WS_QUEUE_SIZE: int = Field(default=1000, ge=10,
        description="Events buffered per WebSocket client before it is dropped with 1013")
