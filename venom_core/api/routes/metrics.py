"""Metrics derived from the task projection and the log: JSON and Prometheus text."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from venom_core.api.deps import ServicesDep
from venom_core.api.routes.queue import QueueStatus
from venom_core.api.schemas_memory import FeedbackCounts
from venom_core.core.usage_ledger import UsageLedger
from venom_core.services import Services

router = APIRouter(tags=["system"])


class TaskCounts(BaseModel):
    created: int = Field(description="All tasks ever created.")
    pending: int
    processing: int
    completed: int
    failed: int
    cancelled: int
    success_rate: float | None = Field(description="Percent (0-100) of finished tasks that completed.")


class Latency(BaseModel):
    duration_avg_ms: float | None = Field(description="Average of the last 1000 finished tasks.")
    first_token_avg_ms: float | None


class LlmMetrics(BaseModel):
    first_token_avg_ms: float | None


class EventMetrics(BaseModel):
    last_gseq: int
    write_errors: int
    subscribers: int


class Metrics(BaseModel):
    uptime_seconds: float
    tasks: TaskCounts
    queue: QueueStatus
    latency: Latency
    llm: LlmMetrics
    events: EventMetrics
    feedback: FeedbackCounts | None = Field(default=None, description="Thumbs up/down on lessons; null while "
                                            "memory is not loaded.")


async def collect(s: Services) -> dict[str, Any]:
    await s.log.commit()
    counts = await s.storage.count_tasks()
    timings = await s.storage.task_timings()
    total = sum(counts.values())
    completed = counts.get("COMPLETED", 0)
    failed = counts.get("FAILED", 0)
    finished = completed + failed
    return {
        "uptime_seconds": round(time.time() - s.started_at, 3),
        "tasks": {
            "created": total,
            "pending": counts.get("PENDING", 0),
            "processing": counts.get("PROCESSING", 0),
            "completed": completed,
            "failed": failed,
            "cancelled": counts.get("CANCELLED", 0),
            "success_rate": round(100 * completed / finished, 2) if finished else None,
        },
        "queue": s.tasks.status(),
        "latency": timings,
        "llm": {"first_token_avg_ms": timings.get("first_token_avg_ms")},
        "events": {"last_gseq": s.log.last_gseq, "write_errors": s.log.write_errors,
                   "subscribers": s.bus.subscriber_count},
    }


@router.get("/api/v1/metrics")
async def metrics_json(services: ServicesDep) -> Metrics:
    out = Metrics.model_validate(await collect(services))
    memory = services.memory
    if memory is not None and memory.available:
        stats: dict[str, Any] = await memory.call(memory.lessons().stats)
        out.feedback = FeedbackCounts.model_validate(stats["feedback"])
    return out


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics_prometheus(services: ServicesDep) -> PlainTextResponse:
    """Prometheus text exposition format."""
    m = await collect(services)
    lines = [
        "# HELP venom_uptime_seconds Seconds since the backend started.",
        "# TYPE venom_uptime_seconds gauge",
        f"venom_uptime_seconds {m['uptime_seconds']}",
        "# HELP venom_tasks Tasks by status.",
        "# TYPE venom_tasks gauge",
    ]
    for status in ("pending", "processing", "completed", "failed", "cancelled"):
        lines.append(f'venom_tasks{{status="{status}"}} {m["tasks"][status]}')
    q = m["queue"]
    lines += [
        "# HELP venom_queue_active Tasks running now.", "# TYPE venom_queue_active gauge",
        f"venom_queue_active {q['active']}",
        "# HELP venom_queue_pending Tasks waiting to run.", "# TYPE venom_queue_pending gauge",
        f"venom_queue_pending {q['pending']}",
        "# HELP venom_queue_paused 1 when the queue is paused.", "# TYPE venom_queue_paused gauge",
        f"venom_queue_paused {int(q['paused'])}",
        "# HELP venom_events_total Events appended to the log.", "# TYPE venom_events_total counter",
        f"venom_events_total {m['events']['last_gseq']}",
        "# HELP venom_event_subscribers Live event listeners.", "# TYPE venom_event_subscribers gauge",
        f"venom_event_subscribers {m['events']['subscribers']}",
    ]
    for key in ("duration_avg_ms", "first_token_avg_ms"):
        value = m["latency"].get(key)
        if value is not None:
            lines += [f"# TYPE venom_task_{key} gauge", f"venom_task_{key} {value:.3f}"]
    if services.usage is not None:
        lines += await token_lines(services.usage)
    return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


async def token_lines(ledger: UsageLedger) -> list[str]:
    """Token counters per provider and model (the same sums as `/api/v1/metrics/tokens`)."""
    totals = await ledger.totals()
    lines: list[str] = []
    for kind in ("prompt", "completion"):
        lines += [f"# HELP venom_llm_{kind}_tokens_total {kind.capitalize()} tokens of model calls.",
                  f"# TYPE venom_llm_{kind}_tokens_total counter"]
        for t in totals:
            value = t.prompt_tokens if kind == "prompt" else t.completion_tokens
            lines.append(f'venom_llm_{kind}_tokens_total{{provider="{_label(t.provider)}",model="{_label(t.model)}"}} '
                         f"{value}")
    lines += ["# HELP venom_llm_calls_total Model calls.", "# TYPE venom_llm_calls_total counter"]
    lines += [f'venom_llm_calls_total{{provider="{_label(t.provider)}",model="{_label(t.model)}"}} {t.calls}'
              for t in totals]
    return lines
