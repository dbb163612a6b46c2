"""Who is calling: the real client address behind trusted proxies, and whether it is the local owner.

Forwarding headers (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`) are written by whoever sends
the request, so they are believed only when the connection comes from a configured proxy
(VENOM_TRUSTED_PROXIES). From anyone else they can only take privilege away: a loopback peer
that forwards for anyone (a local reverse proxy nobody configured) is not the local owner, and
its header is never used as a key, so a fresh value per request evades nothing.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.types import Scope

from venom_core.config import IPNetwork, is_loopback_host

SCOPE_KEY = "venom.client"  # where the edge middleware leaves the resolved ClientAddress

_FORWARDED_FOR = re.compile(r'for\s*=\s*("[^"]*"|[^;,\s]+)', re.IGNORECASE)


@dataclass(frozen=True)
class ClientAddress:
    """`address`: the client as far as we can tell (a trusted proxy's word included).
    `owner`: a loopback client with nothing forwarded for someone else: the person at this machine."""

    address: str
    owner: bool
    peer: str


@functools.lru_cache(maxsize=1024)  # every request parses its peer's address (and a few hops)
def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("["):  # [v6]:port or [v6]
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted(peer: str, trusted: Iterable[IPNetwork]) -> bool:
    """True when `peer` (an address as text) is one of the configured proxies."""
    ip = _ip(peer)
    return ip is not None and _in(ip, trusted)


def _in(addr: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Iterable[IPNetwork]) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return any(addr.version == n.version and addr in n for n in networks)


_FORWARDING = (b"forwarded", b"x-forwarded-for", b"x-real-ip")


def forwarded_chain(scope: Scope) -> list[str]:
    """Addresses the request says it was forwarded for, nearest hop last (unparseable ones kept as text).
    `Forwarded` (RFC 7239) wins over `X-Forwarded-For`, which wins over `X-Real-IP`."""
    found: dict[bytes, list[str]] = {}
    for k, v in scope.get("headers", ()):
        if k in _FORWARDING:
            found.setdefault(k, []).append(v.decode("latin-1"))
    if not found:
        return []
    forwarded = [m.group(1).strip('"') for v in found.get(b"forwarded", []) for m in _FORWARDED_FOR.finditer(v)]
    if forwarded:
        return forwarded
    xff = [p.strip() for v in found.get(b"x-forwarded-for", []) for p in v.split(",") if p.strip()]
    if xff:
        return xff
    return [v.strip() for v in found.get(b"x-real-ip", []) if v.strip()][-1:]


def resolve(scope: Scope, trusted: tuple[IPNetwork, ...]) -> ClientAddress:
    client = scope.get("client")
    peer = str(client[0]) if client else ""
    chain = forwarded_chain(scope)
    address = peer
    peer_ip = _ip(peer)
    if peer_ip is not None and _in(peer_ip, trusted):
        # Walk from the nearest hop outwards; the first address that is not a trusted proxy is the client.
        for hop in reversed(chain):
            hop_ip = _ip(hop)
            if hop_ip is None:
                # An unknown or obfuscated hop: key by the last hop we can vouch for, never as the owner.
                return ClientAddress(address=address, owner=False, peer=peer)
            address = str(hop_ip)
            if not _in(hop_ip, trusted):
                break
        return ClientAddress(address=address, owner=is_loopback_host(address), peer=peer)
    # Untrusted peer: its forwarding headers are ignored as identity, but a loopback peer that forwards
    # at all is a local proxy, and whoever it forwards for is not the owner. Even a claim of 127.0.0.1:
    # Next's rewrite proxy keeps a client's own X-Forwarded-For instead of appending to it.
    return ClientAddress(address=peer, owner=is_loopback_host(peer) and not chain, peer=peer)


def client_of(scope: Scope, trusted: tuple[IPNetwork, ...] = ()) -> ClientAddress:
    """The address the edge middleware resolved for this request (resolved now if it did not run)."""
    found = scope.get(SCOPE_KEY)
    if isinstance(found, ClientAddress):
        return found
    return resolve(scope, trusted)
