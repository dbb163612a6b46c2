"""The shared work queue across real processes: API instances and workers on one PostgreSQL.

Each test starts its own database, uvicorn API instance(s) and `python -m venom_core worker`
processes; the model is the slow Ollama double, so a task can be held running."""

from __future__ import annotations

import time

import httpx

from tests.scale.conftest import Cluster, events, submit, task, wait_for, wait_terminal

HELP = {"content": "help", "forced_intent": "HELP_REQUEST"}  # a fast path: no model call


def _runs(db_url: str, task_id: str) -> int:
    return sum(1 for _, kind in events(db_url, task_id) if kind == "TASK_STARTED")


def test_a_task_accepted_by_the_api_runs_on_a_worker(cluster: Cluster) -> None:
    api = cluster.api(VENOM_ROLE="api")
    worker = cluster.worker()
    tid = submit(api)
    done = wait_terminal(api, tid)
    assert done["status"] == "COMPLETED", done
    assert cluster.model.calls, "the worker called the model"  # the API instance cannot run tasks
    assert worker.proc is not None and worker.proc.poll() is None
    assert _runs(cluster.db_url, tid) == 1
    assert [kind for _, kind in events(cluster.db_url, tid)].count("TASK_COMPLETED") == 1
    seqs = [seq for seq, _ in events(cluster.db_url, tid)]
    assert seqs == list(range(1, len(seqs) + 1)), "one writer after another, no gap, no clash"


def test_an_api_only_instance_never_runs_a_task(cluster: Cluster) -> None:
    api = cluster.api(VENOM_ROLE="api")
    tids = [submit(api, **HELP) for _ in range(3)]
    time.sleep(3)  # long enough for a runner in this instance to have taken them: none may
    assert [task(api, t)["status"] for t in tids] == ["PENDING"] * 3
    assert all(_runs(cluster.db_url, t) == 0 for t in tids)
    cluster.worker()  # the first worker takes them
    assert [wait_terminal(api, t)["status"] for t in tids] == ["COMPLETED"] * 3


def test_two_workers_run_each_task_exactly_once(cluster: Cluster) -> None:
    # Model tasks that take a while, two slots per worker: both workers are busy at once.
    cluster.model.pieces, cluster.model.delay = 4, 0.05
    api = cluster.api(VENOM_ROLE="api")
    cluster.worker(MAX_CONCURRENT_TASKS="2")
    cluster.worker(MAX_CONCURRENT_TASKS="2")
    tids = [submit(api, f"Story number {n}") for n in range(12)] + [submit(api, **HELP) for _ in range(12)]
    assert [wait_terminal(api, t)["status"] for t in tids] == ["COMPLETED"] * 24
    assert [_runs(cluster.db_url, t) for t in tids] == [1] * 24
    assert [kinds.count("TASK_COMPLETED") for kinds in
            ([k for _, k in events(cluster.db_url, t)] for t in tids)] == [1] * 24
    logs = [w.log_text() for w in cluster.workers]
    assert all("Venom worker ready" in text for text in logs)


def test_abort_from_the_api_stops_the_task_on_its_worker_and_closes_the_model_request(cluster: Cluster) -> None:
    cluster.model.mode = "hold"
    api = cluster.api(VENOM_ROLE="api")
    cluster.worker()
    tid = submit(api)
    wait_for(api, tid, lambda t: t["status"] == "PROCESSING")
    cluster.model.wait_calls(1)
    r = httpx.post(f"{api.url}/api/v1/tasks/{tid}/abort", timeout=30)
    assert r.status_code == 200, r.text
    done = wait_terminal(api, tid)
    assert done["status"] == "CANCELLED" and done["error"]["code"] == "aborted", done
    deadline = time.monotonic() + 20
    while not cluster.model.calls[0].hung_up:  # the worker closed its upstream request
        assert time.monotonic() < deadline, "the model request stayed open"
        time.sleep(0.05)
    assert httpx.post(f"{api.url}/api/v1/tasks/{tid}/abort", timeout=30).status_code == 409


def test_pause_resume_and_purge_act_on_every_instance(cluster: Cluster) -> None:
    api = cluster.api(VENOM_ROLE="api")
    other = cluster.api()  # an instance that also runs tasks
    cluster.worker()
    assert httpx.post(f"{api.url}/api/v1/queue/pause", timeout=30).status_code == 200
    held = [submit(other, **HELP) for _ in range(2)]
    time.sleep(2.5)  # both runners have looked at them in that time: none may start
    assert [task(api, t)["status"] for t in held] == ["PENDING"] * 2
    r = httpx.post(f"{other.url}/api/v1/queue/resume", timeout=30)
    assert r.status_code == 200, r.text
    assert [wait_terminal(api, t)["status"] for t in held] == ["COMPLETED"] * 2

    assert httpx.post(f"{other.url}/api/v1/queue/pause", timeout=30).status_code == 200
    purged = [submit(api, **HELP) for _ in range(3)]
    r = httpx.post(f"{api.url}/api/v1/queue/purge", timeout=30)
    assert r.status_code == 200, r.text
    for t in purged:
        view = task(other, t)
        assert view["status"] == "CANCELLED" and view["error"]["code"] == "purged", view
        assert _runs(cluster.db_url, t) == 0
    httpx.post(f"{api.url}/api/v1/queue/resume", timeout=30)
    assert wait_terminal(other, submit(other, **HELP))["status"] == "COMPLETED"


def test_emergency_stop_cancels_a_task_running_on_a_worker(cluster: Cluster) -> None:
    cluster.model.mode = "hold"
    api = cluster.api(VENOM_ROLE="api")
    cluster.worker()
    tid = submit(api)
    wait_for(api, tid, lambda t: t["status"] == "PROCESSING")
    r = httpx.post(f"{api.url}/api/v1/queue/emergency-stop", timeout=60)
    assert r.status_code == 200, r.text
    done = wait_terminal(api, tid)
    assert done["status"] == "CANCELLED" and done["error"]["code"] == "emergency_stop", done
    assert httpx.get(f"{api.url}/api/v1/queue/status", timeout=30).json()["paused"] is True


def test_tasks_left_open_by_the_local_queue_are_run_once_the_queue_is_shared(cluster: Cluster) -> None:
    local = cluster.api(VENOM_QUEUE="local")  # the same PostgreSQL database, the in-process queue
    assert httpx.post(f"{local.url}/api/v1/queue/pause", timeout=30).status_code == 200
    tid = submit(local, **HELP)
    local.stop()
    api = cluster.api(VENOM_ROLE="api")
    cluster.worker()
    assert task(api, tid)["status"] == "PENDING"
    assert httpx.post(f"{api.url}/api/v1/queue/resume", timeout=30).status_code == 200
    assert wait_terminal(api, tid)["status"] == "COMPLETED"
    assert _runs(cluster.db_url, tid) == 1
