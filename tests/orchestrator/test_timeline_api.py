"""`GET /api/v1/tasks/{id}/timeline` for real tasks: a Librarian task with its tool call, and an
Architect plan whose steps run as sub-tasks, nested under their plan step."""

from __future__ import annotations

from typing import Any

from tests.orchestrator.conftest import Venom

SMALL = {"max_tokens": 24}
KINDS = {"task", "queue", "routing", "context", "agent", "model_call", "tool_call", "approval", "subtask"}


def timeline(venom: Venom, task_id: str) -> dict[str, Any]:
    resp = venom.client.get(f"/api/v1/tasks/{task_id}/timeline")
    assert resp.status_code == 200, resp.text
    body = dict(resp.json())
    seen: set[str] = set()
    for span in body["spans"]:  # parents first, every span inside the task's time
        assert span["kind"] in KINDS and span["status"] in {"ok", "warning", "error", "running"}
        assert span["parent_id"] is None or span["parent_id"] in seen, span
        assert span["start_ms"] >= 0 and span["duration_ms"] >= 0
        seen.add(span["id"])
    return body


def test_a_tool_call_is_a_span_of_the_agent(venom: Venom) -> None:
    task = venom.run({"content": "/file list the files", "generation_params": SMALL})
    assert task["status"] == "COMPLETED", task["error"]
    body = timeline(venom, task["id"])
    assert body["task_id"] == task["id"] and body["status"] == "COMPLETED"
    spans = {s["id"]: s for s in body["spans"]}
    assert spans["task"]["parent_id"] is None and spans["task"]["status"] == "ok"
    assert {"queue", "routing", "context", "agent"} <= set(spans)
    assert spans["routing"]["details"]["intent"] == "FILE_OPERATION"
    tools = [s for s in body["spans"] if s["kind"] == "tool_call"]
    assert tools and all(s["parent_id"] == "agent" and s["status"] == "ok" for s in tools)
    assert tools[0]["details"]["tool_id"].startswith("builtin:") and "arguments" in tools[0]["details"]
    for model in (s for s in body["spans"] if s["kind"] == "model_call" and s["status"] == "ok"):
        assert model["ttft_ms"] is not None and 0 <= model["ttft_ms"] <= model["duration_ms"]
        assert model["details"]["completion_tokens"] >= 1


def test_plan_steps_nest_their_sub_tasks(venom: Venom) -> None:
    task = venom.run({"content": "/parallel plan a tiny personal website", "generation_params": {"max_tokens": 12}})
    assert task["status"] == "COMPLETED", task["error"]
    body = timeline(venom, task["id"])
    steps = [s for s in body["spans"] if s["kind"] == "subtask"]
    assert len(steps) >= 2 and all(s["parent_id"] == "agent" for s in steps)
    for step in steps:
        sub_id = step["details"]["sub_task_id"]
        assert step["status"] == "ok" and step["details"]["status"] == "COMPLETED"
        inner = [s for s in body["spans"] if s["id"].startswith(f"{sub_id}/")]
        assert {s["kind"] for s in inner} >= {"queue", "agent", "model_call"}
        assert all(s["start_ms"] >= step["start_ms"] for s in inner)
    # A sub-task's own timeline is there too, starting from its own creation.
    own = timeline(venom, steps[0]["details"]["sub_task_id"])
    assert own["spans"][0]["kind"] == "task" and own["spans"][0]["start_ms"] == 0


def test_an_unknown_task_is_404_in_the_error_envelope(venom: Venom) -> None:
    resp = venom.client.get("/api/v1/tasks/no-such-task/timeline")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "task_not_found"
