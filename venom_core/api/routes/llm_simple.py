"""`POST /api/v1/llm/simple/stream`: direct chat with the model, no orchestrator, as SSE.

Events: `start {request_id, provider, model}`, then `content {text}` per chunk (and
`tool_calls {tool_calls}` when tools were given), then `done` (with the call's token `usage`) or
`error {code, message}`.
It adds as little as possible on top of the runtime: the routing decision is computed once,
and each chunk is written as soon as it arrives. A client that disconnects cancels the
generator, which closes the upstream request or stops the model.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from loguru import logger
from pydantic import BaseModel, ConfigDict, Field, field_validator

from venom_core.api.errors import error_responses
from venom_core.api.json_fields import LIMITS_TEXT, JsonObject, JsonObjectList, ShortText
from venom_core.api.routes.llm_runtime import RuntimesDep, api_error
from venom_core.api.schemas import FORCED_PROVIDERS
from venom_core.api.usage_models import CallUsageView, usage_view
from venom_core.runtimes.base import ChatMessage, GenerationParams, RuntimeError_
from venom_core.runtimes.registry import RuntimeRegistry
from venom_core.runtimes.response_format import DESCRIPTION as RESPONSE_FORMAT_HELP
from venom_core.runtimes.response_format import schema_of
from venom_core.runtimes.usage import CallUsage

router = APIRouter(prefix="/api/v1/llm", tags=["llm"])

SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "Server-sent events: `start`, `content {text}`, `tool_calls`, `done`, "
                         "`error {code, message}`.",
          "content": {"text/event-stream": {"schema": {
              "type": "object",
              "required": ["event", "data"],
              "properties": {
                  "event": {"enum": ["start", "content", "tool_calls", "done", "error"]},
                  "data": {"type": "string", "contentMediaType": "application/json"},
              },
          }}}},
}


class SimpleStreamRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    content: str = Field(min_length=1, max_length=50_000)
    model: str | None = Field(default=None, max_length=256)
    provider: str | None = Field(default=None, description=f"Force a runtime: {', '.join(FORCED_PROVIDERS)}.")
    max_tokens: int | None = Field(default=None, ge=1, le=32_768)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    response_format: JsonObject | None = Field(default=None, description=f"{RESPONSE_FORMAT_HELP} {LIMITS_TEXT}")
    tools: JsonObjectList | None = Field(default=None, max_length=64,
                                         description=f"OpenAI-style tool definitions (tool-call output). {LIMITS_TEXT}")
    tool_choice: JsonObject | ShortText | None = None
    session_id: str | None = Field(default=None, max_length=128)
    sensitive: bool = False

    @field_validator("provider")
    @classmethod
    def _known(cls, v: str | None) -> str | None:
        if v is None:
            return None
        key = v.lstrip("@/").lower()
        if key not in FORCED_PROVIDERS:
            raise ValueError(f"unknown provider '{v}'; allowed values: {', '.join(FORCED_PROVIDERS)}")
        return FORCED_PROVIDERS[key]

    @field_validator("response_format")
    @classmethod
    def _valid_format(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        schema_of(v)
        return v

    def json_schema(self) -> dict[str, Any] | None:
        return schema_of(self.response_format)


def frame(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


async def frames(registry: RuntimeRegistry, body: SimpleStreamRequest, request_id: str,
                 provider: str, model: str) -> AsyncIterator[bytes]:
    params = GenerationParams(max_tokens=body.max_tokens, temperature=body.temperature, top_p=body.top_p,
                              json_schema=body.json_schema(), tools=body.tools, tool_choice=body.tool_choice)
    t0 = time.perf_counter()
    yield frame("start", {"request_id": request_id, "provider": provider, "model": model,
                          "session_id": body.session_id})
    first_ms: float | None = None
    chunks = 0
    calls: list[CallUsage] = []
    try:
        async for chunk in registry.stream_chat([ChatMessage("user", body.content)], params,
                                                forced_provider=body.provider, sensitive=body.sensitive,
                                                model=body.model, on_usage=calls.append):
            if chunk.text:
                if first_ms is None:
                    first_ms = round((time.perf_counter() - t0) * 1000, 3)
                chunks += 1
                yield frame("content", {"text": chunk.text})
            if chunk.tool_calls:
                yield frame("tool_calls", {"tool_calls": chunk.tool_calls})
    except RuntimeError_ as exc:
        yield frame("error", {"code": exc.code, "message": exc.message})
        return
    except Exception:  # the response has started: report it in-band, never as a broken stream
        logger.exception("direct stream {} failed", request_id)
        yield frame("error", {"code": "internal_error",
                              "message": "Venom hit an unexpected error; see the server log."})
        return
    yield frame("done", {"request_id": request_id, "chunks": chunks, "first_token_ms": first_ms,
                         "elapsed_ms": round((time.perf_counter() - t0) * 1000, 3),
                         "usage": usage_view([CallUsageView(**c.as_dict()) for c in calls]).model_dump()})


@router.post("/simple/stream", response_class=StreamingResponse,
             responses={**SSE_RESPONSE, **error_responses(400, 403, 404, 422, 503)})
async def simple_stream(body: SimpleStreamRequest, registry: RuntimesDep) -> StreamingResponse:
    """Direct chat as SSE. 503 when no runtime may answer, 400 when the forced runtime is not allowed,
    403 `autonomy_denied` when the autonomy level does not grant the paid cloud it needs."""
    try:
        decision = registry.decide(body.content, forced_provider=body.provider, sensitive=body.sensitive)
    except RuntimeError_ as exc:
        raise api_error(exc) from None
    request_id = uuid.uuid4().hex
    model = body.model or decision.model
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Request-Id": request_id,
               # Headers are latin-1: echo the session id percent-encoded, whatever the client sent.
               **({"X-Session-Id": quote(body.session_id, safe="-_.:@")} if body.session_id else {})}
    return StreamingResponse(frames(registry, body, request_id, decision.provider, model),
                             media_type="text/event-stream", headers=headers)
