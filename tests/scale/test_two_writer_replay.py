"""Two writers on one PostgreSQL database, under a property test: `gseq` is handed out in commit
order, so every "after gseq N" read, taken while both write, continues exactly where the last one
ended (an event that commits late is never skipped), every `since` replay afterwards is complete
and in order, and a third instance's live feed (LISTEN/NOTIFY) delivers every event once, in order.

The writers are two storages with their own connections and writer threads, so their
transactions really overlap; hypothesis draws how many batches each writes, of which sizes, and
where the replays start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.storage_backends import (
    fresh_pg_database,
    pg_admin_url,  # noqa: F401  (fixture)
)
from venom_core.core.event_log import EventLog
from venom_core.core.fanout import InProcessBus
from venom_core.core.live_tail import LiveTail
from venom_core.core.models import Event, utcnow
from venom_core.storage.sql import SqlStorage

Plan = list[tuple[str, int]]  # (writer, batch size), in the order each writer writes its own


@pytest.fixture(scope="module")
def shared_db(pg_admin_url: str) -> Iterator[str]:  # noqa: F811
    with fresh_pg_database(pg_admin_url) as url:
        yield url


def _batch(writer: str, n: int, size: int) -> list[Event]:
    return [Event(gseq=0, task_id=None, seq=0, type="system.test", timestamp=utcnow(),
                  data={"writer": writer, "batch": n, "i": i}) for i in range(size)]


async def _write(storage: SqlStorage, writer: str, sizes: list[int]) -> None:
    for n, size in enumerate(sizes):
        await storage.write_batch(_batch(writer, n, size), [])
        await asyncio.sleep(0)


async def _poll(storage: SqlStorage, after: int, writing: asyncio.Future[None]) -> list[Event]:
    seen: list[Event] = []
    while True:
        done = writing.done()
        last = seen[-1].gseq if seen else after
        page = await storage.read_events(last, 7)
        assert [e.gseq for e in page] == list(range(last + 1, last + 1 + len(page))), "a late commit was skipped"
        seen.extend(page)
        if done and not page:
            return seen


async def _scenario(url: str, plan: Plan, sinces: list[int]) -> None:
    a, b, reader_storage = SqlStorage(url), SqlStorage(url), SqlStorage(url)
    for s in (a, b, reader_storage):
        await s.init()
    reader = EventLog(reader_storage, InProcessBus(), LiveTail(url, poll_seconds=30))
    try:
        await reader.start()
        base = reader.last_gseq
        sub = reader.bus.subscribe(lambda e: True, maxsize=100_000)
        await asyncio.sleep(0.05)  # the reader is listening
        writing = asyncio.ensure_future(asyncio.gather(
            _write(a, "a", [n for w, n in plan if w == "a"]), _write(b, "b", [n for w, n in plan if w == "b"])))
        polled = await _poll(reader_storage, base, writing)
        await writing
        total = sum(n for _, n in plan)
        everything = await reader_storage.read_events(base, 100_000)
        assert [e.gseq for e in everything] == list(range(base + 1, base + total + 1))
        assert [e.gseq for e in polled] == [e.gseq for e in everything]
        for writer in "ab":
            mine = [(e.data["batch"], e.data["i"]) for e in everything if e.data["writer"] == writer]
            sizes = [n for w, n in plan if w == writer]
            assert mine == [(k, i) for k, n in enumerate(sizes) for i in range(n)], "each writer's order kept"
        for since in sinces:
            start = base + min(since, total)
            replay = await reader_storage.read_events(start, 100_000)
            assert replay == [e for e in everything if e.gseq > start]
        live: list[Event] = []
        while len(live) < total:
            ev = await asyncio.wait_for(sub.queue.get(), timeout=20)
            assert ev is not None, "the reader's feed overflowed"
            live.append(ev)
        assert [e.gseq for e in live] == [e.gseq for e in everything], "live: each event once, in order"
        assert sub.queue.empty()
    finally:
        await reader.stop()
        for s in (a, b, reader_storage):
            await s.close()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.sampled_from("ab"), st.integers(1, 5)), min_size=1, max_size=40),
       sinces=st.lists(st.integers(0, 200), max_size=4))
def test_two_writers_every_since_replay_is_complete_and_in_order(shared_db: str, plan: Plan,
                                                                  sinces: list[int]) -> None:
    asyncio.run(_scenario(shared_db, plan, sinces))


async def _commit_waits(url: str) -> None:
    other, mine = SqlStorage(url), SqlStorage(url)
    await other.init()
    await mine.init()
    log = EventLog(mine, InProcessBus(), LiveTail(url, poll_seconds=30))
    await log.start()
    try:
        for round_ in range(3):
            # Another process writes more than we do: our numbers are not consecutive any more.
            for n in range(20):
                await other.write_batch(_batch("other", n, 1), [])
            event = log.append(None, "QUEUE_PAUSED", data={"paused": True, "pending": 0, "active": 0,
                                                          "processing": 0, "limit": 1})
            await log.commit()
            ours = [e for e in await mine.read_events(0, 1_000_000) if e.type == "QUEUE_PAUSED"]
            assert len(ours) == round_ + 1, f"round {round_}: commit() returned before the commit"
            assert ours[-1].gseq == event.gseq, "the event carries the number the database gave it"
    finally:
        await log.stop()
        await other.close()
        await mine.close()


def test_commit_waits_for_the_commit_while_another_process_writes(shared_db: str) -> None:
    asyncio.run(_commit_waits(shared_db))
