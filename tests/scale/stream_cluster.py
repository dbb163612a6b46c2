"""Several real Venom instances (uvicorn processes) on one PostgreSQL database, with the live tail
from LISTEN/NOTIFY or from a Redis server, for the cross-instance stream tests."""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.sync.client import ClientConnection

from tests.conftest import LiveServer, ServerFactory
from tests.scale.redis_server import TEST_URL_ENV, RedisServer, throwaway_redis
from tests.storage_backends import fresh_pg_database

MODES = ("notify", "redis")
# Long enough that a stream test passes only through the tail it means (LISTEN or Redis), never
# through the table check that runs every VENOM_STREAM_POLL_SECONDS; the fault tests shorten it.
SLOW_POLL = "30"


@dataclass
class Cluster:
    mode: str
    database_url: str
    env: dict[str, str]
    factory: ServerFactory
    redis: RedisServer | None
    servers: list[LiveServer] = field(default_factory=list)

    def instance(self, **extra: str) -> LiveServer:
        srv = self.factory(**{**self.env, **extra})
        self.servers.append(srv)
        return srv

    def stop_all(self) -> None:
        for srv in self.servers:
            srv.stop()


@contextlib.contextmanager
def cluster(mode: str, factory: ServerFactory, pg_admin_url: str, poll: str = SLOW_POLL,
            own_redis: bool = False) -> Iterator[Cluster]:
    """A new database and, in Redis mode, a stream key of its own on `VENOM_TEST_REDIS_URL` or on
    a throwaway server (always one of its own with `own_redis`, for a test that stops it)."""
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_pg_database(pg_admin_url))
        env = {"VENOM_DATABASE_URL": url, "VENOM_STREAM_POLL_SECONDS": poll}
        redis, given = None, None
        if mode == "redis":
            given = None if own_redis else os.environ.get(TEST_URL_ENV)
            if given is None:
                redis = stack.enter_context(throwaway_redis())
            env |= {"VENOM_REDIS_URL": given or (redis.url if redis else ""),
                    "VENOM_REDIS_STREAM": f"venom-test-{uuid.uuid4().hex[:8]}"}
        c = Cluster(mode, url, env, factory, redis)
        try:
            yield c
        finally:
            c.stop_all()  # before the database is dropped
            if given is not None:  # a server the tests share: leave no stream behind
                import redis as redis_client

                client = redis_client.Redis.from_url(given)
                client.delete(env["VENOM_REDIS_STREAM"])
                client.close()


def tail_of(srv: LiveServer) -> str:
    return str(httpx.get(f"{srv.url}/api/v1/system/status", timeout=10).json()["event_log"]["live_tail"])


def wait_for_tail(srv: LiveServer, mode: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while (now := tail_of(srv)) != mode:
        assert time.monotonic() < deadline, f"{srv.url} follows {now}, not {mode}"
        time.sleep(0.05)


def recv_until(ws: ClientConnection, done: Callable[[list[dict[str, Any]]], bool],
               timeout: float = 30) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not done(out):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"feed incomplete; got {[(m['type'], m['gseq']) for m in out][-20:]}")
        out.append(json.loads(ws.recv(timeout=left)))
    return out


def stored(msgs: list[dict[str, Any]]) -> list[int]:
    return [m["gseq"] for m in msgs if m["gseq"] is not None]


def completed(task_ids: list[str]) -> Callable[[list[dict[str, Any]]], bool]:
    want = set(task_ids)

    def done(msgs: list[dict[str, Any]]) -> bool:
        return want <= {m["data"].get("task_id") for m in msgs if m["type"] == "TASK_COMPLETED"}

    return done


def submit(client: httpx.Client, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        r = client.post("/api/v1/tasks", json={"content": "help"})
        assert r.status_code == 201, r.text
        ids.append(r.json()["task_id"])
    return ids
