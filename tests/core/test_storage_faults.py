"""Storage faults through the public interface: a full disk, an empty or foreign database file,
a read-only data directory.

A full disk is a real one: a small tmpfs mounted as the data directory, then filled. Mounting
needs root with CAP_SYS_ADMIN (CI runs as root in a privileged container); elsewhere the test
is skipped and says so. A read-only data directory is made with `chattr +i` as root (root
ignores permission bits) or `chmod 0555` otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ServerFactory
from tests.sse import read_stream


def _run(*cmd: str) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextlib.contextmanager
def small_disk(path: Path, size: str = "16m") -> Iterator[None]:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)):
        pytest.skip("a real full disk needs a small tmpfs, and mounting one needs root with CAP_SYS_ADMIN")
    try:
        yield
    finally:
        _run("umount", "-l", str(path))


def fill(path: Path) -> Path:
    """Fill the file system of `path` to the last byte; returns the filler file."""
    filler = path / "filler"
    with filler.open("wb", buffering=0) as f:
        for chunk in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    f.write(b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


def _status(client: httpx.Client) -> dict:  # type: ignore[type-arg]
    r = client.get("/api/v1/system/status")
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def test_a_full_disk_fails_fast_with_503_and_recovers(server_factory: ServerFactory) -> None:
    srv = server_factory(start=False)
    data = srv.data_dir / "data"
    with small_disk(data):
        srv.start()
        try:
            with httpx.Client(base_url=srv.url, timeout=20) as c:  # the timeout only guards against a hang
                accepted = [c.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"] for _ in range(3)]
                filler = fill(data)
                refused = None
                for _ in range(500):  # SQLite reuses free space in its files for a while
                    r = c.post("/api/v1/tasks", json={"content": "help"})
                    assert r.status_code in (201, 503), r.text
                    if r.status_code == 503:
                        refused = r.json()["error"]
                        break
                    accepted.append(r.json()["task_id"])
                assert refused is not None, "a full disk must eventually refuse writes"
                assert refused["code"] == "storage_unavailable" and "disk is full" in refused["message"]
                assert c.get("/api/v1/tasks").status_code in (200, 503), "reads answer, they never hang"
                again = c.post("/api/v1/tasks", json={"content": "help"})
                assert again.status_code == 503 and again.json()["error"]["code"] == "storage_unavailable"
                assert again.headers.get("retry-after")
                assert _status(c)["system_healthy"] is False
                services = {s["name"]: s for s in c.get("/api/v1/system/services").json()}
                assert services["event_log"]["status"] == "degraded"
                assert "disk is full" in services["event_log"]["detail"]

                filler.unlink()  # space comes back: Venom recovers on its own
                deadline = time.monotonic() + 30
                while not _status(c)["system_healthy"] and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert _status(c)["system_healthy"] is True
                tid = c.post("/api/v1/tasks", json={"content": "help"})
                assert tid.status_code == 201, tid.text
                accepted.append(tid.json()["task_id"])
                assert read_stream(c, accepted[-1])[-1].data["status"] == "COMPLETED"
                listed = c.get("/api/v1/tasks", params={"limit": 500})
                assert listed.status_code == 200
                assert set(accepted) <= {t["id"] for t in listed.json()}, "no accepted task is lost"
            srv.restart()
            with httpx.Client(base_url=srv.url, timeout=20) as c:
                stored = {t["id"] for t in c.get("/api/v1/tasks", params={"limit": 500}).json()}
                assert set(accepted) <= stored, "every 201 task survives a restart"
        finally:
            srv.stop()


def test_an_empty_database_file_starts_with_a_clear_warning(server_factory: ServerFactory) -> None:
    srv = server_factory(start=False)
    (srv.data_dir / "data").mkdir(parents=True)
    (srv.data_dir / "data" / "venom.db").write_bytes(b"")
    srv.start()
    assert "was empty (0 bytes) at start" in srv.log_text()
    with httpx.Client(base_url=srv.url, timeout=20) as c:
        database = next(s for s in c.get("/api/v1/system/services").json() if s["name"] == "database")
        assert database["warnings"] and "empty (0 bytes)" in database["warnings"][0]
        assert "restore" in database["warnings"][0]
        assert _status(c)["storage_warnings"] == database["warnings"]
        assert c.post("/api/v1/tasks", json={"content": "help"}).status_code == 201
    srv.restart()  # now it holds data: no warning any more
    with httpx.Client(base_url=srv.url, timeout=20) as c:
        assert _status(c)["storage_warnings"] == []


def test_a_file_that_is_not_a_database_is_refused_in_one_line(server_factory: ServerFactory) -> None:
    srv = server_factory(start=False)
    (srv.data_dir / "data").mkdir(parents=True)
    (srv.data_dir / "data" / "venom.db").write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(RuntimeError, match="exited with 2"):
        srv.start()
    log = srv.log_text()
    assert "venom: refusing to start:" in log and "is not a SQLite database" in log
    assert "Traceback" not in log


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[str]:
    """Make `path` read-only for this process; yields how."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield "chmod 0555"
        finally:
            path.chmod(0o755)
        return
    if shutil.which("chattr") and _run("chattr", "+i", str(path)):
        try:
            yield "chattr +i"
        finally:
            _run("chattr", "-i", str(path))
        return
    pytest.skip("running as root, which ignores permission bits, and `chattr +i` is not supported here")


def test_a_read_only_data_dir_is_refused_in_one_line(server_factory: ServerFactory) -> None:
    srv = server_factory(start=False)
    with read_only(srv.data_dir / "data"):
        with pytest.raises(RuntimeError, match="exited with 2"):
            srv.start()
        log = srv.log_text()
    assert "venom: refusing to start: The data directory" in log and "is not writable" in log
    assert "Traceback" not in log
    assert len([line for line in log.splitlines() if line.strip()]) == 1, log
