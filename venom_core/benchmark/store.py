"""Benchmark runs in SQL (SQLite or PostgreSQL), one unit of work per call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from venom_core.benchmark.tables import benchmarks
from venom_core.storage.sql import SqlStorage

UNFINISHED = ("pending", "running")


def _naive(ts: datetime | None) -> datetime | None:
    return None if ts is None else ts.astimezone(UTC).replace(tzinfo=None)


@dataclass(slots=True)
class BenchmarkRun:
    id: str
    status: str
    prompt_set: str
    models: list[dict[str, str]]
    created_at: datetime
    results: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    finished_at: datetime | None = None


def _run(row: Any) -> BenchmarkRun:
    return BenchmarkRun(row.id, row.status, row.prompt_set, list(row.models or []), row.created_at.replace(tzinfo=UTC),
                        list(row.results or []), row.error,
                        row.finished_at.replace(tzinfo=UTC) if row.finished_at else None)


class BenchmarkStore:
    def __init__(self, storage: SqlStorage):
        self.storage = storage

    async def save(self, run: BenchmarkRun) -> None:
        """Insert or replace the whole run (its results are small)."""
        values = {"id": run.id, "status": run.status, "prompt_set": run.prompt_set, "models": run.models,
                  "results": run.results, "error": run.error, "created_at": _naive(run.created_at),
                  "finished_at": _naive(run.finished_at)}

        def unit(conn: Connection) -> None:
            updated = conn.execute(benchmarks.update().where(benchmarks.c.id == run.id).values(**values))
            if updated.rowcount == 0:
                conn.execute(benchmarks.insert().values(**values))

        await self.storage.run(unit, write=True)

    async def get(self, run_id: str) -> BenchmarkRun | None:
        query = sa.select(benchmarks).where(benchmarks.c.id == run_id)

        def unit(conn: Connection) -> BenchmarkRun | None:
            row = conn.execute(query).first()
            return _run(row) if row else None

        return await self.storage.run(unit)

    async def list(self, limit: int) -> list[BenchmarkRun]:
        query = sa.select(benchmarks).order_by(benchmarks.c.created_at.desc(), benchmarks.c.id).limit(limit)
        return await self.storage.run(lambda conn: [_run(r) for r in conn.execute(query)])

    async def mark_interrupted(self) -> int:
        """Runs left unfinished by a stop: they ran in that process and can never finish."""
        query = (benchmarks.update().where(benchmarks.c.status.in_(UNFINISHED))
                 .values(status="interrupted", error="The server stopped during this benchmark; run it again.",
                         finished_at=_naive(datetime.now(UTC))))
        return await self.storage.run(lambda conn: int(conn.execute(query).rowcount), write=True)
