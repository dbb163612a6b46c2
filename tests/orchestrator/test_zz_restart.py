"""Session history and the autonomy level survive a server restart (they live in SQL)."""

from __future__ import annotations

import httpx

from tests.conftest import ServerFactory
from tests.sse import read_stream


def test_session_history_and_autonomy_survive_a_restart(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_MEMORY_ENABLED="false")
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        for content in ("help", "what time is it"):  # static answers: no model needed
            tid = c.post("/api/v1/tasks", json={"content": content, "session_id": "durable"}).json()["task_id"]
            read_stream(c, tid)
        assert c.post("/api/v1/system/autonomy", json={"level": 20}).status_code == 200
        before = c.get("/api/v1/memory/session/durable").json()
    assert before["count"] == 4
    srv.restart()
    with httpx.Client(base_url=srv.url, timeout=60) as c:
        after = c.get("/api/v1/memory/session/durable").json()
        assert after["history"] == before["history"]
        assert c.get("/api/v1/system/autonomy").json()["current_level"] == 20
