"""Tiny ASGI middleware: token auth and the request body limit.

The other edge layers: browser_guard.py (client address, bind check, Host and Origin) and
rate_limit.py (token buckets, WebSocket and SSE caps).
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from venom_core.api.edge_responses import deny, scope_language, send_json
from venom_core.api.errors import error_body
from venom_core.api.security import token_ok
from venom_core.config import Settings


def _protected(path: str) -> bool:
    return path.startswith(("/api", "/ws")) or path == "/mcp" or path.startswith("/mcp/")


class AuthMiddleware:
    """With VENOM_API_TOKEN set, every /api, /ws and /mcp call needs `Authorization: Bearer <token>`
    (WebSocket handshakes may pass `?token=` instead; REST calls may not)."""

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
                message = "A valid API token is required (?token=<token> or Authorization: Bearer <token>)."
            else:
                message = "A valid API token is required (Authorization: Bearer <token>)."
                if b"token=" in scope.get("query_string", b""):
                    message += " ?token= is accepted only on WebSocket paths."
            await deny(scope, receive, send, 401, "unauthorized", message, headers={"www-authenticate": "Bearer"})
            return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse request bodies above VENOM_MAX_BODY_BYTES with 413, before reading them whole.
    `per_route` raises the limit for one (method, path): an upload route checks each file itself
    while it streams, so only the whole request needs this outer bound."""

    def __init__(self, app: ASGIApp, max_bytes: int, per_route: dict[tuple[str, str], int] | None = None):
        self.app = app
        self.max_bytes = max_bytes
        self.per_route = per_route or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = max(self.max_bytes, self.per_route.get((scope["method"], scope["path"].rstrip("/")), 0))
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(scope, send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await self._reject(scope, send, limit)

    async def _reject(self, scope: Scope, send: Send, limit: int) -> None:
        await send_json(
            send, 413,
            error_body("payload_too_large", f"The request body is larger than the limit of {limit} bytes.",
                       lang=scope_language(scope)),
        )


class _BodyTooLarge(Exception):
    pass
