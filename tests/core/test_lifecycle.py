"""The full task lifecycle through HTTP and SSE on a real server."""

from __future__ import annotations

import httpx

from tests.sse import read_stream


def submit(client: httpx.Client, **body: object) -> dict:
    r = client.post("/api/v1/tasks", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_help_task_completes_without_llm_and_is_readable(client: httpx.Client) -> None:
    created = submit(client, content="What can you do?", session_id="s-1", preferred_language="en")
    assert created["status"] == "PENDING"
    assert created["stream_url"] == f"/api/v1/tasks/{created['task_id']}/stream"

    frames = read_stream(client, created["task_id"])
    assert frames[-1].event == "task_finished"
    assert frames[-1].data["status"] == "COMPLETED"
    assert "Slash commands" in frames[-1].data["result"]
    # ids are the per-task seq: unique and strictly increasing; the finished frame carries none.
    ids = [f.id for f in frames if f.id is not None]
    assert ids == sorted(set(ids)) and frames[-1].id is None
    # The concatenated deltas equal the cumulative result.
    assert "".join(f.data.get("delta", "") for f in frames if f.event == "task_update") == frames[-1].data["result"]

    task = client.get(f"/api/v1/tasks/{created['task_id']}").json()
    assert task["status"] == "COMPLETED"
    assert task["result"] == frames[-1].data["result"]
    assert task["session_id"] == "s-1"
    assert task["error"] is None
    assert task["logs"][0] == "Task accepted" and "Task completed" in task["logs"]
    assert task["timings"]["total_ms"] is not None and task["timings"]["total_ms"] >= 0
    assert task["context_history"]["intent"] == "HELP_REQUEST"
    assert task["context_used"] == {"lessons": [], "memory_entries": []}


def test_forced_intent_and_static_intents(client: httpx.Client) -> None:
    t1 = submit(client, content="anything at all", forced_intent="HELP_REQUEST")
    t2 = submit(client, content="what time is it?")
    t3 = submit(client, content="/ignored", forced_tool="chrono")
    for t in (t1, t2, t3):
        final = read_stream(client, t["task_id"])[-1]
        assert final.data["status"] == "COMPLETED", final.data
    assert "It is " in client.get(f"/api/v1/tasks/{t2['task_id']}").json()["result"]
    assert "It is " in client.get(f"/api/v1/tasks/{t3['task_id']}").json()["result"]


def test_list_filters_and_cursor_pagination(client: httpx.Client) -> None:
    ids = [submit(client, content="help", session_id="page-s")["task_id"] for _ in range(5)]
    other = submit(client, content="help", session_id="other")["task_id"]
    for tid in [*ids, other]:
        read_stream(client, tid)

    seen: list[str] = []
    page = client.get("/api/v1/tasks", params={"session_id": "page-s", "limit": 2})
    while True:  # a JSON array per page; the next one is the `Link: <…>; rel="next"` target
        seen += [t["id"] for t in page.json()]
        following = page.links.get("next", {}).get("url")
        if following is None:
            break
        page = client.get(following)
    assert seen == list(reversed(ids)), "newest first, every task exactly once"
    completed = client.get("/api/v1/tasks", params={"status": "COMPLETED", "limit": 500}).json()
    assert {*ids, other} <= {t["id"] for t in completed}
    assert client.get("/api/v1/tasks", params={"status": "FAILED"}).json() == []


def test_task_needing_llm_fails_with_stable_error_when_no_runtime(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(VENOM_RUNTIME_PROFILE="llm_off")
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        tid = submit(c, content="Write a poem about the sea")["task_id"]
        final = read_stream(c, tid)[-1]
        assert final.data["status"] == "FAILED"
        err = final.data["error"]
        assert err["code"] == "no_runtime"
        assert err["message"].endswith(".") and len(err["message"]) > 20
        assert set(err) == {"code", "message", "stage", "retryable"}
        task = c.get(f"/api/v1/tasks/{tid}").json()
        assert task["status"] == "FAILED" and task["error"]["code"] == "no_runtime"


def test_trace_is_derived_from_the_events(client: httpx.Client) -> None:
    tid = submit(client, content="help")["task_id"]
    read_stream(client, tid)
    trace = client.get(f"/api/v1/history/requests/{tid}").json()
    actions = [(s["component"], s["action"]) for s in trace["steps"]]
    assert actions[0] == ("User", "submit_request")
    assert ("DecisionGate", "intent_debug") in actions
    assert ("DecisionGate", "route_help") in actions
    assert actions[-1][1] == "complete"
    assert trace["status"] == "COMPLETED" and trace["streaming"]["chunk_count"] == 1
    listing = client.get("/api/v1/history/requests", params={"limit": 5}).json()
    assert listing[0]["request_id"] == tid
    assert client.get("/api/v1/history/requests/nope").status_code == 404
