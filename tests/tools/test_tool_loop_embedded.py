"""The embedded model calls a tool end to end: grammar-constrained output picks the tool's name (an
enum) and fills its arguments by the tool's schema; Venom runs the real MCP tool and the model answers.
Only the call's shape is asserted, never the model's words."""

from __future__ import annotations

import time

from tests.tools.conftest import VenomFactory, api, stdio_entry, wait_status
from tests.tools.test_tool_loop import run_task, task_events


def test_embedded_model_makes_one_constrained_tool_call(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()}, VENOM_RUNTIME_PROFILE="light", LLM_PROVIDER="embedded",
                VENOM_EMBEDDED_THREADS="1", LLM_WARMUP_ON_STARTUP="false")
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        deadline = time.monotonic() + 180  # the model loads in the background; a deadline for a hung load only
        while c.get("/api/v1/system/status").json()["llm_runtime"]["status"] == "loading":
            assert time.monotonic() < deadline, "the embedded model did not load"
            time.sleep(0.1)
        assert c.get("/api/v1/system/status").json()["llm_runtime"]["status"] == "ready"
        task = run_task(c, "Add 2 and 3.", forced_tool="mcp:demo:add",
                        generation_params={"max_tokens": 8, "temperature": 0})
        assert task["status"] == "COMPLETED", task
        started, finished = task_events(srv, task["task_id"], 2)
        assert started["type"] == "TOOL_CALL_STARTED" and started["data"]["tool_id"] == "mcp:demo:add"
        arguments = started["data"]["arguments"]
        assert set(arguments) == {"a", "b"} and all(isinstance(v, int) for v in arguments.values()), arguments
        assert finished["type"] == "TOOL_CALL_FINISHED"
        assert finished["data"]["result_preview"] == str(arguments["a"] + arguments["b"])
