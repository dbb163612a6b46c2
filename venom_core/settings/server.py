"""Server and security: the bind address, the token, the UI origins and the edge's limits.

Unsafe combinations (a non-loopback bind without a token) are refused when the settings are
validated, so the server never starts in that state.
"""

from __future__ import annotations

import functools
import ipaddress
from functools import cached_property
from typing import Self

from pydantic import BaseModel, Field, model_validator

MIN_TOKEN_CHARS = 16

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str) -> tuple[IPNetwork, ...]:
    """`"127.0.0.1, 10.0.0.0/8"` -> networks; raises ValueError naming the bad entry."""
    out: list[IPNetwork] = []
    for item in (p.strip() for p in spec.split(",")):
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item.strip("[]"), strict=False))
        except ValueError as exc:
            raise ValueError(f"VENOM_TRUSTED_PROXIES: {item!r} is not an IP address or CIDR network") from exc
    return tuple(out)


@functools.lru_cache(maxsize=1024)  # asked for every request's client
def is_loopback_host(host: str) -> bool:
    """True for 127.0.0.0/8 (also IPv4-mapped), ::1 and `localhost`."""
    if host in {"localhost", ""}:
        return host == "localhost"
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1, as Node proxies report an IPv4 client
    return ip.is_loopback


class ServerSettings(BaseModel):
    """Where the API listens, who may call it, and how much one client may ask of it."""

    VENOM_HOST: str = Field(
        "127.0.0.1",
        description="Bind address; any non-loopback address requires VENOM_API_TOKEN or the server refuses to start")
    VENOM_PORT: int = Field(default=8000, ge=1, le=65535, description="API port")
    VENOM_API_TOKEN: str = Field(
        "",
        description="When set (16+ characters, no whitespace; otherwise the server refuses to start), every /api and "
        "/ws call needs Authorization: Bearer <token>")
    VENOM_UI_ORIGINS: str = Field(
        "http://localhost:3000,http://127.0.0.1:3000",
        description="The UI origins: CORS, and the only foreign Origins a browser request (HTTP or WebSocket) may "
        "carry")
    VENOM_RATE_LIMIT_ENABLED: bool = Field(
        True,
        description="Token-bucket rate limits per endpoint group and client (429 + Retry-After)")
    VENOM_MAX_BODY_BYTES: int = Field(default=1_048_576, ge=1024, description="Request body limit (413 above it)")
    # The edge (api/browser_guard.py, api/rate_limit.py): proxies whose forwarding headers are believed,
    # extra Host names, and per-client limits. The local owner (loopback) is not throttled unless
    # VENOM_RATE_LIMIT_LOOPBACK is on.
    VENOM_TRUSTED_PROXIES: str = Field(
        "",
        description="IPs or CIDR networks (comma-separated) of reverse proxies whose X-Forwarded-For / Forwarded is "
        "believed: the client is the nearest address in the…")
    VENOM_ALLOWED_HOSTS: str = Field("", description="Extra Host names the API answers to (comma-separated")
    VENOM_RATE_LIMIT_LOOPBACK: bool = Field(
        False,
        description="Also apply the rate limits to the local owner (all loopback callers share one bucket)")
    VENOM_WS_MAX_PER_CLIENT: int = Field(default=16, ge=1, le=100_000,
        description="Open /ws/events connections per remote client; one more is accepted and closed with 1013")
    VENOM_WS_MAX_LOOPBACK: int = Field(default=512, ge=1, le=100_000, description="The same for the local owner")
    VENOM_SSE_MAX_PER_CLIENT: int = Field(default=16, ge=1, le=100_000,
        description="Concurrent SSE streams (task streams, direct chat) per remote client; one more gets 429 "
        "too_many_streams")
    VENOM_SSE_MAX_LOOPBACK: int = Field(default=512, ge=1, le=100_000, description="The same for the local owner")

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Self:
        if not is_loopback_host(self.VENOM_HOST) and not self.VENOM_API_TOKEN:
            raise ValueError(
                f"VENOM_HOST={self.VENOM_HOST} is not a loopback address and VENOM_API_TOKEN is empty. "
                "Refusing to expose an unauthenticated API: set VENOM_API_TOKEN or bind to 127.0.0.1."
            )
        token = self.VENOM_API_TOKEN
        if token and (len(token) < MIN_TOKEN_CHARS or any(c.isspace() for c in token)):
            # A bearer token is compared exactly; blanks would be trimmed off the header and never match.
            raise ValueError(
                f"VENOM_API_TOKEN must be at least {MIN_TOKEN_CHARS} characters long and contain no spaces "
                "or other whitespace (generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')."
            )
        parse_networks(self.VENOM_TRUSTED_PROXIES)
        return self

    @cached_property
    def trusted_proxies(self) -> tuple[IPNetwork, ...]:
        return parse_networks(self.VENOM_TRUSTED_PROXIES)

    @property
    def allowed_hosts(self) -> list[str]:
        return [h.strip().lower() for h in self.VENOM_ALLOWED_HOSTS.split(",") if h.strip()]

    @property
    def ui_origins(self) -> list[str]:
        return [o.strip() for o in self.VENOM_UI_ORIGINS.split(",") if o.strip()]
