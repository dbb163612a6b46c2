"""One Venom server shared by the orchestrator tests, with a real git repository as its workspace.

The embedded SmolLM2 model answers every model call. Memory is off (it is tested on its own)
and the Researcher's search endpoint is a closed loopback port (allowed for outbound fetches),
which is exactly what an offline machine gives: a refused connection.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, free_port
from tests.sse import read_stream, structured

LOAD_TIMEOUT = 300.0  # the model loads in ~1 s on an idle machine; shared CI machines are slower


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
           "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def make_workspace(root: Path) -> Path:
    """A repository with two commits on `feature-login`, an uncommitted change, and escape bait."""
    ws = root / "workspace"
    (ws / "docs").mkdir(parents=True)
    (ws / "README.md").write_text("# Demo project\n")
    (ws / "docs" / "guide.md").write_text("Setup guide.\nTODO: document the login flow\n")
    git(ws, "init", "-q", "-b", "main")
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", "Initial commit of the demo project")
    git(ws, "checkout", "-q", "-b", "feature-login")
    (ws / "login.py").write_text("def login(user):\n    return user == 'admin'\n")
    git(ws, "add", "login.py")
    git(ws, "commit", "-q", "-m", "Add the login helper")
    (ws / "README.md").write_text("# Demo project\nWork in progress.\n")  # uncommitted
    (root / "secret.txt").write_text("outside the workspace\n")
    (ws / "escape").symlink_to(root)  # a symlink pointing out of the jail
    return ws


@dataclass
class Venom:
    server: LiveServer
    client: httpx.Client
    workspace: Path

    def run(self, body: dict[str, Any]) -> dict[str, Any]:
        """Submit a task, follow its SSE stream to the end, and return the final task record."""
        created = self.client.post("/api/v1/tasks", json=body)
        assert created.status_code == 201, created.text
        task_id = created.json()["task_id"]
        frames = read_stream(self.client, task_id)
        assert frames[-1].event == "task_finished"
        return dict(self.client.get(f"/api/v1/tasks/{task_id}").json())

    def flow(self, task_id: str) -> dict[str, Any]:
        resp = self.client.get(f"/api/v1/flow/{task_id}")
        assert resp.status_code == 200
        flow = dict(resp.json())
        flow["steps"] = structured(flow["steps"])
        return flow

    def events(self, task_id: str) -> list[dict[str, Any]]:
        return list(self.flow(task_id)["steps"])

    def set_autonomy(self, level: int) -> None:
        resp = self.client.post("/api/v1/system/autonomy", json={"level": level})
        assert resp.status_code == 200, resp.text


def wait_model(client: httpx.Client) -> None:
    deadline = time.monotonic() + LOAD_TIMEOUT
    while time.monotonic() < deadline:
        runtime = client.get("/api/v1/system/status").json().get("llm_runtime") or {}
        if runtime.get("status") == "ready":
            return
        assert runtime.get("status") != "error", runtime
        time.sleep(0.2)
    raise AssertionError("the embedded model did not load")


@pytest.fixture(scope="package")
def venom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Venom]:
    root = tmp_path_factory.mktemp("orch")
    ws = make_workspace(root)
    search_port = free_port()
    server = LiveServer(data_dir=root, env={
        "VENOM_RATE_LIMIT_ENABLED": "false",
        "VENOM_MEMORY_ENABLED": "false",
        "VENOM_SEARCH_URL": f"http://127.0.0.1:{search_port}/html/",
        # Loopback is refused to task fetches unless allowed; allowing only this closed port keeps
        # the offline case (a refused connection) without opening any other local service.
        "VENOM_OUTBOUND_ALLOW_HOSTS": f"127.0.0.1:{search_port}",
        "VENOM_WORKSPACE": str(ws),
    })
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=300) as client:
            wait_model(client)
            yield Venom(server, client, ws)
    finally:
        server.stop()
