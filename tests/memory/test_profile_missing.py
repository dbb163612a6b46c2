"""Without the memory profile: clear 503s, no fake vectors, and the rest of Venom still works.

The server runs with a `lancedb` package on PYTHONPATH that fails to import, which takes the
same path as an uninstalled profile (the background import raises ImportError).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, ServerFactory
from tests.memory.conftest import wait_for_memory, wait_task

MEMORY_CALLS = [
    ("POST", "/api/v1/memory/ingest", {"text": "My favourite colour is teal."}),
    ("POST", "/api/v1/memory/search", {"query": "favourite colour"}),
    ("POST", "/api/v1/memory/entry/abc/pin", None),
    ("DELETE", "/api/v1/memory/entry/abc", None),
    ("DELETE", "/api/v1/memory/global", None),
    ("GET", "/api/v1/memory/graph", None),
    ("GET", "/api/v1/lessons", None),
    ("GET", "/api/v1/lessons/stats", None),
    ("POST", "/api/v1/lessons/dedupe", None),
    ("POST", "/api/v1/feedback", {"task_id": "t", "rating": "up"}),
]


@pytest.fixture
def missing_profile(tmp_path: Path) -> Path:
    shim = tmp_path / "shim" / "lancedb"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text('raise ModuleNotFoundError("No module named \'lancedb\'", name="lancedb")\n')
    return shim.parent


def test_missing_profile_answers_503(server_factory: ServerFactory, missing_profile: Path) -> None:
    srv = server_factory(PYTHONPATH=f"{missing_profile}:{ROOT}")
    health = wait_for_memory(srv.url)
    assert health["status"] == "offline" and health["details"]["status"] == "unavailable"
    assert "lancedb" in health["details"]["error"]
    with httpx.Client(base_url=srv.url, timeout=30) as client:
        for method, path, body in MEMORY_CALLS:
            response = client.request(method, path, json=body)
            assert response.status_code == 503, (path, response.text)
            error = response.json()["error"]
            assert error["code"] == "memory_unavailable"
            assert error["message"].startswith("memory profile not installed")
            assert "requirements-profile-memory.txt" in error["message"]
        # The code graph needs no profile; an empty workspace is an empty graph, not mock data.
        graph = client.get("/api/v1/knowledge/graph").json()
        assert graph["elements"] == {"nodes": [], "edges": []}
        assert graph["stats"]["mock"] is False and graph["stats"]["memory"] == "unavailable"
        summary = client.get("/api/v1/graph/summary").json()
        assert summary["memory"]["status"] == "unavailable"
        # Tasks still run.
        task_id = client.post("/api/v1/tasks", json={"content": "help", "forced_intent": "HELP_REQUEST"}).json()
        assert wait_task(client, task_id["task_id"])["status"] == "COMPLETED"


def test_memory_disabled_by_setting(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_MEMORY_ENABLED="false")
    assert wait_for_memory(srv.url)["status"] == "disabled"
    response = httpx.post(f"{srv.url}/api/v1/memory/search", json={"query": "anything"})
    assert response.status_code == 503 and response.json()["error"]["code"] == "memory_disabled"
