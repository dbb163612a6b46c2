"""`GET/PUT /api/v1/mcp/servers` and restart: validation, the file on disk, applying changes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.tools.conftest import VenomFactory, api, invoke, stdio_entry, tools_by_id, wait_status


def _config_path(c: httpx.Client) -> Path:
    return Path(c.get("/api/v1/mcp/servers").json()["path"])


def test_put_bad_config_is_422_and_the_file_is_unchanged(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()})
    with api(srv) as c:
        path = _config_path(c)
        before = path.read_bytes()
        bad = [
            {"mcpServers": {"x": {}}},  # neither command nor url
            {"mcpServers": {"x": {"command": "a", "url": "http://127.0.0.1/mcp"}}},  # both
            {"mcpServers": {"bad name!": {"command": "a"}}},
            {"mcpServers": {"x": {"url": "ftp://example.com/mcp"}}},
            {"mcpServers": {"x": {"command": "a", "args": "not-a-list"}}},
            {"mcpServers": []},
            {"mcpServers": {f"s{i}": {"command": "a"} for i in range(51)}},  # more than 50 servers
        ]
        for body in bad:
            r = c.put("/api/v1/mcp/servers", json=body)
            assert r.status_code == 422, (body, r.text)
            assert r.json()["error"]["code"] == "validation_error" and r.json()["error"]["message"]
        assert path.read_bytes() == before
        assert wait_status(c, "demo", {"ready"})["status"] == "ready"


def test_put_applies_add_change_remove_and_masks_secrets(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()})
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        config = {"mcpServers": {
            "demo": stdio_entry(env={"DEMO_SETTING": "changed"}),
            "second": stdio_entry(env={"SERVICE_TOKEN": "tok-secret-value-987"}),
        }}
        r = c.put("/api/v1/mcp/servers", json=config)
        assert r.status_code == 200, r.text
        on_disk = json.loads(_config_path(c).read_text())
        assert on_disk["mcpServers"]["second"]["env"]["SERVICE_TOKEN"] == "tok-secret-value-987"
        wait_status(c, "second", {"ready"})
        wait_status(c, "demo", {"ready"})
        assert invoke(c, "mcp:demo:env_value", {"name": "DEMO_SETTING"}).json()["result"] == "changed"
        shown = c.get("/api/v1/mcp/servers").json()["mcpServers"]["second"]["env"]["SERVICE_TOKEN"]
        assert shown != "tok-secret-value-987" and "tok-secret" not in shown
        # a masked value sent back keeps the stored secret
        masked_back = c.get("/api/v1/mcp/servers").json()["mcpServers"]
        assert c.put("/api/v1/mcp/servers", json={"mcpServers": masked_back}).status_code == 200
        assert json.loads(_config_path(c).read_text())["mcpServers"]["second"]["env"]["SERVICE_TOKEN"] == \
            "tok-secret-value-987"
        wait_status(c, "second", {"ready"})
        assert invoke(c, "mcp:second:env_value", {"name": "SERVICE_TOKEN"}).json()["result"] == "tok-secret-value-987"
        # removing a server stops it and takes its tools out of the registry
        assert c.put("/api/v1/mcp/servers", json={"mcpServers": {"second": masked_back["second"]}}).status_code == 200
        assert not [t for t in tools_by_id(c) if t.startswith("mcp:demo:")]
        assert [s["name"] for s in c.get("/api/v1/mcp/servers").json()["servers"]] == ["second"]


def test_restart_endpoint(venom: VenomFactory) -> None:
    srv = venom({"demo": stdio_entry()})
    with api(srv) as c:
        wait_status(c, "demo", {"ready"})
        pid = invoke(c, "mcp:demo:pid").json()["result"]
        assert c.post("/api/v1/mcp/servers/demo/restart").status_code == 200
        wait_status(c, "demo", {"ready"})
        assert invoke(c, "mcp:demo:pid").json()["result"] != pid
        r = c.post("/api/v1/mcp/servers/nope/restart")
        assert r.status_code == 404 and r.json()["error"]["code"] == "mcp_server_not_found"


def test_put_needs_the_token(venom: VenomFactory) -> None:
    srv = venom({})
    with httpx.Client(base_url=srv.url, timeout=30) as anon:
        assert anon.put("/api/v1/mcp/servers", json={"mcpServers": {}}).status_code == 401  # token required


def test_healthz_answers_while_a_server_is_still_starting(venom: VenomFactory) -> None:
    srv = venom({"slow": stdio_entry("--slow", "30")}, VENOM_MCP_START_TIMEOUT_SECONDS="120")
    with api(srv) as c:
        assert c.get("/healthz").status_code == 200
        status = wait_status(c, "slow", {"starting"})
        assert status["tools"] == []
        assert c.get("/api/v1/tools").status_code == 200  # built-in tools are there already


def test_a_broken_config_file_is_reported_not_fatal(venom: VenomFactory, tmp_path: Path) -> None:
    srv = venom({})
    with api(srv) as c:
        path = _config_path(c)
    srv.stop()
    path.write_text("{not json")
    srv.start()
    with api(srv) as c:
        body = c.get("/api/v1/mcp/servers").json()
        assert "not valid JSON" in body["config_error"] and body["servers"] == []
        assert c.get("/api/v1/tools").status_code == 200
