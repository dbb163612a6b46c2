"""Shared fixtures: a real Venom server (uvicorn subprocess) on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def stop_group(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    """Send `sig` to a test process's whole group and wait for it; SIGKILL after 15 s."""
    if proc and proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """One backend process. `restart()` keeps the data directory (crash/restart tests)."""

    data_dir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        env = {
            **os.environ,
            "ENV_FILE": str(self.data_dir / "none.env"),
            "VENOM_HOST": "127.0.0.1",
            "VENOM_PORT": str(self.port),
            "VENOM_DATA_DIR": str(self.data_dir / "data"),
            "VENOM_LOG_DIR": str(self.data_dir / "logs"),
            "VENOM_WORKSPACE": str(self.data_dir / "workspace"),
            "PYTHONPATH": str(ROOT),
            **self.env,
        }
        log = open(self.data_dir / f"server-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "venom_core"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.data_dir,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server did not start: {self.log_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        stop_group(self.proc, sig)
        self.proc = None

    def kill(self) -> None:
        """Crash: SIGKILL, no graceful shutdown."""
        self.stop(signal.SIGKILL)

    def restart(self) -> None:
        self.stop()
        self.port = free_port()
        self.start()

    def log_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.data_dir.glob("server-*.log"))


ServerFactory = Callable[..., LiveServer]


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start servers with extra env: `server_factory(MAX_CONCURRENT_TASKS="1")`."""
    started: list[LiveServer] = []

    def make(start: bool = True, **env: str) -> LiveServer:
        srv = LiveServer(data_dir=tmp_path / f"srv{len(started)}", env={"VENOM_RATE_LIMIT_ENABLED": "false", **env})
        srv.data_dir.mkdir(parents=True, exist_ok=True)
        started.append(srv)
        if start:
            srv.start()
        return srv

    yield make
    for srv in started:
        srv.stop()


@pytest.fixture
def server(server_factory: ServerFactory) -> LiveServer:
    return server_factory()


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c
