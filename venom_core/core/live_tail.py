"""The live tail across instances: how this process hears of events that other processes commit.

Only a shared PostgreSQL database has other writers; SQLite keeps the in-process bus alone. The
tail never decides what a listener gets: the event table does. The tail only says "there is
something after gseq N" (and, from Redis, hands over the events themselves so that the usual case
needs no read); the event log then delivers, strictly in `gseq` order, whatever the table holds
after the last number it delivered (`EventLog._deliver`). So a tail that loses a message, delivers
one twice, or in another order than the commits, costs at most a read, never an event.

Sources, best first:

- **Redis Streams** (`VENOM_REDIS_URL`): every process appends the events it committed to one
  stream (`XADD`, trimmed to about `VENOM_REDIS_STREAM_MAXLEN`) and every process follows it with
  a blocking `XREAD`. An append happens after the commit, so a writer that dies in between never
  sends its last events: with Redis the table is also checked every `VENOM_STREAM_POLL_SECONDS`.
- **PostgreSQL LISTEN/NOTIFY**: every event transaction ends with `pg_notify` carrying its last
  gseq (`storage/sql.py`); PostgreSQL delivers it if and only if the transaction commits. Used
  when no Redis is configured, and while Redis is unreachable (then Redis is retried every
  `VENOM_STREAM_POLL_SECONDS`).
- **Polling** the event table every `VENOM_STREAM_POLL_SECONDS`, while neither works.

Whenever a source (re)starts, the table is read once after it is listening, which covers what was
committed while nobody listened.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from loguru import logger

from venom_core.core.models import Event

TailMode = Literal["starting", "redis", "notify", "poll"]
Offer = Callable[[list[Event]], None]  # events as a source saw them (maybe out of order, maybe repeated)
Wake = Callable[[int | None], None]  # "the table may hold something after this gseq" (None: anything)

# The NOTIFY channel every event transaction signals on PostgreSQL (`storage/sql.py` sends it).
EVENTS_CHANNEL = "venom_events"
_OUTBOX_LIMIT = 10_000  # events waiting for Redis; beyond it they are dropped (readers use the table)


def event_to_wire(event: Event) -> str:
    return json.dumps({"gseq": event.gseq, "task_id": event.task_id, "seq": event.seq, "type": event.type,
                       "ts": event.timestamp.isoformat(), "agent": event.agent, "message": event.message,
                       "data": event.data}, ensure_ascii=False, separators=(",", ":"), default=str)


def event_from_wire(raw: str | bytes) -> Event | None:
    """An event sent by `event_to_wire`, or None for anything else (another writer's version)."""
    try:
        d = json.loads(raw)
        return Event(gseq=int(d["gseq"]), task_id=d["task_id"], seq=int(d["seq"]), type=str(d["type"]),
                     timestamp=datetime.fromisoformat(d["ts"]), agent=d["agent"], message=str(d["message"]),
                     data=d["data"] if isinstance(d["data"], dict) else {})
    except (ValueError, KeyError, TypeError):
        return None


def libpq_url(sqlalchemy_url: str) -> str:
    """`postgresql+psycopg://...` as psycopg itself takes it."""
    import sqlalchemy as sa

    return sa.make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class LiveTail:
    """Follows Redis, else LISTEN, else the table; `forward` sends this process's events to Redis."""

    def __init__(self, database_url: str, redis_url: str = "", *, stream: str = "venom:events",
                 maxlen: int = 10_000, poll_seconds: float = 1.0):
        self.database_url = database_url
        self.redis_url = redis_url
        self.stream = stream
        self.maxlen = maxlen
        self.poll_seconds = poll_seconds
        self.mode: TailMode = "starting"
        self.fault: str | None = None  # why the preferred source is not in use, for the health view
        self._redis: Any = None  # redis.asyncio.Redis, imported only when configured
        self._outbox: asyncio.Queue[list[Event]] = asyncio.Queue()
        self._queued = 0
        self._sender: asyncio.Task[None] | None = None

    # -- writing side --------------------------------------------------------------------------
    def forward(self, events: Sequence[Event]) -> None:
        """Hand committed events to Redis (never blocks; a lost append costs readers one table read)."""
        if not self.redis_url or not events or self._queued >= _OUTBOX_LIMIT:
            return
        self._queued += len(events)
        self._outbox.put_nowait(list(events))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send_loop(), name="live-tail-redis-send")

    async def _send_loop(self) -> None:
        while True:
            batch = await self._outbox.get()
            while not self._outbox.empty():
                batch.extend(self._outbox.get_nowait())
            self._queued -= len(batch)
            # Twice: the first use of a connection that died with a restarted Redis fails, and
            # drops it; the second connects anew.
            for attempt in (1, 2):
                try:
                    await self._append(batch)
                    break
                except Exception as exc:  # Redis down: the readers fall back to NOTIFY and the table
                    if attempt == 2:
                        logger.bind(no_ws=True).debug("redis append failed ({}): {} event(s) left to the table",
                                                      type(exc).__name__, len(batch))

    async def _append(self, batch: list[Event]) -> None:
        async with self._client().pipeline(transaction=False) as pipe:
            for event in batch:
                pipe.xadd(self.stream, {"e": event_to_wire(event)}, maxlen=self.maxlen, approximate=True)
            await pipe.execute()

    def _client(self) -> Any:
        if self._redis is None:
            import redis.asyncio as aioredis
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            # No retries inside the client: a failure must reach `run` at once, which falls back to
            # LISTEN (or the table) and tries Redis again itself. The blocking read is shorter than
            # the socket timeout, so a silent stream is not a timeout.
            self._redis = aioredis.from_url(self.redis_url, socket_connect_timeout=2.0,
                                            socket_timeout=self.poll_seconds + 5.0, retry=Retry(NoBackoff(), 0))
        return self._redis

    # -- reading side --------------------------------------------------------------------------
    async def run(self, offer: Offer, wake: Wake) -> None:
        """Follow the best source that works until cancelled; fall back and come back by itself."""
        while True:
            if self.redis_url:
                await self._attempt("redis", self._follow_redis(offer, wake))
                # Redis failed: LISTEN for a while (or poll), then try Redis again.
                if not await self._attempt("notify", self._follow_notify(wake, self.poll_seconds)):
                    await self._poll(wake, self.poll_seconds)
                continue
            if not await self._attempt("notify", self._follow_notify(wake, None)):
                await self._poll(wake, self.poll_seconds)

    async def _attempt(self, name: str, follow: Awaitable[None]) -> bool:
        """Run one source; True when it ended by itself (its time was up), False when it failed."""
        try:
            await follow
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reason = f"{name} unavailable ({type(exc).__name__}: {str(exc)[:200]})"
            if reason != self.fault:
                logger.bind(no_ws=True).warning("live tail: {}; falling back", reason)
            self.fault = reason
            return False
        return True

    async def _follow_redis(self, offer: Offer, wake: Wake) -> None:
        client = self._client()
        newest = await client.xrevrange(self.stream, count=1)
        last_id = newest[0][0] if newest else "0-0"
        self._switched("redis", wake)
        block_ms = int(self.poll_seconds * 1000)
        next_check = time.monotonic() + self.poll_seconds
        while True:
            reply = await client.xread({self.stream: last_id}, count=1000, block=block_ms)
            events: list[Event] = []
            for _key, entries in reply or ():
                for entry_id, fields in entries:
                    last_id = entry_id
                    raw = fields.get(b"e") if isinstance(fields, dict) else None
                    event = event_from_wire(raw) if raw is not None else None
                    if event is not None:
                        events.append(event)
            if events:
                offer(events)
            if time.monotonic() >= next_check:  # what a writer committed but died before sending
                wake(None)
                next_check = time.monotonic() + self.poll_seconds

    async def _follow_notify(self, wake: Wake, limit: float | None) -> None:
        import psycopg

        conn = await psycopg.AsyncConnection.connect(libpq_url(self.database_url), autocommit=True,
                                                     connect_timeout=5)
        try:
            await conn.execute(f"LISTEN {EVENTS_CHANNEL}")
            self._switched("notify", wake)
            async for note in conn.notifies(timeout=limit):
                wake(int(note.payload) if note.payload.isdigit() else None)
        finally:
            with contextlib.suppress(Exception):
                await conn.close()

    async def _poll(self, wake: Wake, seconds: float) -> None:
        self._switched("poll", wake)
        await asyncio.sleep(seconds)
        wake(None)

    def _switched(self, mode: TailMode, wake: Wake) -> None:
        if mode != self.mode:
            log = logger.bind(no_ws=True)
            (log.info if mode != "poll" else log.warning)("live tail: following {}", mode)
        self.mode = mode
        if mode == "redis" or (mode == "notify" and not self.redis_url):
            self.fault = None  # the preferred source works
        wake(None)  # what was committed while nothing listened

    async def close(self) -> None:
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._sender
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await self._redis.aclose()
            self._redis = None
