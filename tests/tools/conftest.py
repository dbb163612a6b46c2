"""Fixtures for the tool registry and MCP tests: real MCP servers (the SDK's) and a Venom server
configured to use them. Venom runs without a model and without memory, so it boots fast."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, ServerFactory, free_port
from tests.tools.scripted_llm import ScriptedLlm, serve

DEMO = Path(__file__).resolve().parent / "servers" / "demo_server.py"
TOKEN = "venom-test-token-0123456789"
# Secrets in Venom's own environment that must never reach an MCP server process.
SECRET_ENV = {"VENOM_API_TOKEN": TOKEN, "OPENAI_API_KEY": "sk-test-never-leak-000000",
              "ANTHROPIC_API_KEY": "sk-ant-test-never-leak-00"}
FAST_ENV = {"VENOM_RUNTIME_PROFILE": "llm_off", "VENOM_MEMORY_ENABLED": "false",
            "VENOM_MCP_MAX_BACKOFF_SECONDS": "1"}


class KeptEvents:
    """The event log of a registry built without the app: it keeps what is appended."""

    def __init__(self) -> None:
        self.events: list[tuple[str | None, str]] = []

    def append(self, task_id: str | None, type: str, *, message: str = "", agent: str | None = None,
               data: dict[str, Any] | None = None, persist: bool = True) -> None:
        self.events.append((task_id, type))


def stdio_entry(*extra: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    return {"command": sys.executable, "args": [str(DEMO), *extra], "env": env or {}}


class HttpMcp:
    """The demo MCP server over streamable HTTP on a free loopback port (stop and start keep the port)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(DEMO), "--http", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the HTTP MCP server exited"
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError("the HTTP MCP server did not start")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=15)
        self.proc = None


@pytest.fixture
def http_server() -> Iterator[HttpMcp]:
    srv = HttpMcp()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def http_mcp(http_server: HttpMcp) -> str:
    return http_server.url


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLlm]:
    """The scripted OpenAI-compatible model (one per test module)."""
    yield from serve()


@pytest.fixture
def script(llm: ScriptedLlm) -> Iterator[httpx.Client]:
    """A client of the scripted model's control API, with the script and log cleared."""
    with httpx.Client(base_url=llm.url, timeout=30) as c:
        c.post("/_control/reset").raise_for_status()
        yield c


VenomFactory = Callable[..., LiveServer]


@pytest.fixture
def memory_venom(server_factory: ServerFactory) -> LiveServer:
    """A Venom server with memory on (the embedding model loads; no LLM), memory ready."""
    srv = server_factory(VENOM_RUNTIME_PROFILE="llm_off", **SECRET_ENV)
    deadline = time.monotonic() + 300  # the model loads in ~5 s on an idle machine; CI machines are busy
    with api(srv) as c:
        while time.monotonic() < deadline:
            memory = next(x for x in c.get("/api/v1/system/services").json() if x["name"] == "memory")
            if memory["details"]["status"] != "loading":
                assert memory["status"] == "online", memory
                return srv
            time.sleep(0.2)
    raise AssertionError("memory did not finish loading")


@pytest.fixture
def venom(server_factory: ServerFactory, tmp_path: Path) -> VenomFactory:
    """`venom({"name": entry, ...}, **env)`: a Venom server whose MCP config holds these servers."""

    def make(servers: dict[str, Any], **env: str) -> LiveServer:
        path = tmp_path / f"mcp-{len(list(tmp_path.glob('mcp-*.json')))}.json"
        path.write_text(json.dumps({"mcpServers": servers}))
        return server_factory(VENOM_MCP_CONFIG=str(path), **{**FAST_ENV, **SECRET_ENV, **env})

    return make


def api(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"})


def wait_status(client: httpx.Client, name: str, want: set[str], timeout: float = 60.0,
                check: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
    """Poll GET /api/v1/mcp/servers until server `name` has one of the `want` statuses."""
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = client.get("/api/v1/mcp/servers").json()
        last = next((s for s in body["servers"] if s["name"] == name), {})
        if last.get("status") in want and (check is None or check(last)):
            return last
        time.sleep(0.1)
    raise AssertionError(f"server {name} never reached {want}: {last}")


def invoke(client: httpx.Client, tool_id: str, arguments: dict[str, Any] | None = None) -> httpx.Response:
    return client.post(f"/api/v1/tools/{tool_id}/invoke", json={"arguments": arguments or {}})


def tools_by_id(client: httpx.Client) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in client.get("/api/v1/tools").json()["tools"]}
