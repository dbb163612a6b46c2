"""The append-only event log: the spine every view is derived from.

`append` is synchronous: it numbers the event (`seq` per task, `gseq` globally), folds it into
the live task record and queues it for the writer. The writer commits queued events, and the
task rows they changed, in one transaction per batch ("group commit": a batch is whatever was
appended while the previous commit ran), and only then publishes them to listeners, in `gseq`
order. So a client never sees an event that a crash could take back, and a `seq` it has seen is
never reused. Events appended with `persist=False` (SYSTEM_LOG lines) ride in the same queue, so
their order is kept, but are not stored and take no `gseq` (it stays 0): a number a client saw
always names a stored event, also after a restart. `commit()` waits until everything appended
so far is durable.

Every event is checked against its type's payload model (`events.check`) before it takes a
number: an unknown type or a malformed payload raises `InvalidEvent` and nothing is appended.

With a shared PostgreSQL database (`tail` given), other processes write too. Then events reach
this process's listeners by one path, `_deliver`, strictly in `gseq` order and each once, whoever
wrote them: a committed batch of our own goes out at once when it follows the last number
delivered; anything else (a gap, a wake-up from the live tail) is read from the table after that
number. Numbers are handed out in commit order there (`storage/sql.py`), so once N is visible
every smaller number is too, and "after N" never skips an event that commits late. Events of
other processes also keep this process's cached histories and live records current.

When storage fails (disk full, read-only, damaged) the writer keeps the batch and retries until
it succeeds; meanwhile `fault` says why, `commit()` raises `StorageUnavailable` at once instead
of waiting, and new work is refused (`ensure_writable`). The first successful write clears it.
"""

import asyncio
import contextlib
import copy
from typing import Any

from loguru import logger

from venom_core.core import projection
from venom_core.core.event_cache import EventCache
from venom_core.core.events import Payload, check, payload_data
from venom_core.core.fanout import EventBus
from venom_core.core.live_tail import LiveTail
from venom_core.core.models import Event, EventType, Task, utcnow
from venom_core.storage.base import Storage, StorageUnavailable

# Retry delays of a failing write: quick at first, so health comes back soon after the fault.
RETRY_SECONDS = (0.25, 0.5, 1.0)
CATCH_UP_PAGE = 1000


def _snapshot(task: Task) -> Task:
    snap = copy.copy(task)
    snap.logs = list(task.logs)
    snap.context = dict(task.context)
    return snap


