"""Property-based test of the event log: appends, flushes, concurrent readers and resume points
never lose or duplicate an event. Runs in-process against the real storage, on SQLite and on
PostgreSQL (a new database per example), through both ways a unit of work can run (its own
thread, or the async engine's `run_sync`), and with the in-memory event cache whole, cut short
mid-history (readers fall back to storage) or off."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.storage_backends import fresh_pg_database
from venom_core.core.event_cache import EventCache
from venom_core.core.event_log import EventLog
from venom_core.core.fanout import InProcessBus
from venom_core.core.models import Event, EventType
from venom_core.storage.sql import SqlStorage

# An operation: append to task k / let the writer run / read task k from seq n with a live listener.
ops = st.lists(
    st.one_of(
        st.tuples(st.just("append"), st.integers(0, 2), st.text(max_size=5)),
        st.tuples(st.just("yield"), st.integers(0, 3), st.just("")),
        st.tuples(st.just("read"), st.integers(0, 2), st.integers(0, 12).map(str)),
        st.tuples(st.just("log"), st.integers(0, 2), st.text(max_size=5)),  # an unstored SYSTEM_LOG line
    ),
    min_size=1,
    max_size=60,
)


@contextlib.contextmanager
def _database(pg_admin: str | None) -> Iterator[str]:
    if pg_admin is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite+aiosqlite:///{Path(tmp) / 'p.db'}"
    else:
        with fresh_pg_database(pg_admin) as url:
            yield url


async def _scenario(steps: list[tuple[str, int, str]], cache_limit: int, threaded: bool, url: str) -> None:
    def stored_text(text: str) -> str:  # PostgreSQL text cannot hold NUL (storage/pg_text.py)
        return text.replace("\x00", "\ufffd") if url.startswith("postgresql") else text

    storage = SqlStorage(url, threaded=threaded)
    await storage.init()
    bus = InProcessBus()
    log = EventLog(storage, bus)
    log.cache = EventCache(max_events_per_task=cache_limit)
    await log.start()
    ids = [f"t{k}" for k in range(3)]
    expected: dict[str, list[Event]] = {tid: [] for tid in ids}
    readers: list[tuple[str, int, list[Event], asyncio.Task[None]]] = []
    for tid in ids:
        expected[tid].append(log.append(tid, EventType.TASK_CREATED, data={"content": tid, "request": {}}))

    async def follow(tid: str, after: int, out: list[Event]) -> None:
        sub = bus.subscribe(lambda e: e.task_id == tid)
        try:
            history = await log.read_task(tid, after)
            out.extend(history)
            last = history[-1].seq if history else after
            while True:
                ev = await sub.queue.get()
                assert ev is not None
                if ev.seq > last:
                    out.append(ev)
                    last = ev.seq
        finally:
            bus.unsubscribe(sub)

    for op, k, arg in steps:
        tid = ids[k % 3]
        if op == "append":
            expected[tid].append(log.append(tid, EventType.TASK_STREAM, data={"delta": arg}))
        elif op == "yield":
            for _ in range(k + 1):
                await asyncio.sleep(0)
            if k == 3:
                await log.commit()
                # Published only once stored: everything committed is in the store already.
                assert [e.gseq for e in await storage.read_task_events(tid)] == [e.gseq for e in expected[tid]]
        elif op == "log":
            line = log.append(None, EventType.SYSTEM_LOG, message=arg, data={"level": "INFO"}, persist=False)
            assert line.gseq == 0 and line.envelope()["gseq"] is None
        else:
            out: list[Event] = []
            readers.append((tid, int(arg), out, asyncio.create_task(follow(tid, int(arg), out))))
            await asyncio.sleep(0)
    await log.commit()
    for tid, after, out, job in readers:
        want = [e.gseq for e in expected[tid] if e.seq > after]
        for _ in range(6000):  # a reader may still be reading history (a deadline for a hung reader)
            if len(out) >= len(want):
                break
            await asyncio.sleep(0.01)
        for _ in range(5):  # room for a duplicate to show up
            await asyncio.sleep(0)
        job.cancel()
        assert [e.gseq for e in out] == want, "reader lost or repeated an event"
    for tid in ids:
        stored = await storage.read_task_events(tid)
        assert [e.gseq for e in stored] == [e.gseq for e in expected[tid]]
        assert [e.seq for e in stored] == list(range(1, len(stored) + 1))
        task = await storage.get_task(tid)
        assert task is not None and task.last_seq == len(stored)
        assert task.result == stored_text("".join(e.data.get("delta", "") for e in expected[tid]))
    # Unstored lines take no number: the stored gseqs are 1..n without a hole.
    everything = await storage.read_events(0, 100_000)
    assert [e.gseq for e in everything] == list(range(1, len(everything) + 1)) and log.last_gseq == len(everything)
    await log.stop()
    await storage.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_admin(request: pytest.FixtureRequest) -> str | None:
    """None for SQLite (a file per example), the server's admin URL for PostgreSQL."""
    return None if request.param == "sqlite" else str(request.getfixturevalue("pg_admin_url"))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(steps=ops, cache_limit=st.sampled_from([0, 3, 20_000]), threaded=st.booleans())
def test_event_log_never_loses_or_repeats(
    backend_admin: str | None, steps: list[tuple[str, int, str]], cache_limit: int, threaded: bool
) -> None:
    # The fixture names the server only; every example gets its own new database.
    with _database(backend_admin) as url:
        asyncio.run(_scenario(steps, cache_limit, threaded, url))
