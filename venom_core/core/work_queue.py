"""The work queue behind a small interface. The embedded default is an asyncio worker pool.

The queue only schedules task ids. It knows nothing of what running a task means: `serve(runner)`
is the consumer, started with the app, and while it runs each id is started with `runner`
(`TaskRunner.run`) as soon as a slot is free. Pending ids are kept in submission order; at most
`limit` run at once. Because the queue is built before the runner and receives it only as the
argument of `serve`, the two are built bottom-up with no back-reference set between them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

Runner = Callable[[str], Coroutine[Any, Any, None]]


class CancelReasons(Protocol):
    """What a running task may ask the queue: why it was cancelled (`aborted`, `shutdown`...)."""

    def cancel_reason(self, task_id: str) -> str | None: ...


class WorkQueue(CancelReasons, Protocol):
    @property
    def limit(self) -> int: ...

    @property
    def paused(self) -> bool: ...

    def submit(self, task_id: str) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def remove_pending(self) -> list[str]:
        """Drop every pending id and return them."""

    def discard(self, task_id: str) -> bool:
        """Drop one pending id; True if it was pending."""

    def cancel(self, task_id: str, reason: str) -> bool:
        """Cancel a running task; True if it was running. `reason` is readable by the runner."""

    async def wait_stopped(self, task_ids: list[str], within: float) -> None:
        """Wait (bounded) until these running tasks have finished their cancellation."""

    def pending_ids(self) -> list[str]: ...

    def active_ids(self) -> list[str]: ...

    async def serve(self, runner: Runner) -> None:
        """Run pending tasks with `runner` until cancelled (the app's consumer loop)."""

    async def stop(self) -> None: ...


class AsyncioWorkerPool:
    def __init__(self, limit: int):
        self.limit = limit
        self.paused = False
        self._pending: deque[str] = deque()
        self._active: dict[str, asyncio.Task[None]] = {}
        self._reasons: dict[str, str] = {}
        self._stopping = False
        # The consumer while `serve` runs (its argument, never set from outside): a free slot starts
        # the next task in the same step as the submit that filled it, so a fast task can finish
        # while its submission is still being committed.
        self._runner: Runner | None = None

    def submit(self, task_id: str) -> None:
        if task_id in self._active or task_id in self._pending:
            return
        self._pending.append(task_id)
        self._pump()

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self._pump()

    def remove_pending(self) -> list[str]:
        ids = list(self._pending)
        self._pending.clear()
        return ids

    def discard(self, task_id: str) -> bool:
        try:
            self._pending.remove(task_id)
        except ValueError:
            return False
        return True

    def cancel(self, task_id: str, reason: str) -> bool:
        job = self._active.get(task_id)
        if job is None or job.done():
            return False
        self._reasons[task_id] = reason
        job.cancel()
        return True

    def cancel_reason(self, task_id: str) -> str | None:
        return self._reasons.get(task_id)

    async def wait_stopped(self, task_ids: list[str], within: float) -> None:
        jobs = [job for tid in task_ids if (job := self._active.get(tid)) is not None]
        if jobs:
            await asyncio.wait(jobs, timeout=within)

    def pending_ids(self) -> list[str]:
        return list(self._pending)

    def active_ids(self) -> list[str]:
        return list(self._active)

    async def serve(self, runner: Runner) -> None:
        if self._runner is not None:
            raise RuntimeError("the work queue is already being served")
        self._runner = runner
        try:
            self._pump()  # what was submitted before the loop started (recovery runs after it)
            await asyncio.Event().wait()  # until cancelled: stop_services ends the loop
        finally:
            self._runner = None

    def _pump(self) -> None:
        runner = self._runner
        while (runner is not None and not self.paused and not self._stopping and self._pending
               and len(self._active) < self.limit):
            task_id = self._pending.popleft()
            job: asyncio.Task[None] = asyncio.create_task(runner(task_id), name=f"task-{task_id}")
            self._active[task_id] = job
            job.add_done_callback(self._on_done(task_id))

    def _on_done(self, task_id: str) -> Callable[[asyncio.Task[None]], None]:
        return lambda _job: self._finished(task_id)

    def _finished(self, task_id: str) -> None:
        self._active.pop(task_id, None)
        self._reasons.pop(task_id, None)
        self._pump()

    async def stop(self) -> None:
        """Shutdown: running tasks are cancelled without a verdict; recovery resolves them."""
        self._stopping = True
        jobs = list(self._active.values())
        for tid, job in list(self._active.items()):
            self._reasons[tid] = "shutdown"
            job.cancel()
        if jobs:
            await asyncio.gather(*jobs, return_exceptions=True)
