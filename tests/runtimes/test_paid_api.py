"""The `paid_api` autonomy permission guards every way to the paid cloud.

The cloud here is the protocol test double, which logs every chat request it receives, so "no
request reached the cloud" is asserted on what the cloud saw. The four entry points are plain
chat (with llm_off the cloud is the only runtime), `@gpt`, `forced_provider` and the direct
stream (POST /api/v1/llm/simple/stream), with and without a `provider`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.runtimes.conftest import cloud_env, inject, start_venom, wait_task

SMALL = {"max_tokens": 4, "temperature": 0}
# The double answers these with fixed text, so "it went through" does not depend on a model.
CANNED = {"kind": "slow", "pieces": 2, "delay": 0}


@pytest.fixture(scope="module")
def cloud_only(tmp_path_factory: pytest.TempPathFactory, double: str) -> Iterator[LiveServer]:
    srv = start_venom(tmp_path_factory, "venom-paid-api", VENOM_RUNTIME_PROFILE="llm_off",
                      **{**cloud_env(double), "VENOM_AUTONOMY_LEVEL": "0"})
    yield srv
    srv.stop()


def _tasks(c: httpx.Client) -> list[dict[str, Any]]:
    bodies = [{"content": "Say hi", "generation_params": SMALL},
              {"content": "@gpt Say hi", "generation_params": SMALL},
              {"content": "Say hi", "forced_provider": "openai", "generation_params": SMALL}]
    ids = [c.post("/api/v1/tasks", json=b).json()["task_id"] for b in bodies]
    return [wait_task(c, tid) for tid in ids]


def _direct(c: httpx.Client, **extra: Any) -> tuple[int, str]:
    with c.stream("POST", "/api/v1/llm/simple/stream", json={"content": "Say hi", "max_tokens": 4, **extra}) as r:
        return r.status_code, r.read().decode()


def test_level_0_refuses_every_paid_entry_point_and_level_20_allows_them(
        cloud_only: LiveServer, ctl: httpx.Client) -> None:
    with httpx.Client(base_url=cloud_only.url, timeout=120) as c:
        assert c.get("/api/v1/system/autonomy").json()["current_level"] == 0
        for task in _tasks(c):
            assert task["status"] == "FAILED", task
            assert task["error"]["code"] == "autonomy_denied", task["error"]
            assert "20" in task["error"]["message"] and "paid" in task["error"]["message"]
        for extra in ({}, {"provider": "openai"}, {"provider": "@gem"}):
            status, text = _direct(c, **extra)
            assert status == 403, text
            assert '"autonomy_denied"' in text
        switch = c.post("/api/v1/system/llm-runtime/active", json={"provider": "openai"})
        assert switch.status_code == 403 and switch.json()["error"]["code"] == "autonomy_denied"
        row = {r["provider"]: r for r in c.get("/api/v1/system/llm-runtime/options").json()["runtimes"]}["openai"]
        assert row["available"] is False and "autonomy" in row["reason"]
        assert ctl.get("/_control/log").json() == [], "no request may reach the paid cloud at level 0"

        assert c.post("/api/v1/system/autonomy", json={"level": 20}).status_code == 200
        inject(ctl, *[CANNED] * 5)
        for task in _tasks(c):
            assert task["status"] == "COMPLETED", task["error"]
        for extra in ({}, {"provider": "openai"}):
            status, text = _direct(c, **extra)
            assert status == 200 and "event: done" in text, text
        assert len(ctl.get("/_control/log").json()) == 5
