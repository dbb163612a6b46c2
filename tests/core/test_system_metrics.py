"""Health, readiness, services and metrics (JSON and Prometheus), all derived from the log."""

from __future__ import annotations

import httpx

from tests.sse import read_stream


def test_health_status_services(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "component": "venom-core"}
    status = client.get("/api/v1/system/status").json()
    assert len(status["boot_id"]) == 32 and status["system_healthy"] is True
    assert status["memory_total_mb"] > 0 and status["queue"]["limit"] == 5
    services = {s["name"]: s for s in client.get("/api/v1/system/services").json()}
    assert services["database"]["status"] == "online" and services["database"]["detail"].startswith("sqlite")
    config = client.get("/api/v1/config/runtime").json()["values"]
    assert config["VENOM_HOST"] == "127.0.0.1" and config["MAX_CONCURRENT_TASKS"] == 5
    assert config["OLLAMA_RETRY_MAX_ATTEMPTS"] == 2 and config["VENOM_OLLAMA_PROFILE"] == "balanced-12-24gb"


def test_secrets_are_masked(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(OPENAI_API_KEY="sk-live-verysecret", VENOM_RUNTIME_PROFILE="llm_off")
    config = httpx.get(f"{srv.url}/api/v1/config/runtime").json()["config"]
    assert config["OPENAI_API_KEY"] == "********"
    assert "verysecret" not in httpx.get(f"{srv.url}/api/v1/config/runtime").text


def test_metrics_follow_the_tasks(client: httpx.Client) -> None:
    before = client.get("/api/v1/metrics").json()
    ok = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    read_stream(client, ok)
    client.post("/api/v1/queue/pause")
    cancelled = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    client.post(f"/api/v1/tasks/{cancelled}/abort")
    client.post("/api/v1/queue/resume")
    after = client.get("/api/v1/metrics").json()
    assert after["tasks"]["created"] == before["tasks"]["created"] + 2
    assert after["tasks"]["completed"] == before["tasks"]["completed"] + 1
    assert after["tasks"]["cancelled"] == before["tasks"]["cancelled"] + 1
    assert after["tasks"]["success_rate"] == 100.0
    assert after["events"]["last_gseq"] > before["events"]["last_gseq"]
    prom = client.get("/metrics")
    assert prom.headers["content-type"].startswith("text/plain")
    lines = dict(line.rsplit(" ", 1) for line in prom.text.splitlines() if line and not line.startswith("#"))
    assert float(lines['venom_tasks{status="completed"}']) == after["tasks"]["completed"]
    assert float(lines['venom_tasks{status="cancelled"}']) == after["tasks"]["cancelled"]
    assert float(lines["venom_events_total"]) >= after["events"]["last_gseq"]
