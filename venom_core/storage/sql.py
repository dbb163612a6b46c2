"""SQLAlchemy 2 implementation of `Storage`. SQLite in WAL mode by default.

The schema is created and upgraded by Alembic at start-up (`migrate.upgrade`), so a database
written by an older version is migrated in place and never recreated.

Every operation is one unit of work: a plain function of a SQLAlchemy `Connection`. How it runs
depends on the database. SQLite is an in-process library, so its units run whole on a dedicated
thread (one writer, one reader): one thread round trip per operation. aiosqlite, by contrast,
makes a round trip per DB-API call, 8 for a batch commit and 5 for a point read, and that made
each commit 2.5 times slower on a busy 2-core machine. `threaded=False` runs the same units
through the asyncio engine's `run_sync` instead; the property tests run both. Subsystems' own
stores (sessions, roadmap) use the same `run`, so every query shares one path per database.

PostgreSQL (`postgresql+psycopg://`) takes the same thread path with psycopg 3's sync driver,
and a few reader threads so that one slow read does not hold up the others. Measured here, a
batch commit took 0.72 ms that way and 1.05 ms through the asyncio engine (`run_sync` adds a
greenlet switch per statement), and a point read 0.75 ms against 1.05 ms. Several processes may
write, so there `gseq` is allocated by the database, inside the writing transaction, under a
transaction-level advisory lock: commits happen in allocation order, and a reader polling "after
gseq N" can never skip an event that commits late (see `pg_gseq.py`). SQLite has one writing
process, whose event log numbers the events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from loguru import logger
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection

from venom_core.core import json_safety
from venom_core.core.models import Event, Task, TaskStatus
from venom_core.storage import migrate, pg_gseq, preflight
from venom_core.storage.base import StorageUnavailable
from venom_core.storage.faults import as_storage_fault
from venom_core.storage.rows import event_from_row, event_values, task_from_row, task_values
from venom_core.storage.schema import events, settings_kv, tasks
from venom_core.storage.sqlite_batch import SqliteBatchWriter

# JSON columns: encoded and decoded so that no stored value can fail a write or a read (a value
# too deep is clamped; see core/json_safety.py).
JSON_CODECS: dict[str, Any] = {"json_serializer": json_safety.dumps, "json_deserializer": json_safety.loads}


_INSERT_EVENT = events.insert()

def upsert(table: sa.Table, dialect: str) -> sa.Executable:
    """INSERT ... ON CONFLICT (primary key) DO UPDATE, in the dialect's own syntax."""
    keys = [c.name for c in table.primary_key]
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite as sqlite_dml

        lite = sqlite_dml.insert(table)
        return lite.on_conflict_do_update(
            index_elements=keys, set_={c.name: lite.excluded[c.name] for c in table.c if c.name not in keys}
        )
    from sqlalchemy.dialects import postgresql as postgresql_dml  # not imported for SQLite: 20+ ms

    pg = postgresql_dml.insert(table)
    return pg.on_conflict_do_update(
        index_elements=keys, set_={c.name: pg.excluded[c.name] for c in table.c if c.name not in keys}
    )


if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")
BatchHook = Callable[[Connection, Sequence[Event]], None]

# Reader threads (and pooled connections) for a server database; SQLite has one reader.
PG_READERS = 4


