"""Ollama's native API: `/api/chat` (NDJSON stream), `/api/tags`, `/api/show` and `/api/pull`.

The native API (rather than Ollama's OpenAI shim) is what carries the tuning `options`
(`num_ctx`, `num_parallel`, ...) and `keep_alive`, which come from VENOM_OLLAMA_PROFILE with
the OLLAMA_* overrides (see `ollama_profiles`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx

from venom_core.runtimes.base import ChatMessage, Chunk, GenerationParams, Health, ModelInfo, RuntimeError_
from venom_core.runtimes.http_common import (
    ndjson_lines,
    raise_for_status,
    stream_cut,
    timeout,
    transport_error,
)
from venom_core.runtimes.ollama_profiles import native_base
from venom_core.runtimes.tool_wire import from_ollama, ollama_messages

USAGE_KEYS = ("prompt_eval_count", "eval_count", "load_duration", "prompt_eval_duration", "eval_duration")


def chat_body(messages: list[ChatMessage], params: GenerationParams, model: str,
              options: dict[str, Any], keep_alive: str) -> dict[str, Any]:
    opts = dict(options)
    if params.max_tokens is not None:
        opts["num_predict"] = params.max_tokens  # the reference maps max_tokens -> num_predict
    if params.context_length is not None:
        opts["num_ctx"] = params.context_length  # a model's default; the profile's otherwise
    for key in ("temperature", "top_p", "stop"):
        value = getattr(params, key)
        if value is not None:
            opts[key] = value
    opts.update(params.extra.get("options", {}))
    if "repeat_penalty" in params.extra:
        opts["repeat_penalty"] = params.extra["repeat_penalty"]
    body: dict[str, Any] = {
        "model": model,
        "messages": ollama_messages(messages),
        "stream": True,
        "options": opts,
        "keep_alive": keep_alive,
    }
    if params.json_schema is not None:
        body["format"] = params.json_schema
    if params.tools:
        body["tools"] = params.tools
    return body


class OllamaProvider:
    def __init__(self, *, endpoint: str, model: str, options: dict[str, Any], keep_alive: str,
                 connect_timeout: float = 5.0, first_chunk_timeout: float = 60.0):
        self.name = "ollama"
        self.model = model
        self.endpoint = native_base(endpoint)
        self.options = options
        self.keep_alive = keep_alive
        self._client = httpx.AsyncClient(base_url=self.endpoint, timeout=timeout(connect_timeout, first_chunk_timeout))

    async def stream(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> AsyncIterator[Chunk]:
        body = chat_body(messages, params, model or self.model, self.options, self.keep_alive)
        done = False
        try:
            async with self._client.stream("POST", "/api/chat", json=body) as response:
                await raise_for_status(self.name, response)
                async for item in ndjson_lines(response):
                    if "error" in item:
                        raise RuntimeError_("llm_http_error", f"ollama reported an error mid-stream: {item['error']}")
                    message = item.get("message") or {}
                    if item.get("done"):
                        done = True
                        usage: dict[str, Any] = {k: item[k] for k in USAGE_KEYS if k in item}
                        yield Chunk(text=message.get("content") or "",
                                    tool_calls=from_ollama(message.get("tool_calls")),
                                    finish_reason=item.get("done_reason") or "stop", usage=usage or None)
                        break
                    yield Chunk(text=message.get("content") or "", tool_calls=from_ollama(message.get("tool_calls")))
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        if not done:
            raise stream_cut(self.name)

    async def complete(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> str:
        return "".join([c.text async for c in self.stream(messages, params, model=model)])

    async def list_models(self) -> list[ModelInfo]:
        try:
            response = await self._client.get("/api/tags")
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        await raise_for_status(self.name, response)
        loaded = await self.loaded()
        infos = []
        for m in response.json().get("models") or []:
            name = str(m.get("name") or m.get("model"))
            details = {**(m.get("details") or {}), **({} if loaded is None else {"loaded": name in loaded})}
            infos.append(ModelInfo(name=name, provider=self.name, size_bytes=m.get("size"), details=details))
        return infos

    async def loaded(self) -> set[str] | None:
        """Models Ollama holds in memory now (`GET /api/ps`); None when it cannot tell (an older server)."""
        try:
            response = await self._client.get("/api/ps", timeout=5.0)
        except httpx.HTTPError:
            return None
        if response.status_code >= 400:
            return None
        return {str(m.get("name") or m.get("model")) for m in response.json().get("models") or []}

    async def unload(self, model: str) -> None:
        """Free the model's memory now: Ollama's documented unload, a generate with `keep_alive: 0`."""
        try:
            response = await self._client.post("/api/generate", json={"model": model, "keep_alive": 0})
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        if response.status_code == 404:
            raise RuntimeError_("model_not_found", f"Ollama has no model named {model}; GET /api/v1/models lists them.")
        await raise_for_status(self.name, response)

    async def show(self, model: str) -> dict[str, Any]:
        try:
            response = await self._client.post("/api/show", json={"model": model})
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        await raise_for_status(self.name, response)
        data: dict[str, Any] = response.json()
        return data

    async def pull(self, model: str, *, load_timeout: float) -> AsyncIterator[dict[str, Any]]:
        """Progress lines of `/api/pull` (`status`, `total`, `completed`); ends after `success`."""
        try:
            async with self._client.stream("POST", "/api/pull", json={"model": model, "stream": True},
                                           timeout=httpx.Timeout(load_timeout, connect=5.0)) as response:
                await raise_for_status(self.name, response)
                async for item in ndjson_lines(response):
                    if "error" in item:
                        raise RuntimeError_("model_install_failed", f"ollama could not pull {model}: {item['error']}",
                                            retryable=True)
                    yield item
                    if item.get("status") == "success":
                        return
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        raise stream_cut(self.name)

    async def delete(self, model: str) -> bool:
        """`DELETE /api/delete`; False when Ollama does not have the model (its 404)."""
        try:
            response = await self._client.request("DELETE", "/api/delete", json={"model": model})
        except httpx.HTTPError as exc:
            raise transport_error(self.name, self.endpoint, exc) from exc
        if response.status_code == 404:
            return False
        await raise_for_status(self.name, response)
        return True

    async def health(self) -> Health:
        t0 = time.perf_counter()
        try:
            response = await self._client.get("/api/tags", timeout=5.0)
        except httpx.HTTPError as exc:
            return Health("offline", transport_error(self.name, self.endpoint, exc).message +
                          " (for Ollama: run `ollama serve`)")
        latency = round((time.perf_counter() - t0) * 1000, 3)
        if response.status_code >= 400:
            return Health("error", f"{self.endpoint}/api/tags answered HTTP {response.status_code}", latency)
        return Health("ready", f"{self.endpoint} is online", latency)

    async def close(self) -> None:
        await self._client.aclose()
