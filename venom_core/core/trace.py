"""The request trace, derived from a task's events (no separate trace store)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from venom_core.core.models import Event, EventType, Task, iso

# Event type -> (component, action) of the reference's trace vocabulary.
_STEP_NAMES: dict[str, tuple[str, str]] = {
    EventType.TASK_CREATED: ("User", "submit_request"),
    EventType.TASK_QUEUED: ("Queue", "queued"),
    EventType.TASK_STARTED: ("Orchestrator", "start_processing"),
    EventType.TASK_REQUEUED: ("Recovery", "requeued"),
    EventType.AGENT_THOUGHT: ("Orchestrator", "thought"),
    EventType.AGENT_ACTION: ("Agent", "action"),
    EventType.TOOL_USAGE: ("Tool", "call"),
    EventType.PLAN_CREATED: ("Architect", "plan_created"),
    EventType.PLAN_STEP_STARTED: ("Architect", "step_started"),
    EventType.PLAN_STEP_COMPLETED: ("Architect", "step_completed"),
    EventType.TASK_COMPLETED: ("Orchestrator", "complete"),
    EventType.TASK_FAILED: ("Orchestrator", "fail"),
    EventType.TASK_ABORTED: ("Queue", "abort"),
}


def trace_steps(events: list[Event]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Steps of the trace, and streaming figures (chunks are summarised, not listed)."""
    steps: list[dict[str, Any]] = []
    chunks = 0
    first_chunk: Event | None = None
    start = events[0].timestamp if events else None
    for ev in events:
        if ev.type == EventType.TASK_STREAM:
            chunks += 1
            if first_chunk is None:
                first_chunk = ev
                steps.append(_step(ev, start, "LLM", "first_token", "ok", {"preview": ev.data.get("delta", "")[:80]}))
            continue
        if ev.type == EventType.TRACE_STEP:
            if ev.data.get("component") == "Context":
                continue
            steps.append(_step(ev, start, str(ev.data.get("component", "")), str(ev.data.get("action", "")),
                               str(ev.data.get("status", "ok")), ev.data.get("details") or {}))
            continue
        component, action = _STEP_NAMES.get(ev.type, (ev.agent or "System", ev.type.lower()))
        status = "error" if ev.type in (EventType.TASK_FAILED, EventType.TOOL_CALL_FAILED) else "ok"
        details = {k: v for k, v in ev.data.items() if k not in ("context", "request", "content")}
        if ev.message:
            details = {"message": ev.message, **details}
        steps.append(_step(ev, start, ev.agent or component, action, status, details))
    streaming = {
        "chunk_count": chunks,
        "first_chunk_ms": _ms(start, first_chunk.timestamp) if first_chunk and start else None,
    }
    return steps, streaming


def _ms(a: datetime, b: datetime) -> float:
    return round((b - a).total_seconds() * 1000, 3)


def _step(
    ev: Event, start: datetime | None, component: str, action: str, status: str, details: dict[str, Any]
) -> dict[str, Any]:
    return {
        "seq": ev.seq,
        "component": component,
        "action": action,
        "status": status,
        "details": details,
        "timestamp": iso(ev.timestamp),
        "elapsed_ms": _ms(start, ev.timestamp) if start else 0.0,
    }


def trace_summary(task: Task) -> dict[str, Any]:
    runtime = task.context.get("llm_runtime") or {}
    error = task.error or {}
    duration = (task.finished_at - task.created_at).total_seconds() if task.finished_at else None
    return {
        "request_id": task.id,
        "prompt": task.content[:500],
        "status": task.status.value,
        "session_id": task.session_id,
        "created_at": iso(task.created_at),
        "finished_at": iso(task.finished_at) if task.finished_at else None,
        "duration_seconds": duration,
        "llm_provider": runtime.get("provider"),
        "llm_model": runtime.get("model"),
        "llm_endpoint": runtime.get("endpoint"),
        "forced_tool": task.request.get("forced_tool"),
        "forced_provider": task.request.get("forced_provider"),
        "forced_intent": task.request.get("forced_intent"),
        "intent": task.context.get("intent"),
        "error_code": error.get("code"),
        "error_message": error.get("message"),
        "error_stage": error.get("stage"),
        "error_retryable": error.get("retryable"),
        "result": task.result[:2000],
    }
