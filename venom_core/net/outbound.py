"""The one way to fetch content that a task, a user or a model chose (the Researcher's pages and search).

Model calls to configured endpoints (`runtimes/`) do not come here: the owner chose those
addresses, and a local Ollama on loopback is the normal case. Everything a task can point at does:

- only `http` and `https`;
- the host is resolved without blocking the loop (`loop.getaddrinfo`) and every address it
  resolves to must pass `AddressPolicy` (no loopback, private, link-local, ... unless allowed);
- the connection goes to the checked address itself. The URL sent to httpx carries the IP, the
  `Host` header and the TLS server name (`sni_hostname`, so the certificate is still verified for
  the host name) carry the name. A second DNS answer never reaches the socket, so DNS rebinding
  between the check and the connect has nothing to rebind. This uses only public httpx request
  options; a custom transport or a peer-address check after connecting would do the same with
  private httpcore parts;
- redirects are followed here, one hop at a time, each hop checked like the first, up to a limit;
- the body is streamed and reading stops at `max_bytes` (the result says it was truncated);
- one deadline covers the whole fetch, redirects included;
- connections are never reused (a kept-alive connection pinned to one address must not serve
  another host name) and the environment's proxies are ignored (a proxy would resolve the name
  itself, out of reach of the check).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from venom_core.core.models import TaskFailure
from venom_core.net.addresses import AddressPolicy, IPAddress, parse_allow_list

if TYPE_CHECKING:
    import httpx

    from venom_core.config import Settings

REDIRECTS = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Venom-Researcher/1.0"


class OutboundError(TaskFailure):
    """A refused or failed outbound fetch, with a stable code (stage `tool`)."""

    def __init__(self, code: str, message: str, *, retryable: bool = False):
        super().__init__(code, message, stage="tool", retryable=retryable)
        self.code = code


def network_unavailable(detail: str) -> OutboundError:
    return OutboundError("network_unavailable",
                         f"The web cannot be reached from this machine ({detail}), so I cannot search or read pages "
                         "now. Try again when the network is available.", retryable=True)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    total_timeout: float = 20.0
    connect_timeout: float = 3.0
    read_timeout: float = 10.0


@dataclass(slots=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status_code: int
    headers: httpx.Headers
    body: bytes
    truncated: bool  # the body was longer than `max_bytes`; `body` holds the first `max_bytes`
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", ""))

    def text(self) -> str:
        import httpx

        # httpx picks the charset from Content-Type (UTF-8 otherwise), like a normal response.
        text: str = httpx.Response(self.status_code, headers=self.headers, content=self.body).text
        return text


@dataclass(frozen=True, slots=True)
class _Target:
    url: httpx.URL
    host: str
    port: int


def outbound_fetcher(settings: Settings) -> OutboundFetcher:
    """The fetcher the settings describe (the Researcher's, and any later fetch of task-chosen URLs)."""
    policy = AddressPolicy(allow_private=settings.VENOM_OUTBOUND_ALLOW_PRIVATE,
                           allow=parse_allow_list(settings.VENOM_OUTBOUND_ALLOW_HOSTS))
    limits = FetchLimits(max_bytes=settings.VENOM_OUTBOUND_MAX_BYTES,
                         max_redirects=settings.VENOM_OUTBOUND_MAX_REDIRECTS,
                         total_timeout=settings.VENOM_OUTBOUND_TIMEOUT_SECONDS,
                         connect_timeout=settings.VENOM_WEB_CONNECT_TIMEOUT)
    return OutboundFetcher(policy, limits)


class OutboundFetcher:
    def __init__(self, policy: AddressPolicy, limits: FetchLimits, user_agent: str = USER_AGENT):
        self.policy = policy
        self.limits = limits
        self.user_agent = user_agent

    async def fetch(self, url: str, *, method: str = "GET", data: Mapping[str, str] | None = None) -> FetchResult:
        """Fetch `url` under the policy and the limits; raises `OutboundError` with a clear sentence."""
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                return await self._fetch(url, method, data)
        except TimeoutError:
            raise OutboundError("outbound_timeout", f"Fetching {_short(url)} took longer than "
                                f"{self.limits.total_timeout:g} s, so it was stopped.", retryable=True) from None

    async def _fetch(self, url: str, method: str, data: Mapping[str, str] | None) -> FetchResult:
        import httpx

        timeout = httpx.Timeout(self.limits.read_timeout, connect=self.limits.connect_timeout)
        limits = httpx.Limits(max_keepalive_connections=0)
        redirects: list[str] = []
        current = self._target(url)
        async with httpx.AsyncClient(timeout=timeout, limits=limits, trust_env=False, follow_redirects=False) as client:
            while True:
                address = await self._checked_address(current, redirects)
                response = await self._send(client, current, address, method, data)
                location = response.headers.get("location")
                if response.status_code not in REDIRECTS or not location:
                    return await self._read(response, current, redirects)
                await response.aclose()
                if len(redirects) >= self.limits.max_redirects:
                    raise OutboundError("outbound_too_many_redirects",
                                        f"{_short(url)} redirected more than {self.limits.max_redirects} times, "
                                        "so Venom stopped following it.")
                try:
                    next_url = str(current.url.join(location))
                except httpx.InvalidURL:
                    raise OutboundError("outbound_bad_redirect",
                                        f"{_short(str(current.url))} redirected to an invalid address.") from None
                redirects.append(next_url)
                if response.status_code == 303 or (response.status_code in (301, 302) and method != "GET"):
                    method, data = "GET", None  # what browsers do; 307 and 308 keep the method and body
                current = self._target(next_url)

    def _target(self, url: str) -> _Target:
        import httpx

        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError):
            raise OutboundError("outbound_bad_url", f"'{_short(url)}' is not a valid web address.") from None
        if parsed.scheme not in DEFAULT_PORTS:
            raise OutboundError("outbound_scheme_refused",
                                f"Venom fetches only http:// and https:// addresses, not '{parsed.scheme}:' "
                                f"({_short(url)}).")
        host = parsed.raw_host.decode("ascii").strip("[]")
        if not host:
            raise OutboundError("outbound_bad_url", f"'{_short(url)}' has no host name.")
        return _Target(parsed, host, parsed.port or DEFAULT_PORTS[parsed.scheme])

    async def _checked_address(self, target: _Target, redirects: list[str]) -> IPAddress:
        """The address to connect to: every address of the host must pass the policy."""
        addresses = await self._resolve(target)
        for ip in addresses:
            reason = self.policy.refusal(target.host, ip, target.port)
            if reason is not None:
                shown = target.host if target.host == str(ip) else f"{target.host} ({ip})"
                article = "an" if reason[0] in "aeiou" else "a"
                via = " (reached by a redirect)" if redirects else ""
                raise OutboundError(
                    "outbound_address_refused",
                    f"Venom does not fetch {_short(str(target.url))}{via}: {shown} is {article} {reason} address. "
                    "Web fetches "
                    "go only to public addresses, so a task cannot reach this machine's own services, the local "
                    "network or a cloud metadata endpoint. The owner can allow a host with "
                    "VENOM_OUTBOUND_ALLOW_HOSTS.")
        return addresses[0]

    async def _resolve(self, target: _Target) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(target.host)]
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM), self.limits.connect_timeout)
        except (TimeoutError, socket.gaierror, UnicodeError) as exc:
            raise network_unavailable(f"the name {target.host} could not be resolved: {type(exc).__name__}") from None
        out: list[IPAddress] = []
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if ip not in out:
                out.append(ip)
        if not out:
            raise network_unavailable(f"the name {target.host} has no address")
        return out

    async def _send(self, client: httpx.AsyncClient, target: _Target, ip: IPAddress, method: str,
                    data: Mapping[str, str] | None) -> httpx.Response:
        import httpx

        pinned = target.url.copy_with(host=str(ip))
        host_header = target.host if target.url.port is None else f"{target.host}:{target.url.port}"
        if ":" in target.host:  # an IPv6 literal keeps its brackets in the Host header
            host_header = f"[{target.host}]" + (f":{target.url.port}" if target.url.port else "")
        extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
        request = client.build_request(method, pinned, data=data, extensions=extensions,
                                       headers={"Host": host_header, "User-Agent": self.user_agent,
                                                "Accept-Encoding": "gzip, deflate"})
        try:
            return await client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError) as exc:
            raise network_unavailable(type(exc).__name__) from None
        except httpx.HTTPError as exc:
            raise OutboundError("outbound_failed", f"Fetching {_short(str(target.url))} failed "
                                f"({type(exc).__name__}).", retryable=True) from None

    async def _read(self, response: httpx.Response, target: _Target, redirects: list[str]) -> FetchResult:
        """Stream the body up to `max_bytes` (decoded bytes, so a compressed bomb stops too)."""
        import httpx

        cap = self.limits.max_bytes
        parts: list[bytes] = []
        size, truncated = 0, False
        try:
            async for chunk in response.aiter_bytes():
                if size + len(chunk) > cap:
                    parts.append(chunk[: cap - size])
                    size, truncated = cap, True
                    break
                parts.append(chunk)
                size += len(chunk)
        except httpx.HTTPError as exc:
            raise OutboundError("outbound_failed", f"Reading {_short(str(target.url))} failed "
                                f"({type(exc).__name__}).", retryable=True) from None
        finally:
            await response.aclose()
        return FetchResult(str(target.url), response.status_code, response.headers, b"".join(parts), truncated,
                           redirects)


def _short(url: str, limit: int = 120) -> str:
    return url if len(url) <= limit else url[:limit] + "…"
