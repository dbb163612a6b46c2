"""The shapes the reference's web client reads from session history, lessons stats and knowledge
entries (its Brain screen and chat de-duplication), against a real server with memory loaded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer

LOAD_TIMEOUT = 300.0  # the embedding model loads in ~5 s on an idle machine


def _until(fn: Any, what: str, timeout: float = LOAD_TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    srv = LiveServer(data_dir=tmp_path_factory.mktemp("compat-memory"), env={"VENOM_RATE_LIMIT_ENABLED": "false"})
    srv.start()
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as client:
            # Memory routes answer 503 memory_loading until the embedding model is in.
            _until(lambda: client.get("/api/v1/lessons/stats").status_code == 200, "memory to load")
            yield client
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def finished(api: httpx.Client) -> dict[str, str]:
    """One help task in a session, finished and with its lesson recorded."""
    session = "session-1764633600000-compat"
    created = api.post("/api/v1/tasks", json={"content": "Pomoc", "forced_intent": "HELP_REQUEST",
                                              "session_id": session, "store_knowledge": True})
    assert created.status_code == 201, created.text
    task_id = created.json()["task_id"]
    _until(lambda: api.get(f"/api/v1/tasks/{task_id}").json()["status"] in ("COMPLETED", "FAILED"), "the task", 120)
    _until(lambda: any(entry["task_id"] == task_id for entry in
                       api.get("/api/v1/lessons", params={"limit": 1000}).json()["lessons"]), "its lesson", 60)
    return {"task_id": task_id, "session_id": session}


def _iso_or_none(value: object) -> bool:
    return value is None or (isinstance(value, str) and datetime.fromisoformat(value) is not None)


def test_session_history_entries_carry_the_request_id(api: httpx.Client, finished: dict[str, str]) -> None:
    body = api.get(f"/api/v1/memory/session/{finished['session_id']}").json()
    assert body["status"] == "success" and body["session_id"] == finished["session_id"]
    assert isinstance(body["count"], int) and body["count"] == len(body["history"])
    roles = set()
    for entry in body["history"]:
        # The client keys bubbles by "<request_id>:<role>": the id must be the one POST /tasks answered.
        assert entry["request_id"] == finished["task_id"]
        assert entry["role"] in ("user", "assistant") and isinstance(entry["content"], str)
        assert entry["session_id"] == finished["session_id"]
        assert entry["timestamp"].endswith("Z") and datetime.fromisoformat(entry["timestamp"])
        roles.add(entry["role"])
    assert roles == {"user", "assistant"}


def test_unknown_session_is_an_empty_history(api: httpx.Client) -> None:
    body = api.get("/api/v1/memory/session/session-0-nobody").json()
    assert body["history"] == [] and body["count"] == 0


def test_lessons_stats_use_the_reference_field_names(api: httpx.Client, finished: dict[str, str]) -> None:
    body = api.get("/api/v1/lessons/stats").json()
    assert body["status"] == "success"
    stats = body["stats"]
    assert isinstance(stats["total_lessons"], int) and stats["total_lessons"] >= 1
    assert isinstance(stats["unique_tags"], int) and stats["unique_tags"] >= 1
    distribution = stats["tag_distribution"]
    assert distribution and all(isinstance(k, str) and isinstance(v, int) for k, v in distribution.items())
    assert _iso_or_none(stats["newest_lesson"]) and _iso_or_none(stats["oldest_lesson"])
    assert stats["newest_lesson"] is not None


def test_knowledge_entries_of_lessons(api: httpx.Client, finished: dict[str, str]) -> None:
    # The reference's Brain screen asks exactly this and keeps entries whose origin is `lesson`.
    body = api.get("/api/v1/knowledge/entries", params={"source": "lesson", "limit": 5}).json()
    assert body["status"] == "success" and body["count"] == len(body["entries"]) >= 1
    for entry in body["entries"]:
        assert isinstance(entry["entry_id"], str) and entry["entry_id"]
        assert isinstance(entry["content"], str) and entry["content"].strip()
        assert entry["summary"] is None or isinstance(entry["summary"], str)
        assert isinstance(entry["tags"], list)
        assert entry["scope"] in ("session", "global", "task") and entry["source"] == "lesson"
        assert datetime.fromisoformat(entry["created_at"])
        assert entry["source_meta"]["origin"] == "lesson"
        assert isinstance(entry["metadata"], dict) and isinstance(entry["metadata"]["title"], str)
        assert entry["version"] == "v1"
    assert finished["task_id"] in {e["request_id"] for e in body["entries"]}


def test_knowledge_entries_refuse_an_unknown_source(api: httpx.Client) -> None:
    r = api.get("/api/v1/knowledge/entries", params={"source": "rumour"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
