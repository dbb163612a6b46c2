"""The in-process tier: the real app (`create_app(Settings(...))`) served through
`httpx.ASGITransport`, its lifespan run in the test's own loop.

Contract tests run here in milliseconds each; the subprocess tests (tests/conftest.py's
LiveServer) stay for what needs a process: crashes, restarts, signals and real sockets.
Everything below the HTTP layer is real: SQLite, the event log, the task runner, the queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.inproc.fake_provider import FAKE_SPEC
from tests.inproc.sync_app import SyncApp
from venom_core.config import Settings
from venom_core.main import create_app
from venom_core.runtimes.providers import PROVIDERS

AppFactory = Callable[..., Awaitable[httpx.AsyncClient]]


def inproc_settings(tmp: Path, **overrides: Any) -> Settings:
    """Settings for a throwaway instance: its own data dir, no .env, the fake runtime, memory off
    unless asked."""
    values: dict[str, Any] = {
        "LLM_PROVIDER": FAKE_SPEC.name,
        "VENOM_HOST": "127.0.0.1",
        "VENOM_DATA_DIR": tmp / "data",
        "VENOM_LOG_DIR": tmp / "logs",
        "VENOM_WORKSPACE": tmp / "workspace",
        "VENOM_MEMORY_ENABLED": False,
        "VENOM_RATE_LIMIT_ENABLED": False,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def fake_runtime() -> Iterator[None]:
    """The fake runtime is known for the test, through the registry every runtime is in."""
    with PROVIDERS.registered(FAKE_SPEC):
        yield


@pytest.fixture
async def make_client(tmp_path: Path) -> AsyncIterator[AppFactory]:
    """`client = await make_client(LLM_PROVIDER="fake", ...)`: starts one app per call; all are
    stopped (lifespan exit) when the test ends."""
    stack: list[tuple[FastAPI, Any, httpx.AsyncClient]] = []

    async def start(**overrides: Any) -> httpx.AsyncClient:
        app = create_app(inproc_settings(tmp_path / f"app{len(stack)}", **overrides))
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000")
        stack.append((app, lifespan, client))
        return client

    yield start
    for _app, lifespan, client in reversed(stack):
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


@pytest.fixture
async def aclient(make_client: AppFactory) -> httpx.AsyncClient:
    """One app on the default settings (the embedded model loads in the background)."""
    return await make_client()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[httpx.Client]:
    """Overrides the subprocess `client` of tests/conftest.py: a sync client over an in-process
    app on the default settings (see sync_app.py)."""
    with SyncApp(create_app(inproc_settings(tmp_path / "sync"))) as c:
        yield c


async def run_task(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    """Submit a task and wait (bounded) until it has finished; the finished task, asserted COMPLETED."""
    r = await client.post("/api/v1/tasks", json=body)
    assert r.status_code in (200, 201, 202), r.text
    task_id = r.json()["task_id"]
    for _ in range(400):
        task: dict[str, Any] = (await client.get(f"/api/v1/tasks/{task_id}")).json()
        if task["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
            break
        await asyncio.sleep(0.025)
    assert task["status"] == "COMPLETED", task
    return task
