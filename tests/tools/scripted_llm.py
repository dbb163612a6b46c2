"""TEST DOUBLE (not a product feature): a scripted OpenAI-compatible chat server that calls tools.

No model that chooses tools reliably runs on the build machines, so the tool loop is tested against
this server. It speaks the streaming chat-completions protocol (`POST /v1/chat/completions`, SSE
`data:` chunks, `data: [DONE]`) and `GET /v1/models`, on loopback, in a thread of the test process.

The script (`POST /_control/script`): `{"name": <function name>, "arguments": {...}, "repeat": bool}`.
- A request that offers `tools` and whose last message is not a tool result gets that call, streamed
  the way OpenAI streams it: the id and name first, then the arguments in several fragments.
- A request whose last message is a tool result gets the text `TOOL RESULT: <result>` (or, with
  `repeat`, the same call again while the request still offers tools).
- A request without `tools` gets `PLAIN ANSWER`.
`GET /_control/log` lists every chat request body; `POST /_control/reset` clears the log and script.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from tests.conftest import free_port

MODEL = "scripted"


def _chunk(delta: dict[str, Any], finish: str | None = None) -> str:
    body = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()), "model": MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body)}\n\n"


class Script:
    def __init__(self) -> None:
        self.log: list[dict[str, Any]] = []
        self.script: dict[str, Any] = {}
        self.calls = 0

    def reply(self, body: dict[str, Any]) -> list[str]:
        messages = body.get("messages") or []
        last = messages[-1] if messages else {}
        offers = bool(body.get("tools"))
        name = self.script.get("name")
        if offers and name and (last.get("role") != "tool" or self.script.get("repeat")):
            self.calls += 1
            args = json.dumps(self.script.get("arguments") or {})
            third = max(1, len(args) // 3)
            pieces = [args[:third], args[third:2 * third], args[2 * third:]]
            out = [_chunk({"role": "assistant", "content": None, "tool_calls": [
                {"index": 0, "id": f"call_{self.calls}", "type": "function",
                 "function": {"name": name, "arguments": ""}}]})]
            out += [_chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in pieces if p]
            out.append(_chunk({}, "tool_calls"))
            return out
        text = f"TOOL RESULT: {last.get('content')}" if last.get("role") == "tool" else "PLAIN ANSWER"
        words = text.split(" ")
        out = [_chunk({"role": "assistant", "content": ""})]
        out += [_chunk({"content": w + (" " if i < len(words) - 1 else "")}) for i, w in enumerate(words)]
        out.append(_chunk({}, "stop"))
        return out


def build_app(script: Script) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "tests"}]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> StreamingResponse:
        body = await request.json()
        script.log.append(body)
        frames = script.reply(body)

        async def gen() -> AsyncIterator[str]:
            for frame in frames:
                yield frame
                await asyncio.sleep(0)
            yield "data: [DONE]\n\n"

        return StreamingResponse(gen(), media_type="text/event-stream")

    @app.post("/_control/script")
    async def set_script(request: Request) -> dict[str, Any]:
        script.script = await request.json()
        return script.script

    @app.get("/_control/log")
    async def log() -> list[dict[str, Any]]:
        return script.log

    @app.post("/_control/reset")
    async def reset() -> dict[str, bool]:
        script.log.clear()
        script.script = {}
        script.calls = 0
        return {"ok": True}

    return app


class ScriptedLlm:
    """The server in a daemon thread; `url` is its root (Venom adds `/v1`)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.script = Script()
        config = uvicorn.Config(build_app(self.script), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the scripted LLM server did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve() -> Iterator[ScriptedLlm]:
    srv = ScriptedLlm()
    srv.start()
    yield srv
    srv.stop()
