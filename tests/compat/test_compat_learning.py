"""Learning log, feedback log and hidden prompts in the original's `{count, items}` shapes, built
from the lessons Venom records (one per task) and the ratings people give."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.compat.compat_live import live, run_task, wait_for


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, list[str]]]:
    root: Path = tmp_path_factory.mktemp("compat-learning")
    with live(root) as (_, client):
        def memory_ready() -> bool:
            rows = {r["name"]: r for r in client.get("/api/v1/system/services").json()}
            state = rows.get("memory", {}).get("status")
            if state in ("offline", "disabled"):
                pytest.skip(f"memory is {state} here: {rows['memory'].get('detail')}")
            return state == "online"

        wait_for(memory_ready, timeout=180, every=0.5)
        ids = [run_task(client, content="Pomoc", forced_intent="HELP_REQUEST", store_knowledge=True)["task_id"]
               for _ in range(2)]
        yield client, ids


def _logged(client: httpx.Client, ids: list[str]) -> list[dict] | None:
    items = client.get("/api/v1/learning/logs", params={"limit": 1000}).json()["items"]
    return items if {i["task_id"] for i in items} >= set(ids) else None


def test_learning_log_has_exactly_one_entry_per_task(api: tuple[httpx.Client, list[str]]) -> None:
    client, ids = api
    items = wait_for(lambda: _logged(client, ids), timeout=30)
    for tid in ids:  # the original's integrity test: exactly one entry per task id
        assert [i["task_id"] for i in items].count(tid) == 1
    body = client.get("/api/v1/learning/logs", params={"limit": 1000}).json()
    assert body["count"] == len(body["items"])
    for item in body["items"]:
        stamp = item["timestamp"]
        assert isinstance(stamp, str) and "+" not in stamp and not stamp.endswith("Z"), "naive local time"
        assert item["intent"] == "HELP_REQUEST" and item["success"] is True
        assert isinstance(item["need"], str) and item["need"] and item["error"] == ""
        assert isinstance(item["tags"], list)
    assert client.get("/api/v1/learning/logs", params={"success": "false"}).json()["count"] == 0
    assert client.get("/api/v1/learning/logs", params={"limit": 1}).json()["count"] == 1


def _rate(client: httpx.Client, task_id: str, rating: str) -> bool:
    r = client.post("/api/v1/feedback", json={"task_id": task_id, "rating": rating, "comment": "ok"})
    return r.status_code == 200


def test_feedback_log_and_hidden_prompts(api: tuple[httpx.Client, list[str]]) -> None:
    client, ids = api
    wait_for(lambda: _logged(client, ids), timeout=30)  # the lessons exist
    for tid in ids:
        assert wait_for(lambda tid=tid: _rate(client, tid, "up"), timeout=30)
    log = client.get("/api/v1/feedback/logs", params={"limit": 6}).json()
    assert log["count"] == len(log["items"]) == 2
    for item in log["items"]:
        assert item["task_id"] in ids and item["rating"] == "up" and item["timestamp"].endswith("Z")
        assert item["comment"] == "ok" and isinstance(item["prompt"], str) and item["intent"] == "HELP_REQUEST"
    assert client.get("/api/v1/feedback/logs", params={"rating": "down"}).json()["count"] == 0
    bad = client.get("/api/v1/feedback/logs", params={"rating": "meh"})
    assert bad.status_code == 422 and bad.json()["error"]["message"]

    hidden = client.get("/api/v1/learning/hidden-prompts", params={"limit": 6, "min_score": 1}).json()
    assert hidden["count"] == len(hidden["items"]) == 1, "both up-votes were for the same prompt"
    h = hidden["items"][0]
    assert h["intent"] == "HELP_REQUEST" and h["prompt"] == "Pomoc" and h["score"] == 2
    assert isinstance(h["approved_response"], str) and h["approved_response"]
    assert isinstance(h["prompt_hash"], str) and isinstance(h["last_timestamp"], str)
    assert client.get("/api/v1/learning/hidden-prompts", params={"min_score": 3}).json()["count"] == 0
    assert client.get("/api/v1/learning/hidden-prompts", params={"intent": "GENERAL_CHAT"}).json()["count"] == 0

    # Approve it, see it in the active list, withdraw it.
    body = {"intent": h["intent"], "prompt": h["prompt"], "approved_response": h["approved_response"],
            "prompt_hash": h["prompt_hash"], "active": True, "actor": "ui"}
    on = client.post("/api/v1/learning/hidden-prompts/active", json=body)
    assert on.status_code == 200 and on.json()["count"] == 1
    active = client.get("/api/v1/learning/hidden-prompts/active").json()
    a = active["items"][0]
    assert a["prompt_hash"] == h["prompt_hash"] and a["approved_response"] == h["approved_response"]
    assert a["activated_by"] == "ui" and isinstance(a["updated_at"], str)
    assert client.get("/api/v1/learning/hidden-prompts/active", params={"intent": "HELP_REQUEST"}).json()["count"] == 1
    off = client.post("/api/v1/learning/hidden-prompts/active", json={**body, "active": False})
    assert off.status_code == 200 and off.json() == {"count": 0, "items": []}


def test_knowledge_entries_show_the_lessons(api: tuple[httpx.Client, list[str]]) -> None:
    client, ids = api
    wait_for(lambda: _logged(client, ids), timeout=30)
    body = client.get("/api/v1/knowledge/entries", params={"source": "lesson", "limit": 5}).json()
    assert body["status"] == "success" and body["count"] == len(body["entries"]) >= 2
    for e in body["entries"]:
        assert isinstance(e["entry_id"], str) and isinstance(e["content"], str) and e["content"].strip()
        assert e["source"] == "lesson" and e["source_meta"]["origin"] == "lesson"
        assert isinstance(e["tags"], list) and isinstance(e["created_at"], str) and e["version"] == "v1"
        assert e["summary"] is None or isinstance(e["summary"], str)
        assert isinstance(e["metadata"], dict) and isinstance(e["metadata"]["title"], str)
    assert {e["task_id"] for e in body["entries"]} >= set(ids)
    tagged = client.get("/api/v1/knowledge/entries", params={"tags": "help_request,nothing"}).json()
    assert tagged["count"] >= 2
    assert client.get("/api/v1/knowledge/entries", params={"scope": "nowhere"}).status_code == 422
