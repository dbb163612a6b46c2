"""SQLAlchemy 2 (async) implementation of `Storage`. SQLite in WAL mode by default.

The schema is created and upgraded by Alembic at start-up (`migrate.upgrade`), so a database
written by an older version is migrated in place and never recreated.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from venom_core.core.models import Event, Task, TaskStatus
from venom_core.storage import migrate
from venom_core.storage.schema import events, settings_kv, tasks


def _naive(ts: datetime | None) -> datetime | None:
    return None if ts is None else ts.astimezone(UTC).replace(tzinfo=None)


def _aware(ts: datetime | None) -> datetime | None:
    return None if ts is None else ts.replace(tzinfo=UTC)


def _event_from_row(row: sa.Row[Any]) -> Event:
    return Event(
        gseq=row.gseq,
        task_id=row.task_id,
        seq=row.seq,
        type=row.type,
        timestamp=row.ts.replace(tzinfo=UTC),
        agent=row.agent,
        message=row.message or "",
        data=row.data or {},
    )


def _task_from_row(row: sa.Row[Any]) -> Task:
    return Task(
        id=row.id,
        content=row.content,
        status=TaskStatus(row.status),
        created_at=row.created_at.replace(tzinfo=UTC),
        updated_at=row.updated_at.replace(tzinfo=UTC),
        request=row.request or {},
        session_id=row.session_id,
        result=row.result or "",
        logs=list(row.logs or []),
        error=row.error,
        context=row.context or {},
        started_at=_aware(row.started_at),
        finished_at=_aware(row.finished_at),
        first_token_at=_aware(row.first_token_at),
        last_seq=row.last_seq,
        streamed=bool(row.streamed),
    )


def _task_values(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "content": task.content,
        "status": task.status.value,
        "session_id": task.session_id,
        "created_at": _naive(task.created_at),
        "updated_at": _naive(task.updated_at),
        "started_at": _naive(task.started_at),
        "finished_at": _naive(task.finished_at),
        "first_token_at": _naive(task.first_token_at),
        "result": task.result,
        "logs": task.logs,
        "error": task.error,
        "context": task.context,
        "request": task.request,
        "last_seq": task.last_seq,
        "streamed": task.streamed,
    }


class SqlStorage:
    def __init__(self, url: str, *, sqlite_synchronous: str = "NORMAL"):
        self.url = url
        self.sqlite_synchronous = sqlite_synchronous
        self.engine: AsyncEngine | None = None

    @property
    def _engine(self) -> AsyncEngine:
        if self.engine is None:
            raise RuntimeError("storage is not initialised")
        return self.engine

    async def init(self) -> None:
        await asyncio.to_thread(migrate.upgrade, self.url)
        self.engine = create_async_engine(self.url)
        if self.url.startswith("sqlite"):
            sa_event.listen(self.engine.sync_engine, "connect", self._sqlite_pragmas)

    def _sqlite_pragmas(self, dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={'FULL' if self.sqlite_synchronous == 'FULL' else 'NORMAL'}")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None

    async def write_batch(self, batch: Sequence[Event], changed: Sequence[Task]) -> None:
        async with self._engine.begin() as conn:
            if batch:
                await conn.execute(
                    events.insert(),
                    [
                        {
                            "gseq": e.gseq,
                            "task_id": e.task_id,
                            "seq": e.seq,
                            "type": e.type,
                            "ts": _naive(e.timestamp),
                            "agent": e.agent,
                            "message": e.message,
                            "data": e.data,
                        }
                        for e in batch
                    ],
                )
            for task in changed:
                values = _task_values(task)
                updated = await conn.execute(tasks.update().where(tasks.c.id == task.id).values(values))
                if updated.rowcount == 0:
                    await conn.execute(tasks.insert().values(values))

    async def max_gseq(self) -> int:
        async with self._engine.connect() as conn:
            value = await conn.scalar(sa.select(sa.func.max(events.c.gseq)))
        return int(value or 0)

    async def read_task_events(self, task_id: str, after_seq: int = 0) -> list[Event]:
        query = (
            sa.select(events)
            .where(events.c.task_id == task_id, events.c.seq > after_seq)
            .order_by(events.c.seq)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_event_from_row(r) for r in rows]

    async def read_events(self, after_gseq: int, limit: int) -> list[Event]:
        query = sa.select(events).where(events.c.gseq > after_gseq).order_by(events.c.gseq).limit(limit)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_event_from_row(r) for r in rows]

    async def get_task(self, task_id: str) -> Task | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(tasks).where(tasks.c.id == task_id))).first()
        return None if row is None else _task_from_row(row)

    async def list_tasks(
        self,
        *,
        statuses: Sequence[TaskStatus] = (),
        session_id: str | None = None,
        limit: int = 50,
        before: tuple[str, str] | None = None,
    ) -> list[Task]:
        query = sa.select(tasks)
        if statuses:
            query = query.where(tasks.c.status.in_([s.value for s in statuses]))
        if session_id is not None:
            query = query.where(tasks.c.session_id == session_id)
        if before is not None:
            created = datetime.fromisoformat(before[0])
            query = query.where(
                sa.or_(
                    tasks.c.created_at < created,
                    sa.and_(tasks.c.created_at == created, tasks.c.id < before[1]),
                )
            )
        query = query.order_by(tasks.c.created_at.desc(), tasks.c.id.desc()).limit(limit)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_task_from_row(r) for r in rows]

    async def count_tasks(self) -> dict[str, int]:
        query = sa.select(tasks.c.status, sa.func.count()).group_by(tasks.c.status)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {str(status): int(n) for status, n in rows}

    async def task_timings(self) -> dict[str, float | None]:
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(tasks.c.created_at, tasks.c.started_at, tasks.c.finished_at, tasks.c.first_token_at)
                    .where(tasks.c.finished_at.is_not(None))
                    .order_by(tasks.c.finished_at.desc())
                    .limit(1000)
                )
            ).all()
        durations = [(r.finished_at - r.created_at).total_seconds() * 1000 for r in rows]
        ttft = [
            (r.first_token_at - r.started_at).total_seconds() * 1000
            for r in rows
            if r.first_token_at is not None and r.started_at is not None
        ]
        return {
            "duration_avg_ms": sum(durations) / len(durations) if durations else None,
            "first_token_avg_ms": sum(ttft) / len(ttft) if ttft else None,
        }

    async def get_setting(self, key: str) -> Any:
        async with self._engine.connect() as conn:
            return await conn.scalar(sa.select(settings_kv.c.value).where(settings_kv.c.key == key))

    async def set_setting(self, key: str, value: Any) -> None:
        async with self._engine.begin() as conn:
            updated = await conn.execute(
                settings_kv.update().where(settings_kv.c.key == key).values(value=value)
            )
            if updated.rowcount == 0:
                await conn.execute(settings_kv.insert().values(key=key, value=value))
