"""A small SSE client for tests: parses frames from a streaming httpx response."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Frame:
    event: str
    data: dict[str, Any]
    id: int | None


def frames(response: httpx.Response) -> Iterator[Frame]:
    event, data, fid = "message", "", None
    for line in response.iter_lines():
        if line == "":
            if data:
                yield Frame(event, json.loads(data), fid)
            event, data, fid = "message", "", None
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()
        elif line.startswith("id:"):
            fid = int(line[3:].strip())


def read_stream(client: httpx.Client, task_id: str, *, headers: dict[str, str] | None = None,
                params: dict[str, Any] | None = None, until: str = "task_finished", limit: int = 10_000) -> list[Frame]:
    """Collect frames until the `until` event (inclusive) or the stream closes."""
    out: list[Frame] = []
    with client.stream("GET", f"/api/v1/tasks/{task_id}/stream", headers=headers, params=params) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        for f in frames(r):
            out.append(f)
            if f.event == until or len(out) >= limit:
                break
    return out


def structured(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Trace steps with `details` decoded: the API sends them as text (a JSON object encoded, as the
    original's clients expect), the tests read their fields."""
    return [{**s, "details": json.loads(s["details"]) if s.get("details") else {}} for s in steps]


def run_with_steps(client: httpx.Client, content: str) -> dict[str, Any]:
    """Submit `content`, follow its stream to `task_finished`, and return the task record with its
    trace steps (`/api/v1/flow/{id}`) under `steps`."""
    created = client.post("/api/v1/tasks", json={"content": content})
    assert created.status_code == 201, created.text
    task_id = created.json()["task_id"]
    assert read_stream(client, task_id)[-1].event == "task_finished"
    task = dict(client.get(f"/api/v1/tasks/{task_id}").json())
    task["steps"] = structured(client.get(f"/api/v1/flow/{task_id}").json()["steps"])
    return task
