"""The outermost guard: who is calling, where we are bound, and what a browser may do.

One pure-ASGI layer, in this order, for HTTP and WebSocket alike:
1. Resolve the real client address once (behind VENOM_TRUSTED_PROXIES) and leave it in the scope.
2. Refuse to serve at all when the process listens off loopback without VENOM_API_TOKEN (503).
3. Host: a name that is not ours is a DNS-rebinding page; refuse it (400). IP literals cannot be
   rebound, and `localhost`, the bound host, this machine's name, the UI origins' hosts and
   VENOM_ALLOWED_HOSTS are ours.
4. Origin: a page from another site may not read or call the API nor open the WebSocket (403).
   Allowed: the UI origins (VENOM_UI_ORIGINS, the CORS list) and the API's own origin.
5. A state-changing request that a browser marks `Sec-Fetch-Site: cross-site` (or `same-site`)
   without an Origin is refused too.
Clients that are not browsers send no Origin and no Sec-Fetch-* headers (curl, the CLI, tests) and
pass 4 and 5 untouched.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from loguru import logger
from starlette.types import ASGIApp, Receive, Scope, Send

from venom_core.api.bind_check import exposed_listen_addresses
from venom_core.api.client_address import SCOPE_KEY, is_trusted, resolve
from venom_core.api.edge_responses import deny
from venom_core.config import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def split_host(value: str) -> tuple[str, int | None]:
    """`Host`/authority text -> (lowercased host without brackets or trailing dot, port or None)."""
    value = value.strip().lower()
    port: int | None = None
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        if rest.startswith(":") and rest[1:].isdigit():
            port = int(rest[1:])
    elif value.count(":") == 1:
        host, _, p = value.partition(":")
        port = int(p) if p.isdigit() else -1
    else:
        host = value
    return host.rstrip("."), port


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _origin_key(origin: str) -> tuple[str, str, int] | None:
    """`scheme://host[:port]` -> (scheme, host, port with the scheme's default filled in)."""
    try:
        parts = urlsplit(origin.strip())
        scheme, host, port = parts.scheme.lower(), (parts.hostname or "").rstrip("."), parts.port
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host, port if port is not None else _DEFAULT_PORTS[scheme]


class HostOriginPolicy:
    """The allowed Host names and Origins, computed once from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.allowed_origins = {k for k in (_origin_key(o) for o in settings.ui_origins) if k}
        names = {"localhost", socket.gethostname().lower(), *settings.allowed_hosts}
        names.add(split_host(settings.VENOM_HOST)[0])
        names.update(host for _, host, _ in self.allowed_origins)
        self.any_host = "*" in names
        self.suffixes = tuple(n for n in names if n.startswith("."))
        self.names = frozenset(n for n in names if n and not n.startswith("."))

    def host_ok(self, host_header: str | None) -> bool:
        if host_header is None:
            return True  # HTTP/1.0 clients send none; every browser does
        host, port = split_host(host_header)
        if port == -1 or not host:
            return False
        if self.any_host or _is_ip(host) or host in self.names or host.endswith(".localhost"):
            return True
        return any(host.endswith(s) or host == s[1:] for s in self.suffixes)

    def origin_ok(self, origin: str, authorities: list[str]) -> bool:
        key = _origin_key(origin)
        if key is None:
            return False  # "null" (sandboxed frames, file:) and anything unparseable
        if key in self.allowed_origins:
            return True
        scheme, host, port = key
        for authority in authorities:  # same origin: the page was served from this very host:port
            a_host, a_port = split_host(authority)
            if a_host == host and (a_port if a_port is not None else _DEFAULT_PORTS[scheme]) == port:
                return True
        return False


class BrowserGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.policy = HostOriginPolicy(settings)
        self._exposed: list[str] | None = None  # checked on the first request: uvicorn binds after start-up

    def _unsafe_bind(self) -> list[str]:
        if self.settings.VENOM_API_TOKEN:
            return []
        if self._exposed is None:
            found = exposed_listen_addresses()
            if found is None:
                logger.warning("Could not list this process's listening sockets; the unsafe-bind check is off.")
            self._exposed = found or []
            if self._exposed:
                logger.error(
                    "Refusing to serve: listening on {} (not loopback) and VENOM_API_TOKEN is empty. "
                    "Set VENOM_API_TOKEN or bind to 127.0.0.1.", ", ".join(self._exposed),
                )
        return self._exposed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = resolve(scope, self.settings.trusted_proxies)
        scope[SCOPE_KEY] = client
        if client.address != client.peer:
            scope["client"] = (client.address, 0)

        exposed = self._unsafe_bind()
        if exposed:
            await deny(scope, receive, send, 503, "unsafe_bind",
                       f"Venom is listening on {', '.join(exposed)} (not loopback) and VENOM_API_TOKEN is empty, "
                       "so it refuses to serve an unauthenticated API. Set VENOM_API_TOKEN or bind to 127.0.0.1.")
            return

        headers: dict[bytes, list[str]] = {}
        for k, v in scope.get("headers", ()):
            if k in (b"host", b"origin", b"sec-fetch-site", b"x-forwarded-host"):
                headers.setdefault(k, []).append(v.decode("latin-1"))
        hosts = headers.get(b"host", [])
        host = hosts[0] if hosts else None
        if len(hosts) > 1 or not self.policy.host_ok(host):  # two Host headers: which one would a proxy use?
            await deny(scope, receive, send, 400, "host_not_allowed",
                       f"The Host header {', '.join(hosts)[:200]!r} is not a name of this server (a DNS-rebinding page "
                       "looks like this). Use localhost or an IP address, or add the name to VENOM_ALLOWED_HOSTS.",
                       {"host": [h[:200] for h in hosts]})
            return

        origins = headers.get(b"origin", [])
        if origins:
            authorities = [host] if host else []
            forwarded_host = headers.get(b"x-forwarded-host")
            if forwarded_host and is_trusted(client.peer, self.settings.trusted_proxies):
                # The Host the trusted proxy itself was asked for (Next and nginx pass it on).
                authorities.append(forwarded_host[0].split(",")[0])
            foreign = [o for o in origins if not self.policy.origin_ok(o, authorities)]
            if foreign:
                await deny(scope, receive, send, 403, "origin_not_allowed",
                           f"Requests from pages on {foreign[0][:200]} are not allowed. Only the Venom UI "
                           "(VENOM_UI_ORIGINS) and the API's own pages may call it from a browser.",
                           {"origin": foreign[0][:200]})
                return
        elif scope["type"] == "http" and scope.get("method", "GET") not in SAFE_METHODS:
            site = (headers.get(b"sec-fetch-site") or [""])[0].strip().lower()
            if site in ("cross-site", "same-site"):
                await deny(scope, receive, send, 403, "cross_site_request",
                           f"A page from another site may not change anything here (Sec-Fetch-Site: {site}).")
                return
        await self.app(scope, receive, send)
