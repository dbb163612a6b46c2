"""Rate limits serve the owner: the local user is never throttled at default settings, remote
clients are limited per real address (forwarded headers believed only from VENOM_TRUSTED_PROXIES)
or per token, a header the client chooses never names a bucket, and WebSockets and concurrent
SSE streams are capped per client."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.conftest import LiveServer, ServerFactory

TOKEN = "rate-limit-test-token-0123456789"
_fresh = itertools.count(1)


def fresh_headers() -> dict[str, str]:
    """Every header a client could choose to look like someone new."""
    n = next(_fresh)
    return {"X-Actor": f"actor-{n}", "X-User-Id": f"user-{n}", "X-Session-Id": f"session-{n}"}


def burst_until_429(c: httpx.Client, headers: Callable[[], dict[str, str]], limit: int = 3000,
                    ) -> tuple[list[int], httpx.Response]:
    """GET until the first 429 (or `limit` requests), with new headers each time. The default bucket
    holds 200 and refills 20/s, so a client this fast meets a 429 within a few hundred requests
    when it is limited at all, and never when the headers name a new bucket each time."""
    statuses: list[int] = []
    while True:
        r = c.get("/api/v1/tasks", params={"limit": 1}, headers=headers())
        statuses.append(r.status_code)
        if r.status_code == 429 or len(statuses) >= limit:
            return statuses, r


def test_the_local_owner_is_not_throttled_at_defaults(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_RATE_LIMIT_ENABLED="true")  # the default, stated: the fixture turns it off

    def client_run(_: int) -> Counter[int]:
        seen: Counter[int] = Counter()
        with httpx.Client(base_url=srv.url, timeout=30) as c:
            for i in range(60):
                if i % 10 == 0:
                    r = c.post("/api/v1/tasks", json={"content": "help", "forced_intent": "HELP_REQUEST"})
                else:
                    r = c.get("/api/v1/tasks", params={"limit": 1})
                seen[r.status_code] += 1
        return seen

    # 20 concurrent clients, 1,200 requests: far beyond one 200-request bucket.
    with ThreadPoolExecutor(20) as pool:
        total = sum(pool.map(client_run, range(20)), Counter())
    assert total[429] == 0, total
    assert set(total) <= {200, 201}, total
    assert sum(total.values()) == 1200


def test_remote_clients_are_limited_per_real_address(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_RATE_LIMIT_ENABLED="true", VENOM_TRUSTED_PROXIES="127.0.0.1")
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        # A fresh X-Actor / X-User-Id / X-Session-Id on every request evades nothing.
        statuses, last = burst_until_429(c, lambda: {"X-Forwarded-For": "192.0.2.10", **fresh_headers()})
        assert 429 in statuses and statuses.index(429) >= 200, "the bucket holds 200, then limits"
        assert set(statuses) == {200, 429}
        assert int(last.headers["Retry-After"]) >= 1
        error = last.json()["error"]
        assert error["code"] == "rate_limit_exceeded" and error["details"]["group"] == "default"
        # The proxy appends the real address; what the client wrote before it is not believed.
        spoof = (f"203.0.113.{n % 250 + 1}, 192.0.2.14" for n in itertools.count())
        statuses, _ = burst_until_429(c, lambda: {"X-Forwarded-For": next(spoof)})
        assert 429 in statuses
        statuses, _ = burst_until_429(c, lambda: {"Forwarded": f'for="203.0.113.{next(_fresh) % 250}", for=192.0.2.15'})
        assert 429 in statuses, "RFC 7239 Forwarded is read the same way"
        # Another machine has its own bucket, and so does the owner at this machine.
        assert c.get("/api/v1/tasks", headers={"X-Forwarded-For": "192.0.2.11"}).status_code == 200
        assert c.get("/api/v1/tasks").status_code == 200
        assert c.get("/healthz", headers={"X-Forwarded-For": "192.0.2.10"}).status_code == 200, "liveness is free"
        # Someone who sends a victim's session id exhausts only their own bucket.
        statuses, _ = burst_until_429(c, lambda: {"X-Forwarded-For": "192.0.2.13", "X-Session-Id": "victim"})
        assert 429 in statuses
        victim = c.get("/api/v1/tasks", headers={"X-Forwarded-For": "192.0.2.12", "X-Session-Id": "victim"})
        assert victim.status_code == 200


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(server_factory: ServerFactory) -> None:
    """No trusted proxy: a loopback peer that forwards for other machines is one client (its own
    address), so a fresh X-Forwarded-For per request evades nothing, and it is not the owner."""
    srv = server_factory(VENOM_RATE_LIMIT_ENABLED="true")
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        for claim in ("127.0.0.1, 198.51.100.7", "127.0.0.1", "::1"):
            # A local proxy forwards for someone: not the owner, whatever it claims (Next's proxy passes a
            # client's own X-Forwarded-For through unchanged).
            r = c.post("/api/v1/queue/emergency-stop", headers={"X-Forwarded-For": claim})
            assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied", claim
        addresses = (f"198.51.100.{n % 250 + 1}" for n in itertools.count())
        statuses, _ = burst_until_429(c, lambda: {"X-Forwarded-For": next(addresses)})
        assert 429 in statuses and statuses.index(429) >= 200
        assert c.get("/api/v1/queue/status").json()["paused"] is False
        assert c.get("/api/v1/tasks").status_code == 200, "the owner itself is unaffected"


def test_a_valid_token_names_the_bucket(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_RATE_LIMIT_ENABLED="true", VENOM_TRUSTED_PROXIES="127.0.0.1",
                         VENOM_API_TOKEN=TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        hops = (f"192.0.2.{n % 250 + 1}" for n in itertools.count())
        # The token holder changes address on every request: one bucket all the same.
        statuses, _ = burst_until_429(c, lambda: {**auth, "X-Forwarded-For": next(hops)})
        assert 429 in statuses and statuses.index(429) >= 200
        assert set(statuses) == {200, 429}
        # Without the token, an address is judged on its own (and then asked for the token).
        assert c.get("/api/v1/tasks", headers={"X-Forwarded-For": "192.0.2.251"}).status_code == 401
        assert c.get("/api/v1/tasks", headers=auth).status_code == 200, "the owner, token or not"


def ws_open(srv: LiveServer, headers: dict[str, str] | None = None) -> ClientConnection:
    return connect(f"{srv.ws_url}/ws/events?types=QUEUE_*", additional_headers=headers or {}, open_timeout=10)


def closed_with(ws: ClientConnection, wait: float) -> int | None:
    """The close code if the server ends the connection within `wait` seconds, else None (open)."""
    try:
        ws.recv(timeout=wait)
    except TimeoutError:
        return None
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else -1
    return None


def refused(ws: ClientConnection) -> int | None:
    return closed_with(ws, 15)


def stays_open(ws: ClientConnection) -> bool:
    return closed_with(ws, 1) is None


def test_websocket_connections_are_capped_per_client(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_TRUSTED_PROXIES="127.0.0.1", VENOM_WS_MAX_PER_CLIENT="2", VENOM_WS_MAX_LOOPBACK="3")
    remote = {"X-Forwarded-For": "192.0.2.20"}
    first, second = ws_open(srv, remote), ws_open(srv, remote)
    third = ws_open(srv, remote)
    assert refused(third) == 1013, "over the cap: closed with 1013 (try again later)"
    assert third.close_reason and "too many WebSocket connections" in third.close_reason
    other = ws_open(srv, {"X-Forwarded-For": "192.0.2.21"})
    assert stays_open(other), "another client has its own allowance"
    # The owner at this machine has a separate, larger allowance.
    owner = [ws_open(srv) for _ in range(3)]
    assert all(stays_open(ws) for ws in owner)
    assert refused(ws_open(srv)) == 1013
    # Closing one frees its place.
    first.close()
    deadline = time.monotonic() + 15
    while True:
        again = ws_open(srv, remote)
        is_open = stays_open(again)
        if is_open or time.monotonic() > deadline:
            break
    assert is_open
    for ws in [second, other, again, *owner]:
        ws.close()


def test_concurrent_sse_streams_are_capped_per_client(server_factory: ServerFactory) -> None:
    srv = server_factory(VENOM_TRUSTED_PROXIES="127.0.0.1", VENOM_SSE_MAX_PER_CLIENT="1")
    remote = {"X-Forwarded-For": "192.0.2.30"}
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        assert c.post("/api/v1/queue/pause").status_code == 200
        task_id = c.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        url = f"/api/v1/tasks/{task_id}/stream"
        with c.stream("GET", url, headers=remote) as held:  # stays open: the task waits in the paused queue
            assert held.status_code == 200
            with c.stream("GET", url, headers=remote) as second:
                assert second.status_code == 429
                assert second.read() and second.json()["error"]["code"] == "too_many_streams"
                assert int(second.headers["Retry-After"]) >= 1
            with c.stream("GET", url, headers={"X-Forwarded-For": "192.0.2.31"}) as other:
                assert other.status_code == 200
            with c.stream("GET", url) as owner:
                assert owner.status_code == 200
        c.post("/api/v1/queue/resume")


def test_a_bad_trusted_proxy_setting_refuses_to_start(server_factory: ServerFactory) -> None:
    srv = server_factory(start=False, VENOM_TRUSTED_PROXIES="127.0.0.1, not-an-address")
    with pytest.raises(RuntimeError, match="not-an-address"):
        srv.start()
