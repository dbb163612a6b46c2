"""One live server per compatibility test module (the shapes are read-only checks, so the tests of
a module share it), and the small helpers those tests use."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import LiveServer
from tests.sse import read_stream

HEX12 = re.compile(r"^[0-9a-f]{12}$")
TASK_STATUSES = {"PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED", "LOST"}


@contextmanager
def live(root: Path, **env: str) -> Iterator[tuple[LiveServer, httpx.Client]]:
    srv = LiveServer(data_dir=root, env={"VENOM_RATE_LIMIT_ENABLED": "false", **env})
    root.mkdir(parents=True, exist_ok=True)
    srv.start()
    try:
        with httpx.Client(base_url=srv.url, timeout=30) as client:
            yield srv, client
    finally:
        srv.stop()


def run_task(client: httpx.Client, headers: dict[str, str] | None = None, **body: Any) -> dict[str, Any]:
    """Submit, follow the stream to `task_finished`, and return that frame's data (with `task_id`)."""
    created = client.post("/api/v1/tasks", json=body, headers=headers)
    assert created.status_code == 201, created.text
    task_id = created.json()["task_id"]
    last = read_stream(client, task_id)[-1]
    assert last.event == "task_finished", last
    return {**last.data, "task_id": task_id}


def wait_for(check: Any, timeout: float = 90.0, every: float = 0.2) -> Any:
    """Poll `check()` until it returns something truthy (the value), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(every)


def is_str_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)
