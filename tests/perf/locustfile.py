"""Locust load scenario: each user submits a task and follows its SSE stream to `task_finished`.

Run it through scripts/run-locust.sh (it refuses non-loopback targets). Never import this module
(or locust) in a process that imports lancedb or venom_core: the two hang together.

Environment: LOCUST_FORCED_INTENT (default HELP_REQUEST, the model-free fast path; set it empty
to drive the full pipeline and the LLM), LOCUST_TIMEOUT (25 s per task), VENOM_API_TOKEN.
Besides the HTTP rows, the statistics carry a `TASK submit->task_finished` row: the end-to-end
time of each task as its user saw it.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from locust import HttpUser, between, task

FORCED_INTENT = os.environ.get("LOCUST_FORCED_INTENT", "HELP_REQUEST")
TIMEOUT = float(os.environ.get("LOCUST_TIMEOUT", "25"))
TOKEN = os.environ.get("VENOM_API_TOKEN", "")


class ChatUser(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        if TOKEN:
            self.client.headers["Authorization"] = f"Bearer {TOKEN}"

    @task
    def submit_and_follow(self) -> None:
        body: dict[str, Any] = {"content": f"Locust benchmark {time.time():.6f}", "store_knowledge": False}
        if FORCED_INTENT:
            body["forced_intent"] = FORCED_INTENT
        t0 = time.perf_counter()
        with self.client.post("/api/v1/tasks", json=body, name="POST /api/v1/tasks",
                              catch_response=True) as created:
            if created.status_code != 201:
                created.failure(f"status {created.status_code}: {created.text[:200]}")
                return
            stream_url = created.json()["stream_url"]
        status, error = self.follow(stream_url)
        self.environment.events.request.fire(
            request_type="TASK", name="submit->task_finished",
            response_time=(time.perf_counter() - t0) * 1000, response_length=0, context={},
            exception=error or (None if status == "COMPLETED" else RuntimeError(f"task ended {status}")),
        )

    def follow(self, stream_url: str) -> tuple[str, Exception | None]:
        """Read the SSE stream until `task_finished`; returns (final status, error)."""
        event = ""
        deadline = time.monotonic() + TIMEOUT
        with self.client.get(stream_url, name="GET /api/v1/tasks/{id}/stream", stream=True,
                             timeout=TIMEOUT, catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}")
                return "ERROR", RuntimeError(f"stream status {resp.status_code}")
            for raw in resp.iter_lines(decode_unicode=True):
                if time.monotonic() > deadline:
                    resp.failure("no task_finished within LOCUST_TIMEOUT")
                    return "TIMEOUT", TimeoutError(stream_url)
                line = raw or ""
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "task_finished":
                    resp.success()
                    return str(json.loads(line[6:])["status"]), None
            resp.failure("stream closed without task_finished")
            return "ERROR", RuntimeError("stream closed without task_finished")
