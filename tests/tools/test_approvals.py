"""Approvals through the public API: a tool whose policy is `ask` pauses the task until a person
answers (`POST /api/v1/tasks/{id}/approvals/{call_id}`), a timeout denies, a restart keeps the
pending request, `remember` and `PUT /api/v1/tools/{id}/policy` set the policy."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import httpx

from tests.ops.test_cli import cli_env
from tests.tools.conftest import TOKEN, VenomFactory, api, stdio_entry, tools_by_id, wait_status
from tests.tools.scripted_llm import ScriptedLlm
from tests.tools.test_tool_loop import llm_env, task_events

CLI = [sys.executable, "-m", "venom_core.cli"]
BUILDER = {"VENOM_AUTONOMY_LEVEL": "30"}  # writes allowed by the autonomy level, so the policy decides


def submit(c: httpx.Client, content: str) -> str:
    r = c.post("/api/v1/tasks", json={"content": content})
    assert r.status_code == 201, r.text
    return str(r.json()["task_id"])


def pending(c: httpx.Client, task_id: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60  # a deadline that only ends a hung test
    while time.monotonic() < deadline:
        r = c.get(f"/api/v1/tasks/{task_id}/approvals")
        if r.status_code == 200 and r.json()["approvals"]:
            return list(r.json()["approvals"])
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} never asked for an approval: {c.get(f'/api/v1/tasks/{task_id}').json()}")


def finished(c: httpx.Client, task_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        task = c.get(f"/api/v1/tasks/{task_id}").json()
        if task["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
            return dict(task)
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} did not finish")


def test_ask_waits_then_approve_runs_and_deny_does_not(venom: VenomFactory, llm: ScriptedLlm,
                                                       script: httpx.Client) -> None:
    srv = venom({"demo": stdio_entry()}, **llm_env(llm, **BUILDER))
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        tools = tools_by_id(c)
        assert tools["mcp:demo:plain"]["policy"] == "ask" and tools["mcp:demo:echo"]["policy"] == "allow"
        assert tools["mcp:demo:plain"]["policy_source"] == "default"
        script.post("/_control/script", json={"name": "demo__plain", "arguments": {"text": "shout"}})

        task_id = submit(c, "Make it loud")
        (req,) = pending(c, task_id)
        assert req["tool_id"] == "mcp:demo:plain" and req["arguments"] == {"text": "shout"}
        assert c.get(f"/api/v1/tasks/{task_id}").json()["status"] == "PROCESSING"
        assert len(script.get("/_control/log").json()) == 1  # the step waits: no second model request yet
        r = c.post(f"/api/v1/tasks/{task_id}/approvals/{req['call_id']}", json={"decision": "approve"})
        assert r.status_code == 200 and r.json()["status"] == "approved", r.text
        task = finished(c, task_id)
        assert task["status"] == "COMPLETED" and task["result"] == "TOOL RESULT: SHOUT", task
        events = task_events(srv, task_id, 4, "APPROVAL_*,TOOL_CALL_*")
        assert [e["type"] for e in events] == ["APPROVAL_REQUESTED", "APPROVAL_DECIDED", "TOOL_CALL_STARTED",
                                               "TOOL_CALL_FINISHED"]
        assert events[0]["data"]["call_id"] == req["call_id"] and events[0]["data"]["expires_at"]
        assert events[1]["data"]["decision"] == "approve" and events[1]["data"]["by"] == "person"

        again = c.post(f"/api/v1/tasks/{task_id}/approvals/{req['call_id']}", json={"decision": "deny"})
        assert again.status_code == 409 and again.json()["error"]["code"] == "approval_already_decided"
        unknown = c.post(f"/api/v1/tasks/{task_id}/approvals/appr_nope", json={"decision": "deny"})
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "approval_not_found"

        task_id = submit(c, "Make it loud again")
        (req,) = pending(c, task_id)
        r = c.post(f"/api/v1/tasks/{task_id}/approvals/{req['call_id']}", json={"decision": "deny", "remember": True})
        assert r.status_code == 200 and r.json()["status"] == "denied"
        task = finished(c, task_id)
        assert task["status"] == "COMPLETED", task
        tool_turn = script.get("/_control/log").json()[-1]["messages"][-1]
        assert tool_turn["role"] == "tool" and tool_turn["content"].startswith("Error: ")
        assert task_events(srv, task_id, 2, "APPROVAL_*,TOOL_CALL_*")[1]["type"] == "APPROVAL_DECIDED"
        # `remember` stored the denial as the tool's policy: the next call is refused without asking.
        assert tools_by_id(c)["mcp:demo:plain"]["policy"] == "deny"
        task = finished(c, submit(c, "Once more"))
        assert task["status"] == "COMPLETED"
        assert "policy is 'deny'" in script.get("/_control/log").json()[-1]["messages"][-1]["content"]


def test_unanswered_request_is_denied_at_the_timeout(venom: VenomFactory, llm: ScriptedLlm,
                                                     script: httpx.Client) -> None:
    srv = venom({"demo": stdio_entry()}, **llm_env(llm, VENOM_APPROVAL_TIMEOUT_S="1", **BUILDER))
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        script.post("/_control/script", json={"name": "demo__plain", "arguments": {"text": "x"}})
        task = finished(c, submit(c, "Nobody answers"))
        assert task["status"] == "COMPLETED", task
        _requested, decided = task_events(srv, task["task_id"], 2, "APPROVAL_*")
        assert decided["type"] == "APPROVAL_DECIDED" and decided["data"]["by"] == "timeout"
        assert decided["data"]["decision"] == "deny"
        tool_turn = script.get("/_control/log").json()[-1]["messages"][-1]
        assert "not approved" in tool_turn["content"]


def test_policy_is_set_by_an_admin_and_kept(venom: VenomFactory, llm: ScriptedLlm, script: httpx.Client) -> None:
    srv = venom({}, **llm_env(llm))
    with api(srv) as c:
        r = c.put("/api/v1/tools/builtin:time_now/policy", json={"policy": "ask"})
        assert r.status_code == 200 and r.json() == {"tool_id": "builtin:time_now", "policy": "ask",
                                                      "policy_source": "set"}
        assert c.put("/api/v1/tools/builtin:nope/policy", json={"policy": "ask"}).status_code == 404
        assert c.put("/api/v1/tools/builtin:time_now/policy", json={"policy": "maybe"}).status_code == 422
        no_token = httpx.put(f"{srv.url}/api/v1/tools/builtin:time_now/policy", json={"policy": "allow"})
        assert no_token.status_code in (401, 403)

        # A pending approval survives a crash: the re-run task waits on the same request.
        script.post("/_control/script", json={"name": "time_now", "arguments": {}})
        task_id = submit(c, "Use your tool please")
        (req,) = pending(c, task_id)
    srv.kill()
    srv.restart()
    with api(srv) as c:
        assert tools_by_id(c)["builtin:time_now"]["policy"] == "ask"
        (again,) = pending(c, task_id)
        assert again["call_id"] == req["call_id"]
        r = c.post(f"/api/v1/tasks/{task_id}/approvals/{req['call_id']}", json={"decision": "approve"})
        assert r.status_code == 200, r.text
        task = finished(c, task_id)
        assert task["status"] == "COMPLETED" and task["result"].startswith("TOOL RESULT: "), task
        assert not task["result"].startswith("TOOL RESULT: Error"), task


def test_cli_ask_prompts_for_the_approval(venom: VenomFactory, llm: ScriptedLlm, script: httpx.Client) -> None:
    srv = venom({"demo": stdio_entry()}, **llm_env(llm, **BUILDER))
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
    script.post("/_control/script", json={"name": "demo__plain", "arguments": {"text": "cli"}})
    env = {**cli_env(srv, TOKEN)}
    out = subprocess.run([*CLI, "ask", "--no-spinner", "Make", "it", "loud"], env=env, input="y\n",
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert "Allow the tool demo__plain" in out.stderr
    assert "TOOL RESULT: CLI" in out.stdout
    script.post("/_control/script", json={"name": "demo__plain", "arguments": {"text": "no"}})
    out = subprocess.run([*CLI, "ask", "--no-spinner", "--approvals", "deny", "Make", "it", "loud"], env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert "TOOL RESULT: Error" in out.stdout


def test_restart_keeps_a_pending_approval_of_an_mcp_tool(venom: VenomFactory, llm: ScriptedLlm,
                                                          script: httpx.Client) -> None:
    """The re-run task asks for the MCP tool before its server is back: it waits for the server, then
    on the stored request."""
    srv = venom({"demo": stdio_entry()}, **llm_env(llm, **BUILDER))
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        script.post("/_control/script", json={"name": "demo__plain", "arguments": {"text": "after"}})
        task_id = submit(c, "Make it loud")
        (req,) = pending(c, task_id)
    srv.kill()
    srv.restart()
    with api(srv) as c:
        r = c.post(f"/api/v1/tasks/{task_id}/approvals/{req['call_id']}", json={"decision": "approve"})
        assert r.status_code == 200, r.text
        task = finished(c, task_id)
        assert task["status"] == "COMPLETED" and task["result"] == "TOOL RESULT: AFTER", task
