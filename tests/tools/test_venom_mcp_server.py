"""Venom as an MCP server: the SDK's client against `/mcp` on a real uvicorn server and against
`venom mcp` (stdio, a subprocess) pointed at it. Answers come from Venom's static paths (help,
time), never from a model; memory uses the real embedding model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx

from tests.conftest import ROOT, LiveServer, ServerFactory
from tests.tools.conftest import FAST_ENV, SECRET_ENV, TOKEN, api
from tests.tools.venom_mcp_client import http_session, stdio_session, tool_result_text

TOOLS = {"submit_task", "get_task", "search_memory", "list_recent_tasks"}
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "raw", "version": "0"}}}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


async def _exercise(session: Any, memory_id: str | None) -> dict[str, Any]:
    """The checks both transports share; returns what each transport checks further."""
    listed = {t.name: t for t in (await session.list_tools()).tools}
    assert set(listed) == TOOLS
    for name in ("get_task", "search_memory", "list_recent_tasks"):
        assert listed[name].annotations.read_only_hint is True
    assert listed["submit_task"].annotations.read_only_hint is False
    schema = listed["submit_task"].input_schema
    assert schema["required"] == ["content"] and set(schema["properties"]) == {"content", "session_id", "timeout"}
    assert listed["search_memory"].input_schema["properties"]["limit"]["maximum"] == 50

    done = await session.call_tool("submit_task", {"content": "what time is it?", "session_id": "mcp-s"})
    assert not done.is_error, tool_result_text(done)
    answer = done.structured_content
    assert answer["status"] == "COMPLETED" and answer["finished"] is True and answer["answer"]
    task = await session.call_tool("get_task", {"task_id": answer["task_id"]})
    assert not task.is_error and task.structured_content["status"] == "COMPLETED"
    assert task.structured_content["result"] == answer["answer"]
    assert task.structured_content["session_id"] == "mcp-s"
    recent = await session.call_tool("list_recent_tasks", {"limit": 5})
    assert answer["task_id"] in [t["task_id"] for t in recent.structured_content["tasks"]]

    # Bad input: tool errors, and the session goes on.
    missing = await session.call_tool("get_task", {"task_id": "no-such-task"})
    assert missing.is_error and "task_not_found" in tool_result_text(missing)
    for name, args in (("submit_task", {"content": ""}), ("submit_task", {}), ("search_memory", {"query": "x",
                       "limit": 0}), ("list_recent_tasks", {"limit": "many"}), ("submit_task", {"content": " "})):
        bad = await session.call_tool(name, args)
        assert bad.is_error, (name, args)
    unknown = await session.call_tool("no_such_tool", {})
    assert unknown.is_error

    found = await session.call_tool("search_memory", {"query": "the project codename", "limit": 3})
    if memory_id is not None:
        assert not found.is_error, tool_result_text(found)
        assert memory_id in [h["id"] for h in found.structured_content["results"]]
    return {"search": found}


def _remember(srv: LiveServer) -> str:
    with api(srv) as c:
        stored = c.post("/api/v1/memory/ingest", json={"text": "The project codename is Bluefin."})
        assert stored.status_code == 200, stored.text
        return str(stored.json()["ids"][0])


def test_http_mcp_end_to_end(memory_venom: LiveServer) -> None:
    memory_id = _remember(memory_venom)

    async def run() -> None:
        async with http_session(memory_venom.url, TOKEN) as session:
            await _exercise(session, memory_id)

    anyio.run(run)
    with api(memory_venom) as c:  # the MCP task is an ordinary task of the API
        assert any(t["session_id"] == "mcp-s" for t in c.get("/api/v1/tasks").json())


def test_stdio_mcp_against_a_running_venom(server_factory: ServerFactory, tmp_path: Path) -> None:
    srv = server_factory(**FAST_ENV, **SECRET_ENV)  # memory off: search_memory is a clear tool error

    async def run() -> None:
        with (tmp_path / "stdio.err").open("w") as errlog:
            async with stdio_session(srv.url, TOKEN, errlog) as session:
                found = (await _exercise(session, None))["search"]
                assert found.is_error and "memory_disabled" in tool_result_text(found)
            async with stdio_session(srv.url, "wrong-token-0123456789", errlog) as session:
                refused = await session.call_tool("list_recent_tasks", {"limit": 1})
                assert refused.is_error and "unauthorized" in tool_result_text(refused)
            async with stdio_session("http://127.0.0.1:9", None, errlog) as session:
                down = await session.call_tool("get_task", {"task_id": "x"})
                assert down.is_error and "venom_unreachable" in tool_result_text(down)

    anyio.run(run)
    assert "Traceback" not in (tmp_path / "stdio.err").read_text()


def test_mcp_needs_the_token_and_a_venom_origin(server_factory: ServerFactory) -> None:
    srv = server_factory(**FAST_ENV, **SECRET_ENV)
    remote = {**MCP_HEADERS, "X-Forwarded-For": "192.0.2.77"}
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        for headers in (remote, MCP_HEADERS, {**remote, "Authorization": "Bearer wrong-token-0123456789"}):
            refused = c.post("/mcp", json=INIT, headers=headers)
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
        authorized = {**MCP_HEADERS, "Authorization": f"Bearer {TOKEN}"}
        foreign = c.post("/mcp", json=INIT, headers={**authorized, "Origin": "https://evil.example"})
        assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "origin_not_allowed"
        rebound = c.post("/mcp", json=INIT, headers={**authorized, "Host": "evil.example"})
        assert rebound.status_code == 400 and rebound.json()["error"]["code"] == "host_not_allowed"
        ok = c.post("/mcp", json=INIT, headers=authorized)
        assert ok.status_code == 200 and ok.headers.get("mcp-session-id")
        assert "/mcp" not in c.get("/openapi.json", headers=authorized).json()["paths"]


def test_loopback_needs_no_token_and_the_session_manager_stops_with_the_app(server_factory: ServerFactory) -> None:
    srv = server_factory(**FAST_ENV)

    async def run() -> None:
        async with http_session(srv.url, None) as session:
            assert {t.name for t in (await session.list_tools()).tools} == TOOLS
            srv.stop()  # with the session open

    anyio.run(run)
    log = srv.log_text()
    assert "MCP endpoint /mcp started" in log and "session manager shutting down" in log
    assert "Application shutdown complete" in log and "Traceback" not in log


def test_the_sdk_is_not_imported_until_the_first_mcp_request() -> None:
    code = ("import sys, venom_core.main as m; m.create_app(); "
            "print(sorted(n for n in sys.modules if n == 'mcp' or n.startswith(('mcp.', 'mcp_types'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]", out.stdout
