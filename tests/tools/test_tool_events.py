"""Every call is on the event feed: TOOL_CALL_STARTED, then TOOL_CALL_FINISHED or TOOL_CALL_FAILED,
with masked arguments, the duration and a masked preview of the result."""

from __future__ import annotations

import json
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.tools.conftest import SECRET_ENV, TOKEN, VenomFactory, api, invoke, stdio_entry, wait_status


def _next(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [json.loads(ws.recv(timeout=30)) for _ in range(count)]


def test_call_events_with_masked_arguments_and_results(venom: VenomFactory) -> None:
    secret = SECRET_ENV["OPENAI_API_KEY"]
    srv = venom({"demo": stdio_entry()}, VENOM_TOOL_TIMEOUT_SECONDS="1")
    with api(srv) as c, connect(f"{srv.ws_url}/ws/events?types=TOOL_CALL_*&token={TOKEN}") as ws:
        wait_status(c, "demo", {"ready"})
        assert invoke(c, "mcp:demo:echo", {"text": f"the key is {secret}"}).json()["is_error"] is False
        started, finished = _next(ws, 2)
        assert started["type"] == "TOOL_CALL_STARTED" and finished["type"] == "TOOL_CALL_FINISHED"
        assert started["data"]["tool_id"] == "mcp:demo:echo" and started["data"]["source"] == "mcp:demo"
        assert started["data"]["call_id"] == finished["data"]["call_id"]
        assert started["data"]["arguments"]["text"].startswith("the key is ")
        assert secret not in json.dumps(started) and secret not in json.dumps(finished)
        assert finished["data"]["duration_ms"] >= 0 and finished["data"]["result_preview"].startswith("the key is ")

        assert invoke(c, "mcp:demo:hang").json()["error_code"] == "tool_timeout"
        started, failed = _next(ws, 2)
        assert started["type"] == "TOOL_CALL_STARTED" and failed["type"] == "TOOL_CALL_FAILED"
        assert failed["data"]["error_code"] == "tool_timeout" and failed["data"]["is_error"] is True

        assert invoke(c, "builtin:web_fetch", {"url": "http://127.0.0.1:9/"}).json()["error_code"] == "autonomy_denied"
        started, failed = _next(ws, 2)
        assert failed["type"] == "TOOL_CALL_FAILED" and failed["data"]["error_code"] == "autonomy_denied"
