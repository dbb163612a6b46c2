"""Tiny ASGI middleware: token auth, request body limit and token-bucket rate limits."""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from venom_core.api.errors import error_body
from venom_core.api.security import client_host, token_ok
from venom_core.config import Settings


async def _send_json(send: Send, status: int, body: dict[str, object], headers: dict[str, str] | None = None) -> None:
    raw = json.dumps(body).encode()
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    hdrs += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": raw})


def _protected(path: str) -> bool:
    return path.startswith("/api") or path.startswith("/ws")


class AuthMiddleware:
    """With VENOM_API_TOKEN set, every /api and /ws call needs `Authorization: Bearer <token>`
    (WebSocket clients may pass `?token=`)."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] in ("http", "websocket")
            and self.settings.VENOM_API_TOKEN
            and _protected(scope["path"])
            and scope.get("method") != "OPTIONS"
            and not token_ok(HTTPConnection(scope), self.settings)
        ):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": "missing or invalid token"})
                return
            await _send_json(
                send, 401, error_body("unauthorized", "A valid API token is required (Authorization: Bearer <token>)."),
                {"www-authenticate": "Bearer"},
            )
            return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse request bodies above VENOM_MAX_BODY_BYTES with 413, before reading them whole."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await self._reject(send)

    async def _reject(self, send: Send) -> None:
        await _send_json(
            send, 413,
            error_body("payload_too_large", f"The request body is larger than the limit of {self.max_bytes} bytes."),
        )


class _BodyTooLarge(Exception):
    pass


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


class RateLimitMiddleware:
    """Token buckets per (endpoint group, actor). Over the limit: 429 with Retry-After."""

    def __init__(self, app: ASGIApp, max_keys: int = 10_000):
        self.app = app
        self.max_keys = max_keys
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    def _group(self, path: str) -> tuple[str, BucketSpec]:
        for name, prefix, spec in RATE_GROUPS:
            if path.startswith(prefix):
                return name, spec
        return "default", DEFAULT_BUCKET

    def take(self, group: str, spec: BucketSpec, actor: str, now: float) -> float:
        """Take one token; return 0 if allowed, else the seconds until one is available."""
        key = (group, actor)
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/api") or path.startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        actor = (
            conn.headers.get("x-actor") or conn.headers.get("x-user-id") or conn.headers.get("x-session-id")
            or client_host(conn)
        )
        group, spec = self._group(path)
        wait = self.take(group, spec, actor, time.monotonic())
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            body = error_body("rate_limit_exceeded", f"Too many requests. Try again in {retry_after} s.",
                              {"retry_after_seconds": retry_after, "group": group})
            await _send_json(send, 429, body, {"retry-after": str(retry_after)})
            return
        await self.app(scope, receive, send)
