"""Fixtures of the scale-out tests: a throwaway PostgreSQL database, the slow model, and real
processes on it: API instances (uvicorn, `python -m venom_core`) and workers
(`python -m venom_core worker`), all sharing the queue in the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, LiveServer, stop_group
from tests.scale.slow_ollama import MODEL, SlowOllama, slow_ollama
from tests.storage_backends import fresh_pg_database, pg_admin_url

__all__ = ["pg_admin_url"]  # the session's PostgreSQL server (tests/storage_backends.py)

TERMINAL = {"COMPLETED", "FAILED", "CANCELLED"}


@pytest.fixture
def db_url(pg_admin_url: str) -> Iterator[str]:
    with fresh_pg_database(pg_admin_url) as url:
        yield url


@pytest.fixture
def model() -> Iterator[SlowOllama]:
    with slow_ollama() as m:
        yield m


def shared_env(db_url: str, model: SlowOllama, **extra: str) -> dict[str, str]:
    return {
        "VENOM_DATABASE_URL": db_url, "VENOM_QUEUE": "postgres", "VENOM_QUEUE_STALLED_SECONDS": "4",
        "VENOM_RATE_LIMIT_ENABLED": "false", "VENOM_MEMORY_ENABLED": "false",
        "LLM_PROVIDER": "ollama", "LLM_LOCAL_ENDPOINT": model.url, "LLM_MODEL_NAME": MODEL,
        "LLM_WARMUP_ON_STARTUP": "false", "OLLAMA_RETRY_MAX_ATTEMPTS": "1", **extra,
    }


@dataclass
class Worker:
    """`python -m venom_core worker` in its own process group."""

    data_dir: Path
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "ENV_FILE": str(self.data_dir / "none.env"), "PYTHONPATH": str(ROOT),
               "VENOM_DATA_DIR": str(self.data_dir / "data"), "VENOM_LOG_DIR": str(self.data_dir / "logs"),
               "VENOM_WORKSPACE": str(self.data_dir / "workspace"), **self.env}
        log = open(self.data_dir / "worker.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "-m", "venom_core", "worker"], env=env, stdout=log,
                                     stderr=subprocess.STDOUT, cwd=self.data_dir, start_new_session=True)
        deadline = time.monotonic() + 60
        while "Venom worker ready" not in self.log_text():
            assert self.proc.poll() is None, f"worker exited: {self.log_text()[-3000:]}"
            assert time.monotonic() < deadline, f"worker did not start: {self.log_text()[-3000:]}"
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        stop_group(self.proc, sig)
        self.proc = None

    def log_text(self) -> str:
        path = self.data_dir / "worker.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class Cluster:
    """The processes of one test, stopped at its end."""

    tmp: Path
    db_url: str
    model: SlowOllama
    apis: list[LiveServer] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)

    def api(self, **env: str) -> LiveServer:
        srv = LiveServer(data_dir=self.tmp / f"api{len(self.apis)}", env=shared_env(self.db_url, self.model, **env))
        srv.data_dir.mkdir(parents=True, exist_ok=True)
        self.apis.append(srv)
        srv.start()
        return srv

    def worker(self, **env: str) -> Worker:
        w = Worker(self.tmp / f"worker{len(self.workers)}", shared_env(self.db_url, self.model, **env))
        self.workers.append(w)
        w.start()
        return w

    def stop(self) -> None:
        for w in self.workers:
            w.stop()
        for srv in self.apis:
            srv.stop()


@pytest.fixture
def cluster(tmp_path: Path, db_url: str, model: SlowOllama) -> Iterator[Cluster]:
    c = Cluster(tmp_path, db_url, model)
    yield c
    model.release()
    c.stop()


def submit(api: LiveServer, content: str = "Tell me about otters", **extra: Any) -> str:
    r = httpx.post(f"{api.url}/api/v1/tasks", json={"content": content, **extra}, timeout=30)
    assert r.status_code == 201, r.text
    return str(r.json()["task_id"])


def task(api: LiveServer, task_id: str) -> dict[str, Any]:
    r = httpx.get(f"{api.url}/api/v1/tasks/{task_id}", timeout=30)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def wait_for(api: LiveServer, task_id: str, done: Callable[[dict[str, Any]], bool],
             timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        t = task(api, task_id)
        if done(t):
            return t
        assert time.monotonic() < deadline, f"task {task_id} stuck: {t['status']} {t.get('logs', [])[-5:]}"
        time.sleep(0.1)


def wait_terminal(api: LiveServer, task_id: str, timeout: float = 90) -> dict[str, Any]:
    return wait_for(api, task_id, lambda t: t["status"] in TERMINAL, timeout)


def events(db_url: str, task_id: str) -> list[tuple[int, str]]:
    """(seq, type) of the task's stored events, straight from the database."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT seq, type FROM events WHERE task_id = :t ORDER BY seq"),
                                {"t": task_id}).all()
    finally:
        engine.dispose()
    return [(int(r[0]), str(r[1])) for r in rows]
