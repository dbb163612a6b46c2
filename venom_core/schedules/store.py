"""Schedules and their runs in SQL, one unit of work per call (SQLite or PostgreSQL).

`claim` is how a run is fired exactly once however many instances tick: it moves the schedule's
`next_run_at` from the time it read to the next one with a compare-and-set and records the run in
the same transaction. Only one instance's update can match the old value; the others change
nothing and fire nothing. The unique (schedule, due time, trigger) index of the runs backs it up.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast

import sqlalchemy as sa

from venom_core.schedules.tables import schedule_runs, schedules
from venom_core.storage.sql import SqlStorage

CatchUp = Literal["once", "skip"]
Trigger = Literal["cron", "missed", "manual"]
RunStatus = Literal["claimed", "submitted", "skipped", "failed"]


def _naive(ts: datetime | None) -> datetime | None:
    return None if ts is None else ts.astimezone(UTC).replace(tzinfo=None)


def _aware(ts: datetime | None) -> datetime | None:
    return None if ts is None else ts.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Schedule:
    id: str
    name: str
    cron: str
    timezone: str
    content: str
    session_id: str | None
    enabled: bool
    catch_up: CatchUp
    next_run_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ScheduleRun:
    id: str
    schedule_id: str
    due_at: datetime
    fired_at: datetime
    trigger: Trigger
    status: RunStatus
    task_id: str | None
    error: str | None


def _schedule(row: Any) -> Schedule:
    return Schedule(row.id, row.name, row.cron, row.timezone, row.content, row.session_id, bool(row.enabled),
                    cast(CatchUp, row.catch_up), _aware(row.next_run_at), row.created_at.replace(tzinfo=UTC),
                    row.updated_at.replace(tzinfo=UTC))


def _run(row: Any) -> ScheduleRun:
    return ScheduleRun(row.id, row.schedule_id, row.due_at.replace(tzinfo=UTC), row.fired_at.replace(tzinfo=UTC),
                       cast(Trigger, row.trigger), cast(RunStatus, row.status), row.task_id, row.error)


def new_id() -> str:
    return uuid.uuid4().hex


class ScheduleStore:
    def __init__(self, storage: SqlStorage):
        self.storage = storage

    async def add(self, s: Schedule) -> None:
        row = {**_values(s), "id": s.id, "created_at": _naive(s.created_at)}
        await self.storage.run(lambda conn: conn.execute(schedules.insert(), [row]), write=True)

    async def save(self, s: Schedule) -> bool:
        """Write an edited schedule; False when it is gone."""
        stmt = schedules.update().where(schedules.c.id == s.id).values(**_values(s))
        return bool(await self.storage.run(lambda conn: conn.execute(stmt).rowcount, write=True))

    async def get(self, schedule_id: str) -> Schedule | None:
        query = sa.select(schedules).where(schedules.c.id == schedule_id)

        def read(conn: sa.Connection) -> Schedule | None:
            row = conn.execute(query).first()
            return None if row is None else _schedule(row)

        return await self.storage.run(read)

    async def listing(self) -> list[Schedule]:
        query = sa.select(schedules).order_by(schedules.c.created_at, schedules.c.id)
        return await self.storage.run(lambda conn: [_schedule(r) for r in conn.execute(query)])

    async def delete(self, schedule_id: str) -> bool:
        def unit(conn: sa.Connection) -> bool:
            gone = conn.execute(schedules.delete().where(schedules.c.id == schedule_id)).rowcount
            conn.execute(schedule_runs.delete().where(schedule_runs.c.schedule_id == schedule_id))
            return bool(gone)

        return await self.storage.run(unit, write=True)

    async def due(self, now: datetime) -> list[Schedule]:
        query = (sa.select(schedules)
                 .where(schedules.c.enabled.is_(True), schedules.c.next_run_at <= _naive(now))
                 .order_by(schedules.c.next_run_at))
        return await self.storage.run(lambda conn: [_schedule(r) for r in conn.execute(query)])

    async def earliest(self) -> datetime | None:
        """The next time any enabled schedule is due (the loop sleeps until then)."""
        query = sa.select(sa.func.min(schedules.c.next_run_at)).where(schedules.c.enabled.is_(True))
        return _aware(await self.storage.run(lambda conn: conn.execute(query).scalar()))

    async def claim(self, s: Schedule, next_at: datetime | None, run: ScheduleRun) -> bool:
        """Move `s` on to `next_at` and record `run`, if no other instance moved it first."""
        stmt = (schedules.update()
                .where(schedules.c.id == s.id, schedules.c.next_run_at == _naive(s.next_run_at))
                .values(next_run_at=_naive(next_at)))
        row = _run_values(run)

        def unit(conn: sa.Connection) -> bool:
            if conn.execute(stmt).rowcount != 1:
                return False
            conn.execute(schedule_runs.insert(), [row])
            return True

        return await self.storage.run(unit, write=True)

    async def add_run(self, run: ScheduleRun) -> None:
        """A run that needs no claim (run now)."""
        row = _run_values(run)
        await self.storage.run(lambda conn: conn.execute(schedule_runs.insert(), [row]), write=True)

    async def finish_run(self, run_id: str, status: RunStatus, task_id: str | None, error: str | None) -> None:
        stmt = (schedule_runs.update().where(schedule_runs.c.id == run_id)
                .values(status=status, task_id=task_id, error=error))
        await self.storage.run(lambda conn: conn.execute(stmt), write=True)

    async def runs(self, schedule_id: str, limit: int) -> list[ScheduleRun]:
        query = (sa.select(schedule_runs).where(schedule_runs.c.schedule_id == schedule_id)
                 .order_by(schedule_runs.c.fired_at.desc(), schedule_runs.c.id).limit(limit))
        return await self.storage.run(lambda conn: [_run(r) for r in conn.execute(query)])

    async def last_runs(self) -> dict[str, ScheduleRun]:
        """Each schedule's newest run (for the list view), in one query."""
        newest = (sa.select(schedule_runs.c.schedule_id, sa.func.max(schedule_runs.c.fired_at).label("at"))
                  .group_by(schedule_runs.c.schedule_id).subquery())
        query = sa.select(schedule_runs).join(newest, sa.and_(schedule_runs.c.schedule_id == newest.c.schedule_id,
                                                              schedule_runs.c.fired_at == newest.c.at))
        return await self.storage.run(lambda conn: {r.schedule_id: _run(r) for r in conn.execute(query)})


def _values(s: Schedule) -> dict[str, Any]:
    return {"name": s.name, "cron": s.cron, "timezone": s.timezone, "content": s.content,
            "session_id": s.session_id, "enabled": s.enabled, "catch_up": s.catch_up,
            "next_run_at": _naive(s.next_run_at), "updated_at": _naive(s.updated_at)}


def _run_values(r: ScheduleRun) -> dict[str, Any]:
    return {"id": r.id, "schedule_id": r.schedule_id, "due_at": _naive(r.due_at), "fired_at": _naive(r.fired_at),
            "trigger": r.trigger, "status": r.status, "task_id": r.task_id, "error": r.error}
