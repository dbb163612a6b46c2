"""Safe defaults: loopback bind, token for non-loopback, admin guard, rate limits, CORS."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.conftest import ROOT, LiveServer

TOKEN = "s3cret-token-for-tests-0123456789"


def test_non_loopback_bind_without_token_refuses_to_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "VENOM_HOST": "0.0.0.0", "VENOM_API_TOKEN": "", "PYTHONPATH": str(ROOT),
           "ENV_FILE": str(tmp_path / "none.env"), "VENOM_DATA_DIR": str(tmp_path / "d")}
    proc = subprocess.run([sys.executable, "-m", "venom_core"], env=env, capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert proc.returncode == 2
    assert "refusing to start" in proc.stderr and "VENOM_API_TOKEN" in proc.stderr
    assert not (tmp_path / "d").exists(), "nothing was started or written"


def test_default_bind_is_loopback(server: LiveServer) -> None:
    assert server.url.startswith("http://127.0.0.1")
    from venom_core.config import Settings

    assert Settings(_env_file=None).VENOM_HOST == "127.0.0.1"  # type: ignore[call-arg]


def test_token_is_required_everywhere_when_set(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv: LiveServer = server_factory(VENOM_API_TOKEN=TOKEN)
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        assert c.get("/healthz").status_code == 200, "liveness stays open for probes"
        r = c.get("/api/v1/tasks")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert c.get("/api/v1/tasks", headers={"Authorization": "Bearer wrong-token-xxxxxxxxxxxx"}).status_code == 401
        ok = c.get("/api/v1/tasks", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
    with pytest.raises((InvalidStatus, ConnectionClosed)), connect(f"{srv.ws_url}/ws/events") as ws:
        ws.recv(timeout=60)  # a deadline that only ends a hung test
    with connect(f"{srv.ws_url}/ws/events?token={TOKEN}&types=QUEUE_*") as ws:
        httpx.post(f"{srv.url}/api/v1/queue/pause", headers={"Authorization": f"Bearer {TOKEN}"})
        assert '"QUEUE_PAUSED"' in ws.recv(timeout=60)


def test_admin_actions_from_a_remote_client_are_denied(client: httpx.Client) -> None:
    # uvicorn trusts X-Forwarded-For from the local proxy, so this is how a LAN client looks behind nginx.
    remote = {"X-Forwarded-For": "192.0.2.10"}
    for path in ("/api/v1/queue/purge", "/api/v1/queue/emergency-stop"):
        r = client.post(path, headers=remote)
        assert r.status_code == 403
        body = r.json()
        assert body["error"]["code"] == "permission_denied"
        assert body["detail"]["decision"] == "block" and body["detail"]["reason_code"] == "PERMISSION_DENIED"
        assert body["detail"]["technical_context"]["operation"] == f"POST {path}"
    assert client.get("/api/v1/queue/status").json()["paused"] is False, "the denied stop changed nothing"
    assert client.post("/api/v1/queue/purge").status_code == 200, "loopback is admin"


def test_rate_limit_answers_429_with_retry_after(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv: LiveServer = server_factory(VENOM_RATE_LIMIT_ENABLED="true")
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        # The bucket holds 200 and refills 20/s: a burst gets at least 200 through, then 429s.
        # (No fixed request count: on a busy machine the burst is slower and refills more.)
        statuses: list[int] = []
        while 429 not in statuses and len(statuses) < 3000:
            statuses.append(c.get("/api/v1/tasks", params={"limit": 1}, headers={"X-Actor": "burst"}).status_code)
        assert 429 in statuses and statuses.index(429) >= 200
        assert set(statuses) == {200, 429}
        r = c.get("/api/v1/tasks", headers={"X-Actor": "burst"})
        assert r.status_code == 429
        assert int(r.headers["Retry-After"]) >= 1
        assert r.json()["error"]["code"] == "rate_limit_exceeded"
        # Another actor has its own bucket; liveness is never limited.
        assert c.get("/api/v1/tasks", headers={"X-Actor": "calm"}).status_code == 200
        assert c.get("/healthz").status_code == 200


def test_cors_allows_only_the_ui_origin(client: httpx.Client) -> None:
    ok = client.options("/api/v1/tasks", headers={"Origin": "http://localhost:3000",
                                                   "Access-Control-Request-Method": "POST"})
    assert ok.headers.get("access-control-allow-origin") == "http://localhost:3000"
    bad = client.options("/api/v1/tasks", headers={"Origin": "http://evil.example",
                                                    "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in bad.headers


def test_errors_never_leak_tracebacks(client: httpx.Client) -> None:
    r = client.get("/api/v1/tasks", params={"cursor": "2026-13-45T99:99:99|x"})
    assert r.status_code == 400
    assert "Traceback" not in r.text and "File \"" not in r.text
