"""Fold events into the task record: the one place in Python where a task's state is derived
from its events. The event log keeps the live records with it, and the SSE stream
(`task_stream`) folds its own copy with it to know what is new for its client."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from venom_core.core.models import Event, EventType, Task, TaskStatus

_STATUS_BY_EVENT: dict[str, TaskStatus] = {
    EventType.TASK_CREATED: TaskStatus.PENDING,
    EventType.TASK_STARTED: TaskStatus.PROCESSING,
    EventType.TASK_COMPLETED: TaskStatus.COMPLETED,
    EventType.TASK_FAILED: TaskStatus.FAILED,
    EventType.TASK_ABORTED: TaskStatus.CANCELLED,
    EventType.TASK_REQUEUED: TaskStatus.PENDING,
}

# Events whose `message` is not a human log line.
_UNLOGGED = frozenset({EventType.TASK_STREAM, EventType.TRACE_STEP, EventType.LLM_USAGE})


class Change(NamedTuple):
    """What one event changed, as a client following the task sees it."""

    log: str | None  # the event's log line, if it has one
    delta: str  # answer text added by this event
    status_changed: bool


def blank(task_id: str, at: datetime) -> Task:
    """A record with nothing folded into it yet (its TASK_CREATED event fills it in)."""
    return Task(id=task_id, content="", status=TaskStatus.PENDING, created_at=at, updated_at=at)


def new_task(event: Event) -> Task:
    """Build the record from a TASK_CREATED event."""
    task = blank(str(event.task_id), event.timestamp)
    apply(task, event)
    return task


def apply(task: Task, event: Event) -> Change:
    """Apply one event of this task to its record, in place; say what changed."""
    task.last_seq = event.seq
    task.updated_at = event.timestamp
    data = event.data
    delta = ""
    status = _STATUS_BY_EVENT.get(event.type)
    changed = status is not None and status is not task.status
    if status is not None:
        task.status = status
    if event.type == EventType.TASK_CREATED:
        request: dict[str, Any] = dict(data.get("request") or {})
        task.content = str(data.get("content", ""))
        task.request = request
        task.session_id = request.get("session_id")
        task.created_at = event.timestamp
    elif event.type == EventType.TASK_STARTED:
        task.started_at = event.timestamp
    elif event.type == EventType.TASK_STREAM:
        delta = str(data.get("delta", ""))
        if delta:
            if not task.streamed:
                task.first_token_at = event.timestamp
            task.result += delta
            task.streamed = True
    elif event.type == EventType.TASK_REQUEUED:
        task.context.pop("citations", None)  # the next run retrieves again
        task.result = ""
        task.error = None
        task.started_at = None
    elif event.type == EventType.TASK_COMPLETED:
        if "result" in data:
            final = str(data["result"])
            # The final text normally extends what was streamed; the rest is new to a follower.
            if final.startswith(task.result):
                delta = final[len(task.result):]
            task.result = final
        if data.get("citations"):
            # Kept in the context, so the stored task row holds them with no new column.
            task.context["citations"] = list(data["citations"])
        task.finished_at = event.timestamp
    elif event.type in (EventType.TASK_FAILED, EventType.TASK_ABORTED):
        task.error = dict(data.get("error") or {})
        task.finished_at = event.timestamp
    elif event.type == EventType.LLM_USAGE and isinstance(data.get("call"), dict):
        _add_usage(task, data["call"])
    ctx = data.get("context")
    if isinstance(ctx, dict):
        task.context.update(ctx)
    line = event.message if event.message and event.type not in _UNLOGGED else None
    if line is not None:
        task.logs.append(line)
    return Change(line, delta, changed)


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
