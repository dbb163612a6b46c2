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
from typing import Any

from venom_core.core import projection
from venom_core.core.event_log import EventLog
from venom_core.core.models import Event, iso, utcnow


class _View:
    """The task as far as the client has been told: a record folded by `projection.apply`."""

    def __init__(self, task_id: str):
        self.task = projection.blank(task_id, utcnow())

    @property
    def seq(self) -> int:
        return self.task.last_seq

    @property
    def finished(self) -> bool:
        return self.task.terminal

    def fold(self, event: Event) -> projection.Change:
        return projection.apply(self.task, event)

    def payload(self) -> dict[str, Any]:
        task = self.task
        runtime = task.context.get("llm_runtime")
        if not isinstance(runtime, dict):
            runtime = {}
        return {
            "task_id": task.id,
            "status": task.status.value,
            "result": task.result,
            "timestamp": iso(utcnow()),
            "llm_provider": runtime.get("provider"),
            "llm_model": runtime.get("model"),
            "llm_endpoint": runtime.get("endpoint"),
            "llm_status": runtime.get("status"),
            "citations": task.context.get("citations") or [],
        }


def sse_frame(event: str, data: dict[str, Any], event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _update_frame(view: _View, events: list[Event]) -> str | None:
    logs: list[str] = []
    delta = ""
    changed = False
    for ev in events:
        change = view.fold(ev)
        if change.log is not None:
            logs.append(change.log)
        delta += change.delta
        changed = changed or change.status_changed
    if not (logs or delta or changed):
        return None
    return sse_frame("task_update", {**view.payload(), "logs": logs, "delta": delta, "seq": view.seq}, view.seq)


def _finished_frame(view: _View) -> str:
    return sse_frame("task_finished", {**view.payload(), "error": view.task.error,
                                       "usage": view.task.context.get("usage"), "seq": view.seq})


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
