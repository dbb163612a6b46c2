"""The event log's `commit()` with several writing processes on one PostgreSQL database.

There the database numbers the events, and a worker's events take numbers too. `commit()` must
wait for this log's own events, whatever gseq the database has reached: an answer (a 201, an
abort) may go out only once what it reports is stored."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from tests.storage_backends import fresh_pg_database
from venom_core.core.event_log import EventLog
from venom_core.core.fanout import InProcessBus
from venom_core.core.models import Event, EventType, Task
from venom_core.storage.sql import SqlStorage


class SlowWrites(SqlStorage):
    """Each commit takes a while, so a `commit()` that does not wait is caught reading too early."""

    async def write_batch(self, batch: Sequence[Event], changed: Sequence[Task]) -> None:
        await asyncio.sleep(0.2)
        await super().write_batch(batch, changed)


async def test_commit_waits_for_its_own_events_when_another_process_writes(pg_admin_url: str) -> None:
    with fresh_pg_database(pg_admin_url) as url:
        mine, other = SlowWrites(url), SqlStorage(url)
        await mine.init()
        await other.init()
        log, worker_log = EventLog(mine, InProcessBus()), EventLog(other, InProcessBus())
        await log.start()
        await worker_log.start()
        try:
            for n in range(3):  # the other writer's events take the numbers this log counts from
                worker_log.append(f"w{n}", EventType.TASK_CREATED, data={"content": "x", "request": {}})
            await worker_log.commit()
            log.append("a", EventType.TASK_CREATED, data={"content": "x", "request": {}})
            await log.commit()
            for n in range(3, 8):
                worker_log.append(f"w{n}", EventType.TASK_CREATED, data={"content": "x", "request": {}})
            await worker_log.commit()
            log.append("b", EventType.TASK_CREATED, data={"content": "x", "request": {}})
            await log.commit()
            assert [e.type for e in await other.read_task_events("b")] == [EventType.TASK_CREATED]
            stored = await other.read_events(0, 100)
            assert [e.gseq for e in stored] == list(range(1, 11))  # every event once, numbered in commit order
        finally:
            await log.stop()
            await worker_log.stop()
            await mine.close()
            await other.close()
