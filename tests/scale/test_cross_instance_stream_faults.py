"""Faults of the live tail across instances: Redis stops and comes back, the LISTEN connection is
cut. Streams fall back (to LISTEN/NOTIFY, or to reading the table) and recover; no event is lost
or repeated."""

from __future__ import annotations

import time

import httpx
import sqlalchemy as sa
from websockets.sync.client import connect

from tests.conftest import ServerFactory
from tests.scale.stream_cluster import cluster, completed, recv_until, stored, submit, wait_for_tail
from tests.storage_backends import pg_admin_url  # noqa: F401  (fixture)


def _redis_entries(url: str, key: str) -> int:
    """The entries of the stream, once there are any (the append follows the commit)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while (n := int(client.xlen(key))) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        return n
    finally:
        client.close()


def test_redis_outage_falls_back_and_recovers_without_losing_an_event(
        server_factory: ServerFactory, pg_admin_url: str) -> None:  # noqa: F811
    with cluster("redis", server_factory, pg_admin_url, poll="0.2", own_redis=True) as c:
        assert c.redis is not None
        writer, reader = c.instance(), c.instance()
        wait_for_tail(reader, "redis")
        key = c.env["VENOM_REDIS_STREAM"]
        with httpx.Client(base_url=writer.url, timeout=30) as cw, \
                connect(f"{reader.ws_url}/ws/events?types=*&since=0", open_timeout=10) as ws:
            ids = submit(cw, 3)
            msgs = recv_until(ws, completed(ids))
            assert _redis_entries(c.redis.url, key) > 0, "the writer appends its events to the Redis stream"

            c.redis.stop()
            wait_for_tail(reader, "notify")  # LISTEN takes over
            down = submit(cw, 3)
            ids += down
            msgs += recv_until(ws, completed(down))

            c.redis.start()  # empty: Redis kept nothing
            wait_for_tail(reader, "redis")
            up = submit(cw, 3)
            ids += up
            msgs += recv_until(ws, completed(up))
            assert _redis_entries(c.redis.url, key) > 0, "the writer appends to Redis again"
        with connect(f"{reader.ws_url}/ws/events?types=*&since=0", open_timeout=10) as ws:
            everything = recv_until(ws, completed(ids))
    got = stored(msgs)
    assert got == stored(everything) == list(range(1, len(got) + 1)), "once each, in order, no gap"


def test_a_cut_listen_connection_falls_back_to_the_table_and_listens_again(
        server_factory: ServerFactory, pg_admin_url: str) -> None:  # noqa: F811
    with cluster("notify", server_factory, pg_admin_url, poll="0.2") as c:
        writer, reader = c.instance(), c.instance()
        wait_for_tail(reader, "notify")
        with httpx.Client(base_url=writer.url, timeout=30) as cw, \
                connect(f"{reader.ws_url}/ws/events?types=*&since=0", open_timeout=10) as ws:
            ids = submit(cw, 2)
            msgs = recv_until(ws, completed(ids))
            # The server ends every listening session (as a failover or a restart would).
            engine = sa.create_engine(c.database_url, poolclass=sa.pool.NullPool)
            with engine.connect() as conn:
                cut = conn.execute(sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND query LIKE 'LISTEN%'")).scalar()
            engine.dispose()
            assert cut and cut >= 2, "both instances were listening"
            cut_off = submit(cw, 3)
            msgs += recv_until(ws, completed(cut_off))
            wait_for_tail(reader, "notify")
            again = submit(cw, 2)
            msgs += recv_until(ws, completed(again))
            ids += cut_off + again
        with connect(f"{reader.ws_url}/ws/events?types=*&since=0", open_timeout=10) as ws:
            everything = recv_until(ws, completed(ids))
    got = stored(msgs)
    assert got == stored(everything) == list(range(1, len(got) + 1))
