"""Several processes write one PostgreSQL database: `gseq` is handed out in commit order, so a
reader that polls "events after gseq N" (as a resuming stream does) never skips an event that
committed late, and sees every event once.

Two writer processes append batches as fast as they can while this process polls. With numbers
allocated outside the commit order (a sequence, or each process numbering its own), a batch
numbered lower could commit after a higher one, and the poller, already past it, would miss it.
SQLite is written by one process (its event log numbers the events), so this is PostgreSQL's.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys

from tests.storage_backends import fresh_pg_database
from venom_core.core.models import Event, utcnow
from venom_core.storage.sql import SqlStorage

BATCHES = 150


def _write(url: str, writer: str) -> None:
    async def main() -> None:
        storage = SqlStorage(url)
        await storage.init()
        try:
            for n in range(BATCHES):
                size = 1 + n % 4
                batch = [Event(gseq=0, task_id=None, seq=0, type="system.test", timestamp=utcnow(),
                               data={"writer": writer, "batch": n, "i": i}) for i in range(size)]
                await storage.write_batch(batch, [])
        finally:
            await storage.close()

    asyncio.run(main())


async def _poll_while(url: str, writers: list[multiprocessing.process.BaseProcess]) -> list[Event]:
    storage = SqlStorage(url)
    await storage.init()
    seen: list[Event] = []
    try:
        while True:
            done = all(not w.is_alive() for w in writers)
            after = seen[-1].gseq if seen else 0
            page = await storage.read_events(after, 50)
            # Each page continues exactly where the last one ended: nothing committed late below it.
            assert [e.gseq for e in page] == list(range(after + 1, after + 1 + len(page)))
            seen.extend(page)
            if done and not page:
                return seen
    finally:
        await storage.close()


def test_two_writer_processes_never_make_a_poller_miss_an_event(pg_admin_url: str) -> None:
    with fresh_pg_database(pg_admin_url) as url:
        asyncio.run(_init(url))  # the schema first, so the writers race on events, not on Alembic
        ctx = multiprocessing.get_context("spawn")
        writers = [ctx.Process(target=_write, args=(url, name)) for name in ("a", "b")]
        for w in writers:
            w.start()
        try:
            seen = asyncio.run(_poll_while(url, writers))
        finally:
            for w in writers:
                w.join(timeout=120)
        assert [w.exitcode for w in writers] == [0, 0], "a writer failed"
        everything = asyncio.run(_read_all(url))
        assert [e.gseq for e in seen] == [e.gseq for e in everything] == list(range(1, len(everything) + 1))
        per_batch = sum(1 + n % 4 for n in range(BATCHES))
        for writer in ("a", "b"):
            mine = [(e.data["batch"], e.data["i"]) for e in seen if e.data["writer"] == writer]
            # Once each, and a batch's events together and in order.
            assert len(mine) == per_batch and mine == sorted(mine)


async def _init(url: str) -> None:
    storage = SqlStorage(url)
    await storage.init()
    await storage.close()


async def _read_all(url: str) -> list[Event]:
    storage = SqlStorage(url)
    await storage.init()
    try:
        return await storage.read_events(0, 100_000)
    finally:
        await storage.close()


if __name__ == "__main__":  # pragma: no cover - a writer by hand: python -m ... URL NAME
    _write(sys.argv[1], sys.argv[2])
