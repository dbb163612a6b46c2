"""Finding and testing local model servers: the "connect a model" probe.

`probe` asks every candidate URL, in parallel and with a short timeout each, first Ollama's
`GET /api/tags` and then the OpenAI protocol's `GET /v1/models`, and reports what each serves.
Candidates are the usual local servers on loopback (`DEFAULT_TARGETS`) plus URLs an admin typed.
A typed URL is fetched by this server, so `check_url` applies the outbound address rules of
`net/addresses.py` with one deliberate widening: loopback and private (LAN) addresses are allowed,
because a model server usually lives there and an admin asked for that address by name; link-local
(cloud metadata), unspecified, multicast and reserved addresses stay refused.

Every failure is one stable code with a sentence that says what to do: `unreachable`,
`timeout`, `not_llm_server`, `auth_failed`, `model_missing`, `address_refused`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from venom_core.net.addresses import IPAddress, classify
from venom_core.runtimes.providers import PROVIDERS

Protocol = Literal["ollama", "openai"]
# The local runtime each protocol's server is used through, from the runtimes' specs.
PROVIDER_OF: dict[str, str] = {spec.discovery: spec.name for spec in PROVIDERS if spec.discovery and spec.local}
# name, port: the servers people usually run next to Venom.
DEFAULT_TARGETS: tuple[tuple[str, int], ...] = (
    ("ollama", 11434), ("lm_studio", 1234), ("llama_cpp", 8080), ("vllm", 8001), ("jan", 1337))
ALLOWED_INTERNAL = frozenset({"loopback", "private"})
RESOLVE_SECONDS = 5.0


class ProbeError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(slots=True)
class Found:
    name: str
    url: str
    status: Literal["found", "error"]
    protocol: Protocol | None = None
    models: list[str] = field(default_factory=list)
    error_code: str | None = None
    error: str | None = None

    @property
    def provider(self) -> str | None:
        return PROVIDER_OF[self.protocol] if self.protocol else None


def default_urls() -> list[tuple[str, str]]:
    return [(name, f"http://127.0.0.1:{port}") for name, port in DEFAULT_TARGETS]


async def check_url(url: str) -> str:
    """The URL normalised (no trailing slash, no `/v1`), or `ProbeError("address_refused")`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProbeError("invalid_url", f"{url!r} is not an http(s) URL with a host, e.g. http://127.0.0.1:11434.")
    if parts.username or parts.password:
        raise ProbeError("invalid_url", "Put credentials in the provider's API key setting, not in the URL.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ProbeError("invalid_url", f"{url!r} has an invalid port.") from None
    try:
        async with asyncio.timeout(RESOLVE_SECONDS):  # a resolver with no network can stall for long
            infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError):
        raise ProbeError("unreachable", f"The host {parts.hostname!r} does not resolve; check the name.") from None
    for info in infos:
        ip: IPAddress = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        reason = classify(ip)
        if reason is not None and reason not in ALLOWED_INTERNAL:
            raise ProbeError("address_refused", f"{parts.hostname} resolves to a {reason} address ({ip}), "
                             "which Venom never fetches.")
    path = parts.path.rstrip("/").removesuffix("/v1")
    return f"{parts.scheme}://{parts.netloc}{path}"


def _models(payload: Any, protocol: Protocol) -> list[str] | None:
    """The model names if `payload` is that protocol's model list, else None."""
    if not isinstance(payload, dict):
        return None
    rows = payload.get("models" if protocol == "ollama" else "data")
    if not isinstance(rows, list):
        return None
    key = ("name", "model") if protocol == "ollama" else ("id",)
    return [str(next(r[k] for k in key if r.get(k))) for r in rows
            if isinstance(r, dict) and any(r.get(k) for k in key)]


async def identify(client: httpx.AsyncClient, url: str, api_key: str = "") -> tuple[Protocol, list[str]]:
    """Which protocol `url` speaks and its models; raises `ProbeError` with an actionable sentence."""
    auth_failed = False
    for protocol, path in (("ollama", "/api/tags"), ("openai", "/v1/models")):
        headers = {"Authorization": f"Bearer {api_key}"} if api_key and protocol == "openai" else {}
        try:
            response = await client.get(url + path, headers=headers)
        except httpx.TimeoutException:
            raise ProbeError("timeout", f"{url} accepted the connection but did not answer in time; the server "
                             "may be busy loading a model, or this port is not an LLM server.") from None
        except httpx.HTTPError:
            raise ProbeError("unreachable", f"Nothing answers at {url}. Start the model server (for Ollama: "
                             "`ollama serve`) or check the host and port.") from None
        if response.status_code in (401, 403):
            auth_failed = True
            continue
        if response.status_code >= 400:
            continue
        try:
            models = _models(response.json(), protocol)  # type: ignore[arg-type]
        except ValueError:
            models = None
        if models is not None:
            return protocol, models  # type: ignore[return-value]
    if auth_failed:
        raise ProbeError("auth_failed", f"{url} refused the request (HTTP 401/403): set the API key for this "
                         "server in the settings.")
    raise ProbeError("not_llm_server", f"{url} answers HTTP but is not an Ollama or OpenAI-compatible model "
                     "server (no model list at /api/tags or /v1/models).")


async def probe_one(client: httpx.AsyncClient, name: str, url: str) -> Found:
    try:
        protocol, models = await identify(client, url)
    except ProbeError as exc:
        return Found(name, url, "error", error_code=exc.code, error=exc.message)
    return Found(name, url, "found", protocol, models)


async def probe(targets: list[tuple[str, str]], timeout: float) -> list[Found]:  # noqa: ASYNC109
    """Probe every target at once; a closed port fails at connect, so it costs next to nothing."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False) as client:
        return list(await asyncio.gather(*(probe_one(client, n, u) for n, u in targets)))
