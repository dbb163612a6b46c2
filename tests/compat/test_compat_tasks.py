"""The task, history and flow shapes the original Venom's web client reads (written from the
compatibility reference): bare JSON arrays paged by `Link`, string step details, session
entries keyed by `request_id`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.compat.compat_live import TASK_STATUSES, is_str_or_none, live, run_task

SESSION = "compat-tasks"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, list[str]]]:
    root: Path = tmp_path_factory.mktemp("compat-tasks")
    with live(root, VENOM_MEMORY_ENABLED="false") as (_, client):
        ids = [run_task(client, content=f"help #{i}", session_id=SESSION, store_knowledge=False,
                        forced_intent="HELP_REQUEST")["task_id"]
               for i in range(3)]
        yield client, ids


def test_tasks_list_is_a_bare_array_of_task_objects(api: tuple[httpx.Client, list[str]]) -> None:
    client, ids = api
    r = client.get("/api/v1/tasks")  # the original's client sends no query
    assert r.status_code == 200
    tasks = r.json()
    assert isinstance(tasks, list), "the layout calls tasks.forEach"
    assert [t["id"] for t in tasks[:3]] == list(reversed(ids)), "newest first"
    for t in tasks:
        assert isinstance(t["id"], str) and isinstance(t["content"], str) and t["content"].strip()
        assert isinstance(t["created_at"], str) and isinstance(t["status"], str) and t["status"] in TASK_STATUSES
        assert is_str_or_none(t["result"])
        assert isinstance(t["logs"], list) and all(isinstance(line, str) for line in t["logs"])
        assert isinstance(t["context_history"], dict)
        assert t["context_used"] is None or isinstance(t["context_used"], dict)


def _follow(client: httpx.Client, path: str, **params: Any) -> list[list[dict[str, Any]]]:
    pages = []
    r = client.get(path, params=params)
    while True:
        assert r.status_code == 200 and isinstance(r.json(), list)
        pages.append(r.json())
        nxt = r.links.get("next", {}).get("url")
        if nxt is None:
            return pages
        assert nxt.startswith(path + "?") and "cursor=" in nxt, nxt
        r = client.get(nxt)


@pytest.mark.parametrize(("path", "key"), [("/api/v1/tasks", "id"), ("/api/v1/history/requests", "request_id")])
def test_next_page_is_in_the_link_header(api: tuple[httpx.Client, list[str]], path: str, key: str) -> None:
    client, ids = api
    pages = _follow(client, path, session_id=SESSION, limit=2)
    assert [len(p) for p in pages] == [2, 1]
    assert [item[key] for page in pages for item in page] == list(reversed(ids)), "every item once, newest first"
    last = client.get(path, params={"session_id": SESSION, "limit": 3})
    assert "link" not in last.headers, "no Link on the last page"


def test_task_detail_fields(api: tuple[httpx.Client, list[str]]) -> None:
    client, ids = api
    t = client.get(f"/api/v1/tasks/{ids[0]}").json()
    assert t["status"] == "COMPLETED" and isinstance(t["result"], str)
    assert isinstance(t["logs"], list) and isinstance(t["created_at"], str)
    assert t["context_history"]["session"]["session_id"] == SESSION
    runtime = t["context_history"]["llm_runtime"]
    assert isinstance(runtime, dict) and "status" in runtime
    assert client.get("/api/v1/tasks/no-such-task").status_code == 404


def test_history_list_items(api: tuple[httpx.Client, list[str]]) -> None:
    client, ids = api
    r = client.get("/api/v1/history/requests", params={"limit": 6})
    items = r.json()
    assert isinstance(items, list) and 3 <= len(items) <= 6
    for h in items:
        assert isinstance(h["request_id"], str) and len(h["request_id"]) >= 8
        assert isinstance(h["prompt"], str) and h["status"] in TASK_STATUSES
        assert is_str_or_none(h["session_id"]) and isinstance(h["created_at"], str)
        assert is_str_or_none(h["finished_at"])
        assert h["duration_seconds"] is None or isinstance(h["duration_seconds"], int | float)
        for key in ("llm_provider", "llm_model", "llm_endpoint", "llm_config_hash", "llm_runtime_id",
                    "forced_tool", "forced_provider", "forced_intent", "error_code"):
            assert is_str_or_none(h[key]), key
        assert h["error_details"] is None or isinstance(h["error_details"], dict)
        assert h["feedback"] is None or isinstance(h["feedback"], dict)
    assert {h["request_id"] for h in items} >= set(ids)


def _check_steps(steps: list[dict[str, Any]]) -> None:
    assert steps
    for s in steps:
        for key in ("component", "action", "timestamp", "status"):
            assert isinstance(s[key], str), (key, s)
        assert is_str_or_none(s["details"]), "the inspector calls string methods on details"
        if s["details"] and s["details"].startswith("{"):
            assert isinstance(json.loads(s["details"]), dict), "a JSON payload is a JSON-encoded string"


def test_history_detail(api: tuple[httpx.Client, list[str]]) -> None:
    client, ids = api
    d = client.get(f"/api/v1/history/requests/{ids[0]}").json()
    assert d["request_id"] == ids[0] and isinstance(d["prompt"], str) and d["status"] == "COMPLETED"
    _check_steps(d["steps"])
    assert d["first_token"] is None or {"at", "elapsed_ms", "preview"} <= set(d["first_token"])
    assert isinstance(d["streaming"], dict) and isinstance(d["streaming"]["chunk_count"], int)
    assert isinstance(d["duration_seconds"], int | float)
    assert d["routing_decision"] is None or isinstance(d["routing_decision"], dict)
    assert isinstance(d["context_used"], dict)
    assert is_str_or_none(d["result"]) and d["result"]
    assert client.get("/api/v1/history/requests/no-such-request").status_code == 404


def test_flow_trace(api: tuple[httpx.Client, list[str]]) -> None:
    client, ids = api
    f = client.get(f"/api/v1/flow/{ids[0]}").json()
    assert f["request_id"] == ids[0] and isinstance(f["prompt"], str) and f["status"] == "COMPLETED"
    assert isinstance(f["created_at"], str) and is_str_or_none(f["finished_at"])
    _check_steps(f["steps"])
    assert all(s["is_decision_gate"] is (s["component"] == "DecisionGate") for s in f["steps"])
    assert any(s["is_decision_gate"] for s in f["steps"])
    assert isinstance(f["mermaid_diagram"], str) and f["mermaid_diagram"].strip()
    assert client.get("/api/v1/flow/no-such-task").status_code == 404


def test_session_history_entries_carry_the_task_id_as_request_id(api: tuple[httpx.Client, list[str]]) -> None:
    client, ids = api
    body = client.get(f"/api/v1/memory/session/{SESSION}").json()
    assert body["status"] == "success" and body["session_id"] == SESSION
    history = body["history"]
    assert isinstance(history, list) and body["count"] == len(history)
    for entry in history:
        assert entry["role"] in ("user", "assistant") and isinstance(entry["content"], str)
        assert isinstance(entry["timestamp"], str) and entry["session_id"] == SESSION
    by_task = {(e["request_id"], e["role"]) for e in history}
    for tid in ids:  # the client keys bubbles by "<request_id>:<role>", and request_id must be POST's task_id
        assert {(tid, "user"), (tid, "assistant")} <= by_task
