"""Models and runtime management: list, switch (404/400), install with progress on /ws/events, active."""

from __future__ import annotations

import json
import time

import httpx
from websockets.sync.client import connect

from tests.conftest import LiveServer
from tests.runtimes.conftest import EMBEDDED_COPY, OLLAMA_MODEL, direct


def test_switch_is_validated(api: httpx.Client) -> None:
    r = api.post("/api/v1/models/switch", json={"name": "no-such-model"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found"
    r = api.post("/api/v1/models/switch", json={"name": OLLAMA_MODEL})  # an Ollama model; embedded is active
    assert r.status_code == 400 and r.json()["error"]["code"] == "model_incompatible"
    assert "ollama" in r.json()["error"]["message"]
    r = api.post("/api/v1/system/llm-runtime/active", json={"provider": "nope"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_provider"


def test_options_describe_every_runtime(api: httpx.Client) -> None:
    body = api.get("/api/v1/system/llm-runtime/options").json()
    rows = {row["provider"]: row for row in body["runtimes"]}
    assert set(rows) == {"embedded", "ollama", "openai_compatible", "openai", "google", "anthropic"}
    assert all(row["available"] for row in rows.values())
    assert rows["embedded"]["active"] is True and rows["embedded"]["status"] == "ready"
    assert body["ollama"]["profile"] == "low-vram-8-12gb" and body["ollama"]["keep_alive"] == "10m"
    assert body["retry"] == {"max_attempts": 2, "backoff_seconds": 0.05}


def test_install_then_switch_runtime_and_model(venom: LiveServer, api: httpx.Client, ctl: httpx.Client) -> None:
    with connect(f"{venom.ws_url}/ws/events?types=MODEL_INSTALL_PROGRESS") as ws:
        r = api.post("/api/v1/models/install", json={"name": "tinyllama:1b"})
        assert r.status_code == 202, r.text
        op = r.json()["operation_id"]
        events = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            msg = json.loads(ws.recv(timeout=30))
            events.append(msg["data"])
            if msg["data"].get("done"):
                break
    assert all(e["operation_id"] == op for e in events)
    assert [e["percent"] for e in events if e.get("percent") is not None] == [0.0, 40.0, 80.0, 100.0]
    assert events[-1]["status"] == "success"
    # Kept server-side: a page reload lists the finished pull with its progress.
    ops = api.get("/api/v1/models/operations").json()["operations"]
    mine = next(o for o in ops if o["operation_id"] == op)
    assert (mine["status"], mine["progress"], mine["model_name"]) == ("completed", 100.0, "tinyllama:1b")
    assert mine["completed_at"] and mine["error"] is None
    listed = {(m["provider"], m["name"]) for m in api.get("/api/v1/models").json()["models"]}
    assert ("ollama", "tinyllama:1b") in listed
    try:
        r = api.post("/api/v1/system/llm-runtime/active", json={"provider": "ollama", "model": "tinyllama:1b"})
        assert r.status_code == 200, r.text
        active = api.get("/api/v1/system/llm-runtime/active").json()
        assert (active["provider"], active["model"]) == ("ollama", "tinyllama:1b")
        r = api.post("/api/v1/models/switch", json={"name": OLLAMA_MODEL})
        assert r.status_code == 200 and r.json()["active"]["model"] == OLLAMA_MODEL
        fs = direct(api, max_tokens=4)
        assert (fs[0].data["provider"], fs[0].data["model"]) == ("ollama", OLLAMA_MODEL)
        assert ctl.get("/_control/log").json()[-1]["body"]["model"] == OLLAMA_MODEL
    finally:
        r = api.post("/api/v1/system/llm-runtime/active", json={"provider": "embedded"})
        assert r.status_code == 200 and r.json()["provider"] == "embedded"


def test_runtime_is_a_monitored_service(api: httpx.Client) -> None:
    rows = {row["name"]: row for row in api.get("/api/v1/system/services").json()}
    assert rows["llm_runtime"]["status"] == "online", rows["llm_runtime"]
    assert "SmolLM2" in rows["llm_runtime"]["detail"]


def test_switching_the_embedded_model_reloads_it(api: httpx.Client) -> None:
    default = api.get("/api/v1/system/llm-runtime/active").json()["model"]
    try:
        r = api.post("/api/v1/models/switch", json={"name": EMBEDDED_COPY})
        assert r.status_code == 200, r.text
        assert r.json()["active"]["model"] == EMBEDDED_COPY
        fs = direct(api, max_tokens=4)  # waits behind the reload (same FIFO lock), then uses the new model
        assert fs[0].data["model"] == EMBEDDED_COPY and fs[-1].event == "done", fs[-1]
        assert api.get("/api/v1/system/llm-runtime/active").json()["status"] == "ready"
    finally:
        assert api.post("/api/v1/models/switch", json={"name": default}).status_code == 200


def test_direct_stream_echoes_any_session_id_safely(api: httpx.Client) -> None:
    """Regression (found by schemathesis): a non-latin-1 session id crashed the header with a 500."""
    r = api.post("/api/v1/llm/simple/stream", json={"content": "hi", "session_id": "\U00046593x", "max_tokens": 2})
    assert r.status_code == 200
    assert r.headers["x-session-id"] == "%F1%86%96%93x"
    assert "event: done" in r.text


def test_delete_a_model(api: httpx.Client) -> None:
    def listed() -> set[tuple[str, str]]:
        return {(m["provider"], m["name"]) for m in api.get("/api/v1/models").json()["models"]}

    r = api.post("/api/v1/models/install", json={"name": "doomed:1b"})
    assert r.status_code == 202, r.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the double's pull finishes in a fraction of a second
        if ("ollama", "doomed:1b") in listed():
            break
        time.sleep(0.05)
    r = api.delete("/api/v1/models/doomed:1b")
    assert r.status_code == 200 and r.json() == {"success": True, "name": "doomed:1b", "provider": "ollama"}, r.text
    assert ("ollama", "doomed:1b") not in listed()
    r = api.delete("/api/v1/models/doomed:1b")  # gone now
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found"
    r = api.delete(f"/api/v1/models/{OLLAMA_MODEL}")  # the Ollama runtime's own model
    assert r.status_code == 409 and r.json()["error"]["code"] == "model_active"
    for bad in ("..%2F..%2Fetc%2Fpasswd", "a%5Cb", "%2Fabs"):
        assert api.delete(f"/api/v1/models/{bad}").status_code == 422, bad
