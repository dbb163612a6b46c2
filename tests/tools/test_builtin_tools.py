"""Venom's own tools in the registry, listed and called through the API."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from tests.conftest import LiveServer
from tests.tools.conftest import VenomFactory, api, invoke, tools_by_id

BUILTINS = {"workspace_list", "workspace_read", "workspace_search", "workspace_write", "git_status", "git_log",
            "git_diff", "git_show", "git_blame", "git_branches", "web_search",
            "web_fetch", "memory_search", "time_now", "system_status", "roadmap"}


def _workspace(srv: LiveServer) -> Path:
    ws = srv.data_dir / "workspace"
    ws.mkdir(parents=True, exist_ok=True)
    return ws


def test_builtins_listed_with_side_effects(venom: VenomFactory) -> None:
    srv = venom({})
    with api(srv) as c:
        tools = tools_by_id(c)
        assert {t["function_name"] for t in tools.values() if t["source"] == "builtin"} == BUILTINS
        assert tools["builtin:workspace_list"]["side_effect"] == "read"
        assert tools["builtin:web_fetch"]["side_effect"] == "network"
        assert tools["builtin:web_fetch"]["autonomy_level"] == 10
        assert all(t["available"] for t in tools.values() if t["source"] == "builtin")


def test_workspace_tools_and_path_jail(venom: VenomFactory) -> None:
    srv = venom({})
    ws = _workspace(srv)
    (ws / "notes").mkdir()
    (ws / "notes" / "plan.md").write_text("alpha\nthe quick brown fox\n")
    with api(srv) as c:
        listed = invoke(c, "builtin:workspace_list").json()
        assert listed["is_error"] is False and "notes/plan.md" in listed["result"]
        read = invoke(c, "workspace_read", {"path": "notes/plan.md"}).json()
        assert "quick brown fox" in read["result"]
        found = invoke(c, "workspace_search", {"term": "BROWN"}).json()
        assert "notes/plan.md:2" in found["result"]
        outside = invoke(c, "workspace_read", {"path": "../../etc/passwd"}).json()
        assert outside["is_error"] is True and outside["error_code"] == "path_outside_workspace"
        r = invoke(c, "workspace_read", {})
        assert r.status_code == 422  # `path` is required by the schema


def test_git_tools(venom: VenomFactory) -> None:
    srv = venom({})
    ws = _workspace(srv)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "PATH": "/usr/bin:/bin", "HOME": str(ws)}
    subprocess.run(["git", "init", "-q"], cwd=ws, check=True, env=env)
    (ws / "a.txt").write_text("one\n")
    subprocess.run(["git", "add", "a.txt"], cwd=ws, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "first commit"], cwd=ws, check=True, env=env)
    (ws / "a.txt").write_text("two\n")
    with api(srv) as c:
        assert "first commit" in invoke(c, "git_log", {"limit": 3}).json()["result"]
        assert "a.txt" in invoke(c, "git_status").json()["result"]
        assert "+two" in invoke(c, "git_diff").json()["result"]
        assert "a.txt" in invoke(c, "git_diff", {"stat": True}).json()["result"]
        assert "first commit" in invoke(c, "git_show", {"revision": "HEAD"}).json()["result"]
        assert "Not Committed Yet" in invoke(c, "git_blame", {"path": "a.txt"}).json()["result"]
        assert "*" in invoke(c, "git_branches").json()["result"]
        # A revision is never an option for git: anything but a commit id or HEAD~n is refused by the schema.
        assert invoke(c, "git_show", {"revision": "--output=/tmp/x"}).status_code == 422
        outside = invoke(c, "git_blame", {"path": "../../etc/passwd"}).json()
        assert outside["is_error"] is True and outside["error_code"] == "path_outside_workspace"


def test_workspace_write_needs_the_file_write_level(venom: VenomFactory) -> None:
    srv = venom({})
    ws = _workspace(srv)
    with api(srv) as c:
        body = invoke(c, "workspace_write", {"path": "out/new.txt", "content": "hello\n"}).json()
        assert body["is_error"] is True and body["error_code"] == "autonomy_denied"
        assert not (ws / "out").exists()
        assert c.post("/api/v1/system/autonomy", json={"level": 30}).status_code == 200
        body = invoke(c, "workspace_write", {"path": "out/new.txt", "content": "hello\n"}).json()
        assert body["is_error"] is False and (ws / "out" / "new.txt").read_text() == "hello\n"
        body = invoke(c, "workspace_write", {"path": "../escape.txt", "content": "x"}).json()
        assert body["error_code"] == "path_outside_workspace" and not (srv.data_dir / "escape.txt").exists()


def test_time_and_status(venom: VenomFactory) -> None:
    srv = venom({})
    with api(srv) as c:
        now = invoke(c, "builtin:time_now").json()
        assert now["is_error"] is False and time.strftime("%Y") in now["result"]
        status = invoke(c, "builtin:system_status").json()
        assert status["is_error"] is False and status["result"].startswith("# System status")


def test_memory_search_when_memory_is_off(venom: VenomFactory) -> None:
    srv = venom({})  # the fixtures run without memory
    with api(srv) as c:
        body = invoke(c, "memory_search", {"query": "anything"}).json()
        assert body["is_error"] is True and body["error_code"] == "memory_disabled"
        assert "VENOM_MEMORY_ENABLED" in body["result"]


def test_network_tool_refused_at_isolated_level(venom: VenomFactory) -> None:
    srv = venom({})
    with api(srv) as c:
        body = invoke(c, "web_fetch", {"url": "http://127.0.0.1:9/"}).json()
        assert body["is_error"] is True and body["error_code"] == "autonomy_denied"
        assert "10 (CONNECTED)" in body["result"]
        assert c.post("/api/v1/system/autonomy", json={"level": 10}).status_code == 200
        body = invoke(c, "web_fetch", {"url": "http://127.0.0.1:9/"}).json()
        assert body["is_error"] is True and body["error_code"] == "outbound_address_refused"


def test_memory_search_when_memory_is_on(memory_venom: LiveServer) -> None:
    with api(memory_venom) as c:
        stored = c.post("/api/v1/memory/ingest", json={"text": "The llama sleeps in the red barn."})
        assert stored.status_code in (200, 201), stored.text
        body = invoke(c, "memory_search", {"query": "where does the llama sleep", "limit": 3}).json()
        assert body["is_error"] is False
        hits = json.loads(body["result"])
        assert hits and "llama" in hits[0]["text"]
