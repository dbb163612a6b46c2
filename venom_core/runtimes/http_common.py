"""Shared plumbing of the HTTP providers: error mapping, timeouts and stream line readers.

Every HTTP provider turns transport and status failures into `RuntimeError_` with the same
stable codes, so the registry's retry rule (transient errors only, only before the first
chunk) is one rule for all of them. Streams are consumed inside `async with client.stream()`,
so cancelling the consumer exits the block and closes the upstream connection.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, cast

import httpx

from venom_core.core.masking import mask_text, mask_url
from venom_core.runtimes.base import RuntimeError_

# HTTP statuses worth retrying (before the first chunk only): rate limits and overloads.
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


def timeout(connect: float, first_chunk: float) -> httpx.Timeout:
    """`read` bounds each wait on the socket: the time to the first byte and between chunks."""
    return httpx.Timeout(connect=connect, read=first_chunk, write=connect, pool=connect)


def upstream_reason(body: str, limit: int = 160) -> str:
    """A short, secret-masked reason from an upstream error body, never the body itself.

    Upstream bodies can echo what was sent (a 401 may quote the API key), so only the error's own
    message field is kept (`error.message`, `message`, `detail` or a string `error`), trimmed to
    `limit` characters; a body that is not JSON gives at most its first line, trimmed the same way.
    """
    reason = ""
    try:
        value: Any = json.loads(body)
    except (json.JSONDecodeError, ValueError):
        value = None
    if isinstance(value, dict):
        err = value.get("error")
        candidates = [err.get("message") if isinstance(err, dict) else err, value.get("message"), value.get("detail")]
        reason = next((c for c in candidates if isinstance(c, str) and c.strip()), "")
    elif value is None and body.strip() and not body.lstrip().startswith("<"):  # skip HTML error pages
        reason = body.strip().splitlines()[0]
    reason = mask_text(" ".join(reason.split()))
    return reason if len(reason) <= limit else reason[: limit - 1].rstrip() + "…"


def status_error(provider: str, status: int, body: str) -> RuntimeError_:
    reason = upstream_reason(body)
    message = f"{provider} answered HTTP {status}" + (f": {reason}" if reason else ".")
    if status in (401, 403):
        message += " Check the API key for this provider."
    elif status == 404:
        message += " The model or endpoint does not exist on that server."
    return RuntimeError_("llm_http_error", message, retryable=status in TRANSIENT_STATUSES, status=status)


def transport_error(provider: str, endpoint: str, exc: Exception) -> RuntimeError_:
    endpoint = mask_url(endpoint)
    if isinstance(exc, httpx.TimeoutException | asyncio.TimeoutError):
        return RuntimeError_(
            "llm_timeout",
            f"{provider} at {endpoint} did not answer in time ({type(exc).__name__}).",
            retryable=True,
        )
    return RuntimeError_(
        "llm_connection_error",
        f"Cannot reach {provider} at {endpoint} ({type(exc).__name__}: {mask_text(str(exc))[:200]}). "
        "Start that server or change its endpoint in the settings.",
        retryable=True,
    )


async def raise_for_status(provider: str, response: httpx.Response) -> None:
    if response.status_code >= 400:
        body = (await response.aread()).decode(errors="replace")
        raise status_error(provider, response.status_code, body)


async def ndjson_lines(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """Ollama's stream format: one JSON object per line."""
    async for line in response.aiter_lines():
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise RuntimeError_("llm_protocol_error", f"Malformed stream line: {line[:200]}") from exc


async def sse_events(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    """Server-sent events as `(event, data)`; the event name is "" when the server sends none."""
    event, data = "", cast(list[str], [])
    async for line in response.aiter_lines():
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "", cast(list[str], [])
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if data:
        yield event, "\n".join(data)


def stream_cut(provider: str) -> RuntimeError_:
    """The server closed the stream before saying it was done."""
    return RuntimeError_(
        "llm_stream_interrupted", f"{provider} closed the stream before the answer was complete.", retryable=True
    )
