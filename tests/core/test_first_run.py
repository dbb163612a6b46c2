"""First start on a fresh machine: the workspace folder is created and shown, so the file tools work."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import ServerFactory
from tests.sse import read_stream


def run_task(client: httpx.Client, content: str) -> dict[str, object]:
    created = client.post("/api/v1/tasks", json={"content": content})
    assert created.status_code == 201, created.text
    read_stream(client, created.json()["task_id"])
    task: dict[str, object] = client.get(f"/api/v1/tasks/{created.json()['task_id']}").json()
    return task


def test_a_missing_workspace_is_created_at_start_and_shown(server_factory: ServerFactory, tmp_path: Path) -> None:
    workspace = tmp_path / "fresh" / "deep" / "workspace"
    assert not workspace.exists()
    srv = server_factory(VENOM_WORKSPACE=str(workspace))
    assert workspace.is_dir() and list(workspace.iterdir()) == []
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        status = c.get("/api/v1/system/status").json()
        assert status["workspace"] == {"path": str(workspace.resolve()), "exists": True}
        (workspace / "notes.txt").write_text("hello\n")
        task = run_task(c, "/file list")
    assert task["status"] == "COMPLETED", task.get("error")
    assert "notes.txt" in str(task["result"])


def test_an_unusable_workspace_path_does_not_stop_the_server(server_factory: ServerFactory, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    srv = server_factory(VENOM_WORKSPACE=str(blocker))
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        status = c.get("/api/v1/system/status").json()
        assert status["workspace"] == {"path": str(blocker.resolve()), "exists": False}
        task = run_task(c, "/file list")
    assert task["status"] == "FAILED"
    assert task["error"]["code"] == "workspace_missing"  # type: ignore[index]
    assert "could not be created" in srv.log_text()
