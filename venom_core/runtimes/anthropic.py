"""Anthropic's Messages API (`POST /v1/messages`, SSE), spoken with httpx.

Anthropic's native protocol differs from OpenAI's: the system prompt is a top-level field,
`max_tokens` is required, and text arrives as `content_block_delta` events ending with
`message_stop`. We speak it directly rather than through the SDK so that cancellation and
error mapping behave exactly like the other HTTP providers.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx

from venom_core.runtimes.base import ChatMessage, Chunk, GenerationParams, Health, ModelInfo, RuntimeError_
from venom_core.runtimes.http_common import raise_for_status, sse_events, stream_cut, timeout, transport_error

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024


def _turns(messages: list[ChatMessage]) -> list[dict[str, Any]]:
    """The Messages API's turns: a tool call is a `tool_use` block of the assistant's turn, its result a
    `tool_result` block of the next user turn (the results of one step share that turn)."""
    turns: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "system":
            continue
        if m.role == "tool":
            block = {"type": "tool_result", "tool_use_id": m.tool_call_id or "", "content": m.content}
            if turns and turns[-1]["role"] == "user" and isinstance(turns[-1]["content"], list):
                turns[-1]["content"].append(block)
            else:
                turns.append({"role": "user", "content": [block]})
        elif m.tool_calls:
            blocks: list[dict[str, Any]] = [{"type": "text", "text": m.content}] if m.content else []
            for call in m.tool_calls:
                fn = call.get("function") or {}
                try:
                    args = json.loads(fn.get("arguments") or "{}")
                except json.JSONDecodeError:
                    args = {}
                blocks.append({"type": "tool_use", "id": call.get("id", ""), "name": fn.get("name", ""),
                               "input": args if isinstance(args, dict) else {}})
            turns.append({"role": "assistant", "content": blocks})
        else:
            turns.append({"role": "assistant" if m.role == "assistant" else "user", "content": m.content})
    return turns


def request_body(messages: list[ChatMessage], params: GenerationParams, model: str) -> dict[str, Any]:
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    turns = _turns(messages)
    body: dict[str, Any] = {"model": model, "messages": turns, "stream": True,
                            "max_tokens": params.max_tokens or DEFAULT_MAX_TOKENS}
    if system:
        body["system"] = system
    if params.temperature is not None:
        body["temperature"] = params.temperature
    if params.top_p is not None:
        body["top_p"] = params.top_p
    if params.stop:
        body["stop_sequences"] = params.stop
    if params.json_schema is not None:
        # The Messages API has no response_format: ask for the schema as a forced tool input.
        body["tools"] = [{"name": "output", "description": "Return the answer.", "input_schema": params.json_schema}]
        body["tool_choice"] = {"type": "tool", "name": "output"}
    elif params.tools:
        body["tools"] = [{"name": t["function"]["name"], "description": t["function"].get("description", ""),
                          "input_schema": t["function"].get("parameters") or {"type": "object"}}
                         for t in params.tools if t.get("type") == "function"]
        choice = params.tool_choice
        if isinstance(choice, dict) and (choice.get("function") or {}).get("name"):
            body["tool_choice"] = {"type": "tool", "name": choice["function"]["name"]}
    return body


class ToolUses:
    """The `tool_use` blocks of one streamed answer, joined into whole calls (OpenAI shape)."""

    def __init__(self) -> None:
        self.blocks: dict[int, dict[str, Any]] = {}

    def start(self, payload: dict[str, Any]) -> bool:
        block = payload.get("content_block") or {}
        if block.get("type") != "tool_use" or block.get("name") == "output":
            return False
        self.blocks[int(payload.get("index", 0))] = {"id": str(block.get("id", "")), "name": str(block.get("name")),
                                                     "json": ""}
        return True

    def feed(self, payload: dict[str, Any]) -> bool:
        block = self.blocks.get(int(payload.get("index", 0)))
        if block is None:
            return False
        block["json"] += (payload.get("delta") or {}).get("partial_json") or ""
        return True

    def take(self) -> list[dict[str, Any]] | None:
        calls = [{"id": b["id"], "type": "function", "function": {"name": b["name"], "arguments": b["json"] or "{}"}}
                 for _, b in sorted(self.blocks.items())]
        self.blocks = {}
        return calls or None


class AnthropicProvider:
    def __init__(self, *, endpoint: str, model: str, api_key: str, connect_timeout: float = 5.0,
                 first_chunk_timeout: float = 60.0):
        self.name = "anthropic"
        self.model = model
        self.endpoint = endpoint.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=self.endpoint,
            headers={"x-api-key": api_key, "anthropic-version": API_VERSION},
            timeout=timeout(connect_timeout, first_chunk_timeout),
        )

    async def stream(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> AsyncIterator[Chunk]:
        body = request_body(messages, params, model or self.model)
        done = False
        uses = ToolUses()
        try:
            async with self._client.stream("POST", "/v1/messages", json=body) as response:
                await raise_for_status(self.name, response)
                async for event, data in sse_events(response):
                    payload = json.loads(data) if data else {}
                    kind = event or payload.get("type", "")
                    if kind == "error":
                        err = payload.get("error") or {}
                        raise RuntimeError_("llm_http_error", f"anthropic reported an error mid-stream: "
                                                              f"{err.get('message', data[:200])}")
                    if kind == "message_start":  # input tokens come first, output tokens in message_delta
                        usage = (payload.get("message") or {}).get("usage")
                        if usage:
                            yield Chunk(usage=usage)
                    elif kind == "content_block_start":
                        uses.start(payload)
                    elif kind == "content_block_delta":
                        if uses.feed(payload):  # a tool call's arguments, not answer text
                            continue
                        delta = payload.get("delta") or {}
                        text = delta.get("text") or delta.get("partial_json") or ""
                        if text:
                            yield Chunk(text=text)
                    elif kind == "message_delta":
                        yield Chunk(finish_reason=(payload.get("delta") or {}).get("stop_reason"),
                                    usage=payload.get("usage"), tool_calls=uses.take())
                    elif kind == "message_stop":
                        done = True
                        break
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        except json.JSONDecodeError as exc:
            raise RuntimeError_("llm_protocol_error", "anthropic sent a malformed event.") from exc
        if not done:
            raise stream_cut(self.name)

    async def complete(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> str:
        return "".join([c.text async for c in self.stream(messages, params, model=model)])

    async def list_models(self) -> list[ModelInfo]:
        try:
            response = await self._client.get("/v1/models")
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        await raise_for_status(self.name, response)
        return [ModelInfo(name=str(m["id"]), provider=self.name, details={"display_name": m.get("display_name")})
                for m in response.json().get("data") or [] if m.get("id")]

    async def health(self) -> Health:
        t0 = time.perf_counter()
        try:
            response = await self._client.get("/v1/models", timeout=5.0)
        except httpx.HTTPError as exc:
            return Health("offline", transport_error(self.name, self.endpoint, exc).message)
        latency = round((time.perf_counter() - t0) * 1000, 3)
        return Health("ready" if response.status_code < 400 else "error",
                      f"{self.endpoint} answered HTTP {response.status_code}", latency)

    async def close(self) -> None:
        await self._client.aclose()
