"""Post-deployment latency of the chat pipeline against a RUNNING stack (seed: DEPLOYMENT_NEXT.md).

    make test-perf                      # = pytest tests/perf -m performance, VENOM_API_URL=:8000
    VENOM_API_URL=http://127.0.0.1:8000 pytest tests/perf/test_chat_pipeline.py -m performance

Marker `performance`: deselected by the default test run (pyproject addopts), and skipped when no
server answers GET /healthz. Each task is forced to the HELP_REQUEST fast path, so the numbers
measure the pipeline itself (submit, PENDING -> PROCESSING -> COMPLETED, SSE delivery), no model.
The clock starts after the POST returns and stops at the SSE `task_finished` event.
Budgets (environment): VENOM_STREAM_TIMEOUT=25 s, VENOM_PIPELINE_CONCURRENCY=3,
VENOM_PIPELINE_BUDGET=6.0 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import time

import httpx
import pytest

API_URL = os.environ.get("VENOM_API_URL", "http://127.0.0.1:8000").rstrip("/")
TOKEN = os.environ.get("VENOM_API_TOKEN", "")
STREAM_TIMEOUT = float(os.environ.get("VENOM_STREAM_TIMEOUT", "25"))
PIPELINE_CONCURRENCY = int(os.environ.get("VENOM_PIPELINE_CONCURRENCY", "3"))
PIPELINE_BATCH_BUDGET_SECONDS = float(os.environ.get("VENOM_PIPELINE_BUDGET", "6.0"))
HEADERS = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}


def _server_answers() -> bool:
    try:
        return httpx.get(f"{API_URL}/healthz", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


pytestmark = [
    pytest.mark.performance,
    pytest.mark.skipif(not _server_answers(), reason=f"no Venom server answers {API_URL}/healthz"),
]


async def submit_and_time(client: httpx.AsyncClient, prompt: str) -> tuple[float, str]:
    """(seconds from the POST's answer to `task_finished`, final status)."""
    created = await client.post("/api/v1/tasks", json={
        "content": prompt, "store_knowledge": True, "forced_intent": "HELP_REQUEST"})
    assert created.status_code == 201, created.text
    started = time.perf_counter()
    event = ""
    async with asyncio.timeout(STREAM_TIMEOUT), client.stream("GET", created.json()["stream_url"]) as resp:
        assert resp.status_code == 200
        async for line in resp.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "task_finished":
                return time.perf_counter() - started, str(json.loads(line[6:])["status"])
    raise AssertionError("the stream closed without task_finished")


@pytest.mark.smoke
async def test_chat_pipeline_smoke_latency() -> None:
    async with httpx.AsyncClient(base_url=API_URL, headers=HEADERS, timeout=STREAM_TIMEOUT) as client:
        duration, status = await submit_and_time(client, f"Smoke latency test {os.getpid()}")
    print(f"\nsmoke: task_update -> task_finished in {duration * 1000:.1f} ms ({status})")
    assert 0 < duration <= STREAM_TIMEOUT
    assert status in {"COMPLETED", "FAILED"}


async def test_chat_pipeline_parallel_batch() -> None:
    async with httpx.AsyncClient(base_url=API_URL, headers=HEADERS, timeout=STREAM_TIMEOUT) as client:
        results = await asyncio.gather(*(
            submit_and_time(client, f"Parallel perf PID {os.getpid()} #{i}") for i in range(PIPELINE_CONCURRENCY)))
    durations = [d for d, _ in results]
    print(f"\nbatch of {PIPELINE_CONCURRENCY}: max {max(durations) * 1000:.1f} ms, "
          f"mean {sum(durations) / len(durations) * 1000:.1f} ms")
    assert all(status in {"COMPLETED", "FAILED"} for _, status in results)
    assert max(durations) <= PIPELINE_BATCH_BUDGET_SECONDS
