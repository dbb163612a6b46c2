"""A throwaway Redis server for the tests, started from the installed `redis-server` binary.

`VENOM_TEST_REDIS_URL` names a server to use instead (for the tests that do not stop it). The
server keeps nothing on disk and listens on loopback on a free port; `stop()` and `start()` it
again on the same port to play an outage (the tests of the streams' fallback do).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port

TEST_URL_ENV = "VENOM_TEST_REDIS_URL"


class RedisServer:
    def __init__(self, binary: str, workdir: Path):
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> None:
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--protected-mode", "no"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.workdir / 'redis.log').read_text()[-2000:]}")
            if self.ping():
                return
            time.sleep(0.02)
        raise RuntimeError("redis-server did not answer PING")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Kill the server (SIGKILL: an outage, not a shutdown); its data is gone with it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


@contextlib.contextmanager
def throwaway_redis() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server")
                                              else None)
    if binary is None:
        pytest.skip("redis-server is not installed (`make system-deps`)")
    workdir = Path(tempfile.mkdtemp(prefix="venom-redis-"))
    server = RedisServer(binary, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A Redis server of this test alone, which it may stop and start."""
    with throwaway_redis() as server:
        yield server


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis server to use: `VENOM_TEST_REDIS_URL`, else a throwaway one."""
    given = os.environ.get(TEST_URL_ENV)
    if given:
        yield given
        return
    with throwaway_redis() as server:
        yield server.url
