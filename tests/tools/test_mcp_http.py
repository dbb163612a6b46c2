"""MCP over streamable HTTP (a real SDK server on loopback) and the address rule for HTTP servers."""

from __future__ import annotations

import signal

from tests.tools.conftest import HttpMcp, VenomFactory, api, invoke, tools_by_id, wait_status


def test_http_server_tools_listed_and_invoked(venom: VenomFactory, http_mcp: str) -> None:
    srv = venom({"web": {"url": http_mcp, "headers": {"Authorization": "Bearer not-a-real-secret-123"}}})
    with api(srv) as c:
        status = wait_status(c, "web", {"ready"})
        assert status["transport"] == "http" and "mcp:web:add" in status["tools"]
        tool = tools_by_id(c)["mcp:web:add"]
        assert tool["source"] == "mcp:web" and tool["side_effect"] == "read"
        assert tool["autonomy_level"] == 0  # a loopback server is not the network
        body = invoke(c, "mcp:web:add", {"a": 20, "b": 22}).json()
        assert body == {**body, "result": "42", "is_error": False}
        # the header's value is masked in GET
        shown = c.get("/api/v1/mcp/servers").json()["mcpServers"]["web"]["headers"]["Authorization"]
        assert "not-a-real-secret" not in shown


def test_http_server_on_a_private_address_is_refused(venom: VenomFactory) -> None:
    srv = venom({"lan": {"url": "http://10.255.255.1:9/mcp"}, "meta": {"url": "http://169.254.169.254/mcp"}})
    with api(srv) as c:
        for name, kind in (("lan", "private"), ("meta", "link-local")):
            status = wait_status(c, name, {"error"})
            assert "not allowed" in status["error"] and kind in status["error"]


def test_http_server_that_dies_is_restarted_when_it_is_back(venom: VenomFactory, http_server: HttpMcp) -> None:
    srv = venom({"web": {"url": http_server.url}})
    with api(srv) as c:
        wait_status(c, "web", {"ready"})
        http_server.stop(signal.SIGKILL)
        down = wait_status(c, "web", {"error"})
        assert down["tools"] == [] and "mcp:web:add" not in tools_by_id(c)
        assert invoke(c, "mcp:web:add", {"a": 1, "b": 1}).status_code == 404  # its tools left with it
        http_server.start()
        wait_status(c, "web", {"ready"}, check=lambda s: s["restarts"] >= 1)
        assert invoke(c, "mcp:web:add", {"a": 1, "b": 1}).json()["result"] == "2"