class SqlStorage:
    def __init__(self, url: str, *, sqlite_synchronous: str = "NORMAL", threaded: bool | None = None,
                 in_batch: BatchHook | None = None):
        self.url = url
        # Run inside every event batch's transaction on a server database, after its rows: the
        # shared work queue enqueues the jobs of the tasks the batch creates there, so a task is
        # stored together with its job or not at all (venom_core/core/pg_queue.py).
        self.in_batch = in_batch
        self.sqlite_synchronous = sqlite_synchronous
        self.dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
        # Units of work run on threads with a sync engine (the default) or through `run_sync`.
        self.threaded = True if threaded is None else threaded
        # Several processes may write a server database: it numbers the events (`pg_gseq.py`).
        self.allocates_gseq = self.dialect == "postgresql"
        self.engine: AsyncEngine | None = None
        self._sync: sa.Engine | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._reader: ThreadPoolExecutor | None = None
        self._batch: SqliteBatchWriter | None = None  # the event log's commit on SQLite (sqlite_batch.py)
        self._upsert_task = upsert(tasks, self.dialect)
        self._upsert_setting = upsert(settings_kv, self.dialect)
        self.warnings: list[str] = []  # found at start (`preflight.check`); shown with the service health

    @property
    def _engine(self) -> AsyncEngine:
        if self.engine is None:
            raise RuntimeError("storage is not initialised")
        return self.engine

    async def init(self) -> None:
        self.warnings = await asyncio.to_thread(preflight.check, self.url)
        for warning in self.warnings:
            logger.warning("storage: {}", warning)
        try:
            await asyncio.to_thread(migrate.upgrade, self.url)
        except Exception as exc:
            fault = as_storage_fault(exc, self.url)
            if fault is None:
                raise
            raise fault from exc
        if self.threaded:
            if self.dialect == "sqlite":
                self._sync = sa.create_engine(migrate.sync_url(self.url), **JSON_CODECS)
                sa_event.listen(self._sync, "connect", self._sqlite_pragmas)
                readers = 1
                self._batch = SqliteBatchWriter(self._sync, _INSERT_EVENT, events, self._upsert_task, tasks)
            else:
                # A server may restart under us: a pooled connection is checked before use.
                self._sync = sa.create_engine(migrate.sync_url(self.url), pool_pre_ping=True,
                                              pool_size=PG_READERS + 1, **JSON_CODECS)
                from venom_core.storage import pg_text  # psycopg: only for a server database

                sa_event.listen(self._sync, "connect", pg_text.on_connect)
                readers = PG_READERS
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="venom-db-write")
            self._reader = ThreadPoolExecutor(readers, thread_name_prefix="venom-db-read")
            return
        from sqlalchemy.ext.asyncio import create_async_engine  # only here: a heavy import

        # A server may restart under us: a pooled connection is checked before it is handed out.
        self.engine = create_async_engine(self.url, pool_pre_ping=self.dialect == "postgresql", **JSON_CODECS)
        if self.dialect == "sqlite":
            sa_event.listen(self.engine.sync_engine, "connect", self._sqlite_pragmas)
        else:
            from venom_core.storage import pg_text

            sa_event.listen(self.engine.sync_engine, "connect", pg_text.on_connect)

    def _sqlite_pragmas(self, dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={'FULL' if self.sqlite_synchronous == 'FULL' else 'NORMAL'}")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()

    async def close(self) -> None:
        if self._batch is not None and self._writer is not None:
            await asyncio.get_running_loop().run_in_executor(self._writer, self._batch.close)
        for pool in (self._writer, self._reader):
            if pool is not None:
                pool.shutdown(wait=True)
        self._writer = self._reader = None
        if self._sync is not None:
            self._sync.dispose()
            self._sync = None
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None

    async def run(self, unit: Callable[[Connection], T], *, write: bool = False) -> T:
        """Run one unit of work in a transaction (`write`) or on a read connection.

        A unit is a plain function of a SQLAlchemy `Connection`; it must not touch the event
        loop (it runs on a storage thread). A fault of the disk or the database (full,
        read-only, locked, damaged) raises `StorageUnavailable`."""
        return await self._faults_named(self._run(unit, write))

    async def _faults_named(self, work: Awaitable[T]) -> T:
        try:
            return await work
        except StorageUnavailable:
            raise
        except Exception as exc:
            fault = as_storage_fault(exc, self.url)
            if fault is None:
                raise
            raise fault from exc

    async def _run(self, unit: Callable[[Connection], T], write: bool) -> T:
        sync = self._sync
        if sync is None:
            async with self._engine.begin() if write else self._engine.connect() as conn:
                return await conn.run_sync(unit)

        def work() -> T:
            with sync.begin() if write else sync.connect() as conn:
                return unit(conn)

        pool = self._writer if write else self._reader
        return await asyncio.get_running_loop().run_in_executor(pool, work)

    async def write_batch(self, batch: Sequence[Event], changed: Sequence[Task]) -> None:
        # Both statements are built once and run as executemany: building a statement per row
        # cost more than SQLite's own work.
        task_rows = [task_values(t) for t in changed]
        if self._batch is not None and self._writer is not None:
            sqlite_rows = [event_values(e) for e in batch]
            loop = asyncio.get_running_loop()
            await self._faults_named(loop.run_in_executor(self._writer, self._batch.write, sqlite_rows, task_rows))
            return
        allocate = self.allocates_gseq and bool(batch)
        event_rows = [] if allocate else [event_values(e) for e in batch]

        def unit(conn: Connection) -> None:
            rows = event_rows
            if allocate:
                pg_gseq.allocate(conn, batch)
                rows = [event_values(e) for e in batch]
            if rows:
                conn.execute(_INSERT_EVENT, rows)
            if task_rows:
                conn.execute(self._upsert_task, task_rows)
            if self.in_batch is not None:
                self.in_batch(conn, batch)

        await self.run(unit, write=True)

    async def max_gseq(self) -> int:
        value = await self.run(lambda conn: conn.scalar(sa.select(sa.func.max(events.c.gseq))))
        return int(value or 0)

    async def read_task_events(self, task_id: str, after_seq: int = 0) -> list[Event]:
        query = (
            sa.select(events)
            .where(events.c.task_id == task_id, events.c.seq > after_seq)
            .order_by(events.c.seq)
        )
        return await self.run(lambda conn: [event_from_row(r) for r in conn.execute(query)])

    async def read_events(self, after_gseq: int, limit: int) -> list[Event]:
        query = sa.select(events).where(events.c.gseq > after_gseq).order_by(events.c.gseq).limit(limit)
        return await self.run(lambda conn: [event_from_row(r) for r in conn.execute(query)])

    async def get_task(self, task_id: str) -> Task | None:
        def unit(conn: Connection) -> Task | None:
            row = conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).first()
            return None if row is None else task_from_row(row)

        return await self.run(unit)

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
        return await self.run(lambda conn: [task_from_row(r) for r in conn.execute(query)])

    async def count_tasks(self) -> dict[str, int]:
        query = sa.select(tasks.c.status, sa.func.count()).group_by(tasks.c.status)
        return await self.run(lambda conn: {str(status): int(n) for status, n in conn.execute(query)})

    async def task_timings(self) -> dict[str, float | None]:
        query = (
            sa.select(tasks.c.created_at, tasks.c.started_at, tasks.c.finished_at, tasks.c.first_token_at)
            .where(tasks.c.finished_at.is_not(None))
            .order_by(tasks.c.finished_at.desc())
            .limit(1000)
        )
        rows = await self.run(lambda conn: conn.execute(query).all())
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
        query = sa.select(settings_kv.c.value).where(settings_kv.c.key == key)
        return await self.run(lambda conn: conn.scalar(query))

    async def set_setting(self, key: str, value: Any) -> None:
        await self.run(lambda conn: conn.execute(self._upsert_setting, {"key": key, "value": value}), write=True)
