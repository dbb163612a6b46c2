"""The agents call their tools through the registry: a git, workspace or web step of an agent is a
TOOL_CALL_* event on the task's stream (arguments, duration, result preview), it is in the trace,
and a tool's `deny` policy refuses the agent's step with how to allow it."""

from __future__ import annotations

import ast
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.local_web import LocalWeb, local_web
from tests.tools.conftest import VenomFactory, api
from tests.tools.test_tool_loop import run_task, task_events

AGENTS = Path(__file__).resolve().parents[2] / "venom_core" / "agents"
# The work behind the registered workspace, git and web tools: only the tools may use it.
TOOL_WORK = {"venom_core.tools.files", "venom_core.tools.git_runner", "venom_core.tools.git_tools",
             "venom_core.tools.web", "venom_core.tools.builtin", "venom_core.net.outbound"}
WORKSPACE_IO = {"read_text", "text_head", "read_head", "write_text", "files"}


@pytest.fixture
def web() -> Iterator[LocalWeb]:
    with local_web() as w:
        yield w


def _repo(srv: LiveServer) -> Path:
    ws = srv.data_dir / "workspace"
    ws.mkdir(parents=True, exist_ok=True)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "PATH": "/usr/bin:/bin", "HOME": str(ws)}
    (ws / "notes.md").write_text("the quick brown fox\n")
    for args in (["init", "-q"], ["add", "notes.md"], ["commit", "-qm", "first commit"]):
        subprocess.run(["git", *args], cwd=ws, check=True, env=env)
    return ws


def _pairs(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["type"], e["data"]["function_name"]) for e in events]


def _tool_steps(c: httpx.Client, task_id: str) -> list[dict[str, Any]]:
    steps = c.get(f"/api/v1/flow/{task_id}").json()["steps"]
    return [s for s in steps if s["component"] == "Tools"]


def test_git_and_workspace_steps_are_tool_call_events(venom: VenomFactory) -> None:
    srv = venom({})
    _repo(srv)
    with api(srv) as c:
        task = run_task(c, "/git status")
        assert task["status"] == "COMPLETED", task["error"]
        events = task_events(srv, task["id"], 4)
        assert _pairs(events) == [("TOOL_CALL_STARTED", "git_status"), ("TOOL_CALL_FINISHED", "git_status"),
                                  ("TOOL_CALL_STARTED", "git_log"), ("TOOL_CALL_FINISHED", "git_log")]
        assert events[2]["data"]["arguments"] == {"limit": 5}
        assert events[3]["data"]["duration_ms"] >= 0 and "first commit" in events[3]["data"]["result_preview"]
        assert len(_tool_steps(c, task["id"])) == 4  # the trace shows every call

        task = run_task(c, "/file read notes.md")
        assert task["status"] == "COMPLETED", task["error"]
        events = task_events(srv, task["id"], 2)
        assert _pairs(events) == [("TOOL_CALL_STARTED", "workspace_read"), ("TOOL_CALL_FINISHED", "workspace_read")]
        assert events[0]["data"]["arguments"] == {"path": "notes.md"}
        assert "quick brown fox" in events[1]["data"]["result_preview"]


def test_a_refused_path_is_a_failed_tool_call_and_a_failed_task(venom: VenomFactory) -> None:
    srv = venom({})
    ws = _repo(srv)
    os.mkfifo(ws / "pipe.txt")  # reading it would wait for a writer forever
    with api(srv) as c:
        task = run_task(c, "/file read pipe.txt")
        assert task["status"] == "FAILED" and task["error"]["code"] == "not_a_regular_file"
        events = task_events(srv, task["id"], 2)
        assert events[1]["type"] == "TOOL_CALL_FAILED" and events[1]["data"]["error_code"] == task["error"]["code"]


def test_deny_policy_refuses_the_agents_step_with_how_to_allow_it(venom: VenomFactory) -> None:
    srv = venom({})
    _repo(srv)
    with api(srv) as c:
        assert c.put("/api/v1/tools/builtin:git_status/policy", json={"policy": "deny"}).status_code == 200
        task = run_task(c, "/git status")
        assert task["status"] == "FAILED"
        assert task["error"]["code"] == "tool_not_allowed"
        assert "PUT /api/v1/tools/builtin:git_status/policy" in task["error"]["message"]
        events = task_events(srv, task["id"], 2)
        assert _pairs(events) == [("TOOL_CALL_STARTED", "git_status"), ("TOOL_CALL_FAILED", "git_status")]
        assert events[1]["data"]["error_code"] == "tool_not_allowed"

        # Back to the default policy: the same step runs.
        assert c.put("/api/v1/tools/builtin:git_status/policy", json={"policy": None}).status_code == 200
        assert run_task(c, "/git status")["status"] == "COMPLETED"


def test_web_search_and_page_reads_are_tool_call_events(venom: VenomFactory, web: LocalWeb) -> None:
    web.routes["/html/"] = f'<html><body><a class="result__a" href="{web.url}/page">A page</a></body></html>'
    web.routes["/page"] = "<html><body><p>Llamas sleep standing up.</p></body></html>"
    srv = venom({}, VENOM_AUTONOMY_LEVEL="10", VENOM_SEARCH_URL=f"{web.url}/html/",
                VENOM_OUTBOUND_ALLOW_HOSTS=f"127.0.0.1:{web.port}")
    with api(srv) as c:
        task = run_task(c, "/web how do llamas sleep")
        assert task["status"] == "COMPLETED", task["error"]
        events = task_events(srv, task["id"], 4)
        assert _pairs(events) == [("TOOL_CALL_STARTED", "web_search"), ("TOOL_CALL_FINISHED", "web_search"),
                                  ("TOOL_CALL_STARTED", "web_fetch"), ("TOOL_CALL_FINISHED", "web_fetch")]
        assert events[0]["data"]["arguments"] == {"query": "how do llamas sleep"}
        assert events[2]["data"]["arguments"] == {"url": f"{web.url}/page"}
        assert "Llamas sleep standing up." in events[3]["data"]["result_preview"]


def test_no_agent_does_a_registered_tools_work_itself() -> None:
    """Agents reach the workspace, git and the web only through the registry: they import none of
    the tools' work and call no file I/O of the workspace jail (resolving a path is not I/O)."""
    offences: list[str] = []
    for path in sorted(AGENTS.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
                offences += [f"{path.name} imports {n}" for n in names & TOOL_WORK]
            elif isinstance(node, ast.Import):
                offences += [f"{path.name} imports {a.name}" for a in node.names if a.name in TOOL_WORK]
            elif isinstance(node, ast.Attribute) and node.attr in WORKSPACE_IO | {"fetch"}:
                offences.append(f"{path.name}:{node.lineno} uses .{node.attr}")
    assert offences == []
