"""The Architect's plans (with real sub-tasks) and the Strategy roadmap progressed by real tasks."""

from __future__ import annotations

from tests.orchestrator.conftest import Venom
from tests.sse import read_stream


def test_architect_plan_runs_steps_as_sub_tasks(venom: Venom) -> None:
    task = venom.run({"content": "/parallel plan a tiny personal website", "generation_params": {"max_tokens": 12}})
    assert task["status"] == "COMPLETED", task["error"]
    steps = venom.events(task["id"])
    created = [s for s in steps if s["action"] == "plan_created"]
    started = [s for s in steps if s["action"] == "step_started"]
    completed = [s for s in steps if s["action"] == "step_completed"]
    assert len(created) == 1
    plan = created[0]["details"]["steps"]
    assert 2 <= len(plan) <= 3
    assert len(started) == len(completed) == len(plan)
    for step in completed:
        sub = venom.client.get(f"/api/v1/tasks/{step['details']['sub_task_id']}").json()
        assert sub["request"]["parent_task_id"] == task["id"]
        assert sub["status"] == step["details"]["status"] == "COMPLETED"
        assert sub["context_history"]["intent"] == "GENERAL_CHAT"
        assert sub["id"] in task["result"]


def test_roadmap_created_edited_and_progressed_by_real_tasks(venom: Venom) -> None:
    c = venom.client
    created = c.post("/api/v1/roadmap/create", json={"vision": "A local assistant for developers"})
    assert created.status_code == 201, created.text
    roadmap = created.json()
    assert roadmap["vision"]["title"] == "A local assistant for developers"
    assert 2 <= len(roadmap["milestones"]) <= 3
    assert all(m["tasks"] for m in roadmap["milestones"])
    assert c.get("/api/roadmap").json()["vision"]["id"] == roadmap["vision"]["id"]  # the reference alias

    first = roadmap["milestones"][0]
    renamed = c.patch(f"/api/v1/roadmap/items/{first['id']}", json={"title": "Foundations"})
    assert renamed.json()["item"]["title"] == "Foundations"
    added = c.post(f"/api/v1/roadmap/milestones/{first['id']}/tasks", json={"title": "help"})
    assert added.status_code == 201
    item_id = added.json()["item"]["id"]
    for old in first["tasks"]:  # leave only the task we will run under this milestone
        assert c.delete(f"/api/v1/roadmap/items/{old['id']}").json()["deleted"] == 1
    assert c.patch(f"/api/v1/roadmap/items/{item_id}", json={"status": "DONE"}).status_code == 422

    run = c.post(f"/api/v1/roadmap/tasks/{item_id}/run")
    assert run.status_code == 202, run.text
    task_id = run.json()["task_id"]
    assert c.post(f"/api/v1/roadmap/tasks/{first['id']}/run").json()["error"]["code"] == "not_a_task"
    read_stream(c, task_id)  # the real task runs through the queue to its end

    after = c.get("/api/v1/roadmap").json()
    milestone = next(m for m in after["milestones"] if m["id"] == first["id"])
    assert milestone["tasks"][0]["status"] == "COMPLETED" and milestone["tasks"][0]["task_id"] == task_id
    assert milestone["status"] == "COMPLETED" and milestone["progress"] == 100.0
    assert after["kpis"]["tasks_completed"] == 1 and after["kpis"]["milestones_completed"] == 1
    locked = c.patch(f"/api/v1/roadmap/items/{item_id}", json={"status": "PENDING"})
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "status_follows_task"

    report = c.get("/api/v1/roadmap/status").json()["report"]
    assert "# Roadmap: A local assistant for developers" in report and "- [x] help — COMPLETED" in report
    md = c.get("/api/v1/roadmap/status", params={"format": "markdown"})
    assert md.headers["content-type"].startswith("text/markdown") and md.text == report


def test_roadmap_errors(venom: Venom) -> None:
    c = venom.client
    assert c.post("/api/v1/roadmap/create", json={"vision": ""}).status_code == 422
    missing = c.patch("/api/v1/roadmap/items/nope", json={"title": "x"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "roadmap_item_not_found"
