"""The tool loop through the public API: the model (a scripted OpenAI-compatible double) asks for a
tool, Venom calls a real MCP tool (the demo server over stdio) and sends the result back."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from websockets.sync.client import connect

from tests.conftest import LiveServer
from tests.tools.conftest import TOKEN, VenomFactory, api, stdio_entry, wait_status
from tests.tools.scripted_llm import MODEL, ScriptedLlm


def llm_env(llm: ScriptedLlm, **extra: str) -> dict[str, str]:
    return {"VENOM_RUNTIME_PROFILE": "light", "LLM_PROVIDER": "openai_compatible",
            "VENOM_OPENAI_COMPATIBLE_ENDPOINT": llm.url, "VENOM_OPENAI_COMPATIBLE_MODEL": MODEL,
            "LLM_WARMUP_ON_STARTUP": "false", "OLLAMA_RETRY_MAX_ATTEMPTS": "1", **extra}


def run_task(c: httpx.Client, content: str, **body: Any) -> dict[str, Any]:
    created = c.post("/api/v1/tasks", json={"content": content, **body})
    assert created.status_code == 201, created.text
    task_id = created.json()["task_id"]
    deadline = time.monotonic() + 120  # a deadline that only ends a hung test
    while time.monotonic() < deadline:
        task = c.get(f"/api/v1/tasks/{task_id}").json()
        if task["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
            return dict(task)
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} did not finish")


def task_events(srv: LiveServer, task_id: str, count: int, types: str = "TOOL_CALL_*") -> list[dict[str, Any]]:
    """The task's first `count` events of `types`, replayed from the log."""
    url = f"{srv.ws_url}/ws/events?types={types}&task_id={task_id}&since=0&token={TOKEN}"
    with connect(url) as ws:
        return [json.loads(ws.recv(timeout=30)) for _ in range(count)]


def test_model_calls_an_mcp_tool_and_reads_its_result(venom: VenomFactory, llm: ScriptedLlm,
                                                      script: httpx.Client) -> None:
    srv = venom({"demo": stdio_entry()}, **llm_env(llm))
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        script.post("/_control/script", json={"name": "demo__echo", "arguments": {"text": "hello from the tool"}})
        task = run_task(c, "Please echo something for me")
        assert task["status"] == "COMPLETED", task
        assert task["result"] == "TOOL RESULT: hello from the tool"
        log = script.get("/_control/log").json()
        assert len(log) == 2
        names = {t["function"]["name"] for t in log[0]["tools"]}
        assert "demo__echo" in names
        second = log[1]["messages"]
        call = second[-2]
        assert call["role"] == "assistant" and call["tool_calls"][0]["function"]["name"] == "demo__echo"
        assert json.loads(call["tool_calls"][0]["function"]["arguments"]) == {"text": "hello from the tool"}
        assert second[-1] == {"role": "tool", "tool_call_id": "call_1", "content": "hello from the tool"}
        started, finished = task_events(srv, task["task_id"], 2)
        assert started["type"] == "TOOL_CALL_STARTED" and finished["type"] == "TOOL_CALL_FINISHED"
        assert started["data"]["tool_id"] == "mcp:demo:echo"
        assert started["data"]["arguments"] == {"text": "hello from the tool"}


def test_plain_answer_needs_one_model_call(venom: VenomFactory, llm: ScriptedLlm, script: httpx.Client) -> None:
    srv = venom({}, **llm_env(llm))
    with api(srv) as c:
        task = run_task(c, "Just say something")
        assert task["status"] == "COMPLETED" and task["result"] == "PLAIN ANSWER", task
        log = script.get("/_control/log").json()
        assert len(log) == 1 and log[0]["tools"], log  # tools offered, answered directly: one request


def test_max_steps_then_an_answer_without_tools(venom: VenomFactory, llm: ScriptedLlm,
                                                script: httpx.Client) -> None:
    srv = venom({"demo": stdio_entry()}, **llm_env(llm, VENOM_TOOL_MAX_STEPS="2"))
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        script.post("/_control/script", json={"name": "demo__add", "arguments": {"a": 2, "b": 3}, "repeat": True})
        task = run_task(c, "Keep adding")
        assert task["status"] == "COMPLETED", task
        log = script.get("/_control/log").json()
        assert [bool(body.get("tools")) for body in log] == [True, True, False]
        assert task["result"] == "TOOL RESULT: 5"  # the answer turn: no tools offered, so it answers
        events = task_events(srv, task["task_id"], 4)
        assert [e["type"] for e in events] == ["TOOL_CALL_STARTED", "TOOL_CALL_FINISHED"] * 2


