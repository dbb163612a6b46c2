"""One memory-enabled Venom server shared by the memory tests (the embedding model loads once).

The workspace gets a few real Python files before the server starts, so the code graph has
known content. Tests that restart the server run last (see test_zz_restart.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer

LOAD_TIMEOUT = 300.0  # the model loads in ~5 s on an idle machine; CI machines are busy

WORKSPACE_FILES = {
    "shop/__init__.py": "",
    "shop/cart.py": (
        "from shop.pricing import discount\nimport json\n\n\n"
        "class ShoppingCart:\n    def add_item(self, name: str) -> None:\n        self.items = [name]\n\n"
        "    def total(self) -> float:\n        return discount(10.0)\n"
    ),
    "shop/pricing.py": "def discount(amount: float) -> float:\n    return amount * 0.9\n",
    "broken.py": "def oops(:\n",
}


def wait_for_memory(base: str, timeout: float = LOAD_TIMEOUT) -> dict[str, Any]:
    """Poll /api/v1/system/services until memory has finished loading (ready or not)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        checks = httpx.get(f"{base}/api/v1/system/services", timeout=10).json()
        memory = next(c for c in checks if c["name"] == "memory")
        if memory["details"]["status"] != "loading":
            return memory
        time.sleep(0.25)
    raise AssertionError("memory did not finish loading")


def wait_task(client: httpx.Client, task_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task = client.get(f"/api/v1/tasks/{task_id}").json()
        if task["status"] in {"COMPLETED", "FAILED", "CANCELLED"}:
            return task
        time.sleep(0.1)
    raise AssertionError(f"task {task_id} did not finish")


def wait_lesson(client: httpx.Client, task_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lessons = client.get("/api/v1/lessons", params={"limit": 1000}).json()["lessons"]
        found = [lesson for lesson in lessons if lesson["task_id"] == task_id]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no lesson was recorded for task {task_id}")


@pytest.fixture(scope="session")
def memory_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("memory-server")
    for rel, text in WORKSPACE_FILES.items():
        path = root / "workspace" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    srv = LiveServer(data_dir=root, env={"VENOM_RATE_LIMIT_ENABLED": "false"})
    srv.start()
    try:
        status = wait_for_memory(srv.url)
        assert status["status"] == "online", status
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def mem(memory_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=memory_server.url, timeout=60) as client:
        yield client


def workspace(srv: LiveServer) -> Path:
    return srv.data_dir / "workspace"
