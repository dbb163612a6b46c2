"""MCP over stdio, through the public API of a real Venom server: listing, calls and faults."""

from __future__ import annotations

import sys

from tests.tools.conftest import DEMO, SECRET_ENV, VenomFactory, api, invoke, stdio_entry, tools_by_id, wait_status


def test_tools_listed_with_source_and_side_effects(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()})
    with api(srv) as c:
        status = wait_status(c, "demo", {"ready"})
        assert "mcp:demo:echo" in status["tools"]
        tools = tools_by_id(c)
        echo = tools["mcp:demo:echo"]
        assert echo["source"] == "mcp:demo" and echo["function_name"] == "demo__echo"
        assert echo["side_effect"] == "read" and echo["autonomy_level"] == 0 and echo["available"] is True
        assert echo["input_schema"]["properties"]["text"]["type"] == "string"
        assert tools["mcp:demo:delete_note"]["side_effect"] == "write"  # destructiveHint
        assert tools["mcp:demo:plain"]["side_effect"] == "write"  # no annotations at all
        assert tools["mcp:demo:plain"]["autonomy_level"] == 30
        assert tools["builtin:workspace_list"]["source"] == "builtin"


def test_invoke_stdio_tool_and_events(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()})
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        r = invoke(c, "mcp:demo:add", {"a": 2, "b": 40})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["result"] == "42" and body["is_error"] is False and body["duration_ms"] >= 0
        # the function name works as a reference too
        assert invoke(c, "demo__echo", {"text": "hi"}).json()["result"] == "hi"


def test_bad_arguments_unknown_tool_and_refused_level(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()})
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        r = invoke(c, "mcp:demo:add", {"a": "two"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "tool_arguments_invalid"
        r = invoke(c, "mcp:demo:nope")
        assert r.status_code == 404 and r.json()["error"]["code"] == "tool_not_found"
        # `plain` has no annotations, so it is a write: refused at the default level 0, with the way out
        body = invoke(c, "mcp:demo:plain", {"text": "x"}).json()
        assert body["is_error"] is True and body["error_code"] == "autonomy_denied"
        assert "/api/v1/system/autonomy" in body["result"]


def test_server_that_fails_to_start_does_not_stop_the_others(venom: VenomFactory) -> None:
    srv = venom({"broken": {"command": "/nonexistent/venom-no-such-mcp-server"}, "demo": stdio_entry(),
                 "exits": {"command": sys.executable, "args": ["/nonexistent/venom-server.py"]}})
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        broken = wait_status(c, "broken", {"error"})
        assert "not found" in broken["error"]
        exits = wait_status(c, "exits", {"error"})
        assert "venom-server.py" in exits["error"]  # the server's own stderr says what went wrong
        assert invoke(c, "mcp:demo:echo", {"text": "still here"}).json()["result"] == "still here"
        assert c.get("/healthz").status_code == 200


def test_crash_mid_call_is_an_error_result_then_restarted(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()})
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        first_pid = invoke(c, "mcp:demo:pid").json()["result"]
        body = invoke(c, "mcp:demo:crash").json()
        assert body["is_error"] is True and body["error_code"] == "mcp_call_failed"
        status = wait_status(c, "demo", {"ready"}, check=lambda s: s["restarts"] >= 1)
        assert "mcp:demo:pid" in status["tools"]
        second_pid = invoke(c, "mcp:demo:pid").json()
        assert second_pid["is_error"] is False and second_pid["result"] != first_pid


def test_hanging_tool_hits_the_timeout(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()}, VENOM_TOOL_TIMEOUT_SECONDS="1")
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        body = invoke(c, "mcp:demo:hang").json()
        assert body["is_error"] is True and body["error_code"] == "tool_timeout"
        # the connection is still usable after the timed-out call
        assert invoke(c, "mcp:demo:echo", {"text": "after"}).json()["result"] == "after"


def test_ten_megabyte_result_is_capped(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()}, VENOM_TOOL_TIMEOUT_SECONDS="120", VENOM_TOOL_MAX_RESULT_CHARS="5000")
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        r = c.post("/api/v1/tools/mcp:demo:big/invoke", json={"arguments": {"megabytes": 10}}, timeout=180)
        body = r.json()
        assert body["is_error"] is False and body["truncated"] is True
        assert len(body["result"]) < 6000 and "truncated" in body["result"]


def test_invalid_input_schema_makes_the_tool_unavailable(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()})
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        bad = tools_by_id(c)["mcp:demo:bad_schema"]
        assert bad["available"] is False and "not a valid JSON schema" in bad["unavailable_reason"]
        r = invoke(c, "mcp:demo:bad_schema", {"x": "1"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "tool_unavailable"
        assert tools_by_id(c)["mcp:demo:echo"]["available"] is True  # the server's other tools are fine


def test_child_environment_has_no_secrets(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry(env={"DEMO_SETTING": "on"})})
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        keys = set(invoke(c, "mcp:demo:env_keys").json()["result"].split("\n"))
        assert "DEMO_SETTING" in keys and "PATH" in keys
        assert not keys & set(SECRET_ENV)
        assert not [k for k in keys if k.endswith("_API_KEY") or k.startswith("VENOM_")]


def test_description_cannot_raise_autonomy(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()})
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        tool = tools_by_id(c)["mcp:demo:persuasive"]
        assert "autonomy" in tool["description"]  # shown as the server wrote it...
        assert tool["autonomy_level"] == 0 and tool["side_effect"] == "read"  # ...but it changes nothing
        assert invoke(c, "mcp:demo:persuasive", {"text": "x"}).json()["result"] == "x"
        assert c.get("/api/v1/system/autonomy").json()["current_level"] == 0


def test_invalid_json_rpc_gives_an_error_status(venom: VenomFactory) -> None:
    garbage = str(DEMO.parent / "garbage_server.py")
    srv = venom({"garbage": {"command": sys.executable, "args": [garbage]}, "demo": stdio_entry()},
                VENOM_MCP_START_TIMEOUT_SECONDS="3")
    with api(srv) as c:
        status = wait_status(c, "garbage", {"error"})
        assert "could not read" in status["error"] and status["tools"] == []
        assert "Traceback" not in srv.log_text()  # one line per bad message, not a traceback
        wait_status(c, "demo", {"ready"})  # on a busy machine the good server may still be starting
        assert invoke(c, "mcp:demo:echo", {"text": "ok"}).json()["result"] == "ok"
        assert c.get("/healthz").status_code == 200
