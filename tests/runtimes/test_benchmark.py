"""Model benchmark (`/api/v1/benchmark`): the real embedded model measured, Ollama models through
the protocol double (an answer, an injected 500, a model it does not have), one run at a time,
bad input refused, and a run a stop interrupted marked so."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import LiveServer
from tests.runtimes.conftest import OLLAMA_MODEL, inject, start_venom, wait_runtime
from venom_core.benchmark.store import BenchmarkRun, BenchmarkStore
from venom_core.storage.sql import SqlStorage


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, double: str) -> Iterator[LiveServer]:
    srv = start_venom(tmp_path_factory, "venom-bench", LLM_PROVIDER="embedded", VENOM_EMBEDDED_THREADS="1",
                      VENOM_OLLAMA_ENDPOINT=double, VENOM_OLLAMA_MODEL=OLLAMA_MODEL)
    assert wait_runtime(srv.url)["status"] == "ready", srv.log_text()[-3000:]
    yield srv
    srv.stop()


@pytest.fixture
def client(bench: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=bench.url, timeout=60) as c:
        yield c


def wait_run(client: httpx.Client, run_id: str, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    run: dict[str, Any] = {}
    while time.monotonic() < deadline:
        run = client.get(f"/api/v1/benchmark/{run_id}").json()
        if run["status"] != "running":
            return run
        time.sleep(0.2)
    raise AssertionError(f"benchmark still running: {run}")


def test_the_embedded_model_is_measured(bench: LiveServer, client: httpx.Client) -> None:
    model = client.get("/api/v1/system/status").json()["llm_runtime"]["model"]
    with connect(f"{bench.ws_url}/ws/events?types=BENCHMARK_PROGRESS") as ws:
        r = client.post("/api/v1/benchmark", json={"models": [{"provider": "embedded", "model": model}],
                                                   "prompt_set": "quick"})
        assert r.status_code == 202, r.text
        started = r.json()
        assert (started["status"], started["models_total"], started["results"]) == ("running", 1, [])
        seen: list[dict[str, Any]] = []
        while not seen or seen[-1]["status"] == "running":
            seen.append(json.loads(ws.recv(timeout=180))["data"])
    assert all(e["benchmark_id"] == started["id"] for e in seen)
    assert [e["models_done"] for e in seen] == [0, 1, 1]
    assert seen[1]["model_status"] == "ok" and seen[-1]["status"] == "completed"
    run = client.get(f"/api/v1/benchmark/{started['id']}").json()
    assert run["status"] == "completed" and run["finished_at"]
    (row,) = run["results"]
    assert (row["provider"], row["model"], row["status"], row["error"]) == ("embedded", model, "ok", None)
    assert row["ttft_ms"] > 0 and row["tokens_per_second"] > 0 and row["completion_tokens"] > 0
    assert row["peak_memory_mb"] is not None and row["peak_memory_mb"] >= 0  # in-process: measured
    listed = client.get("/api/v1/benchmark/list").json()
    assert listed["items"][0]["id"] == run["id"] and listed["running"] is None
    assert {s["name"] for s in listed["prompt_sets"]} >= {"quick", "default"}


def test_failed_models_are_rows_and_one_run_at_a_time(client: httpx.Client, ctl: httpx.Client) -> None:
    # The first chat call waits 3 s before answering: the second start lands while this run measures.
    inject(ctl, {"kind": "hang", "seconds": 3}, {"kind": "status", "status": 500})
    models = [{"provider": "ollama", "model": OLLAMA_MODEL}, {"provider": "ollama", "model": OLLAMA_MODEL},
              {"provider": "ollama", "model": "missing-model:1b"}]
    r = client.post("/api/v1/benchmark", json={"models": models, "prompt_set": "quick"})
    assert r.status_code == 202, r.text
    run_id = r.json()["id"]
    busy = client.post("/api/v1/benchmark", json={"models": models[:1], "prompt_set": "quick"})
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "benchmark_running"
    assert busy.json()["error"]["details"]["running"] == run_id
    run = wait_run(client, run_id)
    assert run["status"] == "completed"  # one model answered
    ok, failed, missing = run["results"]
    assert ok["status"] == "ok" and ok["ttft_ms"] > 0 and ok["tokens_per_second"] > 0
    assert ok["peak_memory_mb"] is None  # a server's memory is not this process's
    for row in (failed, missing):
        assert row["status"] == "failed" and row["error"]["code"] and row["error"]["message"]
        assert row["ttft_ms"] is None and row["tokens_per_second"] is None
    # Nothing else was queued: a new run starts at once.
    again = client.post("/api/v1/benchmark", json={"models": models[2:], "prompt_set": "quick"})
    assert again.status_code == 202, again.text
    assert wait_run(client, again.json()["id"])["status"] == "failed"


@pytest.mark.parametrize(("body", "code"), [
    ({"models": [{"provider": "nope", "model": "x"}]}, "unknown_provider"),
    ({"models": []}, "validation_error"),
    ({"models": [{"provider": "embedded", "model": f"m{i}"} for i in range(9)]}, "validation_error"),
    ({"models": [{"provider": "ollama", "model": "../../etc/passwd"}]}, "validation_error"),
    ({"models": [{"provider": "ollama", "model": "/abs/model"}]}, "validation_error"),
    ({"models": [{"provider": "ollama", "model": "a\\b"}]}, "validation_error"),
    ({"models": [{"provider": "ollama", "model": "a/b/c"}]}, "validation_error"),
    ({"models": [{"provider": "ollama", "model": OLLAMA_MODEL}], "prompt_set": "huge"}, "unknown_prompt_set"),
    ({"models": [{"provider": "ollama", "model": OLLAMA_MODEL}], "extra": 1}, "validation_error"),
])
def test_bad_input_is_refused(client: httpx.Client, body: dict[str, Any], code: str) -> None:
    before = client.get("/api/v1/benchmark/list").json()["count"]
    r = client.post("/api/v1/benchmark", json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
    assert r.json()["error"]["message"]
    assert client.get("/api/v1/benchmark/list").json()["count"] == before  # nothing stored


def test_unknown_and_malformed_ids(client: httpx.Client) -> None:
    r = client.get(f"/api/v1/benchmark/{'0' * 32}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "benchmark_not_found"
    assert client.get("/api/v1/benchmark/not-an-id").status_code == 422


async def test_a_run_a_stop_interrupted_is_marked(tmp_path: Path) -> None:
    storage = SqlStorage(f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}")
    await storage.init()
    store = BenchmarkStore(storage)
    now = datetime.now(UTC)
    await store.save(BenchmarkRun("a" * 32, "running", "quick", [{"provider": "embedded", "model": "m"}], now))
    await store.save(BenchmarkRun("b" * 32, "completed", "quick", [], now, finished_at=now))
    assert await store.mark_interrupted() == 1
    runs = {r.id: r for r in await store.list(10)}
    assert runs["a" * 32].status == "interrupted" and runs["a" * 32].error and runs["a" * 32].finished_at
    assert runs["b" * 32].status == "completed"
    await storage.close()


def test_usage_history_counts_the_benchmark_calls(client: httpx.Client) -> None:
    model = client.get("/api/v1/system/status").json()["llm_runtime"]["model"]
    run = client.post("/api/v1/benchmark", json={"models": [{"provider": "embedded", "model": model}],
                                                 "prompt_set": "quick"}).json()
    assert wait_run(client, run["id"])["status"] == "completed"
    body = client.get("/api/v1/models/usage/history", params={"bucket": "day", "span": 2}).json()
    assert body["bucket"] == "day" and body["since"]
    mine = [b for b in body["buckets"] if (b["provider"], b["model"]) == ("embedded", model)]
    assert mine and mine[-1]["calls"] >= 1 and mine[-1]["completion_tokens"] > 0
    assert client.get("/api/v1/models/usage/history", params={"span": 0}).status_code == 422
    assert client.get("/api/v1/models/usage/history", params={"bucket": "year"}).status_code == 422
