"""WebSocket /ws/events: envelope, filters, `since` replay, and slow clients dropped."""

from __future__ import annotations

import json
import socket
import time

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import LiveServer
from tests.sse import read_stream


# Deadlines only end a hung test; they are generous so a loaded machine never fails a test.
def recv_json(ws, timeout: float = 30) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(ws.recv(timeout=timeout))


def until(ws, pred, timeout: float = 60) -> list[dict]:  # type: ignore[no-untyped-def]
    out: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = recv_json(ws, timeout=deadline - time.monotonic())
        out.append(msg)
        if pred(msg):
            return out
    raise AssertionError(f"condition not met; got {[m['type'] for m in out]}")


def test_envelope_and_type_and_task_filters(server: LiveServer, client: httpx.Client) -> None:
    with connect(f"{server.ws_url}/ws/events?types=TASK_C*,TASK_STARTED") as ws:
        tid = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        other = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        msgs = until(ws, lambda m: m["type"] == "TASK_COMPLETED" and m["data"]["task_id"] == other)
        assert {m["type"] for m in msgs} == {"TASK_CREATED", "TASK_STARTED", "TASK_COMPLETED"}
        assert set(msgs[0]) == {"type", "agent", "message", "timestamp", "data", "gseq"}
        gseqs = [m["gseq"] for m in msgs]
        assert gseqs == sorted(gseqs) and len(set(gseqs)) == len(gseqs)
        assert [m["data"]["task_id"] for m in msgs if m["type"] == "TASK_CREATED"] == [tid, other]
    # Without a type filter, token text (TASK_STREAM) stays off the telemetry feed.
    with connect(f"{server.ws_url}/ws/events?since=0") as ws:
        msgs = until(ws, lambda m: m["type"] == "TASK_COMPLETED" and m["data"]["task_id"] == other)
        assert "TASK_STREAM" not in {m["type"] for m in msgs}
    # task_id narrows to one task.
    with connect(f"{server.ws_url}/ws/events?types=TASK_COMPLETED&task_id={other}&since=0") as narrow:
        m = recv_json(narrow)
        assert m["type"] == "TASK_COMPLETED" and m["data"]["task_id"] == other
    # No waiting for silence: `held` queues behind `third`, which the queue starts first (FIFO), so
    # any event of `third` that leaked through the filter would arrive before `held` finishes.
    client.post("/api/v1/queue/pause")
    try:
        third = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        held = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        with connect(f"{server.ws_url}/ws/events?types=TASK_*&task_id={held}&since=0") as narrow:
            client.post("/api/v1/queue/resume")
            msgs = until(narrow, lambda m: m["type"] == "TASK_COMPLETED")
    finally:
        client.post("/api/v1/queue/resume")
    assert {m["data"]["task_id"] for m in msgs} == {held}, "another task's events must not arrive"
    assert read_stream(client, third)[-1].data["status"] == "COMPLETED"


def test_since_replays_then_goes_live_without_gaps_or_repeats(server: LiveServer, client: httpx.Client) -> None:
    t1 = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    read_stream(client, t1)
    with connect(f"{server.ws_url}/ws/events?since=0&types=TASK_*") as ws:
        replay = until(ws, lambda m: m["type"] == "TASK_COMPLETED")
        assert replay[0]["type"] == "TASK_CREATED" and replay[0]["data"]["task_id"] == t1
        mid = replay[1]["gseq"]
    with connect(f"{server.ws_url}/ws/events?since={mid}&types=TASK_*") as ws:
        t2 = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        msgs = until(ws, lambda m: m["type"] == "TASK_COMPLETED" and m["data"]["task_id"] == t2)
        gseqs = [m["gseq"] for m in msgs]
        assert gseqs[0] > mid
        assert gseqs == sorted(set(gseqs)), "no repeats, in order"
        assert [m["gseq"] for m in replay if m["gseq"] > mid] == gseqs[: len([g for g in replay if g["gseq"] > mid])]


def test_bad_since_is_refused(server: LiveServer) -> None:
    with connect(f"{server.ws_url}/ws/events?since=abc") as ws:
        try:
            ws.recv(timeout=60)
            raise AssertionError("expected close")
        except ConnectionClosed as exc:
            assert exc.rcvd is not None and exc.rcvd.code == 1008


def test_slow_client_is_dropped_and_does_not_stall_others(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv: LiveServer = server_factory(VENOM_WS_QUEUE_SIZE="20")
    # A raw socket that completes the handshake and then never reads: its buffers fill up.
    slow = socket.create_connection(("127.0.0.1", srv.port))
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.sendall(
        b"GET /ws/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    assert b"101" in slow.recv(200)
    fast_url = f"{srv.ws_url}/ws/events?types=TASK_COMPLETED"
    with httpx.Client(base_url=srv.url, timeout=30) as c, connect(fast_url) as fast:
        big = "x" * 45_000  # every TASK_CREATED carries the content: ~7 MB for the stuck client to not read
        ids = [c.post("/api/v1/tasks", json={"content": big, "forced_intent": "HELP_REQUEST"}).json()["task_id"]
               for _ in range(150)]
        done = set()
        deadline = time.monotonic() + 300
        while len(done) < len(ids) and time.monotonic() < deadline:
            m = recv_json(fast, timeout=30)
            done.add(m["data"]["task_id"])
        assert done == set(ids), "the fast client got every completion despite the stuck one"
    deadline = time.monotonic() + 60
    while "dropping a slow /ws/events client" not in srv.log_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "dropping a slow /ws/events client" in srv.log_text()
    slow.close()


def test_system_log_mirrors_the_backend_log(server: LiveServer, client: httpx.Client) -> None:
    with connect(f"{server.ws_url}/ws/events?types=SYSTEM_LOG") as ws:
        client.post("/api/v1/queue/emergency-stop")  # logs a warning
        msgs = until(ws, lambda m: "emergency stop" in m["message"])
        assert msgs[-1]["data"]["level"] == "WARNING"
    log_file = server.data_dir / "logs" / "venom.log"
    assert "emergency stop" in log_file.read_text()
