"""Fold events into the task record. The task row is only ever changed through this function."""

from __future__ import annotations

from typing import Any

from venom_core.core.models import Event, EventType, Task, TaskStatus

_STATUS_BY_EVENT: dict[str, TaskStatus] = {
    EventType.TASK_STARTED: TaskStatus.PROCESSING,
    EventType.TASK_COMPLETED: TaskStatus.COMPLETED,
    EventType.TASK_FAILED: TaskStatus.FAILED,
    EventType.TASK_ABORTED: TaskStatus.CANCELLED,
    EventType.TASK_REQUEUED: TaskStatus.PENDING,
}

# Events whose `message` is not a human log line.
_UNLOGGED = frozenset({EventType.TASK_STREAM, EventType.TRACE_STEP, EventType.LLM_USAGE})


def new_task(event: Event) -> Task:
    """Build the record from a TASK_CREATED event."""
    data = event.data
    request: dict[str, Any] = dict(data.get("request") or {})
    task = Task(
        id=str(event.task_id),
        content=str(data.get("content", "")),
        status=TaskStatus.PENDING,
        created_at=event.timestamp,
        updated_at=event.timestamp,
        request=request,
        session_id=request.get("session_id"),
        context=dict(data.get("context") or {}),
    )
    task.last_seq = event.seq
    if event.message:
        task.logs.append(event.message)
    return task


def apply(task: Task, event: Event) -> None:
    """Apply one event of this task to its record, in place."""
    task.last_seq = event.seq
    task.updated_at = event.timestamp
    data = event.data
    status = _STATUS_BY_EVENT.get(event.type)
    if status is not None:
        task.status = status
    if event.type == EventType.TASK_STARTED:
        task.started_at = event.timestamp
    elif event.type == EventType.TASK_STREAM:
        delta = str(data.get("delta", ""))
        if delta:
            if not task.streamed:
                task.first_token_at = event.timestamp
            task.result += delta
            task.streamed = True
    elif event.type == EventType.TASK_REQUEUED:
        task.result = ""
        task.error = None
        task.started_at = None
    elif event.type == EventType.TASK_COMPLETED:
        if "result" in data:
            task.result = str(data["result"])
        task.finished_at = event.timestamp
    elif event.type in (EventType.TASK_FAILED, EventType.TASK_ABORTED):
        task.error = dict(data.get("error") or {})
        task.finished_at = event.timestamp
    elif event.type == EventType.LLM_USAGE and isinstance(data.get("call"), dict):
        _add_usage(task, data["call"])
    ctx = data.get("context")
    if isinstance(ctx, dict):
        task.context.update(ctx)
    if event.message and event.type not in _UNLOGGED:
        task.logs.append(event.message)


def _add_usage(task: Task, call: dict[str, Any]) -> None:
    # Kept in the context, so the stored task row holds it with no new column.
    task.context["usage"] = sum_usage(task.context.get("usage"), call)


def sum_usage(usage: dict[str, Any] | None, call: dict[str, Any]) -> dict[str, Any]:
    """`usage` (the task's so far, or None) with one more model call added."""
    calls = [*((usage or {}).get("calls") or []),
             {k: call.get(k) for k in ("provider", "model", "prompt_tokens", "completion_tokens", "estimated")}]
    prompt = sum(int(c.get("prompt_tokens") or 0) for c in calls)
    completion = sum(int(c.get("completion_tokens") or 0) for c in calls)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
            "estimated": any(bool(c.get("estimated")) for c in calls), "calls": calls}
