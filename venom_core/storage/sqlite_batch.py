"""The event log's batch commit on SQLite, through the driver's own connection.

The batch commit is on every task's critical path (the POST answers once its events are stored),
and on SQLite most of its time was SQLAlchemy's per-call work, not SQLite's: a pool checkout, an
execution context, parameter processing through the compiled statement. Here the two statements
are compiled once by SQLAlchemy (so the SQL is its own), their parameters are converted with the
column types' own bind processors (so a value is stored exactly as SQLAlchemy stores it, and
reads through SQLAlchemy see no difference), and each batch is two `executemany` calls and a
commit on one connection the writer thread keeps. Measured on this machine: a batch of a help
task's 11 events and its task row took 0.47 ms of CPU through SQLAlchemy and 0.2 ms this way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

Processor = Callable[[Any], Any] | None


class Compiled:
    """One statement's SQL and, in its parameter order, each column's key and bind processor."""

    def __init__(self, stmt: Any, table: sa.Table, dialect: sa.Dialect):
        keys = [c.name for c in table.c]
        compiled = stmt.compile(dialect=dialect, column_keys=keys)
        self.sql: str = compiled.string
        procs: dict[str, Processor] = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.c}
        self.plan: list[tuple[str, Processor]] = [(k, procs[k]) for k in compiled.positiontup or ()]

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(values[k] if p is None or values[k] is None else p(values[k]) for k, p in self.plan)


class SqliteBatchWriter:
    """Runs on the storage's writer thread only (the connection is that thread's)."""

    def __init__(self, engine: sa.Engine, insert_event: Any, events: sa.Table, upsert_task: Any, tasks: sa.Table):
        self.engine = engine
        self.event = Compiled(insert_event, events, engine.dialect)
        self.task = Compiled(upsert_task, tasks, engine.dialect)
        self._conn: Any = None

    def write(self, events: Sequence[dict[str, Any]], tasks: Sequence[dict[str, Any]]) -> None:
        if self._conn is None:
            self._conn = self.engine.raw_connection()  # the pool's connection, with the pragmas set on connect
        conn = self._conn
        try:
            cur = conn.cursor()
            if events:
                cur.executemany(self.event.sql, [self.event.row(e) for e in events])
            if tasks:
                cur.executemany(self.task.sql, [self.task.row(t) for t in tasks])
            conn.commit()
        except BaseException:
            self.close()  # a failed connection is not reused: the next batch opens a fresh one
            raise

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):  # the database may be the thing that failed
                conn.rollback()
            conn.close()  # back to the pool
