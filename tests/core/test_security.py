"""Safe defaults: loopback bind, token for non-loopback (also when uvicorn is started by hand), a
token that is a real secret, the admin guard, CORS. Rate limits: test_rate_limit.py; browsers:
test_browser_guard.py; the token in logs: test_token_hygiene.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.conftest import ROOT, LiveServer, free_port
from tests.core.conftest import CORE_ENV

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
    # A local reverse proxy (nginx, Next) forwarding for a LAN client: never the loopback owner, even
    # when that proxy is not in VENOM_TRUSTED_PROXIES (then its header only takes privilege away).
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


@pytest.mark.parametrize("token", [" " * 16, "short-token", "sixteen chars with spaces", "\t" * 20])
def test_a_token_that_is_not_a_real_secret_refuses_to_start(tmp_path: Path, token: str) -> None:
    env = {**os.environ, "VENOM_API_TOKEN": token, "PYTHONPATH": str(ROOT), "ENV_FILE": str(tmp_path / "none.env"),
           "VENOM_DATA_DIR": str(tmp_path / "d")}
    proc = subprocess.run([sys.executable, "-m", "venom_core"], env=env, capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "refusing to start" in proc.stderr and "at least 16 characters" in proc.stderr
    assert "whitespace" in proc.stderr
    assert not token.strip() or token not in proc.stderr, "the value is not echoed"
    assert not (tmp_path / "d").exists()


def _uvicorn_by_hand(tmp_path: Path, host: str, **env: str) -> tuple[subprocess.Popen[bytes], int, Path]:
    """`uvicorn venom_core.main:app --host HOST`: the server is started without `python -m venom_core`."""
    port = free_port()
    log = tmp_path / f"uvicorn-{port}.log"
    full_env = {**os.environ, **CORE_ENV, "PYTHONPATH": str(ROOT), "ENV_FILE": str(tmp_path / "none.env"),
                "VENOM_DATA_DIR": str(tmp_path / "data"), "VENOM_LOG_DIR": str(tmp_path / "logs"),
                "VENOM_WORKSPACE": str(tmp_path / "ws"), "VENOM_API_TOKEN": "", **env}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "venom_core.main:app", "--host", host,
                             "--port", str(port)], env=full_env, cwd=tmp_path, stdout=open(log, "wb"),  # noqa: SIM115
                            stderr=subprocess.STDOUT, start_new_session=True)
    return proc, port, log


def _first_answer(proc: subprocess.Popen[bytes], url: str, log: Path) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            return httpx.get(url, timeout=2)
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"no answer from {url}: {log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def test_uvicorn_on_all_interfaces_without_a_token_refuses_to_serve(tmp_path: Path) -> None:
    proc, port, log = _uvicorn_by_hand(tmp_path, "0.0.0.0")
    try:
        # Called through loopback: the connection looks local, the bind is not.
        first = _first_answer(proc, f"http://127.0.0.1:{port}/healthz", log)
        assert first.status_code == 503
        error = first.json()["error"]
        assert error["code"] == "unsafe_bind" and "VENOM_API_TOKEN" in error["message"]
        assert f"0.0.0.0:{port}" in error["message"]
        for path in ("/api/v1/tasks", "/api/v1/config/runtime", "/docs"):
            assert httpx.get(f"http://127.0.0.1:{port}{path}", timeout=10).status_code == 503, path
        assert httpx.post(f"http://127.0.0.1:{port}/api/v1/tasks", json={"content": "help"}).status_code == 503
        with pytest.raises(InvalidStatus) as ws_refused, connect(f"ws://127.0.0.1:{port}/ws/events"):
            pass
        assert ws_refused.value.response.status_code == 503
    finally:
        _stop(proc)
    assert "Refusing to serve" in log.read_text()


def test_uvicorn_by_hand_on_loopback_or_with_a_token_serves(tmp_path: Path) -> None:
    proc, port, log = _uvicorn_by_hand(tmp_path, "127.0.0.1")
    try:
        assert _first_answer(proc, f"http://127.0.0.1:{port}/healthz", log).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/tasks").status_code == 200
    finally:
        _stop(proc)
    proc, port, log = _uvicorn_by_hand(tmp_path, "0.0.0.0", VENOM_API_TOKEN=TOKEN)
    try:
        assert _first_answer(proc, f"http://127.0.0.1:{port}/healthz", log).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/tasks").status_code == 401
        ok = httpx.get(f"http://127.0.0.1:{port}/api/v1/tasks", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
    finally:
        _stop(proc)
