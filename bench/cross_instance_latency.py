"""Cross-instance event latency: a commit in one process to the SSE frame on another instance.

    python bench/cross_instance_latency.py --spawn            # NOTIFY and Redis, instances started here
    python bench/cross_instance_latency.py --reader-url http://b:8000 \\
        --database-url postgresql+psycopg://user@db/venom [--redis-url redis://r:6379/0 --redis-stream KEY]

This process is the writer: Venom's own event log (`EventLog` with the live tail) on the database
the reader instance uses. It pauses the reader's queue, creates a task there, opens the task's SSE
stream on the reader, then appends one `TASK_STREAM` event at a time and waits for its commit. For
each event it records when the append started, when the commit returned, and when the reader's
frame with that `id:` arrived, and prints p50/p95/p99 of "commit returned -> frame" and of
"append -> frame" (which adds the commit itself).

With `--spawn` it creates a database on `--database-url` (an admin URL, default the local server),
starts one reader instance per mode (`notify`: no Redis; `redis`: `--redis-url`, default the local
server) and drops the database afterwards. Both processes run on this machine, so one clock times
both ends.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from pipeline_bench import start_venom, stop  # noqa: E402

from venom_core.core.event_log import EventLog  # noqa: E402
from venom_core.core.fanout import InProcessBus  # noqa: E402
from venom_core.core.live_tail import LiveTail  # noqa: E402
from venom_core.storage.sql import SqlStorage  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
WARMUP = 20


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


async def _frames(response: httpx.Response) -> AsyncIterator[int]:
    fid: int | None = None
    async for line in response.aiter_lines():
        if line.startswith("id:"):
            fid = int(line[3:].strip())
        elif line == "" and fid is not None:
            yield fid
            fid = None


async def measure(reader_url: str, database_url: str, redis_url: str, stream: str, samples: int,
                  gap: float) -> tuple[list[float], list[float]]:
    return await asyncio.wait_for(_measure(reader_url, database_url, redis_url, stream, samples, gap),
                                  60 + samples * (gap + 0.1))


async def _measure(reader_url: str, database_url: str, redis_url: str, stream: str, samples: int,
                   gap: float) -> tuple[list[float], list[float]]:
    storage = SqlStorage(database_url)
    await storage.init()
    log = EventLog(storage, InProcessBus(), LiveTail(database_url, redis_url, stream=stream))
    await log.start()
    arrived: dict[int, float] = {}
    try:
        async with httpx.AsyncClient(base_url=reader_url, timeout=30) as client:
            (await client.post("/api/v1/queue/pause")).raise_for_status()
            created = await client.post("/api/v1/tasks", json={"content": "latency probe"})
            created.raise_for_status()
            task_id = created.json()["task_id"]
            if await log.load_task(task_id) is None:
                raise SystemExit("the writer does not see the reader's task: is it the same database?")
            opened, complete = asyncio.Event(), asyncio.Event()
            started: dict[int, float] = {}
            committed: dict[int, float] = {}

            async def read() -> None:
                async with client.stream("GET", f"/api/v1/tasks/{task_id}/stream") as r:
                    async for fid in _frames(r):
                        arrived[fid] = time.perf_counter()
                        opened.set()
                        if len(started) == samples and fid >= max(started):
                            complete.set()

            reader = asyncio.create_task(read())
            await asyncio.wait_for(opened.wait(), 30)  # the replay frame: the stream is subscribed
            await asyncio.sleep(0.2)
            for _ in range(WARMUP):  # the first reads and connections of both sides, not timed
                log.append(task_id, "TASK_STREAM", data={"delta": "."})
                await log.commit()
                await asyncio.sleep(gap)
            for _ in range(samples):
                t0 = time.perf_counter()
                event = log.append(task_id, "TASK_STREAM", data={"delta": "x"})
                await log.commit()
                started[event.seq], committed[event.seq] = t0, time.perf_counter()
                await asyncio.sleep(gap)
            if not arrived or max(arrived) < max(started):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(complete.wait(), 10)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
            await client.post("/api/v1/queue/resume")
    finally:
        await log.stop()
        await storage.close()
    # A frame covers every event up to its id (frames are coalesced when events come close
    # together): an event arrived with the first frame whose id reaches it.
    ids = sorted(arrived)
    seen: dict[int, float] = {}
    for seq in started:
        at = bisect.bisect_left(ids, seq)
        if at < len(ids):
            seen[seq] = arrived[ids[at]]
    if len(seen) < len(started):
        print(f"  {len(started) - len(seen)} of {samples} events never reached the stream", file=sys.stderr)
    after_commit = [(seen[s] - committed[s]) * 1000 for s in seen]
    after_append = [(seen[s] - started[s]) * 1000 for s in seen]
    return after_commit, after_append


def report(name: str, after_commit: list[float], after_append: list[float]) -> None:
    if not after_commit:
        print(f"{name:<8} no frame arrived")
        return
    print(f"{name:<8} commit->frame p50 {pct(after_commit, 50):6.2f} ms  p95 {pct(after_commit, 95):6.2f} ms  "
          f"p99 {pct(after_commit, 99):6.2f} ms   append->frame p50 {pct(after_append, 50):6.2f} ms  "
          f"p99 {pct(after_append, 99):6.2f} ms   (n={len(after_commit)}, mean {statistics.fmean(after_commit):.2f})")


@contextlib.contextmanager
def new_database(admin_url: str) -> Iterator[str]:
    import sqlalchemy as sa

    name = f"venom_latency_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def spawn(args: argparse.Namespace) -> None:
    for mode in ("notify", "redis"):
        with new_database(args.database_url) as url, tempfile.TemporaryDirectory() as tmp:
            env = {"VENOM_DATABASE_URL": url, "VENOM_RATE_LIMIT_ENABLED": "false",
                   "VENOM_WORKSPACE": str(Path(tmp) / "workspace")}
            stream = f"venom-latency-{uuid.uuid4().hex[:8]}"
            redis_url = args.redis_url if mode == "redis" else ""
            if redis_url:
                env |= {"VENOM_REDIS_URL": redis_url, "VENOM_REDIS_STREAM": stream}
            proc, reader_url, _ = start_venom(Path(tmp), env)
            try:
                time.sleep(args.settle)  # the instance loads its models in the background after start
                report(mode, *asyncio.run(measure(reader_url, url, redis_url, stream, args.samples, args.gap)))
            finally:
                stop(proc)
                if redis_url:
                    import redis

                    client = redis.Redis.from_url(redis_url)
                    client.delete(stream)
                    client.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spawn", action="store_true", help="start the reader instances here (both modes)")
    ap.add_argument("--reader-url", help="the instance whose SSE stream is timed")
    ap.add_argument("--database-url", default=ADMIN_URL,
                    help="the reader's database (with --spawn: an admin URL to create one on)")
    ap.add_argument("--redis-url", default=None, help=f"Redis for the redis mode (with --spawn: {REDIS_URL})")
    ap.add_argument("--redis-stream", default="venom:events", help="the reader's VENOM_REDIS_STREAM")
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--gap", type=float, default=0.02, help="seconds between events")
    ap.add_argument("--settle", type=float, default=15.0,
                    help="with --spawn: seconds to wait after start, while the instance loads its models")
    args = ap.parse_args()
    if args.spawn:
        args.redis_url = args.redis_url or REDIS_URL
        spawn(args)
        return 0
    if not args.reader_url:
        ap.error("give --reader-url (and --database-url), or --spawn")
    mode = "redis" if args.redis_url else "notify"
    report(mode, *asyncio.run(measure(args.reader_url, args.database_url, args.redis_url or "", args.redis_stream,
                                      args.samples, args.gap)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
