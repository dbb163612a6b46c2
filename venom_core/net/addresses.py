"""Which addresses a fetch of task-chosen content may reach: public ones, plus what the owner allows.

A URL that a task, a user or a model picks must not reach the machine's own services (the Venom
API on loopback, a local model server), the LAN, or a cloud metadata endpoint. Every address a
host name resolves to is classified here; IPv6 forms that carry an IPv4 address inside (mapped
`::ffff:a.b.c.d`, 6to4, NAT64, Teredo) are judged by that IPv4 address, so `[::ffff:127.0.0.1]`
is loopback like `127.0.0.1`.

The owner may open internal addresses on purpose, for a search engine on the LAN:
`VENOM_OUTBOUND_ALLOW_PRIVATE=true` opens them all, `VENOM_OUTBOUND_ALLOW_HOSTS` opens listed
hosts, addresses or networks (optionally one port). Unspecified (`0.0.0.0`, `::`) and multicast
addresses are never fetched: `0.0.0.0` reaches loopback on Linux and no web page lives on either.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALWAYS_REFUSED = frozenset({"unspecified", "multicast"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HOSTNAME = re.compile(r"^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$")


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it carries one."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def classify(ip: IPAddress) -> str | None:
    """Why `ip` is not a public address ("loopback", "private", ...), or None when it is public."""
    inner = embedded_ipv4(ip)
    if inner is not None:
        reason = classify(inner)
        if reason is not None:
            return reason
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_multicast:
        return "multicast"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "non-public"  # shared address space (100.64.0.0/10) and the like
    return None


@dataclass(frozen=True, slots=True)
class AllowRule:
    """One `VENOM_OUTBOUND_ALLOW_HOSTS` entry: a host name (`*.lan` for a domain), an address or a
    network, optionally with one port."""

    host: str | None = None
    network: IPNetwork | None = None
    port: int | None = None

    def matches(self, host: str, ip: IPAddress, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.network is not None:
            inner = embedded_ipv4(ip)
            return ip in self.network or (inner is not None and inner in self.network)
        name = host.lower().rstrip(".")
        pattern = (self.host or "").rstrip(".")
        if pattern.startswith("*."):
            return name.endswith(pattern[1:])
        return name == pattern


def parse_allow_rule(entry: str) -> AllowRule:
    """`search.lan`, `search.lan:8888`, `*.lan`, `10.0.0.5`, `10.0.0.5:8888`, `[fd00::5]:8888`,
    `10.0.0.0/8`, `fd00::/8`. Raises ValueError with a sentence for anything else."""
    raw = entry.strip().lower()
    if not raw:
        raise ValueError("an empty entry")
    if "/" in raw:
        try:
            return AllowRule(network=ipaddress.ip_network(raw, strict=False))
        except ValueError:
            raise ValueError(f"'{entry}' is not a network such as 10.0.0.0/8") from None
    host, port = raw, None
    if raw.startswith("["):
        host, _, rest = raw[1:].partition("]")
        if rest:
            port = _port(entry, rest.removeprefix(":"))
    elif raw.count(":") == 1:
        host, _, port_text = raw.partition(":")
        port = _port(entry, port_text)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if not _HOSTNAME.match(host):
            raise ValueError(f"'{entry}' is not a host name, an address or a network") from None
        return AllowRule(host=host, port=port)
    return AllowRule(network=ipaddress.ip_network(ip), port=port)


def _port(entry: str, text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"'{entry}' has no valid port after ':'")
    return int(text)


def parse_allow_list(value: str) -> tuple[AllowRule, ...]:
    """A comma-separated `VENOM_OUTBOUND_ALLOW_HOSTS` value."""
    return tuple(parse_allow_rule(part) for part in value.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    allow_private: bool = False
    allow: tuple[AllowRule, ...] = ()

    def refusal(self, host: str, ip: IPAddress, port: int) -> str | None:
        """Why a fetch of `host` at `ip:port` is refused, or None when it may go ahead."""
        reason = classify(ip)
        if reason is None:
            return None
        if reason in ALWAYS_REFUSED:
            return reason
        if self.allow_private or any(rule.matches(host, ip, port) for rule in self.allow):
            return None
        return reason
