"""Answers of the ASGI edge layers, in the API's error envelope, for HTTP and WebSocket alike."""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from venom_core.api.errors import error_body
from venom_core.core.language import Language, from_accept_language


def scope_language(scope: Scope) -> Language | None:
    """The language the client asked for (`Accept-Language`), for the error sentences."""
    return from_accept_language(Headers(scope=scope).get("accept-language"))


async def send_json(send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    raw = json.dumps(body).encode()
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    hdrs += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": raw})


async def deny(scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str,
               details: Any = None, headers: dict[str, str] | None = None) -> None:
    """Refuse before anything runs. A WebSocket handshake is refused before it is accepted: with an
    HTTP answer carrying the same JSON where the server supports it, else with close code 1008."""
    body = error_body(code, message, details)
    if scope["type"] == "http":
        await send_json(send, status, body, headers)
        return
    await receive()  # websocket.connect
    if "websocket.http.response" in scope.get("extensions", {}):
        raw = json.dumps(body).encode()
        hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
        hdrs += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        await send({"type": "websocket.http.response.start", "status": status, "headers": hdrs})
        await send({"type": "websocket.http.response.body", "body": raw})
        return
    await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})


async def accept_and_close(receive: Receive, send: Send, code: int, reason: str) -> None:
    """Complete the handshake only to say why the connection ends (close reasons must fit 123 bytes)."""
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code, "reason": reason.encode()[:123].decode(errors="ignore")})
