"""Faults of a scaled-out deployment, with real processes: a worker killed with SIGKILL mid-task,
PostgreSQL restarting under running instances, and settings that cannot work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, LiveServer
from tests.scale.conftest import Cluster, events, submit, task, wait_for, wait_terminal
from tests.scale.slow_ollama import SlowOllama
from tests.storage_backends import fresh_pg_database, throwaway_server


def _kinds(db_url: str, task_id: str) -> list[str]:
    return [kind for _, kind in events(db_url, task_id)]


def test_a_worker_killed_before_anything_streamed_has_its_task_run_again(cluster: Cluster) -> None:
    cluster.model.mode = "hold"
    api = cluster.api(VENOM_ROLE="api")
    first = cluster.worker()
    tid = submit(api)
    wait_for(api, tid, lambda t: t["status"] == "PROCESSING")
    cluster.model.wait_calls(1)
    cluster.worker()
    first.stop(signal.SIGKILL)
    cluster.model.fast()
    done = wait_terminal(api, tid)
    assert done["status"] == "COMPLETED", done
    kinds = _kinds(cluster.db_url, tid)
    assert kinds.count("TASK_STARTED") == 2 and kinds.count("TASK_REQUEUED") == 1, kinds
    assert kinds.count("TASK_COMPLETED") == 1 and kinds[-1] == "TASK_COMPLETED", kinds


def test_a_stopped_worker_gives_its_task_back_at_once(cluster: Cluster) -> None:
    cluster.model.mode = "hold"
    slow_sweep = {"VENOM_QUEUE_STALLED_SECONDS": "3600"}  # no instance's stalled-job sweep can help here
    api = cluster.api(VENOM_ROLE="api", **slow_sweep)
    first = cluster.worker(**slow_sweep)
    tid = submit(api)
    wait_for(api, tid, lambda t: t["status"] == "PROCESSING")
    cluster.model.wait_calls(1)
    first.stop(signal.SIGTERM)
    cluster.model.fast()
    cluster.worker(**slow_sweep)
    done = wait_terminal(api, tid)
    assert done["status"] == "COMPLETED", done
    kinds = _kinds(cluster.db_url, tid)
    assert kinds.count("TASK_REQUEUED") == 1 and kinds.count("TASK_COMPLETED") == 1, kinds


def test_a_worker_killed_while_streaming_leaves_its_task_failed_interrupted(cluster: Cluster) -> None:
    cluster.model.mode, cluster.model.pieces, cluster.model.delay = "stream", 2000, 0.05
    api = cluster.api(VENOM_ROLE="api")
    first = cluster.worker()
    tid = submit(api)
    wait_for(api, tid, lambda t: t["status"] == "PROCESSING" and bool(t.get("result")))  # tokens are stored
    first.stop(signal.SIGKILL)
    assert task(api, tid)["status"] == "PROCESSING"  # nobody has noticed yet
    cluster.worker()
    done = wait_terminal(api, tid)
    assert done["status"] == "FAILED" and done["error"]["code"] == "interrupted", done
    kinds = _kinds(cluster.db_url, tid)
    assert kinds.count("TASK_STARTED") == 1 and kinds[-1] == "TASK_FAILED", kinds


def _status(api: LiveServer, task_id: str) -> str | None:
    try:
        r = httpx.get(f"{api.url}/api/v1/tasks/{task_id}", timeout=10)
    except httpx.HTTPError:
        return None
    return str(r.json()["status"]) if r.status_code == 200 else None


def _accepting(url: str) -> str:
    """The server URL once it accepts connections (a fresh server may still be starting up)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with engine.connect():
                    return url
            except sa.exc.OperationalError:
                assert time.monotonic() < deadline, "the test's PostgreSQL server did not start"
                time.sleep(0.1)
    finally:
        engine.dispose()


