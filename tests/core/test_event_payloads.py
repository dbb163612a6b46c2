"""Typed events: every event a real server writes fits its type's payload model, every SSE frame
fits `TaskStreamFrame`, and the log refuses an unknown type or a payload of the wrong shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter
from websockets.sync.client import connect

from tests.conftest import LiveServer
from tests.sse import read_stream
from venom_core.core.event_log import EventLog
from venom_core.core.events import PAYLOADS, InvalidEvent, TaskQueuedPayload, check
from venom_core.core.fanout import InProcessBus
from venom_core.core.frames import TaskStreamFrame
from venom_core.core.models import EventType
from venom_core.storage.sql import SqlStorage

FRAME = TypeAdapter(TaskStreamFrame)
ENVELOPE_KEYS = {"type", "agent", "message", "timestamp", "data", "gseq"}


def check_envelope(msg: dict[str, Any]) -> None:
    assert set(msg) == ENVELOPE_KEYS, msg
    data = dict(msg["data"])
    if msg["gseq"] is not None and "seq" in data:  # a task event: the envelope adds these two
        assert isinstance(data.pop("task_id"), str) and data.pop("seq") >= 1
    check(msg["type"], data)  # raises InvalidEvent with the field that does not fit


def frames_of(client: httpx.Client, task_id: str) -> list[str]:
    out = read_stream(client, task_id)
    for f in out:
        raw: dict[str, Any] = {"event": f.event, "data": f.data}
        if f.id is not None:
            raw["id"] = str(f.id)
        FRAME.validate_python(raw)
    return [f.event for f in out]


def drive(client: httpx.Client) -> tuple[set[str], str]:
    """Real work through the public API that makes the server emit many kinds of event. Returns
    the types it must have caused and the id of a last task, whose end marks the end of the lot."""
    sid = "s-typed-events"
    for content in ("help", "what time is it", "system status"):
        created = client.post("/api/v1/tasks", json={"content": content, "session_id": sid})
        assert created.status_code == 201, created.text
        assert frames_of(client, created.json()["task_id"])[-1] == "task_finished"
    # No model in this profile: a chat fails, with the stable error shape in its event.
    failed = client.post("/api/v1/tasks", json={"content": "write me a poem", "forced_intent": "GENERAL_CHAT"})
    assert frames_of(client, failed.json()["task_id"])[-1] == "task_finished"
    # The queue: paused work is queued, then aborted, purged, resumed and stopped.
    assert client.post("/api/v1/queue/pause").status_code == 200
    waiting = [client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"] for _ in range(3)]
    assert client.post(f"/api/v1/tasks/{waiting[0]}/abort").status_code == 200
    assert client.post("/api/v1/queue/purge").status_code == 200
    assert client.post("/api/v1/queue/resume").status_code == 200
    assert client.post("/api/v1/queue/emergency-stop").status_code == 200
    assert client.post("/api/v1/queue/resume").status_code == 200
    # A direct tool call.
    assert client.post("/api/v1/tools/builtin:time_now/invoke", json={"arguments": {}}).status_code == 200
    # A conversation renamed, then deleted.
    assert client.patch(f"/api/v1/sessions/{sid}", json={"title": "Typed", "pinned": True}).status_code == 200
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 200
    last = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    frames_of(client, last)  # its TASK_COMPLETED is stored before its stream ends
    return {"TASK_CREATED", "TASK_STARTED", "TASK_STREAM", "TRACE_STEP", "AGENT_THOUGHT", "RENDER_WIDGET",
            "TASK_COMPLETED", "TASK_FAILED", "TASK_QUEUED", "TASK_ABORTED", "QUEUE_PAUSED", "QUEUE_PURGED",
            "QUEUE_RESUMED", "EMERGENCY_STOP", "AUDIT_ACTION", "TOOL_CALL_STARTED", "TOOL_CALL_FINISHED",
            "SESSION_UPDATED", "SESSION_DELETED"}, last


def read_until_done(ws: Any, task_id: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while not out or not (out[-1]["type"] == "TASK_COMPLETED" and out[-1]["data"].get("task_id") == task_id):
        out.append(json.loads(ws.recv(timeout=60)))
    return out


def test_every_event_of_real_tasks_fits_its_model(server: LiveServer, client: httpx.Client) -> None:
    with connect(f"{server.ws_url}/ws/events?types=*") as live:
        expected, last = drive(client)
        live_msgs = read_until_done(live, last)  # with the unstored SYSTEM_LOG lines
    with connect(f"{server.ws_url}/ws/events?since=0&types=*") as replay:
        stored = read_until_done(replay, last)  # the log itself, from its first event
    for msg in stored + live_msgs:
        check_envelope(msg)
    types = {m["type"] for m in stored}
    assert expected <= types, f"not emitted: {sorted(expected - types)}"
    assert [m["gseq"] for m in stored] == sorted({m["gseq"] for m in stored})


def test_every_event_type_has_a_model_and_a_schema(client: httpx.Client) -> None:
    assert set(PAYLOADS) == set(EventType)
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    union = schemas["WsEvent"]
    assert union["discriminator"]["propertyName"] == "type"
    assert set(union["discriminator"]["mapping"]) == {t.value for t in EventType}
    for ref in union["discriminator"]["mapping"].values():
        member = schemas[ref.rsplit("/", 1)[-1]]
        payload = member["properties"]["data"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]
        assert payload in schemas
    frame = schemas["TaskStreamFrame"]
    assert set(frame["discriminator"]["mapping"]) == {"task_update", "heartbeat", "task_finished", "task_missing"}


@pytest.fixture
async def log(tmp_path: Path):  # type: ignore[no-untyped-def]
    storage = SqlStorage(f"sqlite+aiosqlite:///{tmp_path / 'events.db'}")
    await storage.init()
    log = EventLog(storage, InProcessBus())
    await log.start()
    yield log
    await log.stop()


@pytest.mark.parametrize(("event_type", "data", "reason"), [
    ("NO_SUCH_EVENT", {}, "not an event type"),
    ("SERVICE_STATUS_UPDATE", {"status": "ok"}, "not an event type"),  # the reference's, never emitted here
    (EventType.TASK_STREAM, {"delta": 5}, "delta"),
    (EventType.TASK_STREAM, {"delta": "x", "extra": 1}, "extra"),
    (EventType.TASK_CREATED, {"request": {}}, "content"),
    (EventType.TASK_FAILED, {"error": {"code": "x", "message": "y"}}, "error.stage"),
    (EventType.QUEUE_PURGED, {"purged": "2", "task_ids": []}, "purged"),  # strict: no coercion
    (EventType.SYSTEM_LOG, {}, "level"),
])
async def test_the_log_refuses_what_does_not_fit(log: EventLog, event_type: str, data: dict[str, Any],
                                                 reason: str) -> None:
    log.append("t1", EventType.TASK_CREATED, data={"content": "hi", "request": {}})
    before = (log.last_gseq, log.live_task("t1"))
    seq = log.live_task("t1").last_seq  # type: ignore[union-attr]
    task_id = None if event_type in ("NO_SUCH_EVENT", "SERVICE_STATUS_UPDATE", EventType.SYSTEM_LOG,
                                     EventType.QUEUE_PURGED) else "t1"
    with pytest.raises(InvalidEvent) as info:
        log.append(task_id, event_type, data=data)
    assert reason in str(info.value)
    assert (log.last_gseq, log.live_task("t1")) == before and log.live_task("t1").last_seq == seq  # type: ignore[union-attr]


async def test_typed_constructor_and_valid_events(log: EventLog) -> None:
    log.append("t1", EventType.TASK_CREATED, data={"content": "hi", "request": {"session_id": "s"}})
    ev = log.emit("t1", TaskQueuedPayload(active=1, limit=1, paused=False), message="Queued")
    assert ev.type == EventType.TASK_QUEUED and ev.data == {"active": 1, "limit": 1, "paused": False}
    log.append("t1", EventType.TASK_STREAM, data={"delta": "Hel"})
    log.append("t1", EventType.TASK_COMPLETED, data={"result": "Hello", "result_length": 5})
    task = log.live_task("t1")
    assert task is not None and task.result == "Hello" and task.session_id == "s" and task.terminal
    await log.commit()
