"""Browsers: a page from another site cannot read the API, open the event feed or trigger an
action, and a Host that is not ours (DNS rebinding) is refused. Clients that are not browsers
(no Origin, no Sec-Fetch-*) keep working."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.conftest import LiveServer, ServerFactory

EVIL = "http://evil.example"


@pytest.fixture
def srv(server_factory: ServerFactory) -> LiveServer:
    return server_factory(VENOM_ALLOWED_HOSTS="venom.lan,.home.arpa")


@pytest.fixture
def c(srv: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=srv.url, timeout=30) as client:
        yield client


def test_a_foreign_host_is_refused(srv: LiveServer, c: httpx.Client) -> None:
    rebound = {"Host": f"attacker.example:{srv.port}"}
    for method, path, body in (("GET", "/api/v1/config/runtime", None), ("GET", "/api/v1/system/autonomy", None),
                               ("POST", "/api/v1/system/autonomy", {"level": 40}), ("GET", "/healthz", None)):
        r = c.request(method, path, json=body, headers=rebound)
        assert r.status_code == 400, (path, r.text)
        error = r.json()["error"]
        assert error["code"] == "host_not_allowed" and "VENOM_ALLOWED_HOSTS" in error["message"]
    assert c.get("/api/v1/system/autonomy").json()["current_level"] == 0, "the rebound POST changed nothing"
    # The event feed, as a rebound page would open it (the socket goes to us, the Host names the attacker).
    sock = socket.create_connection(("127.0.0.1", srv.port))
    with pytest.raises(InvalidStatus) as refused, connect(f"ws://attacker.example:{srv.port}/ws/events?since=0",
                                                          sock=sock):
        pass
    assert refused.value.response.status_code == 400
    assert json.loads(refused.value.response.body)["error"]["code"] == "host_not_allowed"
    # Two Host headers (ours and the attacker's) are refused too: a proxy might pick either.
    with pytest.raises(InvalidStatus) as doubled, connect(f"{srv.ws_url}/ws/events", additional_headers=rebound):
        pass
    assert doubled.value.response.status_code == 400
    # Ours: loopback names and addresses, any IP literal, the allow-list (exact, or a leading-dot suffix).
    for host in ("localhost", "127.0.0.1", "[::1]", "192.168.1.20", "venom.lan", "box.home.arpa", "app.localhost"):
        assert c.get("/api/v1/system/autonomy", headers={"Host": f"{host}:{srv.port}"}).status_code == 200, host
    assert c.get("/healthz", headers={"Host": "localhost"}).status_code == 200


def test_a_foreign_origin_can_neither_read_nor_act(srv: LiveServer, c: httpx.Client) -> None:
    r = c.get("/api/v1/tasks", headers={"Origin": EVIL})
    assert r.status_code == 403 and r.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in r.headers
    # The bodiless emergency stop a page could send with fetch(..., {method: "POST", mode: "no-cors"}).
    stop = c.post("/api/v1/queue/emergency-stop", headers={"Origin": EVIL})
    assert stop.status_code == 403
    assert c.post("/api/v1/system/autonomy", json={"level": 40}, headers={"Origin": EVIL}).status_code == 403
    assert c.post("/api/v1/queue/emergency-stop", headers={"Origin": "null"}).status_code == 403, "sandboxed frames"
    assert c.get("/api/v1/queue/status").json()["paused"] is False, "nothing was stopped"
    assert c.get("/api/v1/system/autonomy").json()["current_level"] == 0
    # Preflights from the foreign page are refused too; the UI origin's are answered by CORS.
    pre = c.options("/api/v1/tasks", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers


def test_the_ui_and_same_origin_pages_keep_working(srv: LiveServer, c: httpx.Client) -> None:
    ui = {"Origin": "http://localhost:3000"}
    r = c.get("/api/v1/tasks", headers=ui)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "http://localhost:3000"
    created = c.post("/api/v1/tasks", json={"content": "help"}, headers={**ui, "Sec-Fetch-Site": "same-site"})
    assert created.status_code == 201
    # The API's own pages (/docs "try it out"): same origin, whatever name was used to reach it.
    for origin, host in ((srv.url, f"127.0.0.1:{srv.port}"), (f"http://localhost:{srv.port}", f"localhost:{srv.port}")):
        assert c.post("/api/v1/queue/pause", headers={"Origin": origin, "Host": host}).status_code == 200
    assert c.post("/api/v1/queue/resume").status_code == 200
    # A different port on the same machine is another origin.
    other_port = f"http://127.0.0.1:{srv.port + 1 if srv.port < 65535 else srv.port - 1}"
    assert c.get("/api/v1/tasks", headers={"Origin": other_port}).status_code == 403


def test_a_cross_site_change_without_origin_is_refused(c: httpx.Client) -> None:
    for site in ("cross-site", "same-site"):
        r = c.post("/api/v1/queue/pause", headers={"Sec-Fetch-Site": site})
        assert r.status_code == 403 and r.json()["error"]["code"] == "cross_site_request"
    assert c.get("/api/v1/queue/status").json()["paused"] is False
    # Reads (a link someone follows) and the browser's own address bar still work.
    assert c.get("/api/v1/queue/status", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200
    assert c.post("/api/v1/queue/pause", headers={"Sec-Fetch-Site": "none"}).status_code == 200
    assert c.post("/api/v1/queue/resume", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_the_event_feed_refuses_foreign_pages(srv: LiveServer, c: httpx.Client) -> None:
    created = c.post("/api/v1/tasks", json={"content": "help"})
    assert created.status_code == 201
    with pytest.raises(InvalidStatus) as refused, connect(f"{srv.ws_url}/ws/events?since=0", origin=EVIL):  # type: ignore[arg-type]
        pass
    assert refused.value.response.status_code == 403
    assert json.loads(refused.value.response.body)["error"]["code"] == "origin_not_allowed"
    # The UI origin, and a client without any Origin (CLI, scripts), get the replay.
    for origin in ("http://127.0.0.1:3000", None):
        with connect(f"{srv.ws_url}/ws/events?since=0", origin=origin) as ws:  # type: ignore[arg-type]
            assert json.loads(ws.recv(timeout=10))["type"] == "TASK_CREATED"


def test_clients_without_origin_are_untouched(c: httpx.Client) -> None:
    assert c.post("/api/v1/queue/pause").status_code == 200
    assert c.post("/api/v1/queue/resume").status_code == 200
    assert c.post("/api/v1/tasks", json={"content": "help"}).status_code == 201


def test_same_origin_through_a_trusted_proxy(server_factory: ServerFactory) -> None:
    """The UI served by a proxy at http://venom.lan:3000 that forwards /api here: the page's origin is
    the Host the proxy was asked for (X-Forwarded-Host), believed only from a trusted proxy."""
    via_proxy = {"Origin": "http://venom.lan:3000", "X-Forwarded-Host": "venom.lan:3000"}
    trusted = server_factory(VENOM_TRUSTED_PROXIES="127.0.0.1")
    untrusted = server_factory()
    assert httpx.get(f"{trusted.url}/api/v1/queue/status", headers=via_proxy).status_code == 200
    refused = httpx.get(f"{untrusted.url}/api/v1/queue/status", headers=via_proxy)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "origin_not_allowed"
