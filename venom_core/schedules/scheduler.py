"""The scheduler: fires each due schedule's run as an ordinary task, once, on whichever instance.

The loop sleeps until the earliest `next_run_at` (at most `poll_seconds`, so a schedule another
instance added is seen), or until a local edit wakes it. A run is claimed in storage before its
task is submitted (see `ScheduleStore.claim`), so two instances ticking at the same moment fire
it once. A run that is more than `MISSED_AFTER` late was missed while Venom was down; its
schedule's `catch_up` decides: `once` fires one run for the newest missed time, `skip` records
a skipped run and waits for the next time. Either way a schedule never fires a burst.

The clock is a constructor argument, so the tests move time instead of waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from loguru import logger

from venom_core.core.errors import VenomError
from venom_core.core.models import Task, utcnow
from venom_core.schedules.cron import latest_due, next_after
from venom_core.schedules.store import CatchUp, RunStatus, Schedule, ScheduleRun, ScheduleStore, Trigger, new_id

Submit = Callable[[str, dict[str, Any]], Awaitable[Task]]
Clock = Callable[[], datetime]
MISSED_AFTER = timedelta(seconds=90)


class ScheduleNotFound(VenomError):
    status = 404

    def __init__(self, schedule_id: str):
        super().__init__("schedule_not_found", f"There is no schedule with id {schedule_id}.")


class Scheduler:
    def __init__(self, store: ScheduleStore, submit: Submit, *, clock: Clock = utcnow, poll_seconds: float = 30.0):
        self.store = store
        self.submit = submit
        self.clock = clock
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    # -- editing -------------------------------------------------------------------------------
    async def create(self, *, name: str, cron: str, timezone: str, content: str, session_id: str | None,
                     enabled: bool, catch_up: CatchUp) -> Schedule:
        now = self.clock()
        s = Schedule(new_id(), name, cron, timezone, content, session_id, enabled, catch_up,
                     next_after(cron, timezone, now) if enabled else None, now, now)
        await self.store.add(s)
        self._wake.set()
        return s

    async def get(self, schedule_id: str) -> Schedule:
        s = await self.store.get(schedule_id)
        if s is None:
            raise ScheduleNotFound(schedule_id)
        return s

    async def update(self, schedule_id: str, changes: dict[str, Any]) -> Schedule:
        """Apply `changes` (checked fields of `Schedule`); the next run is counted from now, so
        enabling an old schedule or changing its timetable never fires the times in between."""
        s = replace(await self.get(schedule_id), **changes, updated_at=self.clock())
        s = replace(s, next_run_at=next_after(s.cron, s.timezone, self.clock()) if s.enabled else None)
        if not await self.store.save(s):
            raise ScheduleNotFound(schedule_id)
        self._wake.set()
        return s

    async def delete(self, schedule_id: str) -> None:
        if not await self.store.delete(schedule_id):
            raise ScheduleNotFound(schedule_id)

    async def run_now(self, schedule_id: str) -> ScheduleRun:
        """One run outside the timetable; the timetable is unchanged."""
        s = await self.get(schedule_id)
        now = self.clock()
        run = ScheduleRun(new_id(), s.id, now, now, "manual", "claimed", None, None)
        await self.store.add_run(run)
        return await self._submit(s, run)

    # -- firing --------------------------------------------------------------------------------
    async def tick(self) -> list[ScheduleRun]:
        """Fire every run that is due now; the runs this instance fired (or skipped)."""
        now = self.clock()
        fired: list[ScheduleRun] = []
        for s in await self.store.due(now):
            run = await self._fire(s, now)
            if run is not None:
                fired.append(run)
        return fired

    async def _fire(self, s: Schedule, now: datetime) -> ScheduleRun | None:
        assert s.next_run_at is not None  # due() returns enabled schedules with a next time
        due = s.next_run_at
        trigger: Trigger = "cron"
        status: RunStatus = "claimed"
        if now - due > MISSED_AFTER:
            due, trigger = latest_due(s.cron, s.timezone, due, now), "missed"
            status = "skipped" if s.catch_up == "skip" else "claimed"
        run = ScheduleRun(new_id(), s.id, due, now, trigger, status, None, None)
        if not await self.store.claim(s, next_after(s.cron, s.timezone, now), run):
            return None  # another instance fired it
        if status == "skipped":
            logger.info("schedule {} missed its run of {} while Venom was down: skipped", s.id, due.isoformat())
            return run
        return await self._submit(s, run)

    async def _submit(self, s: Schedule, run: ScheduleRun) -> ScheduleRun:
        request: dict[str, Any] = {"schedule_id": s.id}
        if s.session_id:
            request["session_id"] = s.session_id
        try:
            task = await self.submit(s.content, request)
        except Exception as exc:  # storage refusing new work, mostly: the run says why, the loop goes on
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            await self.store.finish_run(run.id, "failed", None, str(message)[:500])
            return replace(run, status="failed", error=str(message)[:500])
        await self.store.finish_run(run.id, "submitted", task.id, None)
        return replace(run, status="submitted", task_id=task.id)

    async def run(self) -> None:
        """The loop: tick, then sleep until the next due time, a local edit, or the poll interval."""
        while True:
            try:
                await self.tick()
                earliest = await self.store.earliest()
            except Exception:  # a storage fault: try again after the poll interval
                logger.opt(exception=True).bind(no_ws=True).warning("the scheduler could not read the schedules")
                earliest = None
            wait = self.poll_seconds
            if earliest is not None:
                wait = max(0.05, min(wait, (earliest - self.clock()).total_seconds()))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
