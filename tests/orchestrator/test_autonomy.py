"""Autonomy levels: the API, refusals before a tool runs, and the agents they unlock (Coder, Researcher)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.orchestrator.conftest import Venom


@pytest.fixture
def isolated(venom: Venom) -> Iterator[Venom]:
    """Every test starts and ends at level 0 (the shared server keeps the level between tests)."""
    venom.set_autonomy(0)
    yield venom
    venom.set_autonomy(0)


def test_autonomy_api(isolated: Venom) -> None:
    c = isolated.client
    assert c.get("/api/v1/system/autonomy").json()["current_level"] == 0
    levels = c.get("/api/v1/system/autonomy/levels").json()["levels"]
    assert [lv["id"] for lv in levels] == [0, 10, 20, 30, 40]
    assert [lv["name"] for lv in levels] == ["ISOLATED", "CONNECTED", "FUNDED", "BUILDER", "ROOT"]
    bad = c.post("/api/v1/system/autonomy", json={"level": 25})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    ok = c.post("/api/v1/system/autonomy", json={"level": 30}).json()
    assert ok["current_level"] == 30 and ok["permissions"]["file_write"] is True
    assert c.get("/api/v1/system/autonomy").json()["current_level_name"] == "BUILDER"


def test_coder_is_refused_below_builder_and_nothing_is_written(isolated: Venom) -> None:
    task = isolated.run({"content": "/compose refused.py that prints hi"})
    assert task["status"] == "FAILED"
    assert task["error"]["code"] == "autonomy_denied"
    assert task["error"]["stage"] == "autonomy_enforcement"
    assert "level 30" in task["error"]["message"]  # explained to the user
    assert task["context_history"]["policy_blocked"] is True
    gate = [s for s in isolated.events(task["id"]) if s["component"] == "Autonomy"]
    assert gate and gate[0]["status"] == "blocked"
    assert not [s for s in isolated.events(task["id"]) if s["action"] == "request_sent"]  # refused before running
    assert not (isolated.workspace / "refused.py").exists()


def test_coder_writes_inside_the_workspace_with_a_critic_loop(isolated: Venom) -> None:
    isolated.set_autonomy(30)
    task = isolated.run({"content": "write hello.py that prints hello", "generation_params": {"max_tokens": 48}})
    assert task["status"] == "COMPLETED", task["error"]
    assert task["context_history"]["intent"] == "CODE_GENERATION"
    target = isolated.workspace / "hello.py"
    assert target.is_file()
    assert target.read_text().strip() and target.read_text() in task["result"]
    steps = isolated.events(task["id"])
    reviews = [s for s in steps if s["component"] == "Critic" and s["action"] == "review"]
    repairs = [s for s in steps if s["component"] == "Coder" and s["action"] == "repair"]
    assert 1 <= len(reviews) <= 3 and len(repairs) == len(reviews) - 1  # at most two repair rounds
    writes = [s for s in steps if s["component"] == "CoderAgent" and s["details"].get("tool") == "write_file"]
    assert writes[0]["details"]["path"] == "hello.py"


def test_coder_cannot_write_outside_the_workspace(isolated: Venom) -> None:
    isolated.set_autonomy(40)
    task = isolated.run({"content": "/compose ../evil.py that prints pwned"})
    assert task["status"] == "FAILED"
    assert task["error"]["code"] == "path_outside_workspace"
    assert not (isolated.workspace.parent / "evil.py").exists()


def test_researcher_needs_network_autonomy_then_fails_clearly_offline(isolated: Venom) -> None:
    refused = isolated.run({"content": "/web latest llama.cpp release"})
    assert refused["error"]["code"] == "autonomy_denied"
    isolated.set_autonomy(10)
    offline = isolated.run({"content": "/web latest llama.cpp release"})
    assert offline["status"] == "FAILED"
    assert offline["error"]["code"] == "network_unavailable"
    assert offline["error"]["retryable"] is True
