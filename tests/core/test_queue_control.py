"""Queue control: pause/resume keeps tasks, purge, emergency stop and abort of pending tasks."""

from __future__ import annotations

import httpx

from tests.sse import read_stream


def test_task_submitted_while_paused_runs_after_resume(client: httpx.Client) -> None:
    assert client.post("/api/v1/queue/pause").json()["paused"] is True
    ids = [client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"] for _ in range(3)]
    status = client.get("/api/v1/queue/status").json()
    assert status == {"paused": True, "pending": 3, "active": 0, "processing": 0, "limit": 5}
    for tid in ids:
        task = client.get(f"/api/v1/tasks/{tid}").json()
        assert task["status"] == "PENDING" and "Queued: the queue is paused" in task["logs"]
    resumed = client.post("/api/v1/queue/resume").json()
    assert resumed["pending_tasks"] == 3 and resumed["paused"] is False
    for tid in ids:
        assert read_stream(client, tid)[-1].data["status"] == "COMPLETED"


def test_purge_cancels_pending_tasks_with_a_reason(client: httpx.Client) -> None:
    client.post("/api/v1/queue/pause")
    ids = [client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"] for _ in range(2)]
    purged = client.post("/api/v1/queue/purge").json()
    assert purged["removed"] == 2 and sorted(purged["task_ids"]) == sorted(ids)
    for tid in ids:
        final = read_stream(client, tid)[-1]
        assert final.data["status"] == "CANCELLED" and final.data["error"]["code"] == "purged"
    client.post("/api/v1/queue/resume")
    assert client.get("/api/v1/queue/status").json()["pending"] == 0


def test_emergency_stop_pauses_and_cancels(client: httpx.Client) -> None:
    client.post("/api/v1/queue/pause")
    tid = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    client.post("/api/v1/queue/resume")
    read_stream(client, tid)
    client.post("/api/v1/queue/pause")
    waiting = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    stop = client.post("/api/v1/queue/emergency-stop").json()
    assert stop["paused"] is True and stop["purged"] == 1
    final = read_stream(client, waiting)[-1]
    assert final.data["status"] == "CANCELLED" and final.data["error"]["code"] == "emergency_stop"
    assert client.get("/api/v1/queue/status").json()["paused"] is True
    # The finished task is untouched.
    assert client.get(f"/api/v1/tasks/{tid}").json()["status"] == "COMPLETED"


def test_abort_pending_and_finished_and_unknown(client: httpx.Client) -> None:
    client.post("/api/v1/queue/pause")
    tid = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    aborted = client.post(f"/api/v1/tasks/{tid}/abort").json()
    assert aborted["status"] == "CANCELLED" and aborted["error"]["code"] == "aborted"
    again = client.post(f"/api/v1/queue/task/{tid}/abort")
    assert again.status_code == 409 and again.json()["error"]["code"] == "task_not_active"
    missing = client.post("/api/v1/tasks/nope/abort")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "task_not_found"
    client.post("/api/v1/queue/resume")
    assert client.get(f"/api/v1/tasks/{tid}").json()["status"] == "CANCELLED", "resume must not run it"


def test_concurrency_limit_queues_the_rest(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(MAX_CONCURRENT_TASKS="1")
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        assert c.get("/api/v1/queue/status").json()["limit"] == 1
        ids = [c.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"] for _ in range(4)]
        for tid in ids:
            assert read_stream(c, tid)[-1].data["status"] == "COMPLETED"
