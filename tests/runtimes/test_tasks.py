"""Streaming into tasks, and abort: the model stops (embedded) or the upstream request closes (HTTP)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

from tests.conftest import LiveServer
from tests.model_output import (
    CITIES,
    CITY_QUESTION,
    CITY_SCHEMA,
    ENDLESS_SCHEMA,
    assert_answer_in_enum,
    response_format,
)
from tests.runtimes.conftest import QUESTION, abort_mid_answer, direct, first_delta, inject, text_of, wait_task
from tests.sse import frames


def test_task_answer_streams_as_deltas(api: httpx.Client) -> None:
    # The queue holds the task until the stream is open, so every token is seen live (a stream
    # opened after the end would get the whole history as one replayed frame).
    api.post("/api/v1/queue/pause")
    try:
        tid = api.post("/api/v1/tasks", json={"content": QUESTION, "generation_params": {
            "max_tokens": 32, "temperature": 0}}).json()["task_id"]
        deltas: list[str] = []
        with api.stream("GET", f"/api/v1/tasks/{tid}/stream") as r:
            stream = frames(r)
            assert next(stream).data["status"] == "PENDING"
            api.post("/api/v1/queue/resume")
            for f in stream:
                if f.event == "task_update" and f.data.get("delta"):
                    deltas.append(f.data["delta"])
                if f.event == "task_finished":
                    final = f.data
                    break
    finally:
        api.post("/api/v1/queue/resume")
    assert final["status"] == "COMPLETED", final
    task = api.get(f"/api/v1/tasks/{tid}").json()
    assert task["result"].strip(), "the model answered nothing"
    assert "".join(deltas) == task["result"]
    assert len(deltas) >= 2, "tokens must arrive as they are generated, not in one piece"
    assert task["llm_runtime"]["provider"] == "embedded"
    assert task["routing_decision"]["reason_code"] == "TASK_COMPLEXITY_LOW"  # AI_MODE=HYBRID, short prompt


def test_task_response_format_constrains_the_answer(api: httpx.Client) -> None:
    """`generation_params.response_format` reaches the runtime: the answer follows the schema."""
    tid = api.post("/api/v1/tasks", json={"content": CITY_QUESTION, "forced_intent": "GENERAL_CHAT",
                                          "store_knowledge": False, "generation_params": {
                                              "max_tokens": 40, "temperature": 0,
                                              "response_format": response_format(CITY_SCHEMA)}}).json()["task_id"]
    task = wait_task(api, tid)
    assert task["status"] == "COMPLETED", task["error"]
    assert_answer_in_enum(task["result"], "city", CITIES)


def test_abort_stops_the_embedded_model(api: httpx.Client) -> None:
    abort_mid_answer(api)
    fs = direct(api)  # and the model serves the next request
    assert fs[-1].event == "done" and text_of(fs).strip(), fs[-1]


def test_abort_closes_the_upstream_http_request(api: httpx.Client, ctl: httpx.Client) -> None:
    inject(ctl, {"kind": "slow", "pieces": 3000, "delay": 0.02})
    tid = api.post("/api/v1/tasks", json={"content": "Count slowly.", "forced_provider": "ollama",
                                          "generation_params": {"max_tokens": 4000}}).json()["task_id"]
    first_delta(api, tid)
    api.post(f"/api/v1/tasks/{tid}/abort")
    assert wait_task(api, tid)["status"] == "CANCELLED"
    for _ in range(600):
        log = ctl.get("/_control/log").json()
        if log and "closed_at" in log[-1]:
            break
        time.sleep(0.05)
    entry = ctl.get("/_control/log").json()[-1]
    assert entry["client_left"] is True and entry["chunks_sent"] < 3000


def test_concurrent_requests_queue_fairly_on_the_one_model(venom: LiveServer, api: httpx.Client) -> None:
    """Three direct streams on the embedded model: served one at a time, in arrival order.

    The first one holds the model with an answer its grammar cannot end (ENDLESS_SCHEMA) until
    the other two are queued behind it; then its client leaves, which must stop the generation
    and hand the model on. Nothing here depends on how fast this machine generates.
    """
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    leave = threading.Event()
    hold = {"content": "Write many words.", "max_tokens": 4000, "temperature": 0,
            "response_format": response_format(ENDLESS_SCHEMA)}
    short = {"content": CITY_QUESTION, "max_tokens": 40, "temperature": 0,
             "response_format": response_format(CITY_SCHEMA)}

    def run(name: str, payload: dict[str, object], until: threading.Event | None = None) -> None:
        with httpx.Client(base_url=venom.url, timeout=300) as c, \
                c.stream("POST", "/api/v1/llm/simple/stream", json=payload) as r:
            for f in frames(r):
                with lock:
                    events.append((name, f.event))
                if until is not None and until.is_set():
                    return  # the client goes away mid-answer

    def queued() -> int:
        return int(api.get("/api/v1/system/status").json()["llm_runtime"]["queued"])

    threads = {"a": threading.Thread(target=run, args=("a", hold, leave)),
               "bb": threading.Thread(target=run, args=("bb", short)),
               "ccc": threading.Thread(target=run, args=("ccc", short))}
    threads["a"].start()
    wait_for(lambda: ("a", "content") in events)
    threads["bb"].start()
    wait_for(lambda: queued() == 1)
    threads["ccc"].start()
    wait_for(lambda: queued() == 2)
    leave.set()
    for t in threads.values():
        t.join(timeout=300)
    order = [(n, e) for n, e in events if e in ("content", "done")]
    served = [n for i, (n, _) in enumerate(order) if i == 0 or order[i - 1][0] != n]
    assert served == ["a", "bb", "ccc"], order  # no interleaving, first come first served
    assert "error" not in {e for _, e in events}
    assert {n for n, e in events if e == "done"} == {"bb", "ccc"}  # "a" was left, never finished


def wait_for(pred: Callable[[], bool]) -> None:
    for _ in range(1200):
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached")
