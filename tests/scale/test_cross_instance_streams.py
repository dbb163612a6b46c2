"""Streams across API instances on one PostgreSQL database: a client on any instance sees the
events another process writes, live, and resumes on another instance with no gap and no repeat.
Every test runs with the live tail from LISTEN/NOTIFY and from Redis Streams.

The tail's table check (VENOM_STREAM_POLL_SECONDS) is set to 30 s here, longer than any wait,
so the live events can only have come through LISTEN or Redis.
"""

from __future__ import annotations

import contextlib

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import ServerFactory
from tests.scale.stream_cluster import MODES, cluster, completed, recv_until, stored, submit, wait_for_tail
from tests.sse import Frame, frames, read_stream
from tests.storage_backends import pg_admin_url  # noqa: F401  (fixture)


def _logs(fs: list[Frame]) -> list[str]:
    return [line for f in fs if f.event == "task_update" for line in f.data["logs"]]


def _text(fs: list[Frame]) -> str:
    return "".join(f.data.get("delta", "") for f in fs if f.event == "task_update")


def _ids(fs: list[Frame]) -> list[int]:
    return [f.id for f in fs if f.id is not None]


@pytest.mark.parametrize("mode", MODES)
def test_sse_on_one_instance_shows_live_events_written_by_another(
        mode: str, server_factory: ServerFactory, pg_admin_url: str) -> None:  # noqa: F811
    with cluster(mode, server_factory, pg_admin_url) as c:
        a, b = c.instance(), c.instance()
        wait_for_tail(b, mode)
        with httpx.Client(base_url=a.url, timeout=30) as ca, httpx.Client(base_url=b.url, timeout=20) as cb:
            ca.post("/api/v1/queue/pause")
            (tid,) = submit(ca, 1)
            seen: list[Frame] = []
            with cb.stream("GET", f"/api/v1/tasks/{tid}/stream") as r:
                assert r.status_code == 200
                it = frames(r)
                seen.append(next(it))  # the replay: accepted and queued on A
                assert seen[0].data["status"] == "PENDING"
                ca.post("/api/v1/queue/resume")  # A runs it now; B hears of every step live
                for f in it:
                    seen.append(f)
                    if f.event == "task_finished":
                        break
            full = read_stream(ca, tid, headers={"Last-Event-ID": "0"})
    assert seen[-1].event == "task_finished" and seen[-1].data["status"] == "COMPLETED"
    assert len(_ids(seen)) > 1, "the later frames came live, not in the replay"
    assert _ids(seen) == sorted(set(_ids(seen)))
    assert _logs(seen) == _logs(full) and seen[-1].data["result"] == full[-1].data["result"]


@pytest.mark.parametrize("mode", MODES)
def test_sse_resumes_on_another_instance_after_the_first_is_killed(
        mode: str, server_factory: ServerFactory, pg_admin_url: str) -> None:  # noqa: F811
    with cluster(mode, server_factory, pg_admin_url) as c:
        writer, a, b = c.instance(), c.instance(), c.instance()
        wait_for_tail(a, mode)
        wait_for_tail(b, mode)
        with httpx.Client(base_url=writer.url, timeout=30) as cw:
            cw.post("/api/v1/queue/pause")
            (tid,) = submit(cw, 1)
            first: list[Frame] = []
            with contextlib.suppress(httpx.HTTPError), httpx.Client(base_url=a.url, timeout=20) as ca, \
                    ca.stream("GET", f"/api/v1/tasks/{tid}/stream") as r:
                for f in frames(r):
                    first.append(f)
                    a.kill()  # A dies with the stream open
            cw.post("/api/v1/queue/resume")
            last = first[-1].id
            assert last is not None
            with httpx.Client(base_url=b.url, timeout=20) as cb:
                rest = read_stream(cb, tid, headers={"Last-Event-ID": str(last)})
                full = read_stream(cb, tid, headers={"Last-Event-ID": "0"})
    assert rest[-1].event == "task_finished" and rest[-1].data["status"] == "COMPLETED"
    ids = _ids(first) + _ids(rest)
    assert ids == sorted(set(ids)) and ids[-1] == _ids(full)[-1], "no id repeated, the last one reached"
    # Frames are coalesced differently live and in a replay; their content must add up exactly.
    assert _logs(first) + _logs(rest) == _logs(full), "the resumed stream repeats nothing and skips nothing"
    assert _text(first) + _text(rest) == full[-1].data["result"]


@pytest.mark.parametrize("mode", MODES)
def test_websocket_resumes_on_another_instance_after_the_first_is_killed(
        mode: str, server_factory: ServerFactory, pg_admin_url: str) -> None:  # noqa: F811
    with cluster(mode, server_factory, pg_admin_url) as c:
        writer = c.instance(MAX_CONCURRENT_TASKS="1")
        a, b = c.instance(), c.instance()
        wait_for_tail(a, mode)
        wait_for_tail(b, mode)
        with httpx.Client(base_url=writer.url, timeout=30) as cw:
            cw.post("/api/v1/queue/pause")
            ids = submit(cw, 12)
            with connect(f"{a.ws_url}/ws/events?types=*&since=0", open_timeout=10) as ws:
                before = recv_until(ws, lambda m: len(stored(m)) >= 3)
                cw.post("/api/v1/queue/resume")  # the writer runs them while A streams them
                before += recv_until(ws, lambda m: len(m) >= 20)
                a.kill()
            since = stored(before)[-1]
            with connect(f"{b.ws_url}/ws/events?types=*&since={since}", open_timeout=10) as ws:
                after = recv_until(ws, completed(ids))
            with connect(f"{b.ws_url}/ws/events?types=*&since=0", open_timeout=10) as ws:
                everything = recv_until(ws, completed(ids))
    got = stored(before) + stored(after)
    assert got == stored(everything) == list(range(1, len(got) + 1)), "once each, in order, no gap"
