"""SSE resume: Last-Event-ID / ?last_event_id= never lose or repeat an event."""

from __future__ import annotations

import httpx

from tests.sse import Frame, frames, read_stream, structured


def _text(fs: list[Frame]) -> str:
    return "".join(f.data.get("delta", "") for f in fs if f.event in ("task_update", "task_finished"))


def _logs(fs: list[Frame]) -> list[str]:
    return [line for f in fs if f.event == "task_update" for line in f.data["logs"]]


def test_resume_from_every_point_of_a_finished_task(client: httpx.Client) -> None:
    tid = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    full = read_stream(client, tid)
    ids = [f.id for f in full if f.id is not None]
    assert ids == sorted(set(ids)), "every SSE id is unique and increasing"
    assert full[-1].event == "task_finished" and full[-1].id is None
    last = ids[-1]
    assert last >= 5
    steps = structured(client.get(f"/api/v1/history/requests/{tid}").json()["steps"])
    log_by_seq = {s["seq"]: s["details"]["message"] for s in steps if "message" in s["details"]}
    stream_seq = next(s["seq"] for s in steps if s["action"] == "first_token")
    result = full[-1].data["result"]
    for after in range(0, last + 1):
        part = read_stream(client, tid, headers={"Last-Event-ID": str(after)})
        assert part[-1].event == "task_finished" and part[-1].id is None
        assert all(f.id is not None and f.id > after for f in part[:-1])
        part_ids = [f.id for f in part if f.id is not None]
        assert part_ids == [i for i in ids if i > after], "a resume repeats no id and skips none"
        # Exactly the log lines and text of the events after `after`: nothing lost, nothing repeated.
        assert _logs(part) == [msg for seq, msg in sorted(log_by_seq.items()) if seq > after]
        assert _text(part) == (result if stream_seq > after else "")
        assert part[-1].data["result"] == result
    # The query form is equivalent to the header.
    q = read_stream(client, tid, params={"last_event_id": last})
    assert [f.event for f in q] == ["task_finished"]


def test_live_resume_after_disconnect_loses_nothing(client: httpx.Client) -> None:
    client.post("/api/v1/queue/pause")
    try:
        tid = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        # First connection: sees the task accepted and queued, then the client goes away.
        first: list[Frame] = []
        with client.stream("GET", f"/api/v1/tasks/{tid}/stream") as r:
            for f in frames(r):
                first.append(f)
                if any("Queued" in line for line in f.data.get("logs", [])):
                    break
        assert first[-1].data["status"] == "PENDING"
        last_id = first[-1].id
        assert last_id is not None
    finally:
        client.post("/api/v1/queue/resume")
    # The task ran while nobody listened; resuming delivers exactly the rest.
    rest = read_stream(client, tid, headers={"Last-Event-ID": str(last_id)})
    assert rest[-1].event == "task_finished" and rest[-1].data["status"] == "COMPLETED"
    whole = read_stream(client, tid)
    assert _logs(first) + _logs(rest) == _logs(whole)
    assert _text(rest) == rest[-1].data["result"]
    assert all(f.id is not None and f.id > last_id for f in rest if f.event == "task_update")


def test_unknown_task_gets_task_missing_and_bad_id_is_rejected(client: httpx.Client) -> None:
    fs = read_stream(client, "does-not-exist", until="task_missing")
    assert [f.event for f in fs] == ["task_missing"]
    assert fs[0].data["task_id"] == "does-not-exist"
    r = client.get("/api/v1/tasks/x/stream", headers={"Last-Event-ID": "abc"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_last_event_id"


def test_disconnect_does_not_cancel_the_task(client: httpx.Client) -> None:
    client.post("/api/v1/queue/pause")
    tid = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    with client.stream("GET", f"/api/v1/tasks/{tid}/stream") as r:
        next(frames(r))
    client.post("/api/v1/queue/resume")
    assert read_stream(client, tid)[-1].data["status"] == "COMPLETED"


def test_heartbeat_on_silence(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(VENOM_SSE_HEARTBEAT_SECONDS="0.2")
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        c.post("/api/v1/queue/pause")
        tid = c.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        fs = read_stream(c, tid, until="heartbeat")
        assert fs[-1].event == "heartbeat"
        assert fs[-1].data["status"] == "PENDING" and fs[-1].data["logs"] == []
        # A heartbeat has no id: the client's Last-Event-ID stays the last update's, so resume stays exact.
        assert fs[-1].id is None and fs[-2].id is not None
