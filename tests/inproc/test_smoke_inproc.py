"""The in-process tier itself: the lifespan runs, routes answer, the log and the queue work."""

from __future__ import annotations

import httpx

from tests.inproc.conftest import run_task


async def test_health_and_openapi(aclient: httpx.AsyncClient) -> None:
    r = await aclient.get("/healthz")
    assert r.status_code == 200
    doc = (await aclient.get("/openapi.json")).json()
    assert "/api/v1/tasks" in doc["paths"]


async def test_two_apps_are_isolated(make_client) -> None:  # type: ignore[no-untyped-def]
    a = await make_client()
    b = await make_client()
    r = await a.post("/api/v1/tasks", json={"content": "/help"})
    assert r.status_code in (200, 201, 202), r.text
    task_id = r.json()["task_id"]
    assert (await a.get(f"/api/v1/tasks/{task_id}")).status_code == 200
    assert (await b.get(f"/api/v1/tasks/{task_id}")).status_code == 404


def test_client_runs_a_task(client: httpx.Client) -> None:
    r = client.post("/api/v1/tasks", json={"content": "/help"})
    assert r.status_code in (200, 201, 202), r.text
    assert client.get(f"/api/v1/tasks/{r.json()['task_id']}").status_code == 200


async def test_a_chat_runs_on_the_fake_runtime(aclient: httpx.AsyncClient) -> None:
    """The whole task pipeline (routing, the runtime registry, streaming, usage) on the fake runtime."""
    task = await run_task(aclient, {"content": "tell me about otters", "forced_intent": "GENERAL_CHAT"})
    assert task["result"].startswith("echo:")  # the fake's own deterministic words
    assert task["llm_runtime"]["provider"] == "fake" and task["routing_decision"]["provider"] == "fake"
