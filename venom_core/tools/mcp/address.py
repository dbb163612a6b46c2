"""Which URLs a streamable HTTP MCP server may have.

The rule of net/addresses.py (public addresses only, plus what the owner allows with
VENOM_OUTBOUND_ALLOW_PRIVATE / VENOM_OUTBOUND_ALLOW_HOSTS), with one exception: loopback. An MCP
server on this machine (`http://127.0.0.1:PORT/mcp`) is the common case, and only an admin can put
a URL into the MCP config (the file, or the admin-only PUT), so a loopback URL is allowed. The LAN,
link-local addresses (a cloud metadata endpoint) and the rest stay refused unless the owner allows
them like any other outbound address. Every address the host resolves to is checked when the
server is (re)started.

A server that is not on loopback is the network: its tools need at least the `network` autonomy
level (see `needs_network`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from venom_core.core.errors import VenomError
from venom_core.net.addresses import ALWAYS_REFUSED, AddressPolicy, IPAddress, classify


class AddressRefused(VenomError):
    """An MCP server URL whose address the outbound rules refuse."""

    status = 400
    code = "address_refused"

    def __init__(self, message: str):
        super().__init__(message=message)


RESOLVE_TIMEOUT = 5.0


async def check_url(url: str, policy: AddressPolicy) -> list[IPAddress]:
    """The addresses `url` resolves to, each allowed for an MCP server; raises AddressRefused."""
    parts = urlsplit(url)
    host = (parts.hostname or "").strip("[]")
    if parts.scheme not in ("http", "https") or not host:
        raise AddressRefused(f"'{url}' is not an http:// or https:// URL with a host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM),
                                           RESOLVE_TIMEOUT)
        except (TimeoutError, OSError, UnicodeError) as exc:
            raise AddressRefused(f"the host name {host} could not be resolved ({type(exc).__name__})") from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(str(i[4][0]).split("%")[0]) for i in infos))
    for ip in addresses:
        reason = classify(ip)
        if reason == "loopback":
            continue
        if reason in ALWAYS_REFUSED or policy.refusal(host, ip, port) is not None:
            shown = host if host == str(ip) else f"{host} ({ip})"
            raise AddressRefused(
                f"{shown} is a {reason} address. MCP servers may be on this machine (loopback) or public; "
                "the owner can allow other addresses with VENOM_OUTBOUND_ALLOW_HOSTS.")
    return addresses


def needs_network(addresses: list[IPAddress]) -> bool:
    return any(classify(ip) != "loopback" for ip in addresses)
