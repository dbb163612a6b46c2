"""OpenAI-compatible chat completions: llama.cpp server, vLLM, LM Studio, and OpenAI/Gemini cloud.

One client speaks the OpenAI wire protocol (`/chat/completions` with `stream: true`, SSE
`data:` lines ending in `[DONE]`, and `/models`). It backs three registry entries:
`openai_compatible` (a local server at LLM_LOCAL_ENDPOINT), `openai` (api.openai.com) and
`google` (Gemini's documented OpenAI-compatible endpoint). We use plain httpx instead of the
vendor SDKs: it is one dependency we already have, and its stream is closed when the consumer
is cancelled, which is how an aborted task stops paying for tokens.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

import httpx

from venom_core.runtimes.base import ChatMessage, Chunk, GenerationParams, Health, ModelInfo, RuntimeError_
from venom_core.runtimes.http_common import raise_for_status, sse_events, stream_cut, timeout, transport_error
from venom_core.runtimes.tool_wire import CallAccumulator, openai_message

JsonStyle = Literal["openai", "llama_cpp"]


def v1_base(endpoint: str) -> str:
    """`http://host:8001` and `http://host:8001/v1` both mean the `/v1` API root."""
    base = endpoint.rstrip("/")
    return base if base.endswith("/v1") or "/v1beta" in base else f"{base}/v1"


def request_body(
    messages: list[ChatMessage], params: GenerationParams, model: str, json_style: JsonStyle
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "messages": [openai_message(m) for m in messages],
        "stream": True,
        # Ask for the token counts as a last chunk (OpenAI, vLLM, llama.cpp's server); a server
        # that ignores it leaves the counts to be estimated (see runtimes/usage.py).
        "stream_options": {"include_usage": True},
    }
    for key in ("max_tokens", "temperature", "top_p", "stop"):
        value = getattr(params, key)
        if value is not None:
            body[key] = value
    if params.json_schema is not None:
        if json_style == "openai":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "output", "schema": params.json_schema}}
        else:  # llama.cpp's server: a JSON object constrained by the schema's grammar
            body["response_format"] = {"type": "json_object", "schema": params.json_schema}
    if params.tools:
        body["tools"] = params.tools
        if params.tool_choice is not None:
            body["tool_choice"] = params.tool_choice
    body.update(params.extra)
    return body


class OpenAICompatibleProvider:
    """A provider for any server that speaks the OpenAI chat-completions protocol."""

    def __init__(
        self, *, name: str, endpoint: str, model: str, api_key: str = "", json_style: JsonStyle = "llama_cpp",
        connect_timeout: float = 5.0, first_chunk_timeout: float = 60.0,
    ):
        self.name = name
        self.model = model
        self.endpoint = v1_base(endpoint)
        self.json_style: JsonStyle = json_style
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(
            base_url=self.endpoint, headers=headers, timeout=timeout(connect_timeout, first_chunk_timeout)
        )

    async def stream(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> AsyncIterator[Chunk]:
        body = request_body(messages, params, model or self.model, self.json_style)
        done = False
        calls = CallAccumulator()  # tool-call fragments, handed on whole with the finish reason
        try:
            async with self._client.stream("POST", "/chat/completions", json=body) as response:
                await raise_for_status(self.name, response)
                async for _event, data in sse_events(response):
                    if data.strip() == "[DONE]":
                        done = True
                        break
                    chunk = self._parse(data, calls)
                    if chunk is not None:
                        if chunk.finish_reason:
                            done = True
                        yield chunk
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        if not done:
            raise stream_cut(self.name)
        rest = calls.take()  # a server that ended with [DONE] and no finish reason
        if rest:
            yield Chunk(tool_calls=rest, finish_reason="tool_calls")

    def _parse(self, data: str, calls: CallAccumulator) -> Chunk | None:
        try:
            payload = json.loads(data)
        except json.JSONDecodeError as exc:
            raise RuntimeError_("llm_protocol_error", f"{self.name} sent a malformed event: {data[:200]}") from exc
        if "error" in payload:
            err = payload["error"]
            message = err.get("message") if isinstance(err, dict) else str(err)
            raise RuntimeError_("llm_http_error", f"{self.name} reported an error mid-stream: {message}")
        choices = payload.get("choices") or []
        if not choices:
            usage = payload.get("usage")
            return Chunk(usage=usage) if usage else None
        choice = choices[0]
        delta = choice.get("delta") or {}
        calls.feed(delta.get("tool_calls"))
        finish = choice.get("finish_reason")
        return Chunk(
            text=delta.get("content") or "",
            tool_calls=calls.take() if finish else None,
            finish_reason=finish,
            usage=payload.get("usage"),
        )

    async def complete(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> str:
        return "".join([c.text async for c in self.stream(messages, params, model=model)])

    async def list_models(self) -> list[ModelInfo]:
        try:
            response = await self._client.get("/models")
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        await raise_for_status(self.name, response)
        data = response.json().get("data") or []
        return [ModelInfo(name=str(m.get("id")), provider=self.name, details={"owned_by": m.get("owned_by")})
                for m in data if m.get("id")]

    async def health(self) -> Health:
        t0 = time.perf_counter()
        try:
            response = await self._client.get("/models", timeout=5.0)
        except httpx.HTTPError as exc:
            return Health("offline", transport_error(self.name, self.endpoint, exc).message)
        latency = round((time.perf_counter() - t0) * 1000, 3)
        if response.status_code >= 400:
            return Health("error", f"{self.endpoint}/models answered HTTP {response.status_code}", latency)
        return Health("ready", f"{self.endpoint} is online", latency)

    async def close(self) -> None:
        await self._client.aclose()