def test_instances_reconnect_after_a_postgresql_restart_and_accepted_tasks_finish(
        tmp_path: Path, model: SlowOllama) -> None:
    model.mode = "hold"
    with throwaway_server() as server, fresh_pg_database(_accepting(server.url)) as url:
        cluster = Cluster(tmp_path, url, model)
        try:
            api = cluster.api(VENOM_ROLE="api", MAX_CONCURRENT_TASKS="1")
            cluster.worker(MAX_CONCURRENT_TASKS="1")
            running = submit(api)
            wait_for(api, running, lambda t: t["status"] == "PROCESSING")
            waiting = submit(api, content="help", forced_intent="HELP_REQUEST")
            server.executor.stop()
            server.executor.start()
            model.fast()
            _accepting(server.url)  # only the test waits for it: the instances reconnect by themselves
            deadline = time.monotonic() + 120
            while {_status(api, running), _status(api, waiting)} != {"COMPLETED"}:
                assert time.monotonic() < deadline, (_status(api, running), _status(api, waiting))
                time.sleep(0.2)
            after = submit(api, content="help", forced_intent="HELP_REQUEST")  # new work flows again
            assert wait_terminal(api, after)["status"] == "COMPLETED"
            assert _kinds(url, running).count("TASK_COMPLETED") == 1
        finally:
            model.release()
            cluster.stop()


def _start(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "ENV_FILE": str(tmp_path / "none.env"), "PYTHONPATH": str(ROOT),
            "VENOM_DATA_DIR": str(tmp_path / "data"), "VENOM_LOG_DIR": str(tmp_path / "logs"), **env}
    return subprocess.run([sys.executable, "-m", "venom_core", *args], env=full, cwd=tmp_path, text=True,
                          capture_output=True, timeout=60)


@pytest.mark.parametrize("args", [[], ["worker"]], ids=["api", "worker"])
def test_the_shared_queue_on_sqlite_is_refused_at_start(tmp_path: Path, args: list[str]) -> None:
    done = _start(args, tmp_path, VENOM_QUEUE="postgres", VENOM_DATABASE_URL="")
    assert done.returncode == 2, done.stderr
    assert "VENOM_QUEUE=postgres needs a PostgreSQL database" in done.stderr


@pytest.mark.parametrize("module", ["venom_core", "venom_core.cli"], ids=["python -m venom_core", "venom"])
def test_a_worker_without_the_shared_queue_is_refused(tmp_path: Path, module: str) -> None:
    full = {**os.environ, "ENV_FILE": str(tmp_path / "none.env"), "PYTHONPATH": str(ROOT),
            "VENOM_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", module, "worker"], env=full, cwd=tmp_path, text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 2
    assert "VENOM_ROLE=worker needs the shared queue" in done.stderr


def test_an_api_only_instance_without_the_shared_queue_is_refused(tmp_path: Path) -> None:
    done = _start([], tmp_path, VENOM_ROLE="api")
    assert done.returncode == 2
    assert "VENOM_ROLE=api needs the shared queue" in done.stderr


def test_the_local_default_does_not_load_the_queue_engine(tmp_path: Path) -> None:
    """The embedded default stays as it was: no procrastinate, no shared-queue code, at all."""
    code = ("import sys; from venom_core.config import Settings; from venom_core.services import build_services; "
            "s = build_services(Settings()); "
            "print(type(s.queue).__name__, sorted(m for m in sys.modules if m.startswith(('procrastinate', "
            "'venom_core.core.pg_queue', 'venom_core.core.shared_tasks'))))")
    full = {**os.environ, "ENV_FILE": str(tmp_path / "none.env"), "PYTHONPATH": str(ROOT),
            "VENOM_DATA_DIR": str(tmp_path / "data"), "VENOM_MEMORY_ENABLED": "false"}
    done = subprocess.run([sys.executable, "-c", code], env=full, cwd=tmp_path, text=True, capture_output=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["AsyncioWorkerPool", "[]"]
