"""System, LLM server and runtime shapes the original Venom's web client and perf tests read
(written from the compatibility reference)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.compat.compat_live import HEX12, is_str_or_none, live, wait_for

SERVICE_STATUSES = {"online", "offline", "degraded", "unknown", "starting", "disabled"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    root: Path = tmp_path_factory.mktemp("compat-system")
    # No Ollama here: an install fails at once (one attempt), which gives models/operations a real entry.
    with live(root, VENOM_MEMORY_ENABLED="false", VENOM_OLLAMA_ENDPOINT="http://127.0.0.1:9",
              OLLAMA_RETRY_MAX_ATTEMPTS="1") as (_, client):
        yield client


def test_services_detail_is_text(api: httpx.Client) -> None:
    body = api.get("/api/v1/system/services").json()
    rows = body if isinstance(body, list) else body["services"]  # the client accepts either
    assert rows
    for s in rows:
        assert isinstance(s["name"], str) and s["name"]
        assert isinstance(s["status"], str) and s["status"] in SERVICE_STATUSES
        assert isinstance(s["type"], str)
        assert "detail" not in s or is_str_or_none(s["detail"]), "the layout runs detail through t(), a string"


def test_healthz_gate_of_the_perf_tests(api: httpx.Client) -> None:
    assert api.get("/healthz").json() == {"status": "ok", "component": "venom-core"}


def test_status_boot_id_is_stable(api: httpx.Client) -> None:
    first, second = (api.get("/api/v1/system/status").json() for _ in range(2))
    assert re.fullmatch(r"[0-9a-f]{32}", first["boot_id"]) and first["boot_id"] == second["boot_id"]
    assert isinstance(first["system_healthy"], bool) and isinstance(first["memory_usage_mb"], int | float)


def test_storage(api: httpx.Client) -> None:
    for params in ({}, {"force_refresh": 1}):
        s = api.get("/api/v1/system/storage", params=params).json()
        assert s["status"] == "success" and isinstance(s["refreshed_at"], str)
        for disk in (s["disk"], s["disk_root"]):
            assert all(isinstance(disk[k], int) for k in ("total_bytes", "used_bytes", "free_bytes"))
            assert isinstance(disk["mount"], str)
        assert s["items"] and all({"name", "path", "size_bytes", "kind"} <= set(i) for i in s["items"])
        sizes = [i["size_bytes"] for i in s["items"]]
        assert sizes == sorted(sizes, reverse=True), "largest first"
        assert s["_schema_version"] == 2


def test_active_llm_server(api: httpx.Client) -> None:
    r = api.get("/api/v1/system/llm-servers/active")
    assert r.status_code == 200, "the perf tests and the stack gate need this route"
    a = r.json()
    assert a["status"] == "success" and isinstance(a["active_server"], str)
    assert isinstance(a["active_model"], str) and a["active_model"], "the stack gate needs a non-empty model"
    assert is_str_or_none(a["active_endpoint"]) and HEX12.match(a["config_hash"])
    assert isinstance(a["runtime_id"], str) and a["runtime_id"].split("@", 1)[0] == a["active_server"]
    assert all(isinstance(v, str) for v in a["last_models"].values())
    gate = a["runtime_switch_gate"]
    assert isinstance(gate["in_progress"], bool) and isinstance(gate["active_requests"], int)
    assert isinstance(a["runtime_switch_policy"]["ownership_token_configured"], bool)
    assert a["last_runtime_switch"] is None or isinstance(a["last_runtime_switch"], dict)
    assert isinstance(a["mode_contracts"], dict)


def test_llm_server_list_and_actions(api: httpx.Client) -> None:
    body = api.get("/api/v1/system/llm-servers").json()
    assert body["status"] == "success" and body["count"] == len(body["servers"]) > 0
    active = api.get("/api/v1/system/llm-servers/active").json()["active_server"]
    for s in body["servers"]:
        for key in ("name", "display_name", "description", "endpoint", "provider", "status"):
            assert isinstance(s[key], str), key
        assert all(isinstance(s["supports"][k], bool) for k in ("start", "stop", "restart"))
        assert s["status"] == "inactive" or s["name"] == active
        assert isinstance(s["capabilities"], dict) and is_str_or_none(s["error_message"])
    not_ours = api.post("/api/v1/system/llm-servers/ollama/start")
    assert not_ours.status_code == 409 and not_ours.json()["error"]["code"] == "server_not_managed"
    assert api.post("/api/v1/system/llm-servers/nope/start").status_code == 404
    assert api.post("/api/v1/system/llm-servers/embedded/explode").status_code == 422


def test_switch_the_active_server_and_see_it_in_the_history(api: httpx.Client) -> None:
    current = api.get("/api/v1/system/llm-servers/active").json()
    r = api.post("/api/v1/system/llm-servers/active", json={"server_name": current["active_server"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "success" and body["active_model"] == current["active_model"]
    assert api.post("/api/v1/system/llm-servers/active", json={"server_name": "nope"}).status_code == 404
    last = api.get("/api/v1/system/llm-servers/active").json()["last_runtime_switch"]
    assert last is not None and isinstance(last["at_utc"], str) and last["runtime"] == current["active_server"]
    history = api.get("/api/v1/runtime/history", params={"limit": 10}).json()
    assert history["status"] == "success" and history["count"] == len(history["history"]) >= 1
    rows = history["history"]
    assert all({"timestamp", "service", "action", "success", "message"} <= set(row) for row in rows)
    assert [row["success"] for row in rows[:2]] == [False, True], "the refused switch, then the one that worked"
    assert rows[1]["action"] == "set_active_server" and rows[1]["service"] == "llm-servers"


def test_runtime_options_entries(api: httpx.Client) -> None:
    o = api.get("/api/v1/system/llm-runtime/options").json()
    assert o["status"] == "success"
    assert isinstance(o["active"]["runtime_id"], str) and "@" not in o["active"]["runtime_id"], "a bare provider"
    assert isinstance(o["runtimes"], list) and o["runtimes"]
    for rt in o["runtimes"]:
        assert isinstance(rt["runtime_id"], str) and rt["runtime_id"].upper(), "the cockpit upper-cases it"
        assert rt["source_type"] in ("local-runtime", "cloud-api")
        assert isinstance(rt["configured"], bool) and isinstance(rt["available"], bool)
        assert isinstance(rt["status"], str) and is_str_or_none(rt["reason"]) and isinstance(rt["active"], bool)
        assert isinstance(rt["models"], list)
        for m in rt["models"]:
            assert isinstance(m["name"], str) and isinstance(m["active"], bool)
            assert isinstance(m["chat_compatible"], bool) and isinstance(m["is_adapter_artifact"], bool)
            assert m["model_kind"] in ("base_model", "adapter_artifact") and is_str_or_none(m["canonical_model_id"])
            assert isinstance(m["provider"], str) and isinstance(m["source_type"], str)
        for flag in ("adapter_deploy_supported", "supports_native_training", "supports_adapter_runtime_apply"):
            assert isinstance(rt[flag], bool)
    active_rows = [rt for rt in o["runtimes"] if rt["active"]]
    assert len(active_rows) == 1 and any(m["active"] for m in active_rows[0]["models"])
    for key in ("all_models", "chat_models", "coding_models", "runtime_servable_models"):
        assert isinstance(o["model_catalog"][key], list)
    assert isinstance(o["adapter_catalog"]["all_adapters"], list) and isinstance(o["selector_flow"], list)
    assert o["model_audit"]["issues_count"] == len(o["model_audit"]["issues"])


def test_runtime_active_record(api: httpx.Client) -> None:
    a = api.get("/api/v1/system/llm-runtime/active").json()
    runtime = a["runtime"]
    for key in ("provider", "model", "endpoint", "service_type", "mode", "config_hash", "runtime_id"):
        assert key in runtime
    assert isinstance(a["runtime_switch_gate"]["in_progress"], bool)


def test_cost_mode(api: httpx.Client) -> None:
    c = api.get("/api/v1/system/cost-mode").json()
    assert isinstance(c["enabled"], bool) and c["provider"] in ("local", "hybrid", "cloud")
    try:
        r = api.post("/api/v1/system/cost-mode", json={"enable": not c["enabled"]})
        assert r.status_code == 200 and r.json()["enabled"] is (not c["enabled"]) and r.json()["message"]
        assert api.get("/api/v1/system/cost-mode").json()["enabled"] is (not c["enabled"])
    finally:
        api.post("/api/v1/system/cost-mode", json={"enable": c["enabled"]})
    bad = api.post("/api/v1/system/cost-mode", json={"enable": "yes"})
    assert bad.status_code == 422 and bad.json()["error"]["message"]


def test_runtime_status(api: httpx.Client) -> None:
    s = api.get("/api/v1/runtime/status").json()
    assert s["status"] == "success" and s["count"] == len(s["services"]) > 0
    for row in s["services"]:
        assert isinstance(row["name"], str) and isinstance(row["service_type"], str)
        assert row["status"] in ("running", "stopped", "unknown", "error", "degraded")
        assert row["pid"] is None or isinstance(row["pid"], int)
        assert row["port"] is None or isinstance(row["port"], int)
        if row["status"] == "running":  # the services panel calls toFixed on both
            assert isinstance(row["cpu_percent"], int | float) and isinstance(row["memory_mb"], int | float)
        assert isinstance(row["actionable"], bool)
    assert any(r["service_type"] == "backend" and r["status"] == "running" for r in s["services"])


def test_model_operations(api: httpx.Client) -> None:
    empty = api.get("/api/v1/models/operations", params={"limit": 10}).json()
    assert empty["success"] is True and empty["count"] == len(empty["operations"])
    started = api.post("/api/v1/models/install", json={"name": "tinyllama:1b"})
    assert started.status_code == 202, started.text

    def failed() -> dict | None:
        ops = api.get("/api/v1/models/operations", params={"limit": 10}).json()["operations"]
        return next((o for o in ops if o["operation_id"] == started.json()["operation_id"]
                     and o["status"] == "failed"), None)

    op = wait_for(failed, timeout=60)
    assert op["model_name"] == "tinyllama:1b" and op["operation_type"] == "install"
    assert 0 <= op["progress"] <= 100 and isinstance(op["message"], str) and isinstance(op["started_at"], str)
    assert isinstance(op["error"], str) and op["error"] and isinstance(op["completed_at"], str)
