"""The API token never leaks: `?token=` (the WebSocket way) is masked in logs/venom.log, in the
server's own stdout/stderr and in every SYSTEM_LOG message on /ws/events; REST calls do not
accept `?token=` at all, so nobody learns to put it in a URL."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.conftest import ServerFactory

TOKEN = "hygiene-token-0123456789-abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_the_token_is_never_logged_nor_broadcast(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_API_TOKEN=TOKEN)
    messages: list[dict] = []  # type: ignore[type-arg]
    with connect(f"{srv.ws_url}/ws/events?token={TOKEN}") as feed:
        # Each handshake below is logged by uvicorn with its path and query.
        with connect(f"{srv.ws_url}/ws/events?types=QUEUE_*&token={TOKEN}") as second:
            httpx.post(f"{srv.url}/api/v1/queue/pause", headers=AUTH)
            assert json.loads(second.recv(timeout=10))["type"] == "QUEUE_PAUSED"
        with pytest.raises(InvalidStatus):
            connect(f"{srv.ws_url}/ws/events?token={TOKEN}x").close()
        for params in ({"token": TOKEN}, {"limit": 1, "token": TOKEN}):
            r = httpx.get(f"{srv.url}/api/v1/tasks", params=params)
            assert r.status_code == 401, "REST calls do not take ?token="
            assert "only on WebSocket" in r.json()["error"]["message"]
        assert httpx.post(f"{srv.url}/api/v1/queue/resume", headers=AUTH).status_code == 200
        httpx.post(f"{srv.url}/api/v1/tasks", json={"content": f"help token={TOKEN}"}, headers=AUTH)
        # Read the feed until the second handshake's log line arrived as SYSTEM_LOG (masked).
        deadline = time.monotonic() + 20
        handshake_logged = False
        while not handshake_logged and time.monotonic() < deadline:
            try:
                raw = feed.recv(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            msg = json.loads(raw)
            messages.append(msg)
            handshake_logged = msg["type"] == "SYSTEM_LOG" and "types=QUEUE_" in msg["message"]
    assert handshake_logged, [m["message"] for m in messages if m["type"] == "SYSTEM_LOG"]
    system_logs = [m for m in messages if m["type"] == "SYSTEM_LOG"]
    assert all(TOKEN not in json.dumps(m) for m in system_logs)
    assert any("token=***" in m["message"] for m in system_logs)
    srv.stop()  # flush the file sink
    log_file = (srv.data_dir / "logs" / "venom.log").read_text()
    console = srv.log_text()  # the server process's stdout and stderr
    for text in (log_file, console):
        assert "/ws/events" in text and "token=***" in text, "the handshakes were logged, masked"
        assert TOKEN not in text
