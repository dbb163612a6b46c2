"""The append-only event log: the spine every view is derived from.

`append` is synchronous: it numbers the event (`seq` per task, `gseq` globally), folds it into
the live task record, publishes it to listeners at once and queues it for the writer. The
writer commits queued events and the task rows they changed in batches, one transaction per
batch. `commit()` waits until everything appended so far is durable; the pipeline uses it
where a promise is made to a client (task accepted, task finished).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from typing import Any

from loguru import logger

from venom_core.core import projection
from venom_core.core.fanout import EventBus
from venom_core.core.models import Event, EventType, Task, utcnow
from venom_core.storage.base import Storage


def _snapshot(task: Task) -> Task:
    snap = copy.copy(task)
    snap.logs = list(task.logs)
    snap.context = dict(task.context)
    return snap


class EventLog:
    def __init__(self, storage: Storage, bus: EventBus, flush_interval: float = 0.01):
        self.storage = storage
        self.bus = bus
        self.flush_interval = flush_interval
        self._gseq = 0
        self._durable_gseq = 0
        self._live: dict[str, Task] = {}
        self._pending: list[Event] = []
        self._inflight: list[Event] = []
        self._dirty: dict[str, Task] = {}
        self._wake = asyncio.Event()
        self._urgent = False
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.write_errors = 0

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        self._gseq = self._durable_gseq = await self.storage.max_gseq()
        self._writer = asyncio.create_task(self._write_loop(), name="event-log-writer")

    async def stop(self) -> None:
        if self._writer is None:
            return
        await self.commit()
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        self._writer = None

    @property
    def last_gseq(self) -> int:
        return self._gseq

    # -- writing -----------------------------------------------------------------------------
    def append(
        self,
        task_id: str | None,
        type: str,
        *,
        message: str = "",
        agent: str | None = None,
        data: dict[str, Any] | None = None,
        persist: bool = True,
    ) -> Event:
        """Append one event. Task events require the task to be live (see `load_task`)."""
        seq = 0
        task: Task | None = None
        if task_id is not None:
            task = self._live.get(task_id)
            if task is None and type != EventType.TASK_CREATED:
                raise KeyError(f"task {task_id} is not loaded")
            seq = (task.last_seq if task else 0) + 1
        self._gseq += 1
        event = Event(
            gseq=self._gseq,
            task_id=task_id,
            seq=seq,
            type=type,
            timestamp=utcnow(),
            agent=agent,
            message=message,
            data=data or {},
        )
        if task_id is not None:
            if task is None:
                task = projection.new_task(event)
                self._live[task_id] = task
            else:
                projection.apply(task, event)
            self._dirty[task_id] = task
        if persist:
            self._pending.append(event)
            self._wake.set()
        elif not self._pending and not self._inflight:
            self._durable_gseq = event.gseq
        self.bus.publish(event)
        return event

    async def commit(self) -> None:
        """Wait until every event appended so far is stored."""
        target = self._gseq
        if self._durable_gseq >= target or (not self._pending and not self._inflight):
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((target, fut))
        self._urgent = True
        self._wake.set()
        await fut

    async def _write_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._urgent and self.flush_interval > 0:
                await asyncio.sleep(self.flush_interval)
            self._urgent = False
            if not self._pending:
                self._settle(self._gseq)
                continue
            batch, self._pending = self._pending, []
            self._inflight = batch
            tasks = [_snapshot(t) for t in self._dirty.values()]
            self._dirty = {}
            try:
                await self.storage.write_batch(batch, tasks)
            except Exception:
                self.write_errors += 1
                logger.exception("event log write failed; retrying")
                self._pending = batch + self._pending
                for t in tasks:
                    live = self._live.get(t.id)
                    if live is not None:
                        self._dirty.setdefault(t.id, live)
                self._inflight = []
                await asyncio.sleep(0.5)
                self._wake.set()
                continue
            self._inflight = []
            self._settle(batch[-1].gseq if not self._pending else self._pending[0].gseq - 1)
            # Finished tasks need not stay in memory once their last event is stored.
            for t in tasks:
                live = self._live.get(t.id)
                if live is not None and live.terminal and t.id not in self._dirty:
                    del self._live[t.id]
            if self._pending:
                self._wake.set()

    def _settle(self, durable: int) -> None:
        self._durable_gseq = max(self._durable_gseq, durable)
        keep: list[tuple[int, asyncio.Future[None]]] = []
        for target, fut in self._waiters:
            if target <= self._durable_gseq or (not self._pending and not self._inflight):
                if not fut.done():
                    fut.set_result(None)
            else:
                keep.append((target, fut))
        self._waiters = keep

    # -- reading -----------------------------------------------------------------------------
    def live_task(self, task_id: str) -> Task | None:
        return self._live.get(task_id)

    def live_tasks(self) -> list[Task]:
        return list(self._live.values())

    async def load_task(self, task_id: str) -> Task | None:
        """The current record: the live one if any, else the stored one (made live if open)."""
        task = self._live.get(task_id)
        if task is not None:
            return task
        stored = await self.storage.get_task(task_id)
        if stored is None:
            return None
        task = self._live.get(task_id)  # appended while we awaited
        if task is not None:
            return task
        if not stored.terminal:
            self._live[task_id] = stored
        return stored

    async def read_task(self, task_id: str, after_seq: int = 0) -> list[Event]:
        """Events of one task after `after_seq`, stored or not yet stored, in order."""
        in_memory = [e for e in (*self._inflight, *self._pending) if e.task_id == task_id and e.seq > after_seq]
        stored = await self.storage.read_task_events(task_id, after_seq)
        seen = {e.seq for e in stored}
        merged = stored + [e for e in in_memory if e.seq not in seen]
        merged.sort(key=lambda e: e.seq)
        return merged

    async def read_global(self, after_gseq: int, limit: int = 1000) -> list[Event]:
        in_memory = [e for e in (*self._inflight, *self._pending) if e.gseq > after_gseq]
        stored = await self.storage.read_events(after_gseq, limit)
        seen = {e.gseq for e in stored}
        merged = stored + [e for e in in_memory if e.gseq not in seen]
        merged.sort(key=lambda e: e.gseq)
        return merged[:limit]
