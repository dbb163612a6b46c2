"""Lessons recorded from real tasks (HELP_REQUEST completes without an LLM) and feedback on them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.memory.conftest import wait_lesson, wait_task


def run_help(client: httpx.Client, content: str, **extra: object) -> str:
    created = client.post("/api/v1/tasks", json={"content": content, "forced_intent": "HELP_REQUEST", **extra})
    assert created.status_code == 201, created.text
    task_id = created.json()["task_id"]
    assert wait_task(client, task_id)["status"] == "COMPLETED"
    return str(task_id)


def test_completed_task_records_a_lesson_and_takes_feedback(mem: httpx.Client) -> None:
    task_id = run_help(mem, "what can you do for me?", session_id="lesson-session")
    lesson = wait_lesson(mem, task_id)
    assert lesson["situation"] == "what can you do for me?"
    assert lesson["success"] is True and lesson["session_id"] == "lesson-session"
    assert "help_request" in lesson["tags"] and "success" in lesson["tags"]
    assert "Venom" in lesson["result"] and lesson["feedback"] is None

    saved = mem.post("/api/v1/feedback", json={"task_id": task_id, "rating": "down", "comment": "too long"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["feedback_saved"] is True and saved.json()["lesson_id"] == lesson["id"]
    updated = wait_lesson(mem, task_id)
    assert updated["feedback"]["rating"] == "down" and updated["feedback"]["comment"] == "too long"
    # Feedback can be changed; the lesson keeps the last word.
    mem.post("/api/v1/feedback", json={"task_id": task_id, "rating": "up", "comment": "it's fine, O'Brien"})
    final = wait_lesson(mem, task_id)["feedback"]
    assert (final["rating"], final["comment"]) == ("up", "it's fine, O'Brien")
    stats = mem.get("/api/v1/lessons/stats").json()["stats"]
    assert stats["total"] >= 1 and stats["feedback"]["up"] >= 1 and stats["tags"]["help_request"] >= 1


def test_failed_task_records_a_failure_lesson(mem: httpx.Client) -> None:
    created = mem.post("/api/v1/tasks", json={"content": "tell me a joke", "forced_provider": "openai"})
    task_id = created.json()["task_id"]
    task = wait_task(mem, task_id)
    assert task["status"] == "FAILED"  # no OPENAI_API_KEY on a test machine
    lesson = wait_lesson(mem, task_id)
    assert lesson["success"] is False and "failure" in lesson["tags"]
    assert lesson["result"].startswith("Failed (")


def test_store_knowledge_false_records_nothing(mem: httpx.Client) -> None:
    task_id = run_help(mem, "help without learning", store_knowledge=False)
    control = run_help(mem, "help with learning")  # recorded after the first: proves the listener caught up
    wait_lesson(mem, control)
    lessons = mem.get("/api/v1/lessons", params={"limit": 1000}).json()["lessons"]
    assert task_id not in [lesson["task_id"] for lesson in lessons]
    response = mem.post("/api/v1/feedback", json={"task_id": task_id, "rating": "up"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "lesson_not_found"


def test_feedback_bad_input(mem: httpx.Client) -> None:
    unknown = mem.post("/api/v1/feedback", json={"task_id": "no-such-task", "rating": "up"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "task_not_found"
    for body in ({"task_id": "x", "rating": "meh"}, {"rating": "up"}, {"task_id": "x", "rating": "up",
                                                                        "comment": "c" * 2001}):
        response = mem.post("/api/v1/feedback", json=body)
        assert response.status_code == 422, body


def test_list_filters_dedupe_and_prune(mem: httpx.Client) -> None:
    first = run_help(mem, "show me the help page twice")
    second = run_help(mem, "show me the help page twice")
    wait_lesson(mem, first)
    wait_lesson(mem, second)
    by_tag = mem.get("/api/v1/lessons", params={"tag": "help_request", "success": True, "limit": 1000}).json()
    assert by_tag["count"] >= 2 and all("help_request" in item["tags"] for item in by_tag["lessons"])

    deduped = mem.post("/api/v1/lessons/dedupe").json()
    assert deduped["removed"] >= 1
    remaining = [x["task_id"] for x in mem.get("/api/v1/lessons", params={"limit": 1000}).json()["lessons"]]
    assert (first in remaining) != (second in remaining)  # exactly one of the twins survives

    total = mem.get("/api/v1/lessons/stats").json()["stats"]["total"]
    latest = mem.delete("/api/v1/lessons/prune/latest", params={"count": 1}).json()
    assert latest == {"status": "success", "deleted": 1, "remaining": total - 1}
    assert mem.delete("/api/v1/lessons/prune/ttl", params={"days": 1}).json()["deleted"] == 0
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert mem.delete("/api/v1/lessons/prune/range", params={"from_date": future}).json()["deleted"] == 0
    assert mem.delete("/api/v1/lessons/prune/tag", params={"tag": "no-such-tag"}).json()["deleted"] == 0

    bad = [mem.delete("/api/v1/lessons/prune/latest", params={"count": 0}),
           mem.delete("/api/v1/lessons/prune/ttl", params={"days": -1}),
           mem.delete("/api/v1/lessons/prune/range"),
           mem.delete("/api/v1/lessons/prune/range", params={"from_date": future, "to": "2000-01-01T00:00:00"}),
           mem.delete("/api/v1/lessons/prune/range", params={"from_date": "yesterday"}),
           mem.delete("/api/v1/lessons/prune/tag")]
    assert [r.status_code for r in bad] == [422] * 6


def test_prune_by_tag_and_purge(mem: httpx.Client) -> None:
    wait_lesson(mem, run_help(mem, "one more help request"))
    by_tag = mem.delete("/api/v1/lessons/prune/tag", params={"tag": "help_request"}).json()
    assert by_tag["deleted"] >= 1
    assert mem.get("/api/v1/lessons", params={"tag": "help_request"}).json()["count"] == 0
    wait_lesson(mem, run_help(mem, "and another"))
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert mem.delete("/api/v1/lessons/prune/range", params={"from_date": past}).json()["deleted"] >= 1
    wait_lesson(mem, run_help(mem, "last one"))
    purged = mem.delete("/api/v1/lessons/purge").json()
    assert purged["deleted"] >= 1 and purged["remaining"] == 0
    assert mem.get("/api/v1/lessons/stats").json()["stats"]["total"] == 0


def test_prune_ttl_zero_days_is_refused_and_deletes_nothing(mem: httpx.Client) -> None:
    wait_lesson(mem, run_help(mem, "help me once more", session_id="ttl-zero"))
    before = mem.get("/api/v1/lessons/stats").json()["stats"]["total"]
    assert before >= 1
    for days in ("0", "0.5", "-0"):
        r = mem.delete("/api/v1/lessons/prune/ttl", params={"days": days})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "validation_error" and "days" in r.json()["error"]["message"]
    assert mem.get("/api/v1/lessons/stats").json()["stats"]["total"] == before, "nothing was deleted"


def test_lesson_deletions_are_admin_actions(mem: httpx.Client) -> None:
    remote = {"X-Forwarded-For": "192.0.2.10"}  # a LAN client behind a local proxy
    before = mem.get("/api/v1/lessons/stats").json()["stats"]["total"]
    calls = [("DELETE", "/api/v1/lessons/prune/ttl", {"days": 1}), ("DELETE", "/api/v1/lessons/prune/tag",
             {"tag": "help_request"}), ("DELETE", "/api/v1/lessons/prune/latest", {"count": 1}),
             ("DELETE", "/api/v1/lessons/prune/range", {"from_date": "2000-01-01T00:00:00"}),
             ("POST", "/api/v1/lessons/dedupe", {}), ("DELETE", "/api/v1/lessons/purge", {})]
    for method, path, params in calls:
        r = mem.request(method, path, params=params, headers=remote)
        assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied", (path, r.text)
    assert mem.get("/api/v1/lessons/stats").json()["stats"]["total"] == before
