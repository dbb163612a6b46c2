"""Bearer-token checks and the admin rule, shared by middleware and routes.

The token travels in `Authorization: Bearer`; only WebSocket handshakes (browsers cannot set
headers on them) may pass it as `?token=`. A query token on a REST call is not read at all, so
it cannot end up in a proxy's access log as a working credential.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import HTTPConnection

from venom_core.api.client_address import client_of
from venom_core.config import Settings


def client_host(conn: HTTPConnection) -> str:
    """The real client address (behind trusted proxies), for keys and messages."""
    return client_of(conn.scope).address


def presented_token(conn: HTTPConnection) -> str | None:
    auth = conn.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    if conn.scope.get("type") == "websocket":
        return conn.query_params.get("token")
    return None


def token_ok(conn: HTTPConnection, settings: Settings) -> bool:
    token = presented_token(conn)
    return bool(settings.VENOM_API_TOKEN) and token is not None and hmac.compare_digest(
        token.encode(), settings.VENOM_API_TOKEN.encode()
    )


def token_fingerprint(token: str) -> str:
    """A stable, non-reversible name for a token (rate-limit keys must not hold the secret)."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def is_admin_request(conn: HTTPConnection, settings: Settings) -> bool:
    return client_of(conn.scope, settings.trusted_proxies).owner or token_ok(conn, settings)
