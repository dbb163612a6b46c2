"""Running tasks with the real embedded model: abort, emergency stop and a crash mid-stream."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import LiveServer
from tests.model_output import (
    CITIES,
    CITY_QUESTION,
    CITY_SCHEMA,
    ENDLESS_TASK,
    assert_answer_in_enum,
    response_format,
)
from tests.sse import frames, read_stream


@pytest.fixture
def llm_server(server_factory) -> LiveServer:  # type: ignore[no-untyped-def]
    return server_factory(VENOM_RUNTIME_PROFILE="light")  # type: ignore[no-any-return]


def wait_first_delta(client: httpx.Client, task_id: str) -> int:
    """Follow the stream until text arrives; return the seq seen."""
    with client.stream("GET", f"/api/v1/tasks/{task_id}/stream") as r:
        for f in frames(r):
            assert f.event != "task_finished", f.data
            if f.data.get("delta"):
                assert f.id is not None
                return f.id
    raise AssertionError("stream ended without text")


def test_abort_stops_a_running_generation(llm_server: LiveServer) -> None:
    with httpx.Client(base_url=llm_server.url, timeout=120) as c:
        tid = c.post("/api/v1/tasks", json=ENDLESS_TASK).json()["task_id"]
        seen = wait_first_delta(c, tid)
        aborted = c.post(f"/api/v1/tasks/{tid}/abort").json()
        assert aborted["status"] == "CANCELLED" and aborted["error"]["code"] == "aborted"
        final = read_stream(c, tid, headers={"Last-Event-ID": str(seen)})[-1]
        assert final.data["status"] == "CANCELLED"
        partial = c.get(f"/api/v1/tasks/{tid}").json()["result"]
        # The generation really stopped (the worker thread has ended) and no text came after the abort.
        wait_until(lambda: c.get("/api/v1/system/status").json()["llm_runtime"].get("generating") == 0)
        again = c.get(f"/api/v1/tasks/{tid}").json()
        assert again["result"] == partial and again["status"] == "CANCELLED"
        # The model is free again: a task that needs it runs to completion.
        ok = c.post("/api/v1/tasks", json={
            "content": CITY_QUESTION, "forced_intent": "GENERAL_CHAT", "store_knowledge": False,
            "generation_params": {"max_tokens": 40, "temperature": 0,
                                  "response_format": response_format(CITY_SCHEMA)}}).json()["task_id"]
        assert read_stream(c, ok)[-1].data["status"] == "COMPLETED"
        assert_answer_in_enum(c.get(f"/api/v1/tasks/{ok}").json()["result"], "city", CITIES)
        assert c.get("/api/v1/queue/status").json()["active"] == 0


def wait_until(pred: Callable[[], bool]) -> None:
    """Poll a status until it changes; the deadline (60 s) only ends a hung test."""
    for _ in range(1200):
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def test_emergency_stop_cancels_running_and_pending(llm_server: LiveServer) -> None:
    with httpx.Client(base_url=llm_server.url, timeout=120) as c:
        running = c.post("/api/v1/tasks", json=ENDLESS_TASK).json()["task_id"]
        wait_first_delta(c, running)
        c.post("/api/v1/queue/pause")
        pending = c.post("/api/v1/tasks", json=ENDLESS_TASK).json()["task_id"]
        stop = c.post("/api/v1/queue/emergency-stop").json()
        assert stop == {"status": "stopped", "cancelled": 1, "purged": 1, "paused": True}
        for tid in (running, pending):
            final = read_stream(c, tid)[-1]
            assert final.data["status"] == "CANCELLED" and final.data["error"]["code"] == "emergency_stop"


def test_crash_mid_stream_fails_the_task_as_interrupted(llm_server: LiveServer) -> None:
    with httpx.Client(base_url=llm_server.url, timeout=120) as c:
        tid = c.post("/api/v1/tasks", json=ENDLESS_TASK).json()["task_id"]
        wait_first_delta(c, tid)
    llm_server.kill()
    llm_server.start()
    with httpx.Client(base_url=llm_server.url, timeout=120) as c:
        task = c.get(f"/api/v1/tasks/{tid}").json()
        assert task["status"] == "FAILED" and task["error"]["code"] == "interrupted"
        assert task["result"], "the text streamed before the crash is kept"
        assert read_stream(c, tid)[-1].data["status"] == "FAILED"
