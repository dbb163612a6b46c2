"""The `Storage` interface, operation by operation, on each backend (SQLite and PostgreSQL): what
is written is read back the same, lists filter and page without repeats, settings upsert, and a
database that cannot be reached is a `StorageUnavailable` with a sentence, not a crash."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta

import pytest

from tests.conftest import free_port
from tests.storage_backends import ThrowawayServer, fresh_pg_database, throwaway_server
from venom_core.core.models import Event, Task, TaskStatus, utcnow
from venom_core.storage.base import StorageUnavailable
from venom_core.storage.sql import SqlStorage


def _task(n: int, status: TaskStatus, session: str | None) -> Task:
    at = utcnow().replace(microsecond=0) - timedelta(minutes=10 - n)
    return Task(id=f"t{n}", content=f"task {n} – ünïcode", status=status, created_at=at, updated_at=at,
                session_id=session, request={"deep": {"list": [1, 2.5, None, "x"]}}, logs=["one", "two"],
                context={"k": "v"}, started_at=at, finished_at=at + timedelta(seconds=2) if n % 2 else None,
                first_token_at=at + timedelta(milliseconds=500) if n % 2 else None, streamed=bool(n % 2))


async def _scenario(url: str) -> None:
    storage = SqlStorage(url)
    await storage.init()
    assert await storage.max_gseq() == 0
    tasks = [_task(n, TaskStatus.COMPLETED if n % 2 else TaskStatus.PENDING, "s" if n < 4 else None)
             for n in range(6)]
    events = [Event(gseq=g, task_id=f"t{g % 6}", seq=g // 6 + 1, type="task.stream", timestamp=utcnow(),
                    agent="chat", message=f"m{g}", data={"delta": f"d{g}", "nested": {"a": [g]}})
              for g in range(1, 13)]
    await storage.write_batch(events[:6], tasks)
    await storage.write_batch(events[6:], [])
    assert await storage.max_gseq() == 12
    assert [(e.gseq, e.data) for e in await storage.read_events(0, 100)] == [(e.gseq, e.data) for e in events]
    assert [e.gseq for e in await storage.read_events(5, 3)] == [6, 7, 8]
    assert [e.seq for e in await storage.read_task_events("t1")] == [1, 2]
    assert [e.seq for e in await storage.read_task_events("t1", after_seq=1)] == [2]
    got = await storage.get_task("t3")
    assert got == tasks[3] and await storage.get_task("nope") is None

    # Newest first, paged by the (created_at, id) cursor, without repeats or gaps.
    seen: list[str] = []
    before: tuple[str, str] | None = None
    while page := await storage.list_tasks(limit=4, before=before):
        seen.extend(t.id for t in page)
        before = (page[-1].created_at.replace(tzinfo=None).isoformat(), page[-1].id)
    assert seen == [f"t{n}" for n in reversed(range(6))]
    assert [t.id for t in await storage.list_tasks(statuses=[TaskStatus.PENDING], session_id="s")] == ["t2", "t0"]
    assert await storage.count_tasks() == {"COMPLETED": 3, "PENDING": 3}
    timings = await storage.task_timings()
    assert timings["duration_avg_ms"] == pytest.approx(2000) and timings["first_token_avg_ms"] == pytest.approx(500)

    # A task row is upserted: the newest state wins.
    tasks[0].status, tasks[0].result = TaskStatus.FAILED, "partial"
    await storage.write_batch([], [tasks[0]])
    assert await storage.get_task("t0") == tasks[0]

    assert await storage.get_setting("missing") is None
    await storage.set_setting("queue", {"paused": True})
    await storage.set_setting("queue", {"paused": False, "n": [1]})
    assert await storage.get_setting("queue") == {"paused": False, "n": [1]}
    await storage.close()


def test_every_operation_reads_back_what_was_written(database_url: str) -> None:
    asyncio.run(_scenario(database_url))


async def _nul_scenario(url: str, threaded: bool) -> tuple[Task | None, list[Event]]:
    storage = SqlStorage(url, threaded=threaded)
    await storage.init()
    try:
        task = _task(1, TaskStatus.COMPLETED, "s")
        task.content, task.result, task.logs = "a\x00b", "r\x00", ["l\x00"]
        event = Event(gseq=1, task_id="t1", seq=1, type="task.stream", timestamp=utcnow(), agent="chat",
                      message="m\x00", data={"delta": "d\x00"})
        await asyncio.wait_for(storage.write_batch([event], [task]), 30)  # a refused write retries forever
        return await storage.get_task("t1"), await storage.read_task_events("t1")
    finally:
        await storage.close()


@pytest.mark.parametrize("threaded", [True, False])
def test_text_with_a_nul_character_is_stored(database_url: str, threaded: bool) -> None:
    """Workspace files and tool output may hold NUL, which PostgreSQL text columns cannot: it is
    stored as U+FFFD there (exactly on SQLite, and in JSON values on both), never refused."""
    task, stored = asyncio.run(_nul_scenario(database_url, threaded))
    kept = "\x00" if database_url.startswith("sqlite") else "\ufffd"
    assert task is not None and (task.content, task.result) == (f"a{kept}b", f"r{kept}")
    assert task.logs == ["l\x00"]
    assert [(e.message, e.data["delta"]) for e in stored] == [(f"m{kept}", "d\x00")]


def test_an_unreachable_postgres_is_storage_unavailable() -> None:
    port = free_port()
    with socket.socket() as probe:  # nothing listens there
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    storage = SqlStorage(f"postgresql+psycopg://venom@127.0.0.1:{port}/venom")
    with pytest.raises(StorageUnavailable) as info:
        asyncio.run(storage.init())
    assert "postgresql database" in info.value.reason


async def _through_a_restart(server: ThrowawayServer) -> None:
    with fresh_pg_database(server.url) as url:
        storage = SqlStorage(url)
        await storage.init()
        await storage.set_setting("before", 1)
        server.executor.stop()
        with pytest.raises(StorageUnavailable) as info:
            await storage.set_setting("while_down", 2)
        assert "postgresql database" in info.value.reason
        server.executor.start()
        # The pool's dead connections are noticed before use: the next operations just work.
        await storage.set_setting("after", 3)
        assert [await storage.get_setting(k) for k in ("before", "while_down", "after")] == [1, None, 3]
        await storage.close()


def test_a_postgres_restart_is_reconnected_to() -> None:
    with throwaway_server() as server:  # its own server: this test stops it
        asyncio.run(_through_a_restart(server))
