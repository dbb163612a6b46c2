"""The shapes the reference's web client reads from the cheap read endpoints every screen polls:
config, models, metrics, queue, autonomy, resource usage and token totals."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import LiveServer


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    # The embedded model (the default light profile) so that /models lists a real model.
    srv = LiveServer(data_dir=tmp_path_factory.mktemp("compat-reads"),
                     env={"VENOM_MEMORY_ENABLED": "false", "OPENAI_API_KEY": "sk-compat-secret-value"})
    srv.start()
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as client:
            yield client
    finally:
        srv.stop()


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_config_runtime_values_are_strings_with_sources(api: httpx.Client) -> None:
    body = api.get("/api/v1/config/runtime").json()
    assert body["status"] == "success"
    config = body["config"]
    # The client lower-cases every value: a boolean or a number there crashes its Parameters tab.
    assert config and all(isinstance(v, str) for v in config.values())
    assert config["MAX_CONCURRENT_TASKS"] == "5" and config["VENOM_MEMORY_ENABLED"] == "false"
    assert config["OPENAI_API_KEY"] == "********" and "sk-compat-secret-value" not in str(body)
    assert set(body["config_sources"]) == set(config)
    assert set(body["config_sources"].values()) <= {"env", "env_file", "default"}
    assert body["config_sources"]["VENOM_MEMORY_ENABLED"] == "env"
    # Our own UI reads the typed values.
    assert body["values"]["MAX_CONCURRENT_TASKS"] == 5 and body["values"]["VENOM_MEMORY_ENABLED"] is False


def test_models_list_and_active_model(api: httpx.Client) -> None:
    body = api.get("/api/v1/models").json()
    assert body["success"] is True and body["count"] == len(body["models"]) >= 1
    for model in body["models"]:
        assert isinstance(model["name"], str) and isinstance(model["provider"], str)
        assert isinstance(model["source"], str) and isinstance(model["active"], bool)
        assert model["size_gb"] is None or _number(model["size_gb"])
        assert isinstance(model["chat_compatible"], bool)
    active = body["active"]
    assert isinstance(active["model"], str) and isinstance(active["provider"], str)
    # The reference's latency tests need the active model among the names.
    assert active["model"] in {m["name"] for m in body["models"]}
    assert isinstance(body["providers"], list | dict)


def test_metrics(api: httpx.Client) -> None:
    body = api.get("/api/v1/metrics").json()
    tasks = body["tasks"]
    assert isinstance(tasks["created"], int)
    assert tasks["success_rate"] is None or 0 <= tasks["success_rate"] <= 100
    assert _number(body["uptime_seconds"])
    assert body["feedback"] is None  # memory is off here; with memory it is {up, down}


def test_queue_status(api: httpx.Client) -> None:
    body = api.get("/api/v1/queue/status").json()
    assert isinstance(body["paused"], bool)
    assert all(isinstance(body[k], int) for k in ("active", "pending"))
    assert body["limit"] is None or isinstance(body["limit"], int)


def test_autonomy(api: httpx.Client) -> None:
    body = api.get("/api/v1/system/autonomy").json()
    assert body["current_level"] in (0, 10, 20, 30, 40)
    assert all(isinstance(body[k], str) and body[k] for k in ("current_level_name", "risk_level", "description"))


def test_models_usage_has_the_resource_figures(api: httpx.Client) -> None:
    # The reference client accepts the bare usage object (or `{usage: ...}`) and reads these.
    body = api.get("/api/v1/models/usage").json()
    for key in ("cpu_usage_percent", "memory_used_gb", "memory_total_gb", "vram_usage_mb"):
        assert _number(body[key]), key
    for key in ("gpu_usage_percent", "vram_total_mb", "disk_system_total_gb", "disk_system_used_gb",
                "disk_system_usage_percent"):
        assert body[key] is None or _number(body[key]), key
    assert body["memory_total_gb"] > 0


def test_token_metrics(api: httpx.Client) -> None:
    body = api.get("/api/v1/metrics/tokens").json()
    assert isinstance(body["total_tokens"], int) and isinstance(body["session_total_tokens"], int)
    assert _number(body["session_cost_usd"])
    assert isinstance(body["models_breakdown"], dict)
    for row in body["models_breakdown"].values():
        assert isinstance(row["model"], str) and isinstance(row["tokens"], int) and _number(row["cost_usd"])
