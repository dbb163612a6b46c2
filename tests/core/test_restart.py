"""Durability: accepted tasks survive a crash; interrupted ones are resolved as SPEC §3 says."""

from __future__ import annotations

import sqlite3

import httpx

from tests.conftest import LiveServer
from tests.sse import Frame, read_stream


def _stored(frame: Frame) -> tuple[object, ...]:
    """What a stream frame shows of the stored task (not the clock-derived fields)."""
    return frame.event, frame.id, frame.data.get("status"), frame.data.get("result"), frame.data.get("seq")


def test_crash_keeps_accepted_tasks_and_the_paused_queue(server_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    # On each storage backend: SQLite (the default) and a PostgreSQL server.
    srv: LiveServer = server_factory(VENOM_DATABASE_URL=database_url)
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        c.post("/api/v1/queue/pause")
        ids = [c.post("/api/v1/tasks", json={"content": "help", "session_id": "dur"}).json()["task_id"]
               for _ in range(5)]
    srv.kill()  # SIGKILL right after the 201s: no graceful flush
    srv.start()
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        status = c.get("/api/v1/queue/status").json()
        assert status["paused"] is True and status["pending"] == 5
        for tid in ids:
            assert c.get(f"/api/v1/tasks/{tid}").json()["status"] == "PENDING"
        c.post("/api/v1/queue/resume")
        for tid in ids:
            assert read_stream(c, tid)[-1].data["status"] == "COMPLETED"
        before = {tid: read_stream(c, tid, headers={"Last-Event-ID": "0"}) for tid in ids}
    srv.restart()  # the finished tasks, their whole streams and the session survive too
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        listed = c.get("/api/v1/tasks", params={"session_id": "dur"}).json()
        assert {t["id"] for t in listed} == set(ids)
        for tid in ids:
            replay = read_stream(c, tid, headers={"Last-Event-ID": "0"})
            assert [_stored(f) for f in replay] == [_stored(f) for f in before[tid]]
            assert replay[-1].data["status"] == "COMPLETED"


def test_interrupted_processing_tasks_are_rerun_or_failed(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv: LiveServer = server_factory()
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        c.post("/api/v1/queue/pause")
        silent = c.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
        streamed = c.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    srv.stop()
    # Put the store in the state a crash mid-run leaves behind: both PROCESSING, one with text streamed.
    db = sqlite3.connect(srv.data_dir / "data" / "venom.db")
    db.execute("UPDATE tasks SET status='PROCESSING', streamed=0 WHERE id=?", (silent,))
    db.execute("UPDATE tasks SET status='PROCESSING', streamed=1, result='partial' WHERE id=?", (streamed,))
    db.commit()
    db.close()
    srv.start()
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        c.post("/api/v1/queue/resume")
        rerun = read_stream(c, silent)
        assert rerun[-1].data["status"] == "COMPLETED"
        assert "Re-queued after a restart" in c.get(f"/api/v1/tasks/{silent}").json()["logs"]
        failed = c.get(f"/api/v1/tasks/{streamed}").json()
        assert failed["status"] == "FAILED" and failed["error"]["code"] == "interrupted"
        assert failed["error"]["retryable"] is True


def test_boot_id_changes_on_restart(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv: LiveServer = server_factory()
    first = httpx.get(f"{srv.url}/api/v1/system/status").json()["boot_id"]
    srv.restart()
    assert httpx.get(f"{srv.url}/api/v1/system/status").json()["boot_id"] != first
