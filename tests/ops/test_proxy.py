"""deploy/nginx/venom.conf, run for real by nginx on loopback: /api, /healthz and /ws reach FastAPI
(SSE and the WebSocket upgrade included), everything else reaches the UI.

Only the upstream addresses and the listen port are rewritten (compose service names do not
resolve here); every routing rule is the shipped file's. The UI upstream is a static file server
standing in for Next, so a page coming back from it proves the catch-all route.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import ROOT, LiveServer, free_port
from tests.ops.conftest import tool

UI_MARKER = "venom-ui-upstream-marker"


def wait_http(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{proc.args} exited with {proc.returncode}"
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("proxy")
    backend = LiveServer(data_dir=tmp, env={"VENOM_RATE_LIMIT_ENABLED": "false"})
    backend.start()
    site = tmp / "site"
    site.mkdir()
    (site / "index.html").write_text(f"<html><body>{UI_MARKER}</body></html>")
    ui_port, proxy_port = free_port(), free_port()
    ui = subprocess.Popen([sys.executable, "-m", "http.server", str(ui_port), "--bind", "127.0.0.1",
                           "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    conf = (ROOT / "deploy" / "nginx" / "venom.conf").read_text()
    for old, new in (("http://backend:8000", f"http://127.0.0.1:{backend.port}"),
                     ("http://frontend:3000", f"http://127.0.0.1:{ui_port}"),
                     ("listen 80;", f"listen 127.0.0.1:{proxy_port};"),
                     ("pid /tmp/nginx-venom.pid;", f"pid {tmp}/nginx.pid;"),
                     ("access_log /dev/stdout;", "access_log off; " + " ".join(
                         f"{d}_temp_path {tmp / d};" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")))):
        assert old in conf, old
        conf = conf.replace(old, new)
    (tmp / "nginx.conf").write_text(conf)
    for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / d).mkdir()
    nginx = subprocess.Popen(
        [tool("nginx"), "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=open(tmp / "nginx.log", "wb"), start_new_session=True,  # noqa: SIM115
    )
    try:
        wait_http(f"http://127.0.0.1:{ui_port}/", ui)
        wait_http(f"http://127.0.0.1:{proxy_port}/healthz", nginx)
        yield f"127.0.0.1:{proxy_port}"
    finally:
        if nginx.poll() is None:
            os.killpg(nginx.pid, signal.SIGTERM)
            nginx.wait(timeout=10)
        ui.terminate()
        ui.wait()
        backend.stop()


def test_health_and_ui_routes(proxy: str) -> None:
    assert httpx.get(f"http://{proxy}/healthz").json()["component"] == "venom-core"
    page = httpx.get(f"http://{proxy}/")
    assert page.status_code == 200 and UI_MARKER in page.text
    assert UI_MARKER in httpx.get(f"http://{proxy}/index.html").text
    api = httpx.get(f"http://{proxy}/api/v1/system/status")
    assert api.status_code == 200 and "boot_id" in api.json()


def test_task_and_its_sse_stream_through_the_proxy(proxy: str) -> None:
    with httpx.Client(base_url=f"http://{proxy}", timeout=30) as c:
        created = c.post("/api/v1/tasks", json={"content": "help", "forced_intent": "HELP_REQUEST"})
        assert created.status_code == 201, created.text
        with c.stream("GET", created.json()["stream_url"]) as resp:
            assert resp.headers["content-type"].startswith("text/event-stream")
            events = [line[7:] for line in resp.iter_lines() if line.startswith("event: ")]
    assert events[0] == "task_update" and events[-1] == "task_finished"


def test_websocket_upgrade_through_the_proxy(proxy: str) -> None:
    with connect(f"ws://{proxy}/ws/events?types=TASK_*", open_timeout=60) as ws:
        httpx.post(f"http://{proxy}/api/v1/tasks", json={"content": "help", "forced_intent": "HELP_REQUEST"})
        message = json.loads(ws.recv(timeout=60))
    assert message["type"].startswith("TASK_") and "gseq" in message
