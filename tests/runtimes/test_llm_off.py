"""VENOM_RUNTIME_PROFILE=llm_off: no local model; cloud only with keys and paid mode; clear errors."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import LiveServer
from tests.model_output import CITIES, CITY_QUESTION, CITY_SCHEMA, assert_answer_in_enum, response_format
from tests.runtimes.conftest import QUESTION, cloud_env, direct, start_venom, text_of, wait_runtime, wait_task


@pytest.fixture(scope="module")
def off(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    srv = start_venom(tmp_path_factory, "venom-llm-off", VENOM_RUNTIME_PROFILE="llm_off")
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        yield c
    srv.stop()


def test_status_says_unavailable_and_why(off: httpx.Client) -> None:
    info = off.get("/api/v1/system/status").json()["llm_runtime"]
    assert info["status"] == "unavailable" and info["provider"] is None
    assert "llm_off" in info["error"] and "API_KEY" in info["error"]


def test_tasks_needing_a_model_fail_clearly_and_help_still_works(off: httpx.Client) -> None:
    tid = off.post("/api/v1/tasks", json={"content": QUESTION}).json()["task_id"]
    task = wait_task(off, tid)
    assert task["status"] == "FAILED"
    assert task["error"]["code"] == "no_runtime" and "llm_off" in task["error"]["message"]
    help_id = off.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    assert wait_task(off, help_id)["status"] == "COMPLETED"


def test_direct_stream_and_local_runtimes_are_refused(off: httpx.Client) -> None:
    r = off.post("/api/v1/llm/simple/stream", json={"content": QUESTION})
    assert r.status_code == 503 and r.json()["error"]["code"] == "no_runtime"
    r = off.post("/api/v1/system/llm-runtime/active", json={"provider": "embedded"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "provider_unavailable"
    options = off.get("/api/v1/system/llm-runtime/options").json()
    rows = {row["provider"]: row for row in options["runtimes"]}
    assert rows["embedded"]["available"] is False and rows["embedded"]["reason"] == "VENOM_RUNTIME_PROFILE=llm_off"
    assert rows["openai"]["available"] is False and "OPENAI_API_KEY" in rows["openai"]["reason"]


def test_llm_off_with_cloud_keys_uses_the_cloud_but_keeps_sensitive_data_local(
    tmp_path_factory: pytest.TempPathFactory, double: str
) -> None:
    srv: LiveServer = start_venom(tmp_path_factory, "venom-llm-off-cloud", VENOM_RUNTIME_PROFILE="llm_off",
                                  **{**cloud_env(double), "AI_MODE": "LOCAL"})
    try:
        with httpx.Client(base_url=srv.url, timeout=120) as c:
            info = wait_runtime(srv.url)
            assert (info["provider"], info["model"], info["status"]) == ("openai", "gpt-double", "ready")
            fs = direct(c, CITY_QUESTION, max_tokens=40, response_format=response_format(CITY_SCHEMA))
            assert fs[0].data["provider"] == "openai" and fs[-1].event == "done", fs[-1]
            assert_answer_in_enum(text_of(fs), "city", CITIES)
            tid = c.post("/api/v1/tasks", json={"content": "My password is hunter2, keep it safe."}).json()["task_id"]
            task = wait_task(c, tid)
            assert task["status"] == "FAILED" and task["error"]["code"] == "sensitive_local_only"
    finally:
        srv.stop()
