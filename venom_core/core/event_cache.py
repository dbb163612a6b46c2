"""Committed events of recent tasks, kept in memory so hot reads never touch storage.

A client usually opens a task's SSE stream, or reads the task, right after submitting it, often
after the task (a fast path) has already finished. Serving those reads from memory saves several
storage round trips per request. Only tasks created by this process are cached, from their first
event, so a cached history is always complete; anything else falls back to storage. Events enter
the cache after they are committed, in the same step that publishes them, so the cache never
holds an event a crash could take back.
"""

from __future__ import annotations

from collections import OrderedDict

from venom_core.core.models import Event, EventType, Task


class EventCache:
    """Per-task committed events (live tasks, plus the last `keep_finished` finished ones)."""

    def __init__(self, *, keep_finished: int = 512, max_events_per_task: int = 20_000):
        self.keep_finished = keep_finished
        self.max_events = max_events_per_task
        self._events: dict[str, list[Event]] = {}
        self._finished: OrderedDict[str, Task] = OrderedDict()

    def committed(self, event: Event) -> None:
        """Record one stored event (in `gseq` order)."""
        if event.task_id is None:
            return
        if event.type == EventType.TASK_CREATED and event.seq == 1:
            if self.max_events > 0:
                self._events[event.task_id] = [event]
            return
        events = self._events.get(event.task_id)
        if events is None:
            return
        if len(events) >= self.max_events:  # a huge history: storage serves it instead
            del self._events[event.task_id]
            return
        events.append(event)

    def finished(self, task: Task) -> None:
        """Keep a finished task's final record; forget the oldest beyond the bound."""
        self._finished[task.id] = task
        self._finished.move_to_end(task.id)
        while len(self._finished) > self.keep_finished:
            old, _ = self._finished.popitem(last=False)
            self._events.pop(old, None)

    def forget(self, task_id: str) -> None:
        """Drop a task whose later events another process writes (its history here would stop)."""
        self._events.pop(task_id, None)
        self._finished.pop(task_id, None)

    def task(self, task_id: str) -> Task | None:
        return self._finished.get(task_id)

    def events(self, task_id: str, after_seq: int) -> list[Event] | None:
        """Events after `after_seq`, or None when this task's history is not cached."""
        events = self._events.get(task_id)
        if events is None:
            return None
        return [e for e in events if e.seq > after_seq]