def test_failing_tool_is_an_error_result_not_a_failed_task(venom: VenomFactory, llm: ScriptedLlm,
                                                            script: httpx.Client) -> None:
    srv = venom({"demo": stdio_entry()}, **llm_env(llm))
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        script.post("/_control/script", json={"name": "demo__crash", "arguments": {}})
        task = run_task(c, "Crash the tool")
        assert task["status"] == "COMPLETED", task
        tool_turn = script.get("/_control/log").json()[1]["messages"][-1]
        assert tool_turn["role"] == "tool" and tool_turn["content"].startswith("Error: ")
        _started, failed = task_events(srv, task["task_id"], 2)
        assert failed["type"] == "TOOL_CALL_FAILED" and failed["data"]["is_error"] is True

        # Arguments that do not fit the schema are an error result too, with the reason.
        wait_status(c, "demo", {"ready"}, check=lambda s: "mcp:demo:add" in s["tools"])  # restarted after the crash
        script.post("/_control/script", json={"name": "demo__add", "arguments": {"a": "two"}})
        task = run_task(c, "Add badly")
        assert task["status"] == "COMPLETED", task
        tool_turn = script.get("/_control/log").json()[-1]["messages"][-1]
        assert tool_turn["content"].startswith("Error: ") and "input schema" in tool_turn["content"]


def test_forced_tool_accepts_a_tool_id(venom: VenomFactory, llm: ScriptedLlm, script: httpx.Client) -> None:
    srv = venom({"demo": stdio_entry()}, **llm_env(llm))
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        script.post("/_control/script", json={"name": "demo__echo", "arguments": {"text": "forced"}})
        task = run_task(c, "anything", forced_tool="mcp:demo:echo")
        assert task["status"] == "COMPLETED" and task["result"] == "TOOL RESULT: forced", task
        first = script.get("/_control/log").json()[0]
        assert first["tool_choice"] == {"type": "function", "function": {"name": "demo__echo"}}
        bad = c.post("/api/v1/tasks", json={"content": "x", "forced_tool": "mcp:demo:nope"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_forced_tool", bad.text


def test_a_tool_id_as_forced_tool_routes_to_chat() -> None:
    from venom_core.orchestrator.routing import classify

    route = classify("anything", {"forced_tool": "mcp:demo:echo"})
    assert (route.intent, route.source, route.forced_tool) == ("GENERAL_CHAT", "forced_tool", "mcp:demo:echo")


def test_a_tool_above_the_level_is_refused_with_how_to_allow_it(venom: VenomFactory, llm: ScriptedLlm,
                                                                 script: httpx.Client) -> None:
    srv = venom({}, **llm_env(llm))  # level 0: no network
    with api(srv) as c:
        offered = {t["id"] for t in c.get("/api/v1/tools").json()["tools"]}
        assert "builtin:web_fetch" in offered
        script.post("/_control/script", json={"name": "web_fetch", "arguments": {"url": "http://127.0.0.1:9/"}})
        task = run_task(c, "Read that page", forced_tool="builtin:web_fetch")
        assert task["status"] == "COMPLETED", task
        tool_turn = script.get("/_control/log").json()[1]["messages"][-1]
        assert tool_turn["content"].startswith("Error: ") and "POST /api/v1/system/autonomy" in tool_turn["content"]
        _started, failed = task_events(srv, task["task_id"], 2)
        assert failed["type"] == "TOOL_CALL_FAILED" and failed["data"]["error_code"] == "autonomy_denied"


def test_a_refused_tool_call_can_be_allowed_once_for_its_task(venom: VenomFactory, llm: ScriptedLlm,
                                                              script: httpx.Client) -> None:
    srv = venom({}, **llm_env(llm))  # level 0: no network
    with api(srv) as c:
        script.post("/_control/script", json={"name": "web_fetch", "arguments": {"url": "http://127.0.0.1:9/"}})
        task = run_task(c, "Read that page", forced_tool="builtin:web_fetch")
        # The answer went on without the tool; the task still says what was refused and what to do.
        assert task["status"] == "COMPLETED" and task["error"] is None
        assert task["refusal"]["required_level"] == 10 and task["refusal"]["permission"] == "network"
        assert [a["kind"] for a in task["refusal"]["actions"]] == ["open_setting", "allow_once"]
        # A grant raises the level only: a policy an admin set still applies to the re-run.
        policy = c.put("/api/v1/tools/builtin:web_fetch/policy", json={"policy": "deny"})
        assert policy.status_code == 200, policy.text
        allowed = c.post(f"/api/v1/tasks/{task['task_id']}/allow-once")
        assert allowed.status_code == 201, allowed.text
        script.post("/_control/script", json={"name": "web_fetch", "arguments": {"url": "http://127.0.0.1:9/"}})
        new_id = allowed.json()["task_id"]
        deadline = time.monotonic() + 120
        while (rerun := c.get(f"/api/v1/tasks/{new_id}").json())["status"] not in ("COMPLETED", "FAILED"):
            assert time.monotonic() < deadline, rerun
            time.sleep(0.05)
        assert rerun["refusal"] is None and rerun["request"]["forced_tool"] == "builtin:web_fetch"
        _started, finished = task_events(srv, new_id, 2)
        # Past the autonomy gate, then stopped by the tool's policy: not by the level.
        assert finished["data"]["error_code"] == "tool_not_allowed", finished
        assert c.get("/api/v1/system/autonomy").json()["current_level"] == 0
