"""Turn one task's events into SSE frames, with resume and coalescing. Push-based: no polling.

The listener subscribes BEFORE reading history, then drops live events it already replayed
(by `seq`), so nothing is lost or repeated. Only `task_update` frames carry an `id:`, the last
`seq` they cover, so the ids a client sees are unique and increasing. `heartbeat` and
`task_finished` carry none (a frame without `id:` leaves the client's Last-Event-ID as it was):
the terminal event is folded into the last `task_update`, and a client that resumes after it
gets just `task_finished` again.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

from venom_core.core.event_log import EventLog
from venom_core.core.models import TERMINAL_EVENTS, Event, EventType, TaskStatus, iso, utcnow
from venom_core.core.projection import sum_usage

_STATUS = {
    EventType.TASK_CREATED: TaskStatus.PENDING,
    EventType.TASK_STARTED: TaskStatus.PROCESSING,
    EventType.TASK_REQUEUED: TaskStatus.PENDING,
    EventType.TASK_COMPLETED: TaskStatus.COMPLETED,
    EventType.TASK_FAILED: TaskStatus.FAILED,
    EventType.TASK_ABORTED: TaskStatus.CANCELLED,
}
_NO_LOG = frozenset({EventType.TASK_STREAM, EventType.TRACE_STEP})


@dataclass
class _View:
    """The task as far as the client has been told."""

    task_id: str
    status: str = TaskStatus.PENDING.value
    result: str = ""
    seq: int = 0
    error: dict[str, Any] | None = None
    runtime: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, Any] | None = None  # the tokens of the task's model calls so far
    finished: bool = False

    def fold(self, event: Event) -> tuple[list[str], str, bool]:
        """Apply one event; return (new log lines, new text, status changed)."""
        self.seq = event.seq
        logs: list[str] = []
        delta = ""
        changed = False
        status = _STATUS.get(event.type)  # type: ignore[call-overload]
        if status is not None and status.value != self.status:
            self.status = status.value
            changed = True
        if event.type == EventType.TASK_STREAM:
            delta = str(event.data.get("delta", ""))
            self.result += delta
        elif event.type == EventType.TASK_REQUEUED:
            self.result = ""
        elif event.type == EventType.TASK_COMPLETED and "result" in event.data:
            final = str(event.data["result"])
            if final.startswith(self.result):
                delta = final[len(self.result):]
            self.result = final
        if event.type in (EventType.TASK_FAILED, EventType.TASK_ABORTED):
            self.error = event.data.get("error")
        elif event.type == EventType.LLM_USAGE and isinstance(event.data.get("call"), dict):
            self.usage = sum_usage(self.usage, event.data["call"])
        ctx = event.data.get("context")
        if isinstance(ctx, dict) and isinstance(ctx.get("llm_runtime"), dict):
            self.runtime = ctx["llm_runtime"]
        if event.message and event.type not in _NO_LOG:
            logs.append(event.message)
        if event.type in TERMINAL_EVENTS:
            self.finished = True
        return logs, delta, changed

    def payload(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "status": self.status,
            "result": self.result,
            "timestamp": iso(utcnow()),
            "llm_provider": self.runtime.get("provider"),
            "llm_model": self.runtime.get("model"),
            "llm_endpoint": self.runtime.get("endpoint"),
            "llm_status": self.runtime.get("status"),
        }


def sse_frame(event: str, data: dict[str, Any], event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _update_frame(view: _View, events: list[Event]) -> str | None:
    logs: list[str] = []
    delta = ""
    changed = False
    for ev in events:
        new_logs, new_text, status_changed = view.fold(ev)
        logs += new_logs
        delta += new_text
        changed = changed or status_changed
    if not (logs or delta or changed):
        return None
    return sse_frame("task_update", {**view.payload(), "logs": logs, "delta": delta, "seq": view.seq}, view.seq)


def _finished_frame(view: _View) -> str:
    return sse_frame("task_finished", {**view.payload(), "error": view.error, "usage": view.usage,
                                       "seq": view.seq})


def missing_frame(task_id: str) -> str:
    return sse_frame(
        "task_missing",
        {"task_id": task_id, "timestamp": iso(utcnow()), "event": "gone",
         "detail": f"There is no task with id {task_id}."},
    )


class FinalFrame(str):
    """The last chunk of a stream: it goes out together with the end of the response."""


async def task_frames(
    log: EventLog, task_id: str, after_seq: int, heartbeat: float
) -> AsyncGenerator[str, None]:
    """SSE frames of one task from `after_seq` on, until it finishes.

    The first chunk is always the replay of what the client has not seen (possibly empty), so a
    caller can look at it without waiting for live events; if the task is over by then, it is a
    `FinalFrame` and nothing follows. Frames are coalesced by draining: whatever arrived while
    the previous frame was being written goes out as one frame, so a slow client gets fewer,
    larger frames.
    """
    sub = log.bus.subscribe(lambda e: e.task_id == task_id, maxsize=10_000)
    try:
        if await log.load_task(task_id) is None:
            yield FinalFrame(missing_frame(task_id))
            return
        view = _View(task_id)
        history = await log.read_task(task_id, 0)
        for ev in history:
            if ev.seq <= after_seq:
                view.fold(ev)
        frame = _update_frame(view, [ev for ev in history if ev.seq > after_seq]) or ""
        if view.finished:
            yield FinalFrame(frame + _finished_frame(view))
            return
        yield frame
        while True:
            try:
                first = await asyncio.wait_for(sub.queue.get(), timeout=heartbeat)
            except TimeoutError:
                yield sse_frame("heartbeat", {**view.payload(), "logs": []})
                continue
            if first is None:  # this listener fell behind: resubscribe and resync from the log
                log.bus.unsubscribe(sub)
                sub = log.bus.subscribe(lambda e: e.task_id == task_id, maxsize=10_000)
                batch = await log.read_task(task_id, view.seq)
            else:
                batch = [first]
                while not sub.queue.empty():
                    nxt = sub.queue.get_nowait()
                    if nxt is not None:
                        batch.append(nxt)
            frame = _update_frame(view, [ev for ev in batch if ev.seq > view.seq]) or ""
            if view.finished:
                yield FinalFrame(frame + _finished_frame(view))
                return
            if frame:
                yield frame
    finally:
        log.bus.unsubscribe(sub)
