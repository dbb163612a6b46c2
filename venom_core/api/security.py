"""Bearer-token checks, the loopback test and the admin rule, shared by middleware and routes."""

from __future__ import annotations

import hmac

from starlette.requests import HTTPConnection

from venom_core.config import Settings, is_loopback_host


def client_host(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else ""


def presented_token(conn: HTTPConnection) -> str | None:
    auth = conn.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return conn.query_params.get("token")


def token_ok(conn: HTTPConnection, settings: Settings) -> bool:
    token = presented_token(conn)
    return bool(settings.VENOM_API_TOKEN) and token is not None and hmac.compare_digest(
        token.encode(), settings.VENOM_API_TOKEN.encode()
    )


def is_admin_request(conn: HTTPConnection, settings: Settings) -> bool:
    return is_loopback_host(client_host(conn)) or token_ok(conn, settings)
