"""Traffic limits per client: the reference's token buckets for REST, and caps on open WebSockets
and concurrent SSE streams.

A client is the real address (venom_core/api/client_address.py), or the token when a valid one is
presented; never a header the client chooses. The local owner (loopback, nothing forwarded) is
not throttled by the buckets unless VENOM_RATE_LIMIT_LOOPBACK is on, and gets the generous
VENOM_WS_MAX_LOOPBACK / VENOM_SSE_MAX_LOOPBACK caps: the server protects itself from remote
clients, not from the person it runs for.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from venom_core.api.client_address import client_of
from venom_core.api.edge_responses import accept_and_close, scope_language, send_json
from venom_core.api.errors import error_body
from venom_core.api.security import presented_token, token_fingerprint, token_ok
from venom_core.config import Settings


@dataclass(frozen=True)
class BucketSpec:
    capacity: float
    refill_per_second: float


# Groups of the reference's traffic control, matched by path prefix after /api/v1.
RATE_GROUPS: tuple[tuple[str, str, BucketSpec], ...] = (
    ("models_introspection", "/api/v1/models/introspection", BucketSpec(30, 3)),
    ("chat", "/api/v1/llm", BucketSpec(300, 30)),
    ("memory", "/api/v1/memory", BucketSpec(100, 10)),
)
DEFAULT_BUCKET = BucketSpec(200, 20)
EXEMPT_PREFIXES = ("/healthz", "/metrics", "/docs", "/openapi.json", "/api/v1/system/status")
STREAM_RETRY_AFTER_SECONDS = 5


class TokenBuckets:
    def __init__(self, max_keys: int = 10_000) -> None:
        self.max_keys = max_keys
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    @staticmethod
    def group(path: str) -> tuple[str, BucketSpec]:
        for name, prefix, spec in RATE_GROUPS:
            if path.startswith(prefix):
                return name, spec
        return "default", DEFAULT_BUCKET

    def take(self, group: str, spec: BucketSpec, client: str, now: float) -> float:
        """Take one token; return 0 if allowed, else the seconds until one is available."""
        key = (group, client)
        tokens, last = self._buckets.pop(key, (spec.capacity, now))
        tokens = min(spec.capacity, tokens + (now - last) * spec.refill_per_second)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / spec.refill_per_second
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def stream_path_patterns(openapi: dict[str, Any]) -> list[re.Pattern[str]]:
    """Path patterns of the operations that answer `text/event-stream` (every SSE route declares it
    in the OpenAPI document, so this list cannot drift from the routes)."""
    out = []
    for path, item in openapi.get("paths", {}).items():
        for op in item.values():
            responses = op.get("responses", {}) if isinstance(op, dict) else {}
            if any("text/event-stream" in (r.get("content") or {}) for r in responses.values()):
                out.append(re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"))
                break
    return out


class TrafficLimits:
    def __init__(self, app: ASGIApp, settings: Settings, openapi: Callable[[], dict[str, Any]]) -> None:
        self.app = app
        self.settings = settings
        self._openapi = openapi
        self._stream_patterns: list[re.Pattern[str]] | None = None
        self.buckets = TokenBuckets() if settings.VENOM_RATE_LIMIT_ENABLED else None
        self.open_ws: Counter[str] = Counter()
        self.open_streams: Counter[str] = Counter()

    def _client_key(self, scope: Scope) -> tuple[str, bool]:
        """(key, is the local owner). A valid token names the client; otherwise its real address."""
        client = client_of(scope, self.settings.trusted_proxies)
        if client.owner:
            return "owner", True
        conn = HTTPConnection(scope)
        if self.settings.VENOM_API_TOKEN and token_ok(conn, self.settings):
            return f"token:{token_fingerprint(presented_token(conn) or '')}", False
        return f"addr:{client.address}", False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        path: str = scope.get("path", "")
        if kind == "websocket":
            key, owner = self._client_key(scope)
            cap = self.settings.VENOM_WS_MAX_LOOPBACK if owner else self.settings.VENOM_WS_MAX_PER_CLIENT
            await self._capped(self.open_ws, key, cap, scope, receive, send)
            return
        if kind != "http" or not path.startswith("/api") or path.startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        key, owner = self._client_key(scope)
        if self.buckets is not None and (not owner or self.settings.VENOM_RATE_LIMIT_LOOPBACK):
            group, spec = self.buckets.group(path)
            wait = self.buckets.take(group, spec, key, time.monotonic())
            if wait > 0:
                retry_after = max(1, math.ceil(wait))
                body = error_body("rate_limit_exceeded", f"Too many requests. Try again in {retry_after} s.",
                                  {"retry_after_seconds": retry_after, "group": group}, retryable=True,
                                  lang=scope_language(scope))
                await send_json(send, 429, body, {"retry-after": str(retry_after)})
                return
        if self._stream_patterns is None:  # on first use: the document is built after create_app
            self._stream_patterns = stream_path_patterns(self._openapi())
        if any(p.match(path) for p in self._stream_patterns):
            cap = self.settings.VENOM_SSE_MAX_LOOPBACK if owner else self.settings.VENOM_SSE_MAX_PER_CLIENT
            await self._capped(self.open_streams, key, cap, scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _capped(self, counter: Counter[str], key: str, cap: int, scope: Scope, receive: Receive,
                      send: Send) -> None:
        if counter[key] >= cap:
            if scope["type"] == "websocket":
                await accept_and_close(receive, send, 1013, f"too many WebSocket connections from this client "
                                                            f"(limit {cap}); close one and retry")
                return
            body = error_body("too_many_streams",
                              f"This client already has {cap} open event streams, the limit. Close one and retry.",
                              {"limit": cap, "retry_after_seconds": STREAM_RETRY_AFTER_SECONDS}, retryable=True,
                              lang=scope_language(scope))
            await send_json(send, 429, body, {"retry-after": str(STREAM_RETRY_AFTER_SECONDS)})
            return
        counter[key] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            counter[key] -= 1
            if counter[key] <= 0:
                del counter[key]
