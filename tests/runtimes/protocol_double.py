"""TEST DOUBLE (not a product feature): an HTTP server speaking the Ollama, OpenAI and Anthropic
wire protocols, answering with the embedded llama.cpp engine, with injectable faults.

No Ollama server or cloud API can run on the build machines, so the providers are tested
against this server. It follows the documented formats:
- Ollama: `GET /api/tags`, `POST /api/show`, `POST /api/chat` (NDJSON stream), `POST /api/pull`,
  `GET /api/ps` (models in memory) and `POST /api/generate` with `keep_alive: 0` (unload).
- OpenAI (and Gemini's OpenAI-compatible endpoint under `/v1beta/openai`): `GET /models`,
  `POST /chat/completions` (SSE `data:` chunks, then `data: [DONE]`), bearer key required.
- Anthropic: `GET /v1/models`, `POST /v1/messages` (SSE `message_start` ... `message_stop`),
  `x-api-key` required.

Faults are queued with `POST /_control/faults` and consumed one per chat request:
`{"kind": "status", "status": 429}` (with `"echo_key": true` the body quotes the key it was sent),
`{"kind": "hang", "seconds": 30}` (before any byte),
`{"kind": "drop_after", "chunks": 2}` (cut the connection mid-stream), and
`{"kind": "slow", "pieces": 400, "delay": 0.05}` (a long, slow answer). `GET /_control/log`
lists every chat request with its body and whether the client hung up before the end.
`POST /_control/usage {"prompt_tokens": P, "completion_tokens": C}` makes every later answer report
those counts in each protocol's own fields (until reset), so usage accounting can be checked exactly.

Run: `python -m tests.runtimes.protocol_double --port N --model FILE.gguf`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

API_KEY = "test-key"
CHAT_MODEL = "smollm2:135m"


class Engine:
    """The embedded engine, one generation at a time."""

    def __init__(self, model_path: str):
        from llama_cpp import Llama

        self.llm = Llama(model_path=model_path, n_ctx=2048, n_threads=1, n_threads_batch=1,
                         verbose=False)
        self.lock = threading.Lock()

    def answer(self, messages: list[dict[str, Any]], max_tokens: int, temperature: float,
               schema: dict[str, Any] | None) -> list[str]:
        """The answer as a list of token pieces."""
        kw: dict[str, Any] = {"max_tokens": max_tokens, "temperature": temperature, "repeat_penalty": 1.1}
        if schema is not None:
            kw["response_format"] = {"type": "json_object", "schema": schema}
        msgs = [{"role": m["role"], "content": m["content"] if isinstance(m["content"], str)
                 else " ".join(p.get("text", "") for p in m["content"])} for m in messages]
        with self.lock:
            parts = [c["choices"][0]["delta"].get("content") or ""
                     for c in self.llm.create_chat_completion(messages=msgs, stream=True, **kw)]
        return [p for p in parts if p]


class Double:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.faults: list[dict[str, Any]] = []
        self.log: list[dict[str, Any]] = []
        self.models = [CHAT_MODEL]
        self.loaded: set[str] = set()  # models "in memory": answered a chat since the last unload
        self.usage: dict[str, int] | None = None

    def take_fault(self) -> dict[str, Any]:
        return self.faults.pop(0) if self.faults else {}

    async def pieces(self, fault: dict[str, Any], messages: list[dict[str, Any]], max_tokens: int,
                     temperature: float, schema: dict[str, Any] | None) -> list[str]:
        if fault.get("kind") == "slow":
            return ["tick "] * int(fault.get("pieces", 400))
        return await asyncio.to_thread(self.engine.answer, messages, max_tokens, temperature, schema)

    async def stream(self, entry: dict[str, Any], fault: dict[str, Any], pieces: list[str],
                     render: Any, trailer: list[bytes]) -> AsyncIterator[bytes]:
        """Yield rendered pieces, honouring `slow` and `drop_after`, and log whether the client left."""
        delay = float(fault.get("delay", 0.0)) if fault.get("kind") == "slow" else 0.0
        drop_after = int(fault["chunks"]) if fault.get("kind") == "drop_after" else None
        try:
            for i, piece in enumerate(pieces):
                if drop_after is not None and i >= drop_after:
                    entry["dropped"] = True
                    raise ConnectionAbortedError("test double: dropping the connection mid-stream")
                yield render(piece)
                entry["chunks_sent"] = i + 1
                if delay:
                    await asyncio.sleep(delay)
            for t in trailer:
                yield t
            entry["completed"] = True
        finally:
            entry["closed_at"] = time.time()
            entry["client_left"] = not entry.get("completed") and not entry.get("dropped")


def make_app(double: Double) -> FastAPI:
    app = FastAPI()

    async def begin(request: Request, protocol: str) -> tuple[dict[str, Any], dict[str, Any], Response | None]:
        body = await request.json()
        entry = {"protocol": protocol, "path": request.url.path, "body": body, "at": time.time(),
                 "headers": {k: v for k, v in request.headers.items() if k in ("authorization", "x-api-key")}}
        double.log.append(entry)
        fault = double.take_fault()
        entry["fault"] = fault
        if fault.get("kind") == "hang":
            await asyncio.sleep(float(fault.get("seconds", 30)))
        if fault.get("kind") == "status":
            status = int(fault["status"])
            if fault.get("echo_key"):  # like a real 401: the body quotes the credentials it was sent
                sent = " ".join(entry["headers"].values())
                return entry, fault, JSONResponse({"error": {"message": f"Incorrect API key provided: {sent}"},
                                                   "request_headers": entry["headers"]}, status_code=status)
            return entry, fault, JSONResponse({"error": {"message": f"injected {status}"}}, status_code=status)
        return entry, fault, None

    # -- control ---------------------------------------------------------------------------------
    @app.post("/_control/faults")
    async def add_faults(request: Request) -> dict[str, Any]:
        double.faults.extend((await request.json())["faults"])
        return {"queued": len(double.faults)}

    @app.post("/_control/reset")
    async def reset() -> dict[str, Any]:
        double.faults.clear()
        double.log.clear()
        double.models = [CHAT_MODEL]
        double.loaded.clear()
        double.usage = None
        return {"ok": True}

    @app.post("/_control/usage")
    async def set_usage(request: Request) -> dict[str, Any]:
        double.usage = await request.json()
        return {"ok": True}

    @app.get("/_control/log")
    async def get_log() -> list[dict[str, Any]]:
        return double.log

    # -- Ollama ----------------------------------------------------------------------------------
    @app.get("/api/tags")
    async def tags() -> dict[str, Any]:
        return {"models": [{"name": m, "model": m, "size": 98_000_000, "digest": uuid.uuid5(uuid.NAMESPACE_URL, m).hex,
                            "details": {"format": "gguf", "family": "llama", "parameter_size": "135M"}}
                           for m in double.models]}

    @app.post("/api/show")
    async def show(request: Request) -> Response:
        name = (await request.json()).get("model")
        if name not in double.models:
            return JSONResponse({"error": f"model '{name}' not found"}, status_code=404)
        return JSONResponse({"modelfile": f"FROM {name}", "parameters": "repeat_penalty 1.1",
                             "details": {"format": "gguf", "family": "llama"}, "model_info": {"context_length": 8192}})

    @app.post("/api/pull")
    async def pull(request: Request) -> Response:
        name = (await request.json()).get("model")

        async def lines() -> AsyncIterator[bytes]:
            yield b'{"status":"pulling manifest"}\n'
            for done in (0, 40, 80, 100):
                yield json.dumps({"status": f"pulling {name}", "digest": "sha256:00", "total": 100,
                                  "completed": done}).encode() + b"\n"
                await asyncio.sleep(0.05)
            yield b'{"status":"verifying sha256 digest"}\n{"status":"writing manifest"}\n'
            if name not in double.models:
                double.models.append(name)
            yield b'{"status":"success"}\n'

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.delete("/api/delete")
    async def delete(request: Request) -> Response:
        name = (await request.json()).get("model")
        if name not in double.models:
            return JSONResponse({"error": f"model '{name}' not found"}, status_code=404)
        double.models.remove(name)
        return Response(status_code=200)

    @app.get("/api/ps")
    async def running() -> dict[str, Any]:
        return {"models": [{"name": m, "model": m, "size": 98_000_000} for m in sorted(double.loaded)]}

    @app.post("/api/generate")
    async def generate(request: Request) -> Response:
        body = await request.json()  # only the unload form: no prompt, `keep_alive: 0`
        name = body.get("model")
        if name not in double.models:
            return JSONResponse({"error": f"model '{name}' not found"}, status_code=404)
        if body.get("prompt") or body.get("keep_alive") != 0:
            return JSONResponse({"error": "the test double only unloads"}, status_code=400)
        double.loaded.discard(name)
        return JSONResponse({"model": name, "response": "", "done": True, "done_reason": "unload"})

    @app.post("/api/chat")
    async def ollama_chat(request: Request) -> Response:
        entry, fault, error = await begin(request, "ollama")
        if error is not None:
            return error
        body = entry["body"]
        if body.get("model") not in double.models:
            return JSONResponse({"error": f"model '{body.get('model')}' not found"}, status_code=404)
        double.loaded.add(body["model"])
        opts = body.get("options") or {}
        schema = body.get("format") if isinstance(body.get("format"), dict) else None
        pieces = await double.pieces(fault, body["messages"], int(opts.get("num_predict", 64)),
                                     float(opts.get("temperature", 0.8)), schema)

        def render(piece: str) -> bytes:
            return json.dumps({"model": body["model"], "message": {"role": "assistant", "content": piece},
                               "done": False}).encode() + b"\n"

        final = json.dumps({"model": body["model"], "message": {"role": "assistant", "content": ""}, "done": True,
                            "done_reason": "stop", "eval_count": len(pieces),
                            **({"prompt_eval_count": double.usage["prompt_tokens"],
                                "eval_count": double.usage["completion_tokens"]} if double.usage else {})}
                           ).encode() + b"\n"
        return StreamingResponse(double.stream(entry, fault, pieces, render, [final]),
                                 media_type="application/x-ndjson")

    # -- OpenAI and Gemini (OpenAI-compatible) ----------------------------------------------------
    def bearer_ok(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {API_KEY}"

    async def openai_models(request: Request) -> Response:
        if not bearer_ok(request):
            return JSONResponse({"error": {"message": "bad key"}}, status_code=401)
        return JSONResponse({"object": "list", "data": [{"id": m, "object": "model", "owned_by": "double"}
                                                        for m in ["gpt-double", "gemini-double"]]})

    async def openai_chat(request: Request) -> Response:
        if not bearer_ok(request):
            return JSONResponse({"error": {"message": "Incorrect API key"}}, status_code=401)
        entry, fault, error = await begin(request, "openai")
        if error is not None:
            return error
        body = entry["body"]
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema")
        pieces = await double.pieces(fault, body["messages"], int(body.get("max_tokens", 64)),
                                     float(body.get("temperature", 0.8)), schema)
        cid = f"chatcmpl-{uuid.uuid4().hex[:8]}"

        def render(piece: str) -> bytes:
            chunk = {"id": cid, "object": "chat.completion.chunk", "model": body["model"],
                     "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            return f"data: {json.dumps(chunk)}\n\n".encode()

        last = {"id": cid, "object": "chat.completion.chunk", "model": body["model"],
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        trailer = [f"data: {json.dumps(last)}\n\n".encode()]
        if double.usage and (body.get("stream_options") or {}).get("include_usage"):
            u = double.usage
            tail = {"id": cid, "object": "chat.completion.chunk", "choices": [],
                    "usage": {**u, "total_tokens": u["prompt_tokens"] + u["completion_tokens"]}}
            trailer.append(f"data: {json.dumps(tail)}\n\n".encode())
        return StreamingResponse(double.stream(entry, fault, pieces, render, [*trailer, b"data: [DONE]\n\n"]),
                                 media_type="text/event-stream")

    for prefix in ("/v1", "/v1beta/openai"):
        app.add_api_route(f"{prefix}/chat/completions", openai_chat, methods=["POST"])
    app.add_api_route("/v1beta/openai/models", openai_models, methods=["GET"])

    # -- Anthropic -------------------------------------------------------------------------------
    @app.get("/v1/models")
    async def models_v1(request: Request) -> Response:
        if request.headers.get("x-api-key") == API_KEY:
            return JSONResponse({"data": [{"id": "claude-double", "display_name": "Claude double"}]})
        return await openai_models(request)

    @app.post("/v1/messages")
    async def messages(request: Request) -> Response:
        if request.headers.get("x-api-key") != API_KEY or not request.headers.get("anthropic-version"):
            return JSONResponse({"type": "error", "error": {"type": "authentication_error", "message": "bad key"}},
                                status_code=401)
        entry, fault, error = await begin(request, "anthropic")
        if error is not None:
            return error
        body = entry["body"]
        msgs = ([{"role": "system", "content": body["system"]}] if body.get("system") else []) + body["messages"]
        tool = (body.get("tools") or [None])[0]
        schema = tool["input_schema"] if tool else None
        pieces = await double.pieces(fault, msgs, int(body["max_tokens"]), float(body.get("temperature", 0.8)),
                                     schema)
        kind = "input_json_delta" if tool else "text_delta"
        key = "partial_json" if tool else "text"

        def ev(name: str, data: dict[str, Any]) -> bytes:
            return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode()

        head = ev("message_start", {"message": {"id": "msg_double", "role": "assistant", "model": body["model"],
                                                **({"usage": {"input_tokens": double.usage["prompt_tokens"],
                                                              "output_tokens": 1}} if double.usage else {})}})

        def render(piece: str) -> bytes:
            prefix = head + ev("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}) \
                if render.first else b""  # type: ignore[attr-defined]
            render.first = False  # type: ignore[attr-defined]
            return prefix + ev("content_block_delta", {"index": 0, "delta": {"type": kind, key: piece}})

        render.first = True  # type: ignore[attr-defined]
        tail = [ev("content_block_stop", {"index": 0}),
                ev("message_delta", {"delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": double.usage[
                    "completion_tokens"] if double.usage else len(pieces)}}),
                ev("message_stop", {})]
        return StreamingResponse(double.stream(entry, fault, pieces, render, tail), media_type="text/event-stream")

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    app = make_app(Double(Engine(args.model)))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