class EventLog:
    def __init__(self, storage: Storage, bus: EventBus, tail: LiveTail | None = None):
        self.storage = storage
        self.bus = bus
        self.tail = tail  # other writers' events (a shared database); None: this process alone writes
        self._gseq = 0
        # Stored events appended and committed so far, counted here: `commit()` waits on these, not
        # on gseq numbers, which a shared database hands out (ours are then not consecutive).
        self._appended = 0
        self._committed = 0
        self._live: dict[str, Task] = {}
        self.cache = EventCache()
        self._pending: list[Event] = []  # stored ones have gseq > 0
        self._dirty: dict[str, Task] = {}
        self._wake = asyncio.Event()
        self._waiters: list[tuple[int, asyncio.Future[None], bool]] = []  # (target, future, fail_fast)
        self._writer: asyncio.Task[None] | None = None
        self.write_errors = 0  # failed write attempts since start (a counter for metrics)
        self.fault: str | None = None  # why storage is failing now; None when writes succeed
        self._delivered = 0  # with a tail: the last gseq handed to listeners
        self._behind = asyncio.Event()  # with a tail: the table may hold events after `_delivered`
        self._followers: list[asyncio.Task[None]] = []

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        self._gseq = self._delivered = await self.storage.max_gseq()
        self._writer = asyncio.create_task(self._write_loop(), name="event-log-writer")
        if self.tail is not None:
            self._followers = [asyncio.create_task(self._catch_up_loop(), name="event-log-catch-up"),
                               asyncio.create_task(self.tail.run(self._offer, self._heard), name="event-log-tail")]

    async def stop(self) -> None:
        if self._writer is None:
            return
        try:
            await self.commit()
        except StorageUnavailable as exc:
            stored = sum(1 for e in self._pending if e.stored)
            logger.bind(no_ws=True).error("stopping with {} event(s) not stored: {}", stored, exc.reason)
        for job in (self._writer, *self._followers):
            job.cancel()
        for job in (self._writer, *self._followers):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await job
        self._writer = None
        self._followers = []
        if self.tail is not None:
            await self.tail.close()

    @property
    def last_gseq(self) -> int:
        """The newest number: appended here (SQLite), or delivered from the shared table."""
        return self._gseq if self.tail is None else self._delivered

    @property
    def healthy(self) -> bool:
        return self.fault is None

    def describe(self) -> dict[str, Any]:
        """The log's figures for the status document (`/api/v1/system/status`)."""
        return {"last_gseq": self.last_gseq, "write_errors": self.write_errors,
                "subscribers": self.bus.subscriber_count, "storage_fault": self.fault,
                # Where other instances' events come from: in-process (SQLite), redis, notify or poll.
                "live_tail": self.tail.mode if self.tail else "in-process",
                "live_tail_fault": self.tail.fault if self.tail else None}

    def ensure_writable(self) -> None:
        """Refuse new work while storage is failing, before anything is appended for it."""
        if self.fault is not None:
            raise StorageUnavailable(self.fault)

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
        """Append one event. Task events require the task to be live (see `load_task`).

        Raises `InvalidEvent` when `data` is not a payload of `type`, and `KeyError` when the
        task is not live; either way nothing was appended."""
        if data is None:
            data = {}
        check(type, data)
        seq = 0
        task: Task | None = None
        if task_id is not None:
            task = self._live.get(task_id)
            if task is None and type != EventType.TASK_CREATED:
                raise KeyError(f"task {task_id} is not loaded")
            seq = (task.last_seq if task else 0) + 1
        if persist:
            self._gseq += 1
            self._appended += 1
        event = Event(
            gseq=self._gseq if persist else 0,
            task_id=task_id,
            seq=seq,
            type=type,
            timestamp=utcnow(),
            agent=agent,
            message=message,
            data=data,
        )
        if task_id is not None:
            if task is None:
                task = projection.new_task(event)
                self._live[task_id] = task
            else:
                projection.apply(task, event)
            self._dirty[task_id] = task
        self._pending.append(event)
        self._wake.set()
        return event

    def emit(self, task_id: str | None, payload: Payload, *, message: str = "", agent: str | None = None,
             persist: bool = True) -> Event:
        """`append` with a typed payload: the type is the payload model's."""
        return self.append(task_id, payload.event_type, message=message, agent=agent, data=payload_data(payload),
                           persist=persist)

    async def commit(self, *, fail_fast: bool = True) -> None:
        """Wait until every event appended so far is stored (and published).

        While storage is failing this raises `StorageUnavailable` at once (a request must not
        hang on a full disk); `fail_fast=False` waits through the fault instead (background
        work that holds its slot until its events are safe)."""
        target = self._appended
        if self._committed >= target:
            return
        if fail_fast and self.fault is not None:
            raise StorageUnavailable(self.fault)
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((target, fut, fail_fast))
        await fut

    async def _write_loop(self) -> None:
        failures = 0
        while True:
            await self._wake.wait()
            # One turn of the loop lets whatever is already runnable append too (a submitted
            # task's first steps, other streams' tokens), so they share this commit.
            await asyncio.sleep(0)
            self._wake.clear()
            if not self._pending:
                continue
            batch, self._pending = self._pending, []
            tasks = [_snapshot(t) for t in self._dirty.values()]
            self._dirty = {}
            try:
                await self.storage.write_batch([e for e in batch if e.stored], tasks)
            except Exception as exc:
                self._write_failed(exc, failures)
                self._pending = batch + self._pending
                for t in tasks:
                    self._dirty.setdefault(t.id, self._live.get(t.id, t))
                await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                failures += 1
                self._wake.set()
                continue
            if self.fault is not None:
                logger.warning("storage works again after {} failed write(s); the kept events are stored",
                               failures)
                self.fault = None
            failures = 0
            if self.tail is None:
                for event in batch:
                    if event.stored:
                        self.cache.committed(event)
                    self.bus.publish(event)
            else:
                self._deliver(batch, from_table=False)
                self.tail.forward([e for e in batch if e.stored])
            self._committed += sum(1 for e in batch if e.stored)
            self._settle(self._committed)
            # A finished task leaves the live set once its last event is stored; its final
            # record stays in the cache for the reads that usually follow.
            for t in tasks:
                live = self._live.get(t.id)
                if live is not None and live.terminal and t.id not in self._dirty:
                    del self._live[t.id]
                    self.cache.finished(t)

    def _write_failed(self, exc: Exception, failures: int) -> None:
        self.write_errors += 1
        if isinstance(exc, StorageUnavailable):
            self.fault = exc.reason
        else:
            self.fault = f"The database refused a write ({type(exc).__name__}); the details are in the server log."
        # The first failure in full, then a reminder now and then: the log may be on the full disk.
        if failures == 0:
            logger.opt(exception=not isinstance(exc, StorageUnavailable)).bind(no_ws=True).error(
                "event log write failed, retrying until it works: {}", self.fault)
        elif failures % 100 == 0:
            logger.bind(no_ws=True).error("event log writes still failing ({} attempts): {}", failures, self.fault)
        # Requests waiting for this batch get their answer now, not when the disk is freed.
        keep: list[tuple[int, asyncio.Future[None], bool]] = []
        for target, fut, fail_fast in self._waiters:
            if fail_fast:
                if not fut.done():
                    fut.set_exception(StorageUnavailable(self.fault))
            else:
                keep.append((target, fut, fail_fast))
        self._waiters = keep

    def _settle(self, committed: int) -> None:
        keep: list[tuple[int, asyncio.Future[None], bool]] = []
        for target, fut, fail_fast in self._waiters:
            if target <= committed:
                if not fut.done():
                    fut.set_result(None)
            else:
                keep.append((target, fut, fail_fast))
        self._waiters = keep

    def hand_off(self, task_id: str) -> None:
        """The task runs in another process from now on (the shared work queue): forget this
        process's record and cached history of it, so reads come from storage, where its runner
        writes. Kept while it has events not yet stored."""
        if task_id in self._dirty or any(e.task_id == task_id for e in self._pending):
            return
        self._live.pop(task_id, None)
        self.cache.forget(task_id)

    # -- delivery with other writers (a tail) ----------------------------------------------------
    def _deliver(self, events: list[Event], *, from_table: bool) -> None:
        """Hand committed events to listeners in gseq order, each once.

        `from_table`: a read of the table after `_delivered`, complete up to its last event, so
        a jump in the numbers there is a hole (nothing will ever fill it), not a late commit.
        Anywhere else a jump means events in between are committed but not here yet: they, and
        what follows, are read from the table."""
        for event in events:
            if not event.stored:
                self.bus.publish(event)  # never stored, never replayed: as it comes
                continue
            if event.gseq <= self._delivered:
                continue
            if event.gseq != self._delivered + 1 and not from_table:
                self._behind.set()
                continue
            self._delivered = event.gseq
            # The cache holds the histories of tasks created here (bounded as they finish here);
            # another process's new task is not taken in, later events of ours are.
            if event.type != EventType.TASK_CREATED or event.task_id in self._live:
                self.cache.committed(event)
            self._follow(event)
            self.bus.publish(event)

    def _follow(self, event: Event) -> None:
        """Fold another process's event into our live record of its task, if we hold one."""
        task = self._live.get(event.task_id) if event.task_id is not None else None
        if task is None or event.seq <= task.last_seq:
            return  # not held here, or ours (already folded when it was appended)
        if event.seq > task.last_seq + 1:
            # Loaded from storage just before an event we did not fold: read it again when needed.
            if task.id not in self._dirty:
                del self._live[task.id]
            return
        projection.apply(task, event)
        if task.terminal and event.task_id not in self._dirty:
            del self._live[task.id]
            self.cache.finished(task)

    def _offer(self, events: list[Event]) -> None:
        self._deliver(events, from_table=False)

    def _heard(self, after: int | None) -> None:
        if after is None or after > self._delivered:
            self._behind.set()

    async def _catch_up_loop(self) -> None:
        while True:
            await self._behind.wait()
            self._behind.clear()
            while True:
                try:
                    page = await self.storage.read_events(self._delivered, CATCH_UP_PAGE)
                except Exception as exc:  # storage down: try again shortly
                    logger.bind(no_ws=True).warning("event catch-up read failed: {}", exc)
                    await asyncio.sleep(RETRY_SECONDS[-1])
                    self._behind.set()
                    break
                self._deliver(page, from_table=True)
                if len(page) < CATCH_UP_PAGE:
                    break

    # -- reading -----------------------------------------------------------------------------
    def live_task(self, task_id: str) -> Task | None:
        return self._live.get(task_id)

    def cached_task(self, task_id: str) -> Task | None:
        """The live record, or a recently finished one, without touching storage."""
        return self._live.get(task_id) or self.cache.task(task_id)

    def live_tasks(self) -> list[Task]:
        return list(self._live.values())

    async def load_task(self, task_id: str) -> Task | None:
        """The current record: the live one if any, else the stored one (made live if open)."""
        task = self.cached_task(task_id)
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
        """Stored events of one task after `after_seq`, in order. Subscribe first, then read: an
        event is published only after it is stored, so together they miss nothing."""
        cached = self.cache.events(task_id, after_seq)
        if cached is not None:
            return cached
        return await self.storage.read_task_events(task_id, after_seq)

    async def read_global(self, after_gseq: int, limit: int = 1000) -> list[Event]:
        return await self.storage.read_events(after_gseq, limit)
