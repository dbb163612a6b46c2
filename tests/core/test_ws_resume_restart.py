"""WebSocket resume across a restart, with SYSTEM_LOG traffic: `?since=<gseq>` misses nothing.

SYSTEM_LOG lines are broadcast but never stored. If they took `gseq` numbers, a client would
resume from a number no stored event has, and after a restart that number would name a new
event, so the events in between were skipped. The contract: unstored messages carry
`gseq: null`; every number a client sees names a stored event.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

from tests.conftest import LiveServer, ServerFactory
from tests.sse import read_stream

CONFIG_LINES = 10  # each config write logs one INFO line, mirrored to the feed as SYSTEM_LOG


def _recv_until(ws: ClientConnection, done: Any, timeout: float = 30) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not done(out):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"feed incomplete; got {[(m['type'], m['gseq']) for m in out]}")
        out.append(json.loads(ws.recv(timeout=left)))
    return out


def _run_tasks(client: httpx.Client, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        tid = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        assert read_stream(client, tid)[-1].event == "task_finished"
        ids.append(tid)
    return ids


def _stored(m: dict[str, Any]) -> bool:
    return m["gseq"] is not None and m["type"] != "SYSTEM_LOG"


def _completed(task_id: str) -> Any:
    return lambda msgs: any(m["type"] == "TASK_COMPLETED" and m["data"].get("task_id") == task_id for m in msgs)


def test_resume_after_restart_with_system_log_traffic_loses_nothing(server_factory: ServerFactory) -> None:
    srv: LiveServer = server_factory()
    with httpx.Client(base_url=srv.url, timeout=30) as client, connect(f"{srv.ws_url}/ws/events") as ws:
        before = _run_tasks(client, 3)
        seen = _recv_until(ws, _completed(before[-1]))
        # SYSTEM_LOG traffic after the last stored event: the numbers a client would see next.
        for _ in range(CONFIG_LINES):
            r = client.post("/api/v1/config/runtime", json={"updates": {"VENOM_SESSION_HISTORY_TURNS": 20}})
            assert r.status_code == 200, r.text
        seen += _recv_until(ws, lambda msgs: sum(
            m["type"] == "SYSTEM_LOG" and "config: saved" in m["message"] for m in msgs) >= CONFIG_LINES)
    logs = [m for m in seen if m["type"] == "SYSTEM_LOG"]
    assert logs and all(m["gseq"] is None for m in logs), "an unstored message carries no gseq"
    assert all(set(m) == {"type", "agent", "message", "timestamp", "data", "gseq"} for m in seen)
    # Where a client resumes: the highest gseq it was given (as web-next/lib/ws.ts does).
    since = max(m["gseq"] for m in seen if m["gseq"] is not None)

    srv.restart()
    with httpx.Client(base_url=srv.url, timeout=30) as client:
        after = _run_tasks(client, 4)
    with connect(f"{srv.ws_url}/ws/events?since={since}") as ws:
        resumed = [m for m in _recv_until(ws, _completed(after[-1])) if _stored(m)]
    with connect(f"{srv.ws_url}/ws/events?since=0") as ws:
        stored = [m for m in _recv_until(ws, _completed(after[-1])) if _stored(m)]

    # An event's identity that does not depend on numbering: what it says (task events carry their
    # task and per-task seq; system events such as the audit trail's carry their own fields).
    def ident(m: dict[str, Any]) -> str:
        return json.dumps([m["type"], m["timestamp"], m["message"], m["data"]], sort_keys=True)

    had = {ident(m) for m in seen if _stored(m)}
    expected = [ident(m) for m in stored if ident(m) not in had]
    assert len(expected) >= 4 * 3, "the events of the new tasks (created, started, completed, ...)"
    got = [ident(m) for m in resumed]
    assert got == expected, "every stored event the client had not seen arrives exactly once, in order"
    gseqs = [m["gseq"] for m in resumed]
    assert gseqs == sorted(set(gseqs)) and gseqs[0] > since
    created = {m["data"]["task_id"] for m in resumed if m["type"] == "TASK_CREATED"}
    assert created == set(after), "every task created after the restart is in the resumed feed"
    assert not created & set(before)
