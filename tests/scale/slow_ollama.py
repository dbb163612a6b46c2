"""TEST DOUBLE (not a product feature): a slow model speaking the Ollama protocol, to hold a task
running while a test acts on it from another process.

`GET /api/tags`, `GET /api/ps`, `POST /api/show` and `POST /api/chat` (NDJSON stream), as the
Ollama runtime calls them. How a chat answers is set by the test (`SlowOllama.mode`):
- `hold`: nothing is sent, not even the status line, until `release()` or the client hangs up,
  so the task stays PROCESSING with nothing streamed (a re-run is then safe);
- `stream`: `pieces` tokens, `delay` seconds apart (the task has streamed).
Every chat request is recorded (`calls`) with whether the client hung up before the end: that is
how a test sees that an abort closed the upstream request.
"""

from __future__ import annotations

import http.server
import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

MODEL = "slow:1b"


@dataclass
class Call:
    prompt: str
    hung_up: bool = False
    done: bool = False


@dataclass
class SlowOllama:
    port: int = 0
    mode: str = "stream"
    pieces: int = 3
    delay: float = 0.0
    calls: list[Call] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def release(self) -> None:
        self.released.set()

    def fast(self) -> None:
        self.mode, self.pieces, self.delay = "stream", 3, 0.0
        self.release()

    def wait_calls(self, n: int, timeout: float = 60) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(self.calls) < n:
            assert time.monotonic() < deadline, f"{len(self.calls)} model call(s), expected {n}"
            time.sleep(0.05)
        return self.calls


def _gone(sock: socket.socket) -> bool:
    """True when the client closed its end (readable with no data)."""
    readable, _, _ = select.select([sock], [], [], 0.05)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _handler(model: SlowOllama) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _json(self, body: Any, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/api/tags":
                self._json({"models": [{"name": MODEL, "model": MODEL, "size": 1, "details": {}}]})
            elif self.path == "/api/ps":
                self._json({"models": [{"name": MODEL, "model": MODEL, "size": 1}]})
            else:
                self._json({"error": "not found"}, 404)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if self.path == "/api/show":
                self._json({"modelfile": f"FROM {MODEL}", "details": {}, "model_info": {"context_length": 4096}})
            elif self.path == "/api/chat":
                self._chat(body)
            else:
                self._json({"error": "not found"}, 404)

        def _chat(self, body: dict[str, Any]) -> None:
            messages = body.get("messages") or [{}]
            call = Call(prompt=str(messages[-1].get("content", "")))
            model.calls.append(call)
            if model.mode == "hold":
                while not model.released.wait(0.05):
                    if _gone(self.connection):
                        call.hung_up = True
                        return
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.end_headers()
            try:
                for n in range(model.pieces):
                    line = {"model": MODEL, "message": {"role": "assistant", "content": f"word{n} "}, "done": False}
                    self.wfile.write(json.dumps(line).encode() + b"\n")
                    self.wfile.flush()
                    if model.delay and _gone_within(self.connection, model.delay):
                        call.hung_up = True
                        return
                end = {"model": MODEL, "message": {"role": "assistant", "content": ""}, "done": True,
                       "done_reason": "stop", "eval_count": model.pieces, "prompt_eval_count": 1}
                self.wfile.write(json.dumps(end).encode() + b"\n")
                call.done = True
            except OSError:
                call.hung_up = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _gone_within(sock: socket.socket, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _gone(sock):
            return True
    return False


@contextmanager
def slow_ollama() -> Iterator[SlowOllama]:
    model = SlowOllama()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
    server.daemon_threads = True
    model.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield model
    finally:
        model.release()
        server.shutdown()
        server.server_close()
