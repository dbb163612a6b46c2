"""The scheduler on each storage backend, with a clock the test moves: a run fires once however
many instances tick, schedules survive a restart, and missed runs follow `catch_up`.

Two schedulers over two storage connections to one database stand for two Venom instances. What
they submit is recorded by `Submitted` (in place of the task service, whose own tests cover it;
the API test in tests/inproc runs real tasks)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from venom_core.core.models import Task, TaskStatus
from venom_core.schedules.scheduler import Scheduler
from venom_core.schedules.store import ScheduleStore
from venom_core.storage.sql import SqlStorage

START = datetime(2026, 12, 2, 10, 0, 5, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Submitted:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, content: str, request: dict[str, Any]) -> Task:
        self.calls.append((content, request))
        return Task(id=f"task-{len(self.calls)}", content=content, status=TaskStatus.PENDING,
                    created_at=START, updated_at=START)


async def _instance(url: str, clock: Clock, submitted: Submitted) -> tuple[SqlStorage, Scheduler]:
    storage = SqlStorage(url)
    await storage.init()
    return storage, Scheduler(ScheduleStore(storage), submitted, clock=clock)


async def _two_instances_fire_once(url: str) -> None:
    clock, submitted = Clock(), Submitted()
    (sa, a), (sb, b) = await _instance(url, clock, submitted), await _instance(url, clock, submitted)
    s = await a.create(name="every minute", cron="* * * * *", timezone="UTC", content="status report",
                       session_id="s1", enabled=True, catch_up="once")
    for _ in range(5 * 6):  # five minutes, both ticking every ten seconds, at the same moments
        clock.now += timedelta(seconds=10)
        await asyncio.gather(a.tick(), b.tick())
    assert len(submitted.calls) == 5
    assert all(c == ("status report", {"schedule_id": s.id, "session_id": "s1"}) for c in submitted.calls)
    runs = await a.store.runs(s.id, 50)
    assert [r.trigger for r in runs] == ["cron"] * 5 and {r.status for r in runs} == {"submitted"}
    assert sorted(r.due_at.minute for r in runs) == [1, 2, 3, 4, 5]
    assert len({r.task_id for r in runs}) == 5
    await sa.close()
    await sb.close()

    # A restart: the schedule, its next time and its history are read back.
    storage, again = await _instance(url, clock, submitted)
    kept = await again.get(s.id)
    assert kept.cron == "* * * * *" and kept.next_run_at == datetime(2026, 12, 2, 10, 6, tzinfo=UTC)
    assert len(await again.store.runs(s.id, 50)) == 5
    await storage.close()


def test_two_instances_fire_each_run_once(database_url: str) -> None:
    asyncio.run(_two_instances_fire_once(database_url))


async def _missed_runs(url: str) -> None:
    clock, submitted = Clock(), Submitted()
    storage, sched = await _instance(url, clock, submitted)
    once = await sched.create(name="", cron="*/10 * * * *", timezone="UTC", content="once", session_id=None,
                              enabled=True, catch_up="once")
    skip = await sched.create(name="", cron="*/10 * * * *", timezone="UTC", content="skip", session_id=None,
                              enabled=True, catch_up="skip")
    clock.now += timedelta(hours=3)  # Venom was down: 18 runs of each were missed
    fired = await sched.tick()
    assert sorted((r.schedule_id == once.id, r.trigger, r.status) for r in fired) == [
        (False, "missed", "skipped"), (True, "missed", "submitted")]
    assert [c[0] for c in submitted.calls] == ["once"]  # one run, never a burst
    assert all(r.due_at == datetime(2026, 12, 2, 13, 0, tzinfo=UTC) for r in fired)  # the newest missed time
    assert await sched.tick() == []
    after = (await sched.get(skip.id)).next_run_at
    assert after == datetime(2026, 12, 2, 13, 10, tzinfo=UTC)
    await storage.close()


def test_missed_runs_follow_catch_up(database_url: str) -> None:
    asyncio.run(_missed_runs(database_url))


async def _edits(url: str) -> None:
    clock, submitted = Clock(), Submitted()
    storage, sched = await _instance(url, clock, submitted)
    s = await sched.create(name="", cron="0 * * * *", timezone="UTC", content="x", session_id=None,
                           enabled=False, catch_up="once")
    assert s.next_run_at is None
    clock.now += timedelta(days=2)
    assert await sched.tick() == []  # disabled: nothing fires
    s = await sched.update(s.id, {"enabled": True})
    assert s.next_run_at == datetime(2026, 12, 4, 11, 0, tzinfo=UTC)  # counted from now: no missed runs
    run = await sched.run_now(s.id)
    assert (run.trigger, run.status) == ("manual", "submitted") and len(submitted.calls) == 1
    assert (await sched.get(s.id)).next_run_at == s.next_run_at  # a manual run leaves the timetable alone
    await sched.delete(s.id)
    assert await sched.store.runs(s.id, 10) == []
    await storage.close()


def test_enabling_counts_from_now_and_run_now_keeps_the_timetable(database_url: str) -> None:
    asyncio.run(_edits(database_url))


async def _submit_fails(url: str) -> None:
    clock = Clock()

    async def refuse(content: str, request: dict[str, Any]) -> Task:
        raise RuntimeError("the disk is full")

    storage = SqlStorage(url)
    await storage.init()
    sched = Scheduler(ScheduleStore(storage), refuse, clock=clock)
    s = await sched.create(name="", cron="* * * * *", timezone="UTC", content="x", session_id=None, enabled=True,
                           catch_up="once")
    clock.now += timedelta(minutes=1)
    [run] = await sched.tick()
    assert run.status == "failed" and run.error is not None and "disk is full" in run.error
    assert (await sched.store.runs(s.id, 5))[0].status == "failed"
    assert (await sched.get(s.id)).next_run_at == datetime(2026, 12, 2, 10, 2, tzinfo=UTC)  # the loop goes on
    await storage.close()


def test_a_failed_submission_is_recorded_and_the_timetable_goes_on(database_url: str) -> None:
    asyncio.run(_submit_fails(database_url))
